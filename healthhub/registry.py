"""The content types visitors can see, described once.

Tag pages, tag counts, related pages, "Used in" lists, the search index and
the derived stores loop over `CONTENT_TYPES`; every query they make starts
from `published()`. `link_columns()` and `linked_items()` read what a link to
an item shows (name, address, note) for every type in one UNION query.
"""

from dataclasses import dataclass

from django.db.models import BigIntegerField, CharField, F, TextField, Value
from django.db.models.functions import Cast

from articles.models import FAQ, Article, Reference, Reviewer, Treatment, TreatmentList, Trigger
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
CONTENT_TYPES_BY_KEY = {content_type.key: content_type for content_type in CONTENT_TYPES}


# Every model whose changes visitors can see: the content types, and the parts of an article's page
# that have no page of their own (its references, its reviewer).
WATCHED_MODELS = (*(content_type.model for content_type in CONTENT_TYPES), Reference, Reviewer)


def content_type_for(model):
    return next(content_type for content_type in CONTENT_TYPES if content_type.model is model)


# What a link to an item shows ("includes/item_link.html"), under one set of names
# so that the items of every type fit in one UNION query.
_NOTE_FIELDS = {"article": "summary", "term": "short_definition"}


def link_columns(rank, content_type):
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


def linked_items(rows):
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
