from django.core.management.base import BaseCommand
from tqdm import tqdm

from glossary import mentions as term_mentions
from glossary.models import PendingMention


class Command(BaseCommand):
    help = (
        "Work through the items queued after glossary terms changed (the “Used in” lists on term pages). "
        "Run it every minute from cron: a term with a common name can queue more items than the editor's "
        "save has time for. Does nothing when the queue is empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args, no_progress=False, **options):
        queued = PendingMention.objects.count()
        with tqdm(total=queued, unit="item", disable=no_progress or not queued) as bar:
            term_mentions.work_through(progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"Term mentions updated: {queued} queued items worked through."))
