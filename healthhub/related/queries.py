"""Related pages: visible items of every type sharing tags with an item, best first."""

from dataclasses import dataclass

from django.db.models import Count, Q

from articles.models import Article
from healthhub.registry import CONTENT_TYPES, ContentType, content_type_for, link_columns, linked_items
from healthhub.related import store

RELATED_LIMIT = 8


@dataclass(frozen=True)
class Related:
    content_type: ContentType
    item: object


def _related_candidates(rank, content_type, obj, tag_ids):
    """The candidates of one type with their shared-tag counts.

    Built with as few queryset steps as possible: each step copies the query,
    and six of them are built for every page.
    """
    wanted = Q(tags__in=tag_ids)
    if isinstance(obj, Article) and content_type.article_path:
        wanted &= ~Q(**{content_type.article_path: obj})
    if isinstance(obj, content_type.model):
        wanted &= ~Q(pk=obj.pk)
    return (
        content_type.model.objects.published()
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
        first, *others = (
            _related_candidates(rank, content_type, obj, tag_ids) for rank, content_type in enumerate(CONTENT_TYPES)
        )
        ranked = first.union(*others, all=True).order_by("-shared", "-newest", "type_rank", "item_pk")[:limit]
        rows = list(ranked)
        if stored:
            store.store(key, obj, tag_ids, rows, when)
    found = []
    for content_type, item, row in linked_items(rows):
        item.shared_tags = row["shared"]
        found.append(Related(content_type, item))
    return found


def related_for(obj, user):
    """`related(obj)` as `user` gets it: staff may be previewing unsaved tags, so theirs is worked out afresh."""
    return related(obj, fresh=user.is_staff)
