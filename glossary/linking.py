"""Glossary terms linked where visitors read them.

Stored `*_html` fields are sanitized HTML. At display time `GlossaryLinker`
turns the first occurrence on a page of each published term (or alias) into a
link to the term's page with its short definition as a tooltip, and leaves
headings, links, code and abbreviations alone.

Matching is a dictionary lookup per word, not a search per term: every term
name (and its plurals) is stored under its normalised spelling, and for each
word of the text only the phrases that can start with that word are tried,
longest first. The cost is per word of text, whatever the size of the
glossary. The `Matcher` is built once and kept in each process's memory until a
change to the glossary's names is stamped (healthhub/caching: a term added,
renamed, published, unpublished or deleted, by anyone, in any process, or by the
clock): every process builds it again on its next page.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from glossary.models import Term
from healthhub.caching import keys, stamps
from healthhub.caching.deps import ProcessMemo, track
from healthhub.text.paths import slug_path

# Sanitized HTML (nh3 output) quotes every attribute value with double quotes
# and escapes "<" in text, so a tag is "<", then quoted strings or anything but ">".
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"]|"[^"]*")*>')
# A word: letters and digits, with combining accents kept (text may be in NFD).
_WORD = re.compile(r"[\w\u0300-\u036f]+")
# What may stand between two words of one phrase, and how it is normalised.
_GAPS = {"-": "-", "\u2010": "-", "\u2011": "-", "'": "'", "\u2019": "'"}
# No links inside these: headings, existing links, code, and abbreviations that explain themselves.
_NO_LINK = {"a", "abbr", "code", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "pre"}


@dataclass(frozen=True)
class Entry:
    term_id: int
    url: str
    definition: str


def _fold(word):
    word = word.casefold()
    return word if word.isascii() else unicodedata.normalize("NFC", word)


def _gap(text):
    """The normalised separator between two words of a phrase, or None if they cannot form one."""
    if text.isspace():
        return " "
    return _GAPS.get(text)


def _key(name):
    """A name's normalised spelling: folded words joined by normalised gaps; None if it has no words."""
    words = list(_WORD.finditer(name))
    if not words:
        return None
    parts = [_fold(words[0].group())]
    for before, word in zip(words, words[1:], strict=False):
        gap = _gap(name[before.end() : word.start()])
        if gap is None:
            return None
        parts += [gap, _fold(word.group())]
    return "".join(parts)


def _plurals(key):
    """Plural spellings of the last word: cramp → cramps, reflex → reflexes, artery → arteries."""
    forms = [key + "s", key + "es"]
    if len(key) > 2 and key.endswith("y") and key[-2] not in "aeiou":
        forms.append(key[:-1] + "ies")
    return forms


class Matcher:
    """Every published term name and alias, by normalised spelling."""

    def __init__(self, terms):
        self.phrases = {}
        exact = {}
        for term in terms:
            entry = Entry(term["pk"], slug_path("glossary:term-detail", term["slug"]), term["short_definition"])
            names = [term["term"], *(line.strip() for line in term["aliases"].splitlines())]
            for key in filter(None, map(_key, names)):
                exact.setdefault(key, entry)
                for plural in _plurals(key):
                    self.phrases.setdefault(plural, entry)
        # A real name beats another term's plural spelling.
        self.phrases.update(exact)
        # For each first word, the most words a phrase starting with it has.
        self.longest = {}
        for key in self.phrases:
            first = _WORD.match(key).group()
            words = len(_WORD.findall(key))
            self.longest[first] = max(words, self.longest.get(first, 0))

    def find(self, text):
        """(start, end, entry) for each longest match in plain text, left to right, never overlapping."""
        longest = self.longest
        if text.isascii():
            # lower() is casefold() for ASCII and keeps offsets: no per-word folding.
            lowered = text.lower()
            folded = _WORD.findall(lowered)
            # Most text nodes hold no word a term starts with: one pass in C tells.
            if longest.keys().isdisjoint(folded):
                return
            words = list(_WORD.finditer(lowered))
        else:
            words = list(_WORD.finditer(text))
            folded = [_fold(word.group()) for word in words]
        phrases = self.phrases
        count = len(words)
        free_from = 0  # the first word not inside an earlier match
        for i in [i for i, word in enumerate(folded) if word in longest]:
            if i < free_from:
                continue
            # Extend the phrase word by word, remembering the longest known one,
            # until a gap that cannot be inside a phrase (a comma, a full stop...).
            key = folded[i]
            best, length = phrases.get(key), 1
            previous_end = words[i].end()
            for j in range(i + 1, min(i + longest[folded[i]], count)):
                gap = text[previous_end : words[j].start()]
                if gap != " ":
                    gap = _gap(gap)
                    if gap is None:
                        break
                key = key + gap + folded[j]
                entry = phrases.get(key)
                if entry is not None:
                    best, length = entry, j - i + 1
                previous_end = words[j].end()
            if best is None:
                continue
            yield words[i].start(), words[i + length - 1].end(), best
            free_from = i + length


TERM = Term._meta.label_lower
_matcher = ProcessMemo(stamps.GLOSSARY)


def _visible_terms():
    return Matcher(Term.objects.published().values("pk", "term", "slug", "short_definition", "aliases"))


def get_matcher():
    """The matcher for the glossary visitors see now: one query after the glossary's names changed, none otherwise."""
    return _matcher.get(_visible_terms)


def _chunks(stored_html):
    """(piece, linkable) in order: tags and text inside no-link elements are not linkable."""
    depth = 0  # how many no-link elements we are inside
    position = 0
    for tag in _TAG.finditer(stored_html):
        if tag.start() > position:
            yield stored_html[position : tag.start()], not depth
        if tag.group(2).lower() in _NO_LINK:
            depth = max(depth - 1, 0) if tag.group(1) else depth + 1
        yield tag.group(), False
        position = tag.end()
    if position < len(stored_html):
        yield stored_html[position:], not depth


class GlossaryLinker:
    """Links terms in the HTML fields of one page: each term once per page, never on its own page."""

    def __init__(self, *, exclude_term=None, enabled=True, matcher=None):
        self.enabled = enabled
        self.matcher = matcher
        self.linked = {exclude_term.pk} if exclude_term is not None else set()
        self.tooltips = 0

    def link(self, stored_html):
        if not self.enabled or not stored_html:
            return stored_html
        if self.matcher is None:
            self.matcher = get_matcher()
        if not self.matcher.phrases:
            return stored_html
        return "".join(self._link_text(chunk) if linkable else chunk for chunk, linkable in _chunks(stored_html))

    def _link_text(self, escaped):
        """One text node (HTML-escaped) with its first mentions linked; rebuilt only from escaped parts."""
        text = html.unescape(escaped) if "&" in escaped else escaped
        out = []
        position = 0
        for start, end, entry in self.matcher.find(text):
            if entry.term_id in self.linked:
                continue
            self.linked.add(entry.term_id)
            # The page shows the term's address and short definition.
            track(keys.link_of(TERM, entry.term_id))
            self.tooltips += 1
            tip_id = f"gloss:{self.tooltips}"
            out.append(html.escape(text[position:start], quote=False))
            out.append(
                f'<span class="term"><a href="{html.escape(entry.url)}" class="term-link" '
                f'aria-describedby="{tip_id}">{html.escape(text[start:end], quote=False)}</a>'
                f'<span class="term-tip" id="{tip_id}" role="tooltip" hidden>{html.escape(entry.definition)}</span>'
                "</span>"
            )
            position = end
        if not out:
            return escaped
        out.append(html.escape(text[position:], quote=False))
        return "".join(out)

    def mentions(self, stored_html):
        """The ids of the terms this HTML would link, first occurrences or not (for "Used in")."""
        matcher = self.matcher or get_matcher()
        found = set()
        for chunk, linkable in _chunks(stored_html):
            if linkable:
                found.update(entry.term_id for _, _, entry in matcher.find(html.unescape(chunk)))
        return found - self.linked
