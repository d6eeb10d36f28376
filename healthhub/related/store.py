"""Stored related-page lists (RelatedList), used again while nothing they show has changed.

Working out an item's related pages (related.queries.related) ranks every
visible item that shares one of its tags: at 100,000 articles that is thousands
of rows per page. The result changes only when the item itself changes, an item
joins or leaves one of its tags (or moves within it: published, rescheduled),
or an item the list shows changes; each of those stamps a key
(healthhub/caching/keys.py). So a list is stored with those keys and the stamp
counter read before its query ran, and used while none of the keys is newer.
"""

import datetime
import logging

from django.db import DatabaseError, transaction

from healthhub.caching import deps, keys, stamps
from healthhub.models import RelatedList
from healthhub.registry import CONTENT_TYPES

logger = logging.getLogger(__name__)


def list_keys(owner, tag_ids, rows):
    """What a list depends on: its item, the item's tags, and the links it shows."""
    found = [keys.item(owner), *(keys.tag(pk) for pk in tag_ids)]
    found += [keys.link_of(CONTENT_TYPES[row["type_rank"]].model._meta.label_lower, row["item_pk"]) for row in rows]
    return found


def read(key, owner, tag_ids):
    """The stored rows of the item's list if they are still current, else None (one query, and one stamp read)."""
    rows = RelatedList.objects.filter(content_type=key, object_id=owner.pk)
    stored = rows.values("items", "epoch", "started", "keys").first()
    if stored is None:
        return None
    entry = deps.Entry(stored["epoch"], stored["started"], frozenset(stored["keys"]), None)
    if not set(map(keys.tag, tag_ids)) <= entry.keys or not deps.is_current(entry):
        return None
    deps.track(*entry.keys)
    return [_row_from_json(item) for item in stored["items"]]


def started():
    """(epoch, stamp counter) to store a list with: read before its query runs."""
    snapshot = stamps.snapshot()
    return snapshot.epoch, snapshot.counter


def store(key, owner, tag_ids, rows, when):
    """Keep a freshly worked-out list. A failed write (e.g. a busy SQLite file) only costs the next visitor time."""
    depends_on = list_keys(owner, tag_ids, rows)
    deps.track(*depends_on)
    if not deps.storable():
        return
    item = RelatedList(
        content_type=key,
        object_id=owner.pk,
        items=[_row_to_json(row) for row in rows],
        epoch=when[0],
        started=when[1],
        keys=depends_on,
    )
    try:
        with transaction.atomic():
            RelatedList.objects.bulk_create(
                [item],
                update_conflicts=True,
                unique_fields=["content_type", "object_id"],
                update_fields=["items", "epoch", "started", "keys"],
            )
    except DatabaseError:
        logger.warning("Could not store the related pages of %s %s", key, owner.pk, exc_info=True)


def on_change(sender, change, **kwargs):
    """A deleted item's stored list goes with it."""
    for content_type in CONTENT_TYPES:
        if pks := change.of(content_type.model, "deleted"):
            RelatedList.objects.filter(content_type=content_type.key, object_id__in=pks).delete()


# Stored rows name their type by key, not by its place in CONTENT_TYPES, which may change.


def _row_to_json(row):
    item = {name: value for name, value in row.items() if name != "type_rank"}
    return {**item, "type": CONTENT_TYPES[row["type_rank"]].key, "newest": row["newest"].isoformat()}


def _row_from_json(item):
    ranks = {content_type.key: rank for rank, content_type in enumerate(CONTENT_TYPES)}
    row = {name: value for name, value in item.items() if name != "type"}
    return {**row, "type_rank": ranks[item["type"]], "newest": datetime.datetime.fromisoformat(item["newest"])}
