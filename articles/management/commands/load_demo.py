from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from healthhub.importing import ContentError, import_paths

DEMO_CONTENT = settings.BASE_DIR / "content" / "demo"


class Command(BaseCommand):
    help = (
        "Load the demo articles, FAQs, treatments, triggers and glossary. Safe to run again: items are updated by slug."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database already holds any article."
        )

    def handle(self, *args, if_empty=False, **options):
        from articles.models import Article

        if if_empty and Article.objects.exists():
            self.stdout.write("The database already has content; demo content not loaded.")
            return
        try:
            report = import_paths([DEMO_CONTENT])
        except ContentError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content loaded: {len(report.created)} created, {len(report.updated)} updated "
                f"(from {DEMO_CONTENT.relative_to(settings.BASE_DIR)})."
            )
        )
