"""What a revision records besides an item's own columns: its tags and links.

Plain many-to-many fields (the references an FAQ or treatment cites, the
articles a trigger is listed on, a term's related terms) are recorded by
simple-history itself: each model names them in `_history_m2m_fields`, and
every revision keeps a copy of the link rows in a table per field.

Tags cannot go that way: taggit's manager is not a ManyToManyField, and
simple-history's m2m tracking reads `.field` and the through rows of one
(`Article.tags` has neither). Revisions keep the tag *names* instead, in
`tag_names` on the historical model: the tag admin renames, merges and deletes
tags, and a name still says what the editor chose when the tag row is gone
(restoring creates the tag again).

A form saves relations after the row, so the revision the row's save made is
completed with them (`one_revision`) instead of getting one revision per
changed relation. Deleting removes the links before the item itself, so they
are noted just before (`pre_delete`) and written into the deletion's revision.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models
from django.db.models.signals import pre_delete
from simple_history.signals import post_create_historical_record, pre_create_historical_record
from simple_history.utils import get_m2m_field_name, get_m2m_reverse_field_name

_BEFORE_DELETE = "_relations_before_delete"


class RevisionRelations(models.Model):
    """Extra columns of every content type's historical model."""

    tag_names = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        abstract = True


@dataclass
class Relations:
    tags: list
    # field name -> the through rows (column values) linking the item
    links: dict


@dataclass
class RelationChange:
    label: str
    old: list
    new: list

    @property
    def added(self):
        return [name for name in self.new if name not in self.old]

    @property
    def removed(self):
        return [name for name in self.old if name not in self.new]

    def __str__(self):
        parts = []
        if self.added:
            parts.append("added " + ", ".join(self.added))
        if self.removed:
            parts.append("removed " + ", ".join(self.removed))
        return f"{self.label}: {'; '.join(parts)}"


def link_fields(model):
    """The many-to-many fields simple-history records for `model`."""
    return list(model.history.model._history_m2m_fields)


def tracks_relations(model):
    history = getattr(model._meta, "simple_history_manager_attribute", None)
    return history is not None and issubclass(getattr(model, history).model, RevisionRelations)


def current(instance):
    links = {}
    for field in link_fields(type(instance)):
        through = field.remote_field.through
        columns = [f.attname for f in through._meta.fields]
        links[field.name] = list(through.objects.filter(**{get_m2m_field_name(field): instance.pk}).values(*columns))
    return Relations(tags=sorted(instance.tags.names(), key=str.casefold), links=links)


def write(record, relations):
    """Make `record` describe `relations` (replacing what it recorded)."""
    record.tag_names = relations.tags
    record.save(update_fields=["tag_names"])
    for field in link_fields(record.instance_type):
        rows = getattr(type(record), field.name).model
        rows.objects.filter(history=record).delete()
        rows.objects.bulk_create(rows(history=record, **row) for row in relations.links[field.name])


@contextmanager
def one_revision(instance):
    """Relations saved inside the block are written into the revision the row's save just made."""
    # simple-history would otherwise add a revision for every changed many-to-many field.
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving
    write(instance.history.first(), current(instance))


def linked_ids(model, records):
    """{history_id: {field name: set of linked ids}} for revisions of `model`, one query per field."""
    ids = [record.history_id for record in records]
    result = {history_id: {} for history_id in ids}
    for field in link_fields(model):
        rows = getattr(model.history.model, field.name).model
        target = get_m2m_reverse_field_name(field) + "_id"
        for links in result.values():
            links[field.name] = set()
        for history_id, linked in rows.objects.filter(history_id__in=ids).values_list("history_id", target):
            result[history_id][field.name].add(linked)
    return result


def names_of(related_model, ids):
    """Display names for ids of `related_model`, from the latest revision when the item is gone."""
    names = {obj.pk: str(obj) for obj in related_model._default_manager.filter(pk__in=ids)}
    missing = set(ids) - set(names)
    if missing and hasattr(related_model._meta, "simple_history_manager_attribute"):
        history = getattr(related_model, related_model._meta.simple_history_manager_attribute)
        for record in history.filter(id__in=missing).order_by("id", "-history_date", "-history_id"):
            names.setdefault(record.id, f"{record} (deleted)")
    return {pk: names.get(pk, f"#{pk} (deleted)") for pk in ids}


def link_names(model, links):
    """{field name: {id: display name}} for every id in `links` (as from `linked_ids`), one lookup per field."""
    names = {}
    for field in link_fields(model):
        ids = set().union(*(by_field[field.name] for by_field in links.values()))
        names[field.name] = names_of(field.related_model, ids)
    return names


def changes_between(model, older, newer, links, names):
    """Tag and link changes from the `older` to the `newer` revision, with `links` and `names` loaded for both."""

    def by_name(values):
        return sorted(values, key=str.casefold)

    changes = []
    if {name.casefold() for name in older.tag_names} != {name.casefold() for name in newer.tag_names}:
        changes.append(RelationChange("tags", by_name(older.tag_names), by_name(newer.tag_names)))
    for field in link_fields(model):
        old, new = links[older.history_id][field.name], links[newer.history_id][field.name]
        if old != new:
            field_names = names[field.name]
            changes.append(
                RelationChange(
                    str(field.verbose_name),
                    by_name(field_names[pk] for pk in old),
                    by_name(field_names[pk] for pk in new),
                )
            )
    return changes


def recorded_links(record):
    """{field: (ids that still exist, {missing id: name})} for one revision."""
    links = linked_ids(record.instance_type, [record])[record.history_id]
    result = {}
    for field in link_fields(record.instance_type):
        ids = links[field.name]
        existing = set(field.related_model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
        result[field] = (existing, names_of(field.related_model, ids - existing))
    return result


def restore(item, record):
    """Give `item` the tags and links `record` recorded; returns the links skipped because their items are gone."""
    skipped = []
    with one_revision(item):
        item.tags.set(record.tag_names)
        for field, (existing, missing) in recorded_links(record).items():
            getattr(item, field.name).set(existing)
            skipped += [f"{field.verbose_name} “{name}”" for name in missing.values()]
    return skipped


def _note_before_delete(sender, instance, **kwargs):
    if tracks_relations(sender):
        setattr(instance, _BEFORE_DELETE, current(instance))


def _tags_into_revision(sender, instance, history_instance, **kwargs):
    if not isinstance(history_instance, RevisionRelations):
        return
    noted = getattr(instance, _BEFORE_DELETE, None)
    if noted is not None:
        history_instance.tag_names = noted.tags
    elif history_instance.history_type != "+":  # a new item has no tags yet
        history_instance.tag_names = sorted(instance.tags.names(), key=str.casefold)


def _links_into_deletion(sender, instance, history_instance, **kwargs):
    noted = getattr(instance, _BEFORE_DELETE, None)
    if noted is not None and history_instance.history_type == "-":
        write(history_instance, noted)


def connect():
    pre_delete.connect(_note_before_delete, dispatch_uid="revisions-before-delete")
    pre_create_historical_record.connect(_tags_into_revision, dispatch_uid="revisions-tags")
    post_create_historical_record.connect(_links_into_deletion, dispatch_uid="revisions-deletion-links")
