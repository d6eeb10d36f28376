from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from healthhub.transfer.importing import import_paths

DEMO_CONTENT = settings.BASE_DIR / "content" / "demo"


class Command(BaseCommand):
    help = (
        "Load the demo reviewers, articles, FAQs, treatments, triggers and glossary (an import of content/demo/). "
        "Safe to run again: items are updated by slug."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database already holds any article."
        )

    def handle(self, *args, if_empty=False, verbosity=1, **options):
        if if_empty and Article.objects.exists():
            if verbosity:
                self.stdout.write("The database already has content; demo content not loaded.")
            return
        report = import_paths([DEMO_CONTENT])
        if report.failures:
            raise CommandError("\n".join(str(failure) for failure in report.failures))
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo content loaded from {DEMO_CONTENT.relative_to(settings.BASE_DIR)}: {report.summary()}"
                )
            )
