from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Exists, OuterRef
from tqdm import tqdm

from healthhub.caching import keys, stamps
from healthhub.models import SearchEntry, SearchWord
from healthhub.registry import CONTENT_TYPES
from healthhub.search import index as search_index

BATCH_SIZE = 500


class Command(BaseCommand):
    help = (
        "Rebuild the search index from every article, FAQ, treatment list, treatment, trigger and glossary term. "
        "Safe to run at any time; run it after restoring a database or changing what is indexed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")

    def handle(self, *args, no_progress=False, **options):
        total = sum(content_type.model.objects.count() for content_type in CONTENT_TYPES)
        # Words of deleted content go; each batch adds back the words it indexes (misspelling suggestions
        # know fewer words until the rebuild ends).
        SearchWord.objects.all().delete()
        with tqdm(total=total, unit="item", disable=no_progress, file=self.stderr) as progress:
            for content_type in CONTENT_TYPES:
                progress.set_description(content_type.label)
                pks = list(content_type.model.objects.order_by("pk").values_list("pk", flat=True))
                for start in range(0, len(pks), BATCH_SIZE):
                    batch = pks[start : start + BATCH_SIZE]
                    with transaction.atomic():
                        search_index.index(content_type.key, batch)
                    progress.update(len(batch))
        removed = self._remove_orphans()
        # Search pages were kept with what the index said before.
        stamps.bump([keys.SEARCH])
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {total} items, {removed} stale entries removed."))

    def _remove_orphans(self):
        """Entries whose item is gone (deleted while signals were not running) or whose type no longer exists."""
        stale = SearchEntry.objects.exclude(content_type__in=[content_type.key for content_type in CONTENT_TYPES])
        removed = stale.delete()[1].get(SearchEntry._meta.label, 0)
        for content_type in CONTENT_TYPES:
            # NOT EXISTS, an anti-join: `NOT IN (subquery)` falls back to a per-row scan of the subquery
            # on PostgreSQL once the ids outgrow work_mem (hours for 300,000 FAQs).
            exists = content_type.model.objects.filter(pk=OuterRef("object_id"))
            gone = SearchEntry.objects.filter(~Exists(exists), content_type=content_type.key)
            removed += gone.delete()[1].get(SearchEntry._meta.label, 0)
        return removed
