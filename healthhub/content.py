"""Site-wide questions asked of every content type at once: tags and search.

Each content type is described once here; tag pages, tag counts and the
search index (healthhub/search.py) loop over this list, and every query
starts from `published()`.
"""

from collections import Counter
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import BigIntegerField, Case, CharField, Count, Exists, F, OuterRef, Q, TextField, Value, When
from django.db.models.functions import Cast
from taggit.models import Tag

from articles.models import FAQ, Article, Treatment, TreatmentList, Trigger
from glossary.models import Term, TermMention
from healthhub import related_lists
from healthhub.cache import current_version

RELATED_LIMIT = 8
# A tag page lists this many items per type; the search page (filtered by tag and type) has the rest.
TAG_PAGE_LIMIT = 50
# Items listed under "Used in" on a term page, all types together.
USED_IN_LIMIT = 1000


@dataclass(frozen=True)
class SearchFields:
    """Which fields feed the search index: names of the model's attributes.

    `body` names stored HTML fields; the index keeps their text only.
    """

    title: str
    summary: str = ""
    body: tuple = ()
    aliases: str = ""


@dataclass(frozen=True)
class ContentType:
    key: str
    label: str
    model: type
    search_fields: SearchFields
    select_related: tuple = ()
    # Stored HTML fields visitors read, where glossary terms are linked.
    html_fields: tuple = ()
    # Lookup from an item to the article(s) whose page shows it, if any.
    article_path: str = ""

    def visible(self):
        queryset = self.model.objects.published()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset


CONTENT_TYPES = (
    ContentType(
        "article", "Articles", Article, SearchFields("title", "summary", ("body_html",)), html_fields=("body_html",)
    ),
    ContentType(
        "faq", "FAQs", FAQ, SearchFields("question", body=("answer_html",)), ("article",), ("answer_html",), "article"
    ),
    ContentType(
        "treatment-list", "Treatment lists", TreatmentList, SearchFields("title", "intro"), ("article",), (), "article"
    ),
    ContentType(
        "treatment",
        "Treatments",
        Treatment,
        SearchFields("name", body=("description_html", "contraindications_html")),
        ("treatment_list",),
        ("description_html", "contraindications_html"),
        "treatment_list__article",
    ),
    ContentType(
        "trigger",
        "Triggers",
        Trigger,
        SearchFields("name", body=("description_html",)),
        html_fields=("description_html",),
        article_path="articles",
    ),
    ContentType(
        "term",
        "Glossary terms",
        Term,
        SearchFields("term", "short_definition", ("definition_html",), "aliases"),
        html_fields=("definition_html",),
    ),
)
TYPE_OF = {content_type.model: content_type for content_type in CONTENT_TYPES}
CONTENT_TYPES_BY_KEY = {content_type.key: content_type for content_type in CONTENT_TYPES}


def content_type_for(model):
    return next(content_type for content_type in CONTENT_TYPES if content_type.model is model)


def model_at(model, path):
    """The model a lookup path ("treatment_list__article") leads to from `model`."""
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


@dataclass(frozen=True)
class TagUse:
    name: str
    slug: str
    count: int


def tag_uses():
    """Every tag on visible content with its count across all types, by name.

    Counted on each type's tag table (no DISTINCT needed: an item carries a tag
    once), one query per type plus one for the names, and kept in the cache
    until any content changes (healthhub.cache's content version).
    """
    key = f"tag-uses:{current_version().number}"
    uses = cache.get(key)
    if uses is None:
        counts = Counter()
        for content_type in CONTENT_TYPES:
            through = content_type.model.tags.through
            visible = through.objects.filter(content_object__in=content_type.model.objects.published().values("pk"))
            for row in visible.order_by().values("tag_id").annotate(uses=Count("content_object_id")):
                counts[row["tag_id"]] += row["uses"]
        tags = Tag.objects.filter(pk__in=counts).only("name", "slug")
        uses = sorted((TagUse(tag.name, tag.slug, counts[tag.pk]) for tag in tags), key=lambda use: use.name.casefold())
        cache.set(key, uses, 3600)
    return uses


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


@dataclass(frozen=True)
class Related:
    content_type: ContentType
    item: object


# What a link to an item shows ("includes/item_link.html"), under one set of names
# so that the items of every type fit in one UNION query.
_NOTE_FIELDS = {"article": "summary", "term": "short_definition"}


def _link_columns(rank, content_type):
    """Expressions for the columns every type's branch of a UNION query selects."""
    note = _NOTE_FIELDS.get(content_type.key)
    # Only a treatment list's address goes through its parent (the article's page).
    has_parent = content_type.model is TreatmentList
    no_text = Value("", output_field=CharField())
    return {
        "type_rank": Value(rank),
        "item_pk": F("pk"),
        "item_slug": no_text if has_parent else F("slug"),
        "label": F(content_type.search_fields.title),
        "note": F(note) if note else Value("", output_field=TextField()),
        "parent_id": F("article_id") if has_parent else Cast(None, BigIntegerField()),
        "parent_slug": F("article__slug") if has_parent else no_text,
        "newest": F("published_at"),
    }


def _linked_items(rows):
    """(content type, model instance carrying what its link shows, row) for each row, without more queries."""
    for row in rows:
        content_type = CONTENT_TYPES[row["type_rank"]]
        item = content_type.model(pk=row["item_pk"], published_at=row["newest"])
        setattr(item, content_type.search_fields.title, row["label"])
        if content_type.key in _NOTE_FIELDS:
            setattr(item, _NOTE_FIELDS[content_type.key], row["note"])
        if content_type.model is TreatmentList:
            item.article = Article(pk=row["parent_id"], slug=row["parent_slug"])
        else:
            item.slug = row["item_slug"]
        yield content_type, item, row


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
        .values(**_link_columns(rank, content_type))
        .annotate(shared=Count("tags"))
        .order_by()
    )


def related(obj, *, limit=RELATED_LIMIT, fresh=False):
    """Visible items of every type sharing tags with `obj`: most shared tags first, then newest.

    Worked out by one query whatever the number of types, items or tags (the
    candidates of every type joined with UNION ALL, ranked and cut to `limit`
    in the database), and stored until an item carrying one of the tags
    changes (healthhub.related_lists): a page with a current list reads one
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
    rows = related_lists.read(key, obj.pk, tag_ids) if stored else None
    if rows is None:
        when = related_lists.started()
        first, *others = (
            _related_candidates(rank, content_type, obj, tag_ids) for rank, content_type in enumerate(CONTENT_TYPES)
        )
        ranked = first.union(*others, all=True).order_by("-shared", "-newest", "type_rank", "item_pk")[:limit]
        rows = list(ranked)
        if stored:
            related_lists.store(key, obj.pk, rows, when)
    found = []
    for content_type, item, row in _linked_items(rows):
        item.shared_tags = row["shared"]
        found.append(Related(content_type, item))
    return found


def used_in(term, *, limit=USED_IN_LIMIT):
    """[(content type, visible items whose text mentions `term`)], as glossary links find it, by name.

    The mentions are worked out when texts or terms change (healthhub.term_mentions);
    here it is one query for every type with text, at most `limit` items in all.
    """
    first, *others = (
        content_type.model.objects.published()
        .filter(pk__in=TermMention.objects.filter(term=term, content_type=content_type.key).values("object_id"))
        .values(**_link_columns(rank, content_type))
        .order_by()
        for rank, content_type in enumerate(CONTENT_TYPES)
        if content_type.html_fields
    )
    rows = first.union(*others, all=True).order_by("type_rank", "label", "item_pk")[:limit]
    groups = {}
    for content_type, item, _row in _linked_items(rows):
        groups.setdefault(content_type, []).append(item)
    return list(groups.items())
