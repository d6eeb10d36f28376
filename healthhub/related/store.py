"""Stored related-page lists, and the stamps that say when one may be out of date.

Working out an item's related pages (content.related) ranks every visible
item that shares one of its tags: at 100,000 articles that is thousands of
rows per page. The result changes only when an item carrying one of those
tags changes, so it is stored (RelatedList) and used again until then:

- after any change to an item commits (save, delete, tags, links between
  items), every tag the item carries, before and after, gets a new stamp
  (Stamp "tag:<id>"), and so do the tags of the items whose visibility hangs
  on it (an article's FAQs, treatment lists and treatments);
- changes that cannot be narrowed to tags (bulk updates, tag merges, deleted
  tags) stamp "all";
- a stored list is used only if it was started after the newest stamp of its
  item's tags and of "all", and before the next scheduled publication or
  unpublication anywhere on the site (which changes visibility without a save).

A list is timed from before its query runs and stamps are written after the
change commits, so a list worked out while a change was being saved is
never taken as current. The stamps use the app servers' clocks, which
deploy.md asks to keep in sync.
"""

import datetime
import logging
from functools import partial

from django.db import DatabaseError, transaction
from django.db.models import Subquery
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.utils import timezone
from taggit.models import Tag

from healthhub.cache import current_version
from healthhub.models import RelatedList, Stamp

logger = logging.getLogger(__name__)

ALL = "all"


def tag_key(tag_pk):
    return f"tag:{tag_pk}"


def _content():
    # healthhub.registry imports the content models, which stamp through this module.
    from healthhub import registry

    return registry


# --- Reading and storing lists -------------------------------------------------


def read(key, pk, tag_ids):
    """The stored rows of the item's list if they are still current, else None (one query)."""
    newest_stamp = (
        Stamp.objects.filter(key__in=[ALL, *map(tag_key, tag_ids)]).order_by("-changed_at").values("changed_at")[:1]
    )
    found = list(
        RelatedList.objects.filter(content_type=key, object_id=pk)
        .annotate(changed_at=Subquery(newest_stamp))
        .values("items", "computed_at", "valid_until", "changed_at")
    )
    if not found:
        return None
    stored = found[0]
    if stored["changed_at"] is not None and stored["computed_at"] <= stored["changed_at"]:
        return None
    if stored["valid_until"] is not None and timezone.now() >= stored["valid_until"]:
        return None
    return [_row_from_json(item) for item in stored["items"]]


def started():
    """(computed_at, valid_until) for a list about to be worked out: read both before its query runs."""
    next_change = current_version().next_change_at
    until = datetime.datetime.fromtimestamp(next_change, tz=datetime.UTC) if next_change is not None else None
    return timezone.now(), until


def store(key, pk, rows, when):
    """Keep a freshly worked-out list. A failed write (e.g. a busy SQLite file) only costs the next visitor time."""
    computed_at, valid_until = when
    item = RelatedList(
        content_type=key,
        object_id=pk,
        items=[_row_to_json(row) for row in rows],
        computed_at=computed_at,
        valid_until=valid_until,
    )
    try:
        with transaction.atomic():
            RelatedList.objects.bulk_create(
                [item],
                update_conflicts=True,
                unique_fields=["content_type", "object_id"],
                update_fields=["items", "computed_at", "valid_until"],
            )
    except DatabaseError:
        logger.warning("Could not store the related pages of %s %s", key, pk, exc_info=True)


# Stored rows name their type by key, not by its place in CONTENT_TYPES, which may change.


def _row_to_json(row):
    item = {name: value for name, value in row.items() if name != "type_rank"}
    return {**item, "type": _content().CONTENT_TYPES[row["type_rank"]].key, "newest": row["newest"].isoformat()}


def _row_from_json(item):
    ranks = {content_type.key: rank for rank, content_type in enumerate(_content().CONTENT_TYPES)}
    row = {name: value for name, value in item.items() if name != "type"}
    return {**row, "type_rank": ranks[item["type"]], "newest": datetime.datetime.fromisoformat(item["newest"])}


# --- Stamping changes ----------------------------------------------------------


def _write_stamps(keys):
    now = timezone.now()
    # Sorted, so that concurrent writers lock the rows in the same order.
    Stamp.objects.bulk_create(
        [Stamp(key=key, changed_at=now) for key in sorted(keys)],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["changed_at"],
    )


def tags_changed(tag_ids):
    """Lists of items carrying any of these tags may be out of date once the current transaction commits."""
    if keys := {tag_key(pk) for pk in tag_ids}:
        transaction.on_commit(partial(_write_stamps, keys), robust=True)


def everything_changed():
    """Every stored list may be out of date once the current transaction commits."""
    transaction.on_commit(partial(_write_stamps, {ALL}), robust=True)


def _tags_of(model, pks):
    return set(model.tags.through.objects.filter(content_object_id__in=pks).values_list("tag_id", flat=True))


def affected_tags(model, pks):
    """Tags of these items and of every item whose visibility hangs on them."""
    tag_ids = _tags_of(model, pks)
    for content_type in _content().CONTENT_TYPES:
        child = content_type.model
        for path, _optional in child.visibility_parents:
            if _content().model_at(child, path) is model:
                links = child.tags.through.objects.filter(**{f"content_object__{path}__in": pks})
                tag_ids |= set(links.values_list("tag_id", flat=True))
    return tag_ids


def _content_models():
    return {content_type.model for content_type in _content().CONTENT_TYPES}


def _saved(sender, instance, **kwargs):
    tags_changed(affected_tags(sender, [instance.pk]))


def _deleting(sender, instance, **kwargs):
    # Before the delete, while the item's tags and children can still be found.
    tags_changed(affected_tags(sender, [instance.pk]))
    own = RelatedList.objects.filter(content_type=_content().content_type_for(sender).key, object_id=instance.pk)
    transaction.on_commit(own.delete, robust=True)


def _links_changed(sender, instance, action, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    models = _content_models()
    if isinstance(instance, Tag) or (action == "pre_clear" and model is not Tag):
        # Items gained or lost a tag from the tag's side, or every link of an item is dropped.
        everything_changed()
        return
    if type(instance) not in models or (model is not Tag and model not in models):
        return
    tag_ids = _tags_of(type(instance), [instance.pk])
    if model is Tag:
        tag_ids |= set(pk_set or ())
    elif pk_set:
        # Links between items (a trigger listed on an article): the other side's lists change too.
        tag_ids |= _tags_of(model, pk_set)
    tags_changed(tag_ids)


def _tag_deleting(sender, instance, **kwargs):
    everything_changed()


def connect():
    for model in _content_models():
        label = model._meta.label_lower
        post_save.connect(_saved, sender=model, dispatch_uid=f"related-save-{label}")
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"related-delete-{label}")
    m2m_changed.connect(_links_changed, dispatch_uid="related-links")
    pre_delete.connect(_tag_deleting, sender=Tag, dispatch_uid="related-tag-delete")
