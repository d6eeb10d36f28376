"""Related pages: visible items of every type sharing tags with an item, best first."""

import datetime
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import Article
from healthhub.registry import CONTENT_TYPES, ContentType, content_type_for, link_columns, linked_items
from healthhub.related import store

RELATED_LIMIT = 8


@dataclass(frozen=True)
class Related:
    content_type: ContentType
    item: object


def _related_candidates(rank, content_type, obj, tag_ids, now):
    """The candidates of one type with their shared-tag counts."""
    wanted = Q(tags__in=tag_ids)
    if isinstance(obj, Article) and content_type.article_path:
        wanted &= ~Q(**{content_type.article_path: obj})
    if isinstance(obj, content_type.model):
        wanted &= ~Q(pk=obj.pk)
    return (
        content_type.model.objects.published(now=now)
        .filter(wanted)
        .values(**link_columns(rank, content_type))
        .annotate(shared=Count("tags"))
        .order_by()
    )


def related(obj, *, limit=RELATED_LIMIT, fresh=False):
    """Visible items of every type sharing tags with `obj`: most shared tags first, then newest.

    Worked out by one query whatever the number of types, items or tags (the
    candidates of every type joined with UNION ALL, ranked and cut to `limit`
    in the database), and stored until an item carrying one of the tags
    changes (healthhub.related.store): a page with a current list reads one
    row instead. `obj.tags.all()` should be prefetched. `obj` itself is left
    out, and so are an article's own FAQs, treatments and triggers: its page
    shows them already. The items carry only what their link shows (name,
    address, summary). `fresh` works the list out without reading or storing it.
    """
    tag_ids = [tag.pk for tag in obj.tags.all()]
    if not tag_ids:
        return []
    key = content_type_for(type(obj)).key
    stored = limit == RELATED_LIMIT and not fresh
    rows = store.read(key, obj, tag_ids) if stored else None
    if rows is None:
        when = store.started()
        rows = _ranked(obj, tag_ids, limit)
        if stored:
            store.store(key, obj, tag_ids, rows, when)
    found = []
    for content_type, item, row in linked_items(rows):
        item.shared_tags = row["shared"]
        found.append(Related(content_type, item))
    return found


# The ranking query is built by the ORM from published(), the one visibility rule, once per process for each
# kind of item, number of tags and limit, with stand-in values that each call replaces: building and compiling
# it cost 5-6 ms of every cold page, running it 0.3 ms.
_NOW = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)
_ITEM = -7_000_001
_FIRST_TAG = -8_000_001


@functools.lru_cache(maxsize=512)
def _ranking_query(model, tag_count, limit, vendor):
    """(SQL, the role of each parameter: ("now",), ("item",), ("tag", index) or ("value", value))."""
    stand_ins = [_FIRST_TAG - index for index in range(tag_count)]
    first, *others = (
        _related_candidates(rank, content_type, model(pk=_ITEM), stand_ins, _NOW)
        for rank, content_type in enumerate(CONTENT_TYPES)
    )
    ranked = first.union(*others, all=True).order_by("-shared", "-newest", "type_rank", "item_pk")[:limit]
    sql, params = ranked.query.sql_with_params()
    now_forms = {_NOW, _db_time(_NOW)}
    roles = []
    for value in params:
        if value in now_forms:
            roles.append(("now",))
        elif value == _ITEM:
            roles.append(("item",))
        elif value in stand_ins:
            roles.append(("tag", stand_ins.index(value)))
        else:
            roles.append(("value", value))
    return sql, tuple(roles)


def _db_time(moment):
    return Article._meta.get_field("published_at").get_db_prep_value(moment, connection)


def _ranked(obj, tag_ids, limit):
    """The ranked rows (as registry.link_columns names them, with `shared`): one query."""
    sql, roles = _ranking_query(type(obj), len(tag_ids), limit, connection.vendor)
    now = _db_time(timezone.now())
    values = {"now": lambda role: now, "item": lambda role: obj.pk, "tag": lambda role: tag_ids[role[1]]}
    params = [role[1] if role[0] == "value" else values[role[0]](role) for role in roles]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        if isinstance(row["newest"], str):  # SQLite answers with text, as stored
            row["newest"] = timezone.make_aware(parse_datetime(row["newest"]), datetime.UTC)
    return rows


def related_for(obj, user):
    """`related(obj)` as `user` gets it: staff may be previewing unsaved tags, so theirs is worked out afresh."""
    return related(obj, fresh=user.is_staff)
