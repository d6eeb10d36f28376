"""Site-wide questions asked of every content type at once: tags and search.

Each content type is described once here; tag pages, tag counts and the
search index (healthhub/search.py) loop over this list, and every query
starts from `published()`.
"""

from dataclasses import dataclass

from django.db.models import Count

from articles.models import FAQ, Article, Treatment, TreatmentList, Trigger
from glossary.models import Term


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

    def visible(self):
        queryset = self.model.objects.published()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset


CONTENT_TYPES = (
    ContentType("article", "Articles", Article, SearchFields("title", "summary", ("body_html",))),
    ContentType("faq", "FAQs", FAQ, SearchFields("question", body=("answer_html",)), ("article",)),
    ContentType("treatment-list", "Treatment lists", TreatmentList, SearchFields("title", "intro"), ("article",)),
    ContentType(
        "treatment",
        "Treatments",
        Treatment,
        SearchFields("name", body=("description_html", "contraindications_html")),
        ("treatment_list",),
    ),
    ContentType("trigger", "Triggers", Trigger, SearchFields("name", body=("description_html",))),
    ContentType(
        "term", "Glossary terms", Term, SearchFields("term", "short_definition", ("definition_html",), "aliases")
    ),
)
CONTENT_TYPES_BY_KEY = {content_type.key: content_type for content_type in CONTENT_TYPES}


@dataclass(frozen=True)
class TagUse:
    name: str
    slug: str
    count: int


def tag_uses():
    """Every tag on visible content with its count across all types, by name."""
    counts = {}
    for content_type in CONTENT_TYPES:
        rows = (
            content_type.model.objects.published()
            .filter(tags__isnull=False)
            .order_by()
            .values("tags__slug", "tags__name")
            .annotate(uses=Count("pk", distinct=True))
        )
        for row in rows:
            name, total = counts.get(row["tags__slug"], (row["tags__name"], 0))
            counts[row["tags__slug"]] = (name, total + row["uses"])
    uses = [TagUse(name, slug, count) for slug, (name, count) in counts.items()]
    return sorted(uses, key=lambda use: use.name.casefold())


def tagged(tag_slug):
    """[(content type, visible items carrying the tag)] for the types that have any."""
    groups = []
    for content_type in CONTENT_TYPES:
        items = list(content_type.visible().filter(tags__slug=tag_slug).prefetch_related("tags"))
        if items:
            groups.append((content_type, items))
    return groups
