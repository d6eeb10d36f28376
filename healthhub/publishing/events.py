"""The one write path: every change visitors could see ends in one `content_changed` signal.

Whatever made the change (a form, an inline row, a bulk action, `QuerySet.update()`,
an import, a tag merge, a restored revision, the clock passing a scheduled time),
it is described as a `Change` and `announce()`d. Changes made inside a transaction
are merged and sent once, after it commits; a rolled-back transaction sends
nothing. The derived stores (search index, term mentions, related lists, cached
pages) listen to `content_changed` and to nothing else; healthhub/apps.py lists
them, in the order they run.

The bridge below turns Django's model signals into Changes for the models
`connect()` is given, so code that saves models needs to do nothing more. It
tells a *display* change (a body edited: pages showing the item render again)
from a *membership* change (created, deleted, published, unpublished, rescheduled,
moved to another parent, reordered, tagged, linked: the lists, tag pages and
parents' pages that hold the item change too), and follows visibility to the
items that hang from a changed one (an article's FAQs, lists and treatments).
It knows the models only through their fields and these class attributes:
`visibility_fields`, `visibility_parents` and `ordering` (Publishable), `link_fields`
(what a link to an item shows), `matched_fields` (names that glossary linking matches).
"""

import dataclasses
import logging
import threading
from dataclasses import dataclass, field, fields

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent once per committed transaction (or at once, outside one) with `change=`.
content_changed = Signal()
# The status of items visitors may see (publishing.models.Status.PUBLISHED; that module builds on this one).
PUBLISHED = "published"


@dataclass(frozen=True)
class Change:
    """What changed, as far as visitors could see it. Combine two with `|`.

    Items are named (model label, primary key), e.g. ("articles.faq", 12).
    """

    # Items saved, deleted or otherwise changed, and the items whose visibility hangs on them.
    items: frozenset = frozenset()
    # Of those, the ones that joined, left or moved within lists (created, deleted, visibility,
    # schedule, parent, order, tags, links): the pages listing them change too.
    membership: frozenset = frozenset()
    # Items whose pages list an item of `membership` (its parents, the items linked to it).
    shown_in: frozenset = frozenset()
    # Items whose links read differently (their name, note or address changed; `link_fields`),
    # besides those of `membership`.
    relinked: frozenset = frozenset()
    # Tags whose set of carriers changed, or that were renamed.
    tags: frozenset = frozenset()
    # Glossary terms whose names or visibility changed: any text may link differently.
    terms: frozenset = frozenset()
    deleted: frozenset = frozenset()
    # Items that were not published before the change and are not after it: no visitor saw a difference.
    unseen: frozenset = frozenset()
    # The site-wide settings (the standard disclaimer).
    settings: bool = False
    # Something changed that cannot be narrowed down (e.g. rows written in bulk without signals).
    everything: bool = False
    # {item: its row before the change} where the bridge read one (the fields it compares, e.g. a
    # deleted term's names); the first one read wins when changes are combined.
    before: dict = field(default_factory=dict, compare=False)

    def __or__(self, other):
        merged = {}
        for spec in fields(self):
            mine, theirs = getattr(self, spec.name), getattr(other, spec.name)
            if isinstance(mine, bool):
                merged[spec.name] = mine or theirs
            elif isinstance(mine, dict):
                merged[spec.name] = {**theirs, **mine}
            else:
                merged[spec.name] = mine | theirs
        # Unseen only if no part of either change was seen (say, a draft saved, then published).
        seen = (self.items - self.unseen) | (other.items - other.unseen)
        merged["unseen"] = merged["unseen"] - seen
        return Change(**merged)

    def __bool__(self):
        return any(getattr(self, spec.name) for spec in fields(self) if spec.name != "before")

    def of(self, model, attribute="items"):
        """Primary keys of `model`'s items in one of the sets."""
        label = model._meta.label_lower
        return {pk for item_label, pk in getattr(self, attribute) if item_label == label}


# --- Announcing ------------------------------------------------------------------


class _Pending(threading.local):
    change = None
    flush = None


_pending = _Pending()


def announce(change):
    """Send `change` once the current transaction commits (now, outside a transaction)."""
    if not change:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _send(change)
        return
    if not pending():
        # First change of this transaction, or the one gathered before was rolled back with its callback.
        _pending.change = Change()

        def flush():
            gathered, _pending.change, _pending.flush = _pending.change, None, None
            _send(gathered)

        _pending.flush = flush
        transaction.on_commit(flush)
    _pending.change |= change


def pending():
    """Whether this thread holds changes that are not committed yet.

    While it does, nothing read from the database may be kept in a cache: the
    transaction may still roll back (an add-form preview always does).
    """
    if _pending.flush is None:
        return False
    connection = transaction.get_connection()
    # Django drops the callbacks of a rolled-back transaction or savepoint: if ours is gone, so is the change.
    return any(callback is _pending.flush for _sids, callback, _robust in connection.run_on_commit)


def send_now(change):
    """Send `change` at once, whatever transaction is open: for changes no transaction made (the clock's)."""
    if change:
        _send(change)


def _send(change):
    # Every derived store gets the change even if one fails, so none is left stale by another's error.
    for receiver, result in content_changed.send_robust(sender=Change, change=change):
        if isinstance(result, Exception):
            logger.error("%s failed to take a content change", receiver, exc_info=result)


# --- Describing changes ------------------------------------------------------------


def _parent_fields(model):
    """Foreign keys from `model` to other watched models: the items whose pages list it."""
    return [f for f in model._meta.concrete_fields if f.many_to_one and f.related_model in _watched]


def _links(model):
    """(through model, column naming `model`'s item, column naming the linked item) for its many-to-many links."""
    links = []
    for other in _watched:
        for f in other._meta.local_many_to_many:
            if f.related_model not in _watched or not f.remote_field.through._meta.auto_created:
                continue
            through = f.remote_field.through
            source, target = f.m2m_column_name(), f.m2m_reverse_name()
            if other is model:
                links.append((through, source, target, f.related_model))
            if f.related_model is model:
                links.append((through, target, source, other))
    return links


def membership_fields(model):
    """Fields whose change moves an item in or out of lists, or within them."""
    names = {f.attname for f in _parent_fields(model)} | set(getattr(model, "visibility_fields", ()))
    for expression in model._meta.ordering:
        if isinstance(expression, str):
            names.add(expression.lstrip("-"))
        else:  # e.g. Lower("term")
            names |= {ref for ref in _field_names(expression)}
    names.discard("pk")
    return names


def _field_names(expression):
    for source in expression.get_source_expressions():
        if isinstance(source, models.F):
            yield source.name
        else:
            yield from _field_names(source)


def _watched_fields(model):
    shown = set(getattr(model, "matched_fields", ())) | set(getattr(model, "link_fields", ()))
    return sorted(membership_fields(model) | shown)


def _rows(model, pks):
    """{pk: {field: value}} of the fields the bridge compares, as stored."""
    names = _watched_fields(model)
    return {row["pk"]: row for row in model._base_manager.filter(pk__in=pks).values("pk", *names)}


def _tags_of(model, pks):
    manager = getattr(model, "tags", None)
    if manager is None or not pks:
        return set()
    through = manager.through
    return set(through.objects.filter(content_object_id__in=pks).values_list("tag_id", flat=True))


def _linked(model, pks):
    found = set()
    for through, source, target, other in _links(model):
        for pk in through.objects.filter(**{f"{source}__in": pks}).values_list(target, flat=True):
            found.add((other._meta.label_lower, pk))
    return found


def _parents(model, rows):
    found = set()
    for f in _parent_fields(model):
        label = f.related_model._meta.label_lower
        found |= {(label, row[f.attname]) for row in rows if row.get(f.attname) is not None}
    return found


def _visibility_parents(model, rows):
    """The items every visibility parent path of `model` leads to from these rows (a treatment's article too)."""
    found = set()
    for path, _optional in getattr(model, "visibility_parents", ()):
        first, _, rest = path.partition("__")
        field = model._meta.get_field(first)
        ids = {row[field.attname] for row in rows if row.get(field.attname) is not None}
        target = field.related_model
        if rest and ids:
            ids = set(target._base_manager.filter(pk__in=ids).values_list(rest, flat=True)) - {None}
            target = _model_at(target, rest)
        found |= {(target._meta.label_lower, pk) for pk in ids}
    return found


def _unseen(model, pks, rows):
    """The pks whose rows, before and after, all say not published (for models with a status)."""
    if "status" not in getattr(model, "visibility_fields", ()):
        return set()
    published = {row["pk"] for row in rows if row.get("status") == PUBLISHED}
    return pks - published


def _model_at(model, path):
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def _dependents(model, pks):
    """{model: pks} of the items whose visibility hangs on these (an article's FAQs, lists, treatments)."""
    found = {}
    for child in _watched:
        for path, _optional in getattr(child, "visibility_parents", ()):
            if _model_at(child, path) is model:
                ids = child._base_manager.filter(**{f"{path}__in": pks}).values_list("pk", flat=True)
                found.setdefault(child, set()).update(ids)
    return {child: ids for child, ids in found.items() if ids}


def describe(
    model, pks, *, membership=True, rows_before=(), rows_after=None, deleted=False, renamed=False, relinked=False
):
    """The Change of these items of `model`.

    `rows_before` are their rows as stored before the change (see `_rows`), for the
    parents they had, `rows_after` as they are after it (read here if not given);
    `renamed` says the names glossary linking matches changed, `relinked` that what a
    link to them shows changed.
    """
    pks = set(pks)
    label = model._meta.label_lower
    if rows_after is None:
        rows_after = [] if deleted else list(_rows(model, pks).values())
    rows = [*rows_before, *rows_after]
    unseen = _unseen(model, pks, rows)
    if unseen and unseen != pks:  # some were seen: describe the two parts apart
        return describe(model, pks - unseen, membership=membership, rows_before=rows_before,
                        rows_after=rows_after, deleted=deleted, renamed=renamed, relinked=relinked) | describe(
            model, unseen, rows_before=rows_before, rows_after=rows_after, deleted=deleted)  # fmt: skip
    items = frozenset((label, pk) for pk in pks)
    before = {(label, row["pk"]): row for row in rows_before if row["pk"] in pks}
    deleted_items = items if deleted else frozenset()
    if unseen:
        # A draft before and after (and so are the items hanging from it): only its own upkeep.
        return Change(items=items, unseen=items, deleted=deleted_items, before=before)
    change = Change(
        items=items,
        deleted=deleted_items,
        terms=frozenset(pks if renamed else ()),
        relinked=items if relinked else frozenset(),
        before=before,
    )
    if not membership:
        return change
    dependents = _dependents(model, pks)
    all_items, tags = set(items), _tags_of(model, pks)
    for child, ids in dependents.items():
        all_items |= {(child._meta.label_lower, pk) for pk in ids}
        tags |= _tags_of(child, ids)
    # A term that appears, goes or moves changes what glossary links find.
    terms = pks if getattr(model, "matched_fields", None) else set()
    return change | Change(
        items=frozenset(all_items),
        membership=frozenset(all_items),
        shown_in=frozenset(_parents(model, rows) | _visibility_parents(model, rows) | _linked(model, pks)),
        tags=frozenset(tags),
        terms=frozenset(terms),
    )


def rows_before_update(queryset):
    """The rows an update of `queryset` is about to change, as describe_update() needs them."""
    return list(_rows(queryset.model, queryset.values("pk")).values())


def describe_update(model, rows_before, fields):
    """The Change an update of `fields` made to the rows read by rows_before_update(); call it after the update."""
    pks = [row["pk"] for row in rows_before]
    membership = bool(set(fields) & membership_fields(model))
    renamed = bool(set(fields) & set(getattr(model, "matched_fields", ())))
    relinked = bool(set(fields) & set(getattr(model, "link_fields", ())))
    return describe(model, pks, membership=membership, rows_before=rows_before, renamed=renamed, relinked=relinked)


def describe_tagged(tag_ids):
    """Every item carrying one of these tags: for a tag renamed, merged or deleted."""
    change = Change(tags=frozenset(tag_ids))
    for model in _watched:
        manager = getattr(model, "tags", None)
        if manager is None:
            continue
        pks = set(manager.through.objects.filter(tag_id__in=tag_ids).values_list("content_object_id", flat=True))
        if pks:
            label = model._meta.label_lower
            change |= Change(items=frozenset((label, pk) for pk in pks))
    return change


# --- The bridge from model signals --------------------------------------------------

_watched = set()
_BEFORE = "_row_before_change"


def _before_save(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None and not instance._state.adding:
        instance.__dict__[_BEFORE] = _rows(sender, [instance.pk]).get(instance.pk)


def _saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    before = instance.__dict__.pop(_BEFORE, None)
    names = _watched_fields(sender)
    after = {"pk": instance.pk, **{name: getattr(instance, name) for name in names}}
    changed = {name for name in names if before is None or before.get(name) != after[name]}
    membership = created or before is None or bool(changed & membership_fields(sender))
    renamed = bool(changed & set(getattr(sender, "matched_fields", ())))
    relinked = bool(changed & set(getattr(sender, "link_fields", ())))
    rows = [before] if before else []
    change = describe(
        sender, [instance.pk], membership=membership, rows_before=rows, rows_after=[after], renamed=renamed,
        relinked=relinked,
    )  # fmt: skip
    announce(change)


def _before_delete(sender, instance, **kwargs):
    # While the item's tags, links and dependents can still be found.
    rows = list(_rows(sender, [instance.pk]).values())
    change = describe(sender, [instance.pk], rows_before=rows, deleted=True)
    announce(change | Change(shown_in=frozenset(_linked(sender, [instance.pk]))))


def _links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":
        pk_set = _linked_pks(sender, instance)
    sides = [(type(instance), {instance.pk}), (model, set(pk_set or ()))]
    change = Change()
    for side, pks in sides:
        if side in _watched and pks:
            change |= describe(side, pks)
    announce(change)


def _linked_pks(through, instance):
    """The items `instance` is linked to by `through`, from either column (a term's related terms use both)."""
    first, second = (f for f in through._meta.concrete_fields if f.many_to_one)
    found = set()
    for mine, other in ((first, second), (second, first)):
        if isinstance(instance, mine.related_model):
            rows = through.objects.filter(**{mine.attname: instance.pk})
            found |= set(rows.values_list(other.attname, flat=True))
    return found


def _tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # tag.<items>.add(...): `instance` is the tag
        pks, tags = set(pk_set or ()), {instance.pk}
        if action == "pre_clear":
            pks = set(sender.objects.filter(tag=instance).values_list("content_object_id", flat=True))
        item_model = sender._meta.get_field("content_object").related_model
    else:
        pks, item_model = {instance.pk}, type(instance)
        tags = set(pk_set or ()) if action != "pre_clear" else _tags_of(item_model, pks)
    change = describe(item_model, pks)
    if not change.unseen:
        # Only the tags gained or lost: lists under the item's other tags hold it as before.
        change = dataclasses.replace(change, tags=frozenset(tags))
    announce(change)


def _link_row_saved(sender, instance, raw=False, **kwargs):
    # A link row written on its own (an article form's trigger rows): both items it links.
    if raw:
        return
    change = Change()
    for f in sender._meta.concrete_fields:
        if f.many_to_one and f.related_model in _watched and (pk := getattr(instance, f.attname)) is not None:
            change |= describe(f.related_model, [pk])
    announce(change)


def _tag_saved(sender, instance, created=False, raw=False, **kwargs):
    if not created and not raw:  # a renamed tag reads differently wherever it is shown
        announce(describe_tagged([instance.pk]))


def _tag_deleting(sender, instance, **kwargs):
    change = describe_tagged([instance.pk])
    for model, pks in _carriers(instance.pk).items():
        change |= describe(model, pks)
    announce(change)


def _carriers(tag_id):
    found = {}
    for model in _watched:
        manager = getattr(model, "tags", None)
        if manager is not None:
            pks = set(manager.through.objects.filter(tag_id=tag_id).values_list("content_object_id", flat=True))
            if pks:
                found[model] = pks
    return found


def _settings_saved(sender, raw=False, **kwargs):
    if not raw:
        announce(Change(settings=True))


def connect(*, content, tag_model, settings_model):
    """Announce every change to these content models, their tags and links, the tags themselves and the settings."""
    _watched.update(content)
    for model in content:
        uid = model._meta.label_lower
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"events-before-save-{uid}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"events-save-{uid}")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"events-delete-{uid}")
        if (manager := getattr(model, "tags", None)) is not None:
            m2m_changed.connect(_tags_changed, sender=manager.through, dispatch_uid=f"events-tags-{uid}")
    for model in content:
        for through, _source, _target, _other in _links(model):
            uid = through._meta.label_lower
            m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"events-links-{uid}")
            post_save.connect(_link_row_saved, sender=through, dispatch_uid=f"events-link-save-{uid}")
            post_delete.connect(_link_row_saved, sender=through, dispatch_uid=f"events-link-delete-{uid}")
    post_save.connect(_tag_saved, sender=tag_model, dispatch_uid="events-tag-save")
    pre_delete.connect(_tag_deleting, sender=tag_model, dispatch_uid="events-tag-delete")
    post_save.connect(_settings_saved, sender=settings_model, dispatch_uid="events-settings-save")
