"""What visitors see of the tag vocabulary: counts, tag pages, tag intersections, suggestions.

Every query starts from `published()` (through `ContentType.visible()`), so a
tag carried only by drafts never shows.
"""

from collections import Counter
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from taggit.models import Tag

from healthhub.caching import keys
from healthhub.caching.deps import cached, track
from healthhub.registry import CONTENT_TYPES

# A tag page lists this many items per type; the search page (filtered by tag and type) has the rest.
TAG_PAGE_LIMIT = 50


@dataclass(frozen=True)
class TagUse:
    name: str
    slug: str
    count: int


def tag_uses():
    """Every tag on visible content with its count across all types, by name.

    Counted on each type's tag table (no DISTINCT needed: an item carries a tag
    once), one query per type plus one for the names, and kept in the cache
    until an item joins or leaves a tag, or a tag is renamed (keys.TAGS).
    """
    return cached("tag-uses", _count_tag_uses, timeout=24 * 3600)


def _count_tag_uses():
    track(keys.TAGS)
    counts = Counter()
    for content_type in CONTENT_TYPES:
        through = content_type.model.tags.through
        visible = through.objects.filter(content_object__in=content_type.model.objects.published().values("pk"))
        for row in visible.order_by().values("tag_id").annotate(uses=Count("content_object_id")):
            counts[row["tag_id"]] += row["uses"]
    tags = Tag.objects.filter(pk__in=counts).only("name", "slug")
    return sorted((TagUse(tag.name, tag.slug, counts[tag.pk]) for tag in tags), key=lambda use: use.name.casefold())


class Listing(list):
    """The first items of a longer list; `has_more` says whether some were left out."""

    has_more = False


def tagged(tag_slugs, *, limit=None):
    """[(content type, visible items carrying every one of the tags)] for the types that have any.

    At most `limit` items per type (newest first); the rest are a search away.
    One query per type (the tag test is a subquery on the type's through
    table), plus one to prefetch the tags of each type that has items.
    """
    limit = limit or TAG_PAGE_LIMIT
    slugs = list(dict.fromkeys(tag_slugs))
    groups = []
    for content_type in CONTENT_TYPES:
        through = content_type.model.tags.through
        carrying_all = (
            through.objects.filter(tag__slug__in=slugs)
            .values("content_object")
            .annotate(matched=Count("tag", distinct=True))
            .filter(matched=len(slugs))
            .values("content_object")
        )
        found = content_type.visible().filter(pk__in=carrying_all).prefetch_related("tags")[: limit + 1]
        items = Listing(found[:limit]) if len(found) > limit else Listing(found)
        items.has_more = len(found) > limit
        if items:
            groups.append((content_type, items))
    return groups


def co_occurring(groups, exclude_slugs, *, limit=12):
    """[(tag, how many of the items carry it)] over the items of `groups` (their tags prefetched)."""
    counts = Counter()
    tags = {}
    for _content_type, items in groups:
        for item in items:
            for tag in item.tags.all():
                if tag.slug not in exclude_slugs:
                    counts[tag.slug] += 1
                    tags[tag.slug] = tag
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], tags[pair[0]].name.casefold()))
    return [(tags[slug], count) for slug, count in ranked[:limit]]


def _on_visible_content():
    # One EXISTS per type, correlated on the tag: the database looks up the few candidate tags' links and
    # stops at the first visible item. (A list of every tag on visible content took ~0.7 s at 100,000 articles.)
    return reduce(or_, (Q(Exists(ct.visible().filter(tags=OuterRef("pk")))) for ct in CONTENT_TYPES))


def visible_tags_matching(query, *, limit=10):
    """Tags on visible content whose name contains `query`; names starting with it first. One query."""
    starts = Case(When(name__istartswith=query, then=Value(0)), default=Value(1))
    return list(
        Tag.objects.filter(_on_visible_content(), name__icontains=query)
        .annotate(starts=starts)
        .order_by("starts", "name")[:limit]
    )


def visible_tag(value):
    """The tag with this slug, or this name in any case, if visible content carries it; else None. One query."""
    return Tag.objects.filter(Q(slug=value) | Q(name__iexact=value), _on_visible_content()).order_by("pk").first()
