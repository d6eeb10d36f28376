"""Site-wide search: reading the index (healthhub/search/index.py).

`search(text, tags=..., type_key=..., page=...)`, the same on every
database. PostgreSQL ranks a weighted tsvector (titles and aliases above
summaries and tags above bodies) with web-search syntax ("quoted phrases",
-word, or) and English stemming. SQLite uses an FTS5 table with the same
syntax and weights, or, on builds without FTS5, a contains match ranking
title matches first. Tag filters match each entry's tag keys; misspelt words
are corrected from the table of indexed words (`corrected`, "Did you mean
...?") on every engine. Only entries visible now count (`visible_entries`).
"""

import collections
import difflib
import functools
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramSimilarity
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Length
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from healthhub.models import SearchEntry, SearchWord
from healthhub.registry import CONTENT_TYPES, CONTENT_TYPES_BY_KEY
from healthhub.search.index import MAX_FUZZY_WORDS, VOCABULARY_WORD, tag_keys

PER_PAGE = 20
SNIPPET_WORDS = 30
# A search matching more than this ranks a bounded set of candidates (see _paged) and says "over ...".
MAX_RANKED = 100
# PostgreSQL checks a quoted phrase in at most this many bodies (see Postgres.match).
PHRASE_SCAN = 500
# Markers around matched words in snippets: control characters, which the
# index never stores, so escaping the text first and then swapping them for
# <mark> cannot let stored text become markup.
MARK_START, MARK_END = "\x02", "\x03"
FTS_TABLE = "healthhub_searchentry_fts"


class TagQuery(SearchQuery):
    """Items carrying every one of these tags: "'#12' & '#40'" cast to a tsquery as it is.

    Not to_tsquery(): its parser would turn "#12" into "12", which a visitor's words can match.
    """

    def __init__(self, tag_pks):
        super().__init__(" & ".join(f"'#{int(pk)}'" for pk in tag_pks), search_type="raw")

    def as_sql(self, compiler, connection, function=None, template=None):
        return super().as_sql(compiler, connection, template="%(expressions)s::tsquery")


# --- Reading the query --------------------------------------------------------

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass
class ParsedQuery:
    """Web-search syntax: every clause must match, a clause is terms joined by "or"; a term is a word or phrase."""

    clauses: list = field(default_factory=list)
    excluded: list = field(default_factory=list)

    @property
    def words(self):
        return [word for clause in self.clauses for term in clause for word in term]


def parse_query(text):
    parsed = ParsedQuery()
    join_next = False
    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.groups()
        if bare is not None:
            if bare.casefold() == "or" and parsed.clauses:
                join_next = True
                continue
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            quoted = bare[1:] if negated else bare
        term = tuple(word.casefold() for word in _WORD.findall(quoted))
        if not term:
            continue
        if negated:
            parsed.excluded.append(term)
        elif join_next:
            parsed.clauses[-1].append(term)
        else:
            parsed.clauses.append([term])
        join_next = False
    return parsed


# --- Engines -----------------------------------------------------------------


def _marked(text):
    return mark_safe(escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def highlight(text, words, *, length=240):
    """A window of `text` around the first of `words`, escaped, with the words in <mark>."""
    if not words:
        return escape(text[:length])
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - length // 3) if first else 0
    window = text[start : start + length]
    window = pattern.sub(lambda found: f"{MARK_START}{found.group(0)}{MARK_END}", window)
    return _marked(("…" if start else "") + window + ("…" if start + length < len(text) else ""))


@dataclass
class Match:
    """What an engine found: every matching entry, how to rank them, and the matches in the leading fields.

    `head` (titles, aliases, summaries, tags) lets a very broad search rank a bounded set of candidates
    without missing the entries that would rank first.
    """

    rows: object
    rank: object
    head: object = None
    # True when only some of the candidates were checked (see Postgres.match): there may be more matches.
    partial: bool = False
    # A cheaper ranking for the bounded candidates of a very broad search, where `rank` would be slow.
    broad_rank: object = None


def _field_rank(term):
    """3 when a phrase is in the title, 2 in the aliases, summary or tags, else 1: ranking without an index."""
    phrase = " ".join(term)
    return Case(
        When(title__icontains=phrase, then=3),
        When(Q(aliases__icontains=phrase) | Q(summary__icontains=phrase) | Q(tag_names__icontains=phrase), then=2),
        default=1,
        output_field=IntegerField(),
    )


def _keys(rows):
    return rows.order_by().values_list("pk", flat=True)


def _by_title(rows):
    return rows.order_by("title", "pk")


class Postgres:
    """Weighted full-text search with web-search syntax; trigram similarity finds the nearest known word."""

    @staticmethod
    def query(text):
        return SearchQuery(text, search_type="websearch", config="english")

    def tagged(self, entries, tags):
        # head_vector: the smaller index, and the vector is small enough to be stored in the row.
        return entries.filter(head_vector=TagQuery([tag.pk for tag in tags]))

    def match(self, entries, text, parsed, tags=()):
        query = self.query(text)
        # Tags go in the same tsquery as the words: one GIN scan, which skips through a popular tag's
        # long list of entries using the rarer words, instead of intersecting two whole lists.
        found = query & TagQuery([tag.pk for tag in tags]) if tags else query
        rows, partial = entries.filter(vector=found), False
        if any(len(term) > 1 for clause in parsed.clauses for term in clause):
            # The GIN index finds the items with every word of a phrase; whether the words are adjacent is
            # read from each item's stored vector, a disk read per item. When very many items have the
            # words, only the first PHRASE_SCAN are read, and the leading fields (small, read quickly) of all.
            words = self._words(parsed)
            words = words & TagQuery([tag.pk for tag in tags]) if tags else words
            pks = list(entries.filter(vector=words).order_by().values_list("pk", flat=True)[: PHRASE_SCAN + 1])
            if len(pks) > PHRASE_SCAN:
                checked = SearchEntry.objects.filter(pk__in=pks[:PHRASE_SCAN], vector=query)
                in_head = _keys(entries.filter(head_vector=found))[:MAX_RANKED]
                rows = entries.filter(pk__in={*_keys(checked), *in_head})
                partial = True
        return Match(
            rows=rows,
            rank=lambda rows: rows.annotate(rank=SearchRank(F("vector"), query)).order_by("-rank", "title"),
            head=entries.filter(head_vector=found),
            partial=partial,
        )

    @staticmethod
    def _words(parsed):
        """Every word of every clause, phrases loosened to their words, exclusions left out: a superset."""
        clauses = []
        for clause in parsed.clauses:
            terms = [reduce(and_, (SearchQuery(word, config="english") for word in term)) for term in clause]
            clauses.append(reduce(or_, terms))
        return reduce(and_, clauses)

    def any_word(self, entries, parsed, tags=()):
        text = " or ".join(parsed.words)
        return self.match(entries, text, parse_query(text), tags)

    @staticmethod
    def nearest_word(word):
        # `%` uses the trigram index on the word table (threshold pg_trgm.similarity_threshold, 0.3).
        similar = SearchWord.objects.filter(word__trigram_similar=word)
        ranked = similar.annotate(similarity=TrigramSimilarity("word", word)).order_by("-similarity", "word")
        return ranked.values_list("word", flat=True).first()

    def snippets(self, rows, text, parsed):
        headline = SearchHeadline(
            Concat("summary", Value(" "), "body", output_field=TextField()),
            self.query(text),
            config="english",
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
        )
        found = SearchEntry.objects.filter(pk__in=[row.pk for row in rows]).annotate(snippet=headline)
        return {entry.pk: _marked(entry.snippet) for entry in found.only("pk")}


class _ClauseBackend:
    """Backends that match the parsed clauses themselves (`_match`)."""

    def match(self, entries, text, parsed, tags=()):
        return self._match(self.tagged(entries, tags) if tags else entries, parsed.clauses, parsed.excluded)

    def any_word(self, entries, parsed, tags=()):
        words = [[(word,) for word in parsed.words]]
        return self._match(self.tagged(entries, tags) if tags else entries, words, [])

    @staticmethod
    def nearest_word(word):
        # Without trigrams: words with the same first letter and a similar length, compared in Python.
        # A key-range query on the word table; a misspelt first letter finds nothing.
        first = word[0]
        candidates = SearchWord.objects.filter(word__gte=first, word__lt=chr(ord(first) + 1))
        candidates = candidates.annotate(length=Length("word")).filter(length__range=(len(word) - 2, len(word) + 2))
        nearest = difflib.get_close_matches(word, list(candidates.values_list("word", flat=True)), n=1, cutoff=0.75)
        return nearest[0] if nearest else None


class Fts5(_ClauseBackend):
    """SQLite's FTS5 table (see migration 0002), ranked with bm25 and the same field weights."""

    # title, aliases, summary, tag_names, body, tag_keys (matched by tag filters only)
    WEIGHTS = "10.0, 10.0, 4.0, 4.0, 1.0, 0.0"
    TEXT_COLUMNS = "{title aliases summary tag_names body}"
    HEAD_COLUMNS = "{title aliases summary tag_names}"

    @staticmethod
    def _phrase(term):
        return '"' + " ".join(term) + '"'

    @staticmethod
    def _matching(entries, expression):
        return entries.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (expression,)))

    def tagged(self, entries, tags):
        # "#12" is the token "12" to FTS5; only tag_keys holds such tokens for tags.
        return self._matching(entries, "tag_keys : (" + " AND ".join(f'"{int(tag.pk)}"' for tag in tags) + ")")

    def _expression(self, clauses, excluded, columns=TEXT_COLUMNS):
        found = " AND ".join("(" + " OR ".join(self._phrase(term) for term in clause) + ")" for clause in clauses)
        return f"{columns} : ({found}" + "".join(f" NOT {self._phrase(term)}" for term in excluded) + ")"

    def _match(self, entries, clauses, excluded):
        def matching(expression):
            return self._matching(entries, expression)

        expression = self._expression(clauses, excluded)
        rank = RawSQL(
            f"SELECT -bm25({FTS_TABLE}, {self.WEIGHTS}) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid = healthhub_searchentry.id",
            (expression,),
        )
        # bm25 counts each phrase's matches across the whole table again for every entry it ranks: for a
        # word in most entries that is milliseconds per entry, so broad searches rank by field instead.
        broad_rank = _field_rank(clauses[0][0])
        return Match(
            rows=matching(expression),
            rank=lambda rows: rows.annotate(rank=rank).order_by("-rank", "title"),
            head=matching(self._expression(clauses, excluded, self.HEAD_COLUMNS)),
            broad_rank=lambda rows: rows.annotate(rank=broad_rank).order_by("-rank", "title"),
        )

    def snippets(self, rows, text, parsed):
        ids = [row.pk for row in rows]
        placeholders = ", ".join(["%s"] * len(ids))
        any_word = " OR ".join(f'"{word}"' for word in parsed.words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({FTS_TABLE}, 4, %s, %s, '…', {SNIPPET_WORDS}) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
                [MARK_START, MARK_END, any_word, *ids],
            )
            found = {pk: snippet for pk, snippet in cursor.fetchall() if snippet}
        return {
            row.pk: _marked(found[row.pk]) if row.pk in found else highlight(row.summary, parsed.words) for row in rows
        }


class Contains(_ClauseBackend):
    """For SQLite builds without FTS5: every clause must appear somewhere; title matches rank first."""

    FIELDS = ("title", "aliases", "summary", "tag_names", "body")
    HEAD_FIELDS = FIELDS[:-1]

    def tagged(self, entries, tags):
        for tag in tags:
            entries = entries.filter(tag_keys__contains=tag_keys([tag.pk]))
        return entries

    def _term(self, term, fields=FIELDS):
        phrase = " ".join(term)
        return Q(*(Q(**{f"{name}__icontains": phrase}) for name in fields), _connector=Q.OR)

    def _match(self, entries, clauses, excluded):
        def matching(fields):
            rows = entries
            for clause in clauses:
                rows = rows.filter(Q(*(self._term(term, fields) for term in clause), _connector=Q.OR))
            for term in excluded:
                rows = rows.exclude(self._term(term))
            return rows

        rank = _field_rank(clauses[0][0])
        return Match(
            rows=matching(self.FIELDS),
            rank=lambda rows: rows.annotate(rank=rank).order_by("-rank", "title"),
            head=matching(self.HEAD_FIELDS),
        )

    def snippets(self, rows, text, parsed):
        return {row.pk: highlight(f"{row.summary} {row.body}".strip(), parsed.words) for row in rows}


@functools.cache
def _has_fts_table(database_name):
    return FTS_TABLE in connection.introspection.table_names()


def engine():
    if connection.vendor == "postgresql":
        return Postgres()
    # Migration 0002 creates the FTS5 table where SQLite can; once made, it stays.
    if connection.vendor == "sqlite" and _has_fts_table(connection.settings_dict["NAME"]):
        return Fts5()
    return Contains()


# --- Searching ----------------------------------------------------------------


@dataclass
class Hit:
    content_type: object
    title: str
    url: str
    snippet: str

    @property
    def type_name(self):
        return capfirst(self.content_type.model._meta.verbose_name)


@dataclass
class Results:
    page: object = None
    # Results on offer: every match, or, when more than MAX_RANKED matched (`broad`), the ranked candidates.
    total: int = 0
    broad: bool = False
    # Some candidates were not checked (a phrase of very common words): there may be more results.
    partial: bool = False
    # [(content type, number of results)] for every type with results, whatever the type filter;
    # the numbers are exact only when `counts_exact`.
    type_counts: list = field(default_factory=list)
    counts_exact: bool = True
    # "exact": every word matched; "corrected": every word of `suggestion` (misspellings corrected) matched;
    # "any": some of the words.
    kind: str = "exact"
    suggestion: str = ""
    needs_words: bool = False


def visible_entries():
    now = timezone.now()
    return SearchEntry.objects.filter(visible_from__lte=now).filter(
        Q(visible_until__isnull=True) | Q(visible_until__gt=now)
    )


def search(text, *, tags=(), type_key="", page=1):
    """Ranked, paginated results for `text` among visible items carrying every tag in `tags`.

    `text` may be empty when tags or a type narrow the results: then they are listed by title.
    """
    parsed = parse_query(text)
    backend = engine()
    entries = visible_entries()
    if text and not parsed.clauses:
        return Results(needs_words=True)
    if not text:
        return _listed(backend.tagged(entries, tags) if tags else entries, type_key, page)
    pages = functools.partial(_paged, type_key=type_key, page_number=page, backend=backend, text=text, parsed=parsed)
    results = pages(backend.match(entries, text, parsed, tags))
    if results.total or results.type_counts:  # with a type filter, matches of other types are worth showing
        return results
    # Nothing has every word: a misspelling (a word the index has never seen) comes first, then items with
    # some of the words.
    if suggestion := corrected(text, parsed, backend):
        fixed = parse_query(suggestion)
        found = _paged(
            backend.match(entries, suggestion, fixed, tags), type_key=type_key, page_number=page, backend=backend,
            text=suggestion, parsed=fixed, kind="corrected",
        )  # fmt: skip
        if found.total or found.type_counts:
            found.suggestion = suggestion
            return found
    if len(parsed.words) > 1:
        some = pages(backend.any_word(entries, parsed, tags), kind="any")
        if some.total:
            return some
    return results


def _paged(match, *, type_key, page_number, backend, text, parsed, kind="exact"):
    """One page of `match`, best first.

    Ranking every match of a common word costs time in proportion to the
    matches, so at most MAX_RANKED + 1 are read first; when there are more,
    the ranked candidates are the first MAX_RANKED matches plus up to
    MAX_RANKED matches in the leading fields, which hold the best-ranked ones.
    """
    rows = match.rows.order_by()
    sample = list(rows.values_list("pk", "content_type")[: MAX_RANKED + 1])
    counts = collections.Counter(key for _, key in sample)
    head = match.head
    if type_key:
        rows = rows.filter(content_type=type_key)
        sample = list(rows.values_list("pk", "content_type")[: MAX_RANKED + 1]) if counts[type_key] else []
        head = head.filter(content_type=type_key) if head is not None else None
    broad = len(sample) > MAX_RANKED
    candidates = {pk for pk, _ in sample[:MAX_RANKED]}
    if broad and head is not None:
        candidates |= set(head.order_by().values_list("pk", flat=True)[:MAX_RANKED])
    # The sample holds every match unless broad: ranking it by key saves matching (phrases, trigrams) twice.
    rows = SearchEntry.objects.filter(pk__in=candidates)
    rank = match.broad_rank if broad and match.broad_rank else match.rank
    results = _page(rank(rows), len(candidates), page_number, backend, text, parsed)
    results.broad, results.kind, results.partial = broad, kind, match.partial
    results.type_counts = [(ct, counts[ct.key]) for ct in CONTENT_TYPES if counts[ct.key]]
    results.counts_exact = sum(counts.values()) <= MAX_RANKED
    return results


def _listed(entries, type_key, page_number):
    """Everything carrying the tags (and of the type), by title: no ranking, so every match is counted."""
    counts = dict(entries.order_by().values_list("content_type").annotate(count=Count("pk")))
    rows = entries.filter(content_type=type_key) if type_key else entries
    total = counts.get(type_key, 0) if type_key else sum(counts.values())
    results = _page(_by_title(rows), total, page_number, None, "", ParsedQuery())
    results.type_counts = [(ct, counts[ct.key]) for ct in CONTENT_TYPES if ct.key in counts]
    return results


def _page(ordered, total, page_number, backend, text, parsed):
    paginator = Paginator(ordered.only("content_type", "title", "url", "summary", "body"), PER_PAGE)
    paginator.count = total  # already counted; saves a query
    page = paginator.get_page(page_number)
    rows = list(page.object_list) if total else []
    snippets = backend.snippets(rows, text, parsed) if backend and rows else {}
    page.object_list = [
        Hit(CONTENT_TYPES_BY_KEY[row.content_type], row.title, row.url, snippets.get(row.pk) or escape(row.summary))
        for row in rows
    ]
    return Results(page=page, total=total)


def corrected(text, parsed, backend):
    """`text` with each word the index has never seen replaced by the nearest word it has; "" if none is.

    Words come from every entry, drafts included: the caller offers the
    suggestion only if it finds visible pages.
    """
    words = [word for word in dict.fromkeys(parsed.words) if VOCABULARY_WORD.fullmatch(word)][:MAX_FUZZY_WORDS]
    if not words:
        return ""
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    replacements = {}
    for word in words:
        if word not in known and (nearest := backend.nearest_word(word)):
            replacements[word] = nearest
    if not replacements:
        return ""
    return _WORD.sub(lambda found: replacements.get(found.group(0).casefold(), found.group(0)), text)
