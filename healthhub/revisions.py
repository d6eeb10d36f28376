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

Some links are stored on the other side: an article's triggers are
`Trigger.articles`. A model names such reverse relations in
`_history_reverse_links`, and its revisions keep the ids of the items linking to
it in `linked_from` (`{"triggers": [3, 8]}`). A relation missing from it was
not recorded (the revision is older than the declaration): it is then neither
compared nor restored, rather than read as "no links". The links belong to the
other items, so when restoring or deleting changes them, each item concerned
gets a revision of its own.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models
from django.db.models.signals import pre_delete
from django.utils.text import capfirst
from simple_history.signals import post_create_historical_record, pre_create_historical_record
from simple_history.utils import get_m2m_field_name, get_m2m_reverse_field_name

_BEFORE_DELETE = "_relations_before_delete"


class RevisionRelations(models.Model):
    """Extra columns of every content type's historical model."""

    tag_names = models.JSONField(default=list, blank=True, editable=False)
    # {accessor of a `_history_reverse_links` relation: ids of the items linking to this one}
    linked_from = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True


@dataclass
class Relations:
    tags: list
    # field name -> the through rows (column values) linking the item
    links: dict
    # reverse accessor -> ids of the items linking to the item
    linked_from: dict


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


def reverse_links(model):
    """The many-to-many relations of other models, pointing at `model`, that its revisions record."""
    return [model._meta.get_field(name) for name in getattr(model, "_history_reverse_links", ())]


def _links(model):
    """(key, label, linked model) of every kind of link a revision of `model` records."""
    for field in link_fields(model):
        yield field.name, str(field.verbose_name), field.related_model
    for relation in reverse_links(model):
        yield (
            relation.get_accessor_name(),
            str(relation.related_model._meta.verbose_name_plural),
            relation.related_model,
        )


def _through_columns(relation):
    """(column naming the linking item, column naming the linked one) of a reverse relation's through table."""
    through = relation.through._meta
    return (
        through.get_field(relation.field.m2m_field_name()).attname,
        through.get_field(relation.field.m2m_reverse_field_name()).attname,
    )


def _current_linked_from(instance):
    linked_from = {}
    for relation in reverse_links(type(instance)):
        source, target = _through_columns(relation)
        ids = relation.through.objects.filter(**{target: instance.pk}).values_list(source, flat=True)
        linked_from[relation.get_accessor_name()] = sorted(ids)
    return linked_from


def tracks_relations(model):
    history = getattr(model._meta, "simple_history_manager_attribute", None)
    return history is not None and issubclass(getattr(model, history).model, RevisionRelations)


def current(instance):
    links = {}
    for field in link_fields(type(instance)):
        through = field.remote_field.through
        columns = [f.attname for f in through._meta.fields]
        links[field.name] = list(through.objects.filter(**{get_m2m_field_name(field): instance.pk}).values(*columns))
    return Relations(
        tags=sorted(instance.tags.names(), key=str.casefold), links=links, linked_from=_current_linked_from(instance)
    )


def write(record, relations):
    """Make `record` describe `relations` (replacing what it recorded)."""
    record.tag_names = relations.tags
    record.linked_from = relations.linked_from
    record.save(update_fields=["tag_names", "linked_from"])
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


def note_linked_from(instance):
    """Record in `instance`'s latest revision the reverse links saved after it (an article form's trigger rows)."""
    if reverse_links(type(instance)):
        record = instance.history.first()
        record.linked_from = _current_linked_from(instance)
        record.save(update_fields=["linked_from"])


def revise(model, ids, *, reason, user=None):
    """Give each item of `model` in `ids` a revision, for links changed on its behalf by another item's save."""
    for item in model._default_manager.filter(pk__in=ids):
        if user is not None:
            item._history_user = user
        item._change_reason = reason
        item.save(update_fields=["updated_at"])


def linked_ids(model, records):
    """{history_id: {key: set of linked ids}} for revisions of `model`, one query per field.

    Keys are field names and reverse accessors; a reverse relation a revision did not record is None.
    """
    ids = [record.history_id for record in records]
    result = {history_id: {} for history_id in ids}
    for field in link_fields(model):
        rows = getattr(model.history.model, field.name).model
        target = get_m2m_reverse_field_name(field) + "_id"
        for links in result.values():
            links[field.name] = set()
        for history_id, linked in rows.objects.filter(history_id__in=ids).values_list("history_id", target):
            result[history_id][field.name].add(linked)
    for relation in reverse_links(model):
        name = relation.get_accessor_name()
        for record in records:
            recorded = record.linked_from.get(name)
            result[record.history_id][name] = None if recorded is None else set(recorded)
    return result


def names_of(related_model, ids):
    """Display names for ids of `related_model`, from the latest revision when the item is gone."""
    names = {obj.pk: str(obj) for obj in related_model._default_manager.filter(pk__in=ids)}
    missing = set(ids) - set(names)
    if missing and hasattr(related_model._meta, "simple_history_manager_attribute"):
        history = getattr(related_model, related_model._meta.simple_history_manager_attribute)
        for record in history.filter(id__in=missing).order_by("id", "-history_date", "-history_id"):
            # history_object: the item as it was, named by its own __str__ (not "… as of <date>")
            names.setdefault(record.id, f"{record.history_object} (deleted)")
    return {pk: names.get(pk, f"#{pk} (deleted)") for pk in ids}


def link_names(model, links):
    """{key: {id: display name}} for every id in `links` (as from `linked_ids`), one lookup per kind of link."""
    names = {}
    for key, _label, related_model in _links(model):
        ids = set().union(*(by_key[key] or () for by_key in links.values()))
        names[key] = names_of(related_model, ids)
    return names


def changes_between(model, older, newer, links, names):
    """Tag and link changes from the `older` to the `newer` revision, with `links` and `names` loaded for both."""

    def by_name(values):
        return sorted(values, key=str.casefold)

    changes = []
    if {name.casefold() for name in older.tag_names} != {name.casefold() for name in newer.tag_names}:
        changes.append(RelationChange("tags", by_name(older.tag_names), by_name(newer.tag_names)))
    for key, label, _related_model in _links(model):
        old, new = links[older.history_id][key], links[newer.history_id][key]
        if old is not None and new is not None and old != new:
            changes.append(
                RelationChange(label, by_name(names[key][pk] for pk in old), by_name(names[key][pk] for pk in new))
            )
    return changes


def _still_there(related_model, ids):
    """(ids that still exist, {missing id: name})."""
    existing = set(related_model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
    return existing, names_of(related_model, set(ids) - existing)


def recorded_links(record):
    """{field: (ids that still exist, {missing id: name})} for one revision."""
    links = linked_ids(record.instance_type, [record])[record.history_id]
    return {field: _still_there(field.related_model, links[field.name]) for field in link_fields(record.instance_type)}


def recorded_linked_from(record):
    """{reverse relation: (ids that still exist, {missing id: name})} for the ones `record` recorded."""
    return {
        relation: _still_there(relation.related_model, record.linked_from[relation.get_accessor_name()])
        for relation in reverse_links(record.instance_type)
        if relation.get_accessor_name() in record.linked_from
    }


def _named(links, linked_from):
    named = [
        f"{field.verbose_name} “{name}”" for field, (_existing, missing) in links.items() for name in missing.values()
    ]
    named += [
        f"{relation.related_model._meta.verbose_name} “{name}”"
        for relation, (_existing, missing) in linked_from.items()
        for name in missing.values()
    ]
    return named


def gone_links(record):
    """The links `record` recorded whose items no longer exist, named for a warning."""
    return _named(recorded_links(record), recorded_linked_from(record))


def _relink(item, linked_from):
    for relation, (existing, _missing) in linked_from.items():
        source, target = _through_columns(relation)
        rows = relation.through.objects.filter(**{target: item.pk})
        now = set(rows.values_list(source, flat=True))
        rows.filter(**{f"{source}__in": now - existing}).delete()
        # Rows written directly, as the admin's inline does: m2m_changed would reach simple-history's
        # handler for the other model with this item as the instance.
        relation.through.objects.bulk_create(relation.through(**{source: pk, target: item.pk}) for pk in existing - now)
        revise(
            relation.related_model,
            now ^ existing,
            reason=f"{capfirst(relation.field.verbose_name)} changed by restoring “{item}”",
            user=getattr(item, "_history_user", None),
        )


def linked_from_changes(item, record):
    """What restoring `record` would change in the links kept on other items, which a restore form does not show."""
    now = _current_linked_from(item)
    changes = []
    for relation, (existing, _missing) in recorded_linked_from(record).items():
        before = set(now[relation.get_accessor_name()])
        if before != existing:
            names = names_of(relation.related_model, before | existing)
            changes.append(
                RelationChange(
                    str(relation.related_model._meta.verbose_name_plural),
                    sorted((names[pk] for pk in before), key=str.casefold),
                    sorted((names[pk] for pk in existing), key=str.casefold),
                )
            )
    return changes


def restore_linked_from(item, record):
    """Link `item` again from the items that linked to it when `record` was made, as far as they still exist."""
    _relink(item, recorded_linked_from(record))


def restore(item, record):
    """Give `item` the tags and links `record` recorded; returns the links skipped because their items are gone."""
    links, linked_from = recorded_links(record), recorded_linked_from(record)
    with one_revision(item):
        item.tags.set(record.tag_names)
        for field, (existing, _missing) in links.items():
            getattr(item, field.name).set(existing)
        _relink(item, linked_from)
    return _named(links, linked_from)


def _note_before_delete(sender, instance, **kwargs):
    if tracks_relations(sender):
        setattr(instance, _BEFORE_DELETE, current(instance))


def _relations_into_revision(sender, instance, history_instance, **kwargs):
    if not isinstance(history_instance, RevisionRelations):
        return
    noted = getattr(instance, _BEFORE_DELETE, None)
    if noted is not None:
        history_instance.tag_names = noted.tags
        history_instance.linked_from = noted.linked_from
    elif history_instance.history_type != "+":  # a new item has no tags or links yet
        history_instance.tag_names = sorted(instance.tags.names(), key=str.casefold)
        history_instance.linked_from = _current_linked_from(instance)


def _links_into_deletion(sender, instance, history_instance, **kwargs):
    noted = getattr(instance, _BEFORE_DELETE, None)
    if noted is not None and history_instance.history_type == "-":
        write(history_instance, noted)
        for relation in reverse_links(type(instance)):
            revise(
                relation.related_model,
                noted.linked_from[relation.get_accessor_name()],
                reason=f"{capfirst(relation.field.verbose_name)} changed by deleting “{instance}”",
                user=history_instance.history_user,
            )


def connect():
    pre_delete.connect(_note_before_delete, dispatch_uid="revisions-before-delete")
    pre_create_historical_record.connect(_relations_into_revision, dispatch_uid="revisions-relations")
    post_create_historical_record.connect(_links_into_deletion, dispatch_uid="revisions-deletion-links")
