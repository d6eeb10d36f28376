"""Which content mentions which glossary term, kept in TermMention for "Used in" on term pages.

A mention is what glossary linking finds (glossary.linking): a term's
name or alias as whole words, the longest term winning, outside headings,
links and code. Finding them means reading every text, so it is done when
text or terms change (after the transaction commits), not when a term page is
shown:

- a changed content item has its own mentions worked out again;
- a term whose names or visibility changed (or that was deleted) changes what
  every text containing one of its names (old or new) mentions, so those items
  are worked out again; the database
  and a loose regular expression narrow them to the texts that contain a
  name's words in order. A term with a common name ("Pain") can be in most
  texts on the site, more than one request can read: the items are queued
  (PendingMention), the editor's request works through the queue for at most
  BUDGET_SECONDS, and `manage.py update_term_mentions` (run every minute,
  docs/deploy.md) does the rest. Until then a term page's "Used in" may miss
  or keep a few pages; it never lists an invisible one.

Terms are matched whether they are visible now or scheduled, so that a term
going live at its publication time is already in the table; term pages show
only visible items (`published()`). Both kinds of work start from one
content change (`on_change`, healthhub/publishing/events.py); whenever a
term's rows change, its "Used in" key is stamped, so its page is built again.
"""

import re
import threading
import time
from functools import reduce
from operator import and_, or_

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from glossary.linking import GlossaryLinker, Matcher
from glossary.models import PendingMention, Term, TermMention
from healthhub.caching import keys, stamps
from healthhub.caching.deps import ProcessMemo
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
_WORDS = re.compile(r"\w+")


def _content_types():
    return [content_type for content_type in CONTENT_TYPES if content_type.html_fields]


def _published_terms():
    now = timezone.now()
    terms = Term.objects.filter(Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now), status=Status.PUBLISHED)
    return Matcher(terms.values("pk", "term", "slug", "short_definition", "aliases"))


# Stamped, like the visitors' matcher, whenever a term's names, status or schedule change.
_matcher = ProcessMemo(stamps.GLOSSARY)


def matcher():
    """Every term that is visible or will be by the clock alone (published, not expired)."""
    return _matcher.get(_published_terms)


def index(key, pks):
    """Work out the mentions of these items of one content type again (deleted items lose theirs)."""
    content_type = next(content_type for content_type in _content_types() if content_type.key == key)
    linker = GlossaryLinker(matcher=matcher())
    pks = list(pks)
    changed_terms = set()
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        found = set()
        rows = content_type.model.objects.filter(pk__in=chunk).values_list("pk", *content_type.html_fields)
        for pk, *texts in rows:
            term_ids = set().union(*(linker.mentions(text) for text in texts if text))
            if content_type.model is Term:
                term_ids.discard(pk)
            found |= {(term_id, pk) for term_id in term_ids}
        with transaction.atomic():
            stored = TermMention.objects.filter(content_type=key, object_id__in=chunk)
            before = set(stored.values_list("term_id", "object_id"))
            if before != found:
                stored.delete()
                TermMention.objects.bulk_create(
                    TermMention(term_id=term_id, content_type=key, object_id=pk) for term_id, pk in found
                )
        changed_terms |= {term_id for term_id, _pk in before ^ found}
    if changed_terms:
        # Term pages were kept with the "Used in" lists as they were.
        stamps.bump([keys.mentions(term_id) for term_id in changed_terms])


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


def on_change(sender, change, **kwargs):
    """Work out the mentions a content change may have changed (healthhub/publishing/events.py)."""
    for content_type in _content_types():
        if pks := change.of(content_type.model):
            index(content_type.key, pks)
    if change.terms:
        # Texts that mention a changed term under its old names, or contain its new ones. A deleted
        # term's rows went with it: its old names, recorded in the change, find those texts.
        names = [name for term in Term.objects.filter(pk__in=change.terms) for name in term_names(term)]
        for (label, pk), row in change.before.items():
            if label == Term._meta.label_lower and pk in change.terms:
                names += [row["term"], *(line.strip() for line in row["aliases"].splitlines() if line.strip())]
        terms_changed(change.terms, names)


def _rework(items):
    queue(items)
    if _budget.ends is _IN_REQUEST:
        _budget.ends = time.monotonic() + BUDGET_SECONDS
    work_through(until=_budget.ends)


def request_started(**kwargs):
    """A request has BUDGET_SECONDS for the queue from its first term change on (connected in healthhub/apps.py)."""
    _budget.ends = _IN_REQUEST


def request_finished(**kwargs):
    _budget.ends = None


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
