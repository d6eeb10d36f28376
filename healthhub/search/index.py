"""The search index: one SearchEntry per content item, whatever its type.

`index(key, pks)` brings the entries of some items up to date (the search
receivers call it after every change, `manage.py rebuild_search_index` for
everything). PostgreSQL also fills weighted tsvectors; SQLite's FTS5 copy is
kept by triggers (migration 0004). The words of every entry go into SearchWord,
for "Did you mean ...?" (query.corrected).

Visibility: an entry counts only between `visible_from` and `visible_until`: the
publication rule of healthhub/publishing/models.py folded into two times per item
(see `visible_from()` and `visible_until()`); a change to a parent re-indexes its children.
"""

import html
import re

from django.contrib.postgres.search import SearchVector, SearchVectorCombinable, SearchVectorField
from django.db import connection
from django.db.models import Func
from django.utils.html import strip_tags

from healthhub.models import SearchEntry, SearchWord
from healthhub.publishing.models import Status
from healthhub.registry import CONTENT_TYPES_BY_KEY

# Words of a query that may be corrected when nothing matched exactly, and which words count:
# shorter words ("the", "eye") are too short to tell a misspelling from another word.
MAX_FUZZY_WORDS = 5
MIN_FUZZY_LENGTH = 4
MAX_WORD_LENGTH = 40
VOCABULARY_WORD = re.compile(rf"[^\W\d_]{{{MIN_FUZZY_LENGTH},{MAX_WORD_LENGTH}}}")


class TagLexemes(SearchVectorCombinable, Func):
    """`tag_keys` (" #12 #40 ") as lexemes "#12", "#40": no visitor's word can become one (the parser drops "#")."""

    template = "array_to_tsvector(string_to_array(btrim(%(expressions)s), ' '))"
    output_field = SearchVectorField()


HEAD_VECTOR = (
    SearchVector("title", "aliases", weight="A", config="english")
    + SearchVector("summary", "tag_names", weight="B", config="english")
    + TagLexemes("tag_keys")
)
VECTOR = HEAD_VECTOR + SearchVector("body", weight="C", config="english")
INDEXED_FIELDS = [
    "title",
    "aliases",
    "summary",
    "body",
    "tag_names",
    "tag_keys",
    "url",
    "visible_from",
    "visible_until",
]


# --- Writing the index ------------------------------------------------------


def plain_text(text, *, is_html=False):
    """Text for the index: no markup, no control characters, single spaces."""
    if is_html:
        # A space before each tag keeps "<li>one</li><li>two</li>" two words.
        text = html.unescape(strip_tags(text.replace("<", " <")))
    return " ".join("".join(char if char.isprintable() else " " for char in text).split())


def _visibility_chain(obj):
    """`obj` and the parents its visibility depends on; None if a required parent is missing."""
    chain = [obj]
    for path, optional in type(obj).visibility_parents:
        parent = obj
        for name in path.split("__"):
            parent = getattr(parent, name) if parent is not None else None
        if parent is None:
            if optional:
                continue
            return None
        chain.append(parent)
    return chain


def visible_from(obj):
    """When visitors can first see `obj`: None while it or a parent is not published.

    The same rule as `published()` (publishing.py), walking the same
    `visibility_parents`, as one time: the latest publication time of the
    item and its parents. tests/healthhub/search/test_index.py checks that
    both agree.
    """
    chain = _visibility_chain(obj)
    if chain is None or any(item.status != Status.PUBLISHED for item in chain):
        return None
    return max(item.published_at for item in chain)


def visible_until(obj):
    """When visitors stop seeing `obj`: the earliest unpublish time of it and its parents, or None."""
    times = [item.unpublish_at for item in _visibility_chain(obj) or [] if item.unpublish_at]
    return min(times) if times else None


def _entry(content_type, obj):
    fields = content_type.search_fields
    body = " ".join(plain_text(getattr(obj, name), is_html=True) for name in fields.body)
    return SearchEntry(
        content_type=content_type.key,
        object_id=obj.pk,
        title=plain_text(getattr(obj, fields.title)),
        aliases=plain_text(getattr(obj, fields.aliases)) if fields.aliases else "",
        summary=plain_text(getattr(obj, fields.summary)) if fields.summary else "",
        body=body,
        tag_names=", ".join(sorted(tag.name for tag in obj.tags.all())),
        tag_keys=tag_keys(tag.pk for tag in obj.tags.all()),
        url=obj.get_absolute_url(),
        visible_from=visible_from(obj),
        visible_until=visible_until(obj),
    )


def add_words(entries):
    """Record the words of these entries for misspelling suggestions (see `corrected`)."""
    words = set()
    for entry in entries:
        for text in (entry.title, entry.aliases, entry.summary, entry.tag_names, entry.body):
            words.update(word.casefold() for word in VOCABULARY_WORD.findall(text))
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in words if len(word) <= MAX_WORD_LENGTH], ignore_conflicts=True
    )


def tag_keys(tag_pks):
    """How an entry stores its tags: " #12 #40 ", each key between spaces so that a contains match is exact."""
    keys = " ".join(f"#{pk}" for pk in sorted(tag_pks))
    return f" {keys} " if keys else ""


def _parent_paths(model):
    return [path for path, _ in model.visibility_parents]


def index(key, pks):
    """Write, rewrite or remove the entries of the items of type `key` with these pks."""
    content_type = CONTENT_TYPES_BY_KEY[key]
    pks = set(pks)
    objects = content_type.model.objects.filter(pk__in=pks).prefetch_related("tags")
    if parents := _parent_paths(content_type.model):
        objects = objects.select_related(*parents)
    objects = list(objects)
    found = {obj.pk for obj in objects}
    SearchEntry.objects.filter(content_type=key, object_id__in=pks - found).delete()
    if not objects:
        return
    entries = [_entry(content_type, obj) for obj in objects]
    SearchEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["content_type", "object_id"],
        update_fields=INDEXED_FIELDS,
    )
    if connection.vendor == "postgresql":
        written = SearchEntry.objects.filter(content_type=key, object_id__in=found)
        written.update(vector=VECTOR, head_vector=HEAD_VECTOR)
    add_words(entries)
