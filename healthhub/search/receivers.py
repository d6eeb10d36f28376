"""The search index's part of the write path: index again every item a change touched."""

from healthhub.caching import keys, stamps
from healthhub.registry import CONTENT_TYPES
from healthhub.search import index


def on_change(sender, change, **kwargs):
    # A change announced as "everything" wrote rows in bulk; `manage.py rebuild_search_index` indexes them.
    touched = False
    for content_type in CONTENT_TYPES:
        if pks := change.of(content_type.model):
            index.index(content_type.key, pks)
            touched = touched or bool(pks - change.of(content_type.model, "unseen"))
    if touched:
        # Search pages were kept with what the index said before: now it says something else (a draft's
        # entry, which no search shows, does not count).
        stamps.bump([keys.SEARCH])
