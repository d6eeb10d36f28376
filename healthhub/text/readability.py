"""How easy a piece of Markdown is to read: Flesch reading ease and reading time.

The same simple rules run in the editor as people type (static/js/readability.js),
so the live figure and the one on the saved form agree. Syllables are counted
as groups of vowels, which is how Flesch scores are usually estimated without a
pronouncing dictionary; it is a guide for editors, not a precise measure.
"""

import re
from dataclasses import dataclass

from django.utils.html import strip_tags

from healthhub.text.markdown import render_markdown

WORDS_PER_MINUTE = 200
WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*")
SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n")
VOWEL_GROUPS = re.compile(r"[aeiouy]+")
BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|td|th|dt|dd)>")
# Labels from Flesch's own table, in plain words for editors.
BANDS = [(80, "easy"), (60, "plain English"), (50, "fairly difficult"), (30, "difficult"), (-1000, "very difficult")]


@dataclass(frozen=True)
class Readability:
    words: int
    score: float | None
    minutes: int

    @property
    def label(self):
        if self.score is None:
            return "no text yet"
        return next(label for floor, label in BANDS if self.score >= floor)


def syllables(word):
    word = word.lower()
    if word.isdigit():
        return 1
    count = len(VOWEL_GROUPS.findall(word))
    # A silent final "e" ("sense", "take") is not a syllable; "-le" after a consonant ("table") is.
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(count, 1)


def plain_text(markdown_text):
    # Headings, paragraphs and list items end a sentence even without a full stop.
    html = BLOCK_END.sub("\n\n", render_markdown(markdown_text).html)
    return strip_tags(html)


def measure(markdown_text):
    text = plain_text(markdown_text)
    words = WORD.findall(text)
    if not words:
        return Readability(words=0, score=None, minutes=0)
    sentences = max(len([part for part in SENTENCE_END.split(text) if WORD.search(part)]), 1)
    total_syllables = sum(syllables(word) for word in words)
    score = 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (total_syllables / len(words))
    minutes = max(1, round(len(words) / WORDS_PER_MINUTE))
    return Readability(words=len(words), score=round(score, 1), minutes=minutes)
