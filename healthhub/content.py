"""Site-wide questions asked of every content type at once: tags and search.

Each content type is described once here; tag pages, tag counts and search
loop over this list, and every query starts from `published()`.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Q

from articles.models import FAQ, Article, Treatment, TreatmentList, Trigger
from glossary.models import Term


@dataclass(frozen=True)
class ContentType:
    key: str
    label: str
    model: type
    search_fields: tuple
    select_related: tuple = ()

    def visible(self):
        queryset = self.model.objects.published()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset


CONTENT_TYPES = (
    ContentType("article", "Articles", Article, ("title", "summary", "body")),
    ContentType("faq", "FAQs", FAQ, ("question", "answer"), ("article",)),
    ContentType("treatment-list", "Treatment lists", TreatmentList, ("title", "intro"), ("article",)),
    ContentType(
        "treatment", "Treatments", Treatment, ("name", "description", "contraindications"), ("treatment_list",)
    ),
    ContentType("trigger", "Triggers", Trigger, ("name", "description")),
    ContentType("term", "Glossary terms", Term, ("term", "aliases", "short_definition", "definition")),
)


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


def search(query, *, limit=20):
    """A simple contains-match across types; [(content type, items)] with matches only."""
    groups = []
    for content_type in CONTENT_TYPES:
        match = reduce(or_, (Q(**{f"{name}__icontains": query}) for name in content_type.search_fields))
        match |= Q(tags__name__iexact=query)
        items = list(content_type.visible().filter(match).distinct()[:limit])
        if items:
            groups.append((content_type, items))
    return groups
