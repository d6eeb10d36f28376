from django.core.management.base import BaseCommand

from glossary import mentions as term_mentions
from glossary.models import TermMention


class Command(BaseCommand):
    help = (
        "Work out again which content mentions which glossary term (the “Used in” lists on term pages). "
        "Safe to run at any time; saves keep the table current, so it is needed only after loading data "
        "without signals (bulk imports, restored databases)."
    )

    def handle(self, *args, **options):
        term_mentions.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Term mentions rebuilt: {TermMention.objects.count()} mentions."))
