from django.core.management.base import BaseCommand

from healthhub.benchdata import generate


class Command(BaseCommand):
    help = (
        "Add generated articles (with FAQs, treatments, triggers and tags) and a 5,000-term glossary, for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="How many articles to add (default 1000).")
        parser.add_argument("--terms", type=int, default=5000, help="Glossary size, made on the first run.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *, articles, terms, seed, **options):
        if articles < 0 or terms < 0:
            self.stderr.write("--articles and --terms must be zero or more.")
            raise SystemExit(2)
        generate(articles=articles, terms=terms, seed=seed, progress=options["verbosity"] > 0)
        self.stdout.write(self.style.SUCCESS(f"Added {articles} articles."))
