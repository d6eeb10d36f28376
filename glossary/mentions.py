"""Which content mentions which glossary term, kept in TermMention for "Used in" on term pages.

A mention is what glossary linking finds (glossary.linking): a term's
name or alias as whole words, the longest term winning, outside headings,
links and code. Finding them means reading every text, so it is done when
text or terms change (after the transaction commits), not when a term page is
shown:

- a saved content item has its own mentions worked out again;
- a saved or deleted term changes what every text containing one of its names
  (old or new) mentions, so those items are worked out again; the database
  and a loose regular expression narrow them to the texts that contain a
  name's words in order. A term with a common name ("Pain") can be in most
  texts on the site, more than one request can read: the items are queued
  (PendingMention), the editor's request works through the queue for at most
  BUDGET_SECONDS, and `manage.py update_term_mentions` (run every minute,
  docs/deploy.md) does the rest. Until then a term page's "Used in" may miss
  or keep a few pages; it never lists an invisible one.

Terms are matched whether they are visible now or scheduled, so that a term
going live at its publication time is already in the table; term pages show
only visible items (`published()`), so visibility needs no upkeep here.
"""

import datetime
import re
import threading
import time
from functools import partial, reduce
from operator import and_, or_

from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from glossary.linking import GlossaryLinker, Matcher, glossary_version
from glossary.models import PendingMention, Term, TermMention
from healthhub.cache import content_changed
from healthhub.publishing.models import Status
from healthhub.registry import CONTENT_TYPES, link_columns, linked_items

BATCH = 500
# Items listed under "Used in" on a term page, all types together.
USED_IN_LIMIT = 1000
# Seconds a request spends on the queued items of changed terms (see above), however many terms
# it saves (a bulk action saves each one). Outside requests (commands, tests) there is no limit.
BUDGET_SECONDS = 2.0
_IN_REQUEST = object()


class _Budget(threading.local):
    ends = None  # None: no limit; _IN_REQUEST: a request that has not started on the queue yet


_budget = _Budget()
# Rebuild at least this often, as glossary_links does for its own matcher.
MATCHER_MAX_AGE = datetime.timedelta(minutes=5)
_WORDS = re.compile(r"\w+")
_built = {"matcher": None}


def _content_types():
    return [content_type for content_type in CONTENT_TYPES if content_type.html_fields]


def matcher():
    """Every term that is visible or will be by the clock alone (published, not expired)."""
    version = glossary_version()
    built = _built["matcher"]
    now = timezone.now()
    if built is None or built.version != version or now >= built.valid_until:
        terms = Term.objects.filter(Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now), status=Status.PUBLISHED)
        fields = terms.values("pk", "term", "slug", "short_definition", "aliases")
        built = Matcher(list(fields), version=version, valid_until=now + MATCHER_MAX_AGE)
        _built["matcher"] = built
    return built


def index(key, pks):
    """Work out the mentions of these items of one content type again (deleted items lose theirs)."""
    content_type = next(content_type for content_type in _content_types() if content_type.key == key)
    linker = GlossaryLinker(matcher=matcher())
    pks = list(pks)
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        found = []
        rows = content_type.model.objects.filter(pk__in=chunk).values_list("pk", *content_type.html_fields)
        for pk, *texts in rows:
            term_ids = set().union(*(linker.mentions(text) for text in texts if text))
            if content_type.model is Term:
                term_ids.discard(pk)
            found += [TermMention(term_id=term_id, content_type=key, object_id=pk) for term_id in term_ids]
        with transaction.atomic():
            TermMention.objects.filter(content_type=key, object_id__in=chunk).delete()
            TermMention.objects.bulk_create(found)
    # The save that led here started a new content version before this ran: a term page
    # cached in between would keep the old list, so start another one. Articles' content
    # does not show these lists.
    content_changed(article_content=False)


def _name_words(name):
    """The words of a name, lower-cased, the last one cut before a plural ending could change it."""
    words = [word.lower() for word in _WORDS.findall(name)]
    if words and words[-1].endswith("y") and len(words[-1]) > 2:
        words[-1] = words[-1][:-1]  # artery → arteries
    return words


def _loose_pattern(names):
    """A regular expression found wherever one of these names could be mentioned, or None.

    Looser than the matcher, never stricter: a name's words in order with any
    run of non-word characters or entities between them and any ending after
    them. Names with other than ASCII letters get None (no prefilter), as
    Unicode case folding is beyond a regular expression.
    """
    if not all(name.isascii() for name in names):
        return None
    gap = r"(?:\W|&#?\w+;)+"
    return re.compile("|".join(gap.join(map(re.escape, _name_words(name))) for name in names), re.IGNORECASE)


def containing(names):
    """{content type key: ids of the items whose text may mention one of `names`} (a superset).

    The database narrows each type to the items containing every word of one
    of the names; a loose regular expression then drops most of the rest
    without the cost of the matcher.
    """
    names = [name for name in names if _WORDS.search(name)]
    if not names:
        return {}
    pattern = _loose_pattern(names)
    found = {}
    for content_type in _content_types():
        fields = content_type.html_fields

        def has_word(word, fields=fields):
            return reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields))

        contains = reduce(or_, (reduce(and_, map(has_word, _name_words(name))) for name in names))
        rows = content_type.model.objects.filter(contains).values_list("pk", *fields)
        found[content_type.key] = {
            pk
            for pk, *texts in rows.iterator()
            if pattern is None or any(text and pattern.search(text) for text in texts)
        }
    return found


def mentioning(term_ids):
    """{content type key: ids of the items recorded as mentioning one of these terms}."""
    found = {}
    for key, object_id in TermMention.objects.filter(term__in=term_ids).values_list("content_type", "object_id"):
        found.setdefault(key, set()).add(object_id)
    return found


def terms_changed(term_ids, names):
    """Rework every item that mentioned these terms or contains one of `names` (their names now)."""
    items = mentioning(term_ids)
    for key, pks in containing(names).items():
        items.setdefault(key, set()).update(pks)
    _rework(items)


def queue(items):
    """Queue {content type key: pks} to be worked out again; an item queued already moves to the back."""
    now = timezone.now()
    PendingMention.objects.bulk_create(
        [PendingMention(content_type=key, object_id=pk, queued_at=now) for key, pks in items.items() for pk in pks],
        update_conflicts=True,
        unique_fields=["content_type", "object_id"],
        update_fields=["queued_at"],
        batch_size=BATCH,
    )


def work_through(*, until=None, progress=None):
    """Work out queued items, oldest first, a batch at a time, until none are left or `time.monotonic()` passes `until`.

    Returns how many are left. An item queued again while its batch was read
    stays queued. `progress(n)` is called after each batch.
    """
    while True:
        if until is not None and time.monotonic() >= until:
            return PendingMention.objects.count()
        batch = list(
            PendingMention.objects.order_by("queued_at", "pk").values_list(
                "pk", "content_type", "object_id", "queued_at"
            )[:BATCH]
        )
        if not batch:
            return 0
        by_type = {}
        for _pk, key, object_id, _queued_at in batch:
            by_type.setdefault(key, []).append(object_id)
        for key, pks in by_type.items():
            index(key, pks)
        # Rows queued again after this batch was read carry a later time than any read.
        newest = max(queued_at for *_row, queued_at in batch)
        PendingMention.objects.filter(pk__in=[row[0] for row in batch], queued_at__lte=newest).delete()
        if progress:
            progress(len(batch))


def term_names(term):
    return [term.term, *term.alias_list]


def rebuild():
    """Every item of every type worked out again: `manage.py rebuild_term_mentions`."""
    TermMention.objects.all().delete()
    PendingMention.objects.all().delete()
    for content_type in _content_types():
        index(content_type.key, content_type.model.objects.order_by("pk").values_list("pk", flat=True))


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(partial(index, _key_of(sender), [instance.pk]))


def _deleted(sender, instance, **kwargs):
    transaction.on_commit(partial(index, _key_of(sender), [instance.pk]))


# What decides which texts a term is matched in; other edits (its definition) change none.
_MATCHED_FIELDS = ("term", "aliases", "status", "unpublish_at")


def _term_saving(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        instance._matched_before = Term.objects.filter(pk=instance.pk).values_list(*_MATCHED_FIELDS).first()


def _term_saved(sender, instance, raw=False, **kwargs):
    matched = tuple(getattr(instance, field) for field in _MATCHED_FIELDS)
    if not raw and getattr(instance, "_matched_before", None) != matched:
        transaction.on_commit(partial(terms_changed, [instance.pk], term_names(instance)))


def _term_deleting(sender, instance, **kwargs):
    # The items that mentioned the term must be found before its rows go with it.
    transaction.on_commit(partial(_rework, mentioning([instance.pk])))


def _rework(items):
    queue(items)
    if _budget.ends is _IN_REQUEST:
        _budget.ends = time.monotonic() + BUDGET_SECONDS
    work_through(until=_budget.ends)


def _request_started(**kwargs):
    _budget.ends = _IN_REQUEST


def _request_finished(**kwargs):
    _budget.ends = None


def _key_of(model):
    return next(content_type.key for content_type in _content_types() if content_type.model is model)


def connect():
    for content_type in _content_types():
        model = content_type.model
        post_save.connect(_saved, sender=model, dispatch_uid=f"term-mentions-save-{content_type.key}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"term-mentions-delete-{content_type.key}")
    pre_save.connect(_term_saving, sender=Term, dispatch_uid="term-mentions-term-saving")
    post_save.connect(_term_saved, sender=Term, dispatch_uid="term-mentions-term-save")
    pre_delete.connect(_term_deleting, sender=Term, dispatch_uid="term-mentions-term-delete")
    request_started.connect(_request_started, dispatch_uid="term-mentions-request-started")
    request_finished.connect(_request_finished, dispatch_uid="term-mentions-request-finished")


def used_in(term, *, limit=USED_IN_LIMIT):
    """[(content type, visible items whose text mentions `term`)], as glossary links find it, by name.

    The mentions are worked out when texts or terms change (see above);
    here it is one query for every type with text, at most `limit` items in all.
    """
    first, *others = (
        content_type.model.objects.published()
        .filter(pk__in=TermMention.objects.filter(term=term, content_type=content_type.key).values("object_id"))
        .values(**link_columns(rank, content_type))
        .order_by()
        for rank, content_type in enumerate(CONTENT_TYPES)
        if content_type.html_fields
    )
    rows = first.union(*others, all=True).order_by("type_rank", "label", "item_pk")[:limit]
    groups = {}
    for content_type, item, _row in linked_items(rows):
        groups.setdefault(content_type, []).append(item)
    return list(groups.items())
