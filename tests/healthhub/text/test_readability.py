import pytest

from articles.models import Article
from healthhub.text.readability import measure, syllables
from tests.articles.test_admin import admin_url
from tests.factories import ArticleFactory

PLAIN = "The pain sits around one eye. It comes in bouts. Most bouts last a few weeks."
HARD = (
    "Trigeminal autonomic cephalalgias demonstrate considerable pathophysiological heterogeneity, "
    "notwithstanding consistent hypothalamic activation documented electrophysiologically."
)


@pytest.mark.parametrize(("word", "count"), [("pain", 1), ("headache", 2), ("table", 2), ("sense", 1), ("2026", 1)])
def test_syllables_are_estimated_from_vowel_groups(word, count):
    assert syllables(word) == count


def test_short_plain_sentences_score_as_easy():
    result = measure(PLAIN)
    assert result.score > 80 and result.label == "easy"
    assert result.words == 16 and result.minutes == 1


def test_long_technical_sentences_score_as_very_difficult():
    assert measure(HARD).label == "very difficult"


def test_markdown_syntax_and_link_addresses_are_not_counted():
    result = measure("## Heading\n\nSee [the guide](https://example.org/a-very-long-address) now.")
    assert result.words == 5


def test_empty_text_has_no_score():
    assert measure("").score is None and measure("").label == "no text yet"


def test_reading_time_is_two_hundred_words_a_minute():
    assert measure("word " * 1000).minutes == 5


@pytest.mark.django_db
def test_change_form_shows_the_saved_score_and_loads_the_live_counter(staff_client):
    article = ArticleFactory(body=PLAIN)
    html = staff_client.get(admin_url(Article, "change", article.pk)).content.decode()
    assert f"body: {measure(PLAIN).score:g} (easy), 16 words, about 1 min to read" in html
    assert "js/readability.js" in html
