"""The search page: ranking, syntax, misspellings, filters, the publication rule and bad input."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from healthhub.publishing.models import Status
from healthhub.search import query as search
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    TermFactory,
    TreatmentFactory,
    TreatmentListFactory,
    TriggerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["default", "contains"])
def engine(request, monkeypatch):
    """Each test runs with the database's own engine and with the plain contains match.

    The contains match is what SQLite builds without FTS5 use; choosing it
    here is the only way to exercise it on a build that has FTS5.
    """
    if request.param == "contains":
        monkeypatch.setattr(search, "engine", search.Contains)
    return request.param


def results(client, **params):
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response.context["results"]


def titles(found):
    return [hit.title for hit in found.page.object_list]


# --- Ranking and snippets ---------------------------------------------------


def test_a_title_match_ranks_above_a_body_match(client, committed, engine):
    with committed():
        ArticleFactory(title="Running in winter", body="Mind your posture when the path is icy.")
        ArticleFactory(title="Posture at the desk", body="Sit back and let the chair carry you.")
    assert titles(results(client, q="posture")) == ["Posture at the desk", "Running in winter"]


def test_a_summary_match_ranks_above_a_body_match(client, committed, engine):
    with committed():
        ArticleFactory(title="Cold feet", summary="Why toes go numb.", body="Chilblains can itch.")
        ArticleFactory(title="Itchy skin", summary="What chilblains are and how they heal.", body="Keep warm.")
    assert titles(results(client, q="chilblains")) == ["Itchy skin", "Cold feet"]


def test_every_content_type_is_found_and_labelled(client, demo_content, engine):
    found = results(client, q="oxygen")
    labels = {content_type.label for content_type, _ in found.type_counts}
    assert {"Treatments", "Glossary terms", "FAQs"} <= labels
    html = client.get(reverse("search"), {"q": "oxygen"}).content.decode()
    assert 'class="search-result__type">Treatment<' in html


def test_snippets_mark_the_matched_words_and_escape_everything_else(client, committed, engine):
    with committed():
        ArticleFactory(
            title="Markup <b>in</b> titles",
            summary="",
            body="Type `<script>alert(1)</script>` near the word migraine & see.",
        )
    html = client.get(reverse("search"), {"q": "migraine"}).content.decode()
    assert "<mark>migraine</mark>" in html.replace("<mark>Migraine</mark>", "<mark>migraine</mark>")
    assert "<script>alert(1)</script>" not in html
    assert "Markup &lt;b&gt;in&lt;/b&gt; titles" in html


# --- Web-search syntax --------------------------------------------------------


def test_quotes_match_a_phrase_only(client, committed, engine):
    with committed():
        TriggerFactory(name="Alcohol", description="Red wine often sets off an attack.")
        TriggerFactory(name="Colours", description="A red scarf and white wine.")
    assert titles(results(client, q='"red wine"')) == ["Alcohol"]


def test_a_minus_word_leaves_out_items_with_it(client, committed, engine):
    with committed():
        TermFactory(term="Cluster headache", definition="A severe headache in bouts.")
        TermFactory(term="Tension headache", definition="A dull band of pressure.")
    assert titles(results(client, q="headache -cluster")) == ["Tension headache"]


def test_or_accepts_either_word(client, committed, engine):
    with committed():
        TermFactory(term="Kyphosis", definition="A rounded upper back.")
        TermFactory(term="Lordosis", definition="An inward curve of the lower back.")
        TermFactory(term="Scoliosis", definition="A sideways curve.")
    assert sorted(titles(results(client, q="kyphosis or lordosis"))) == ["Kyphosis", "Lordosis"]


def test_every_word_must_match_when_some_item_has_them_all(client, committed, engine):
    with committed():
        ArticleFactory(title="Neck pain", body="Stiffness after sleeping.")
        ArticleFactory(title="Neck stiffness", body="Pain and stiffness in the morning.")
    found = results(client, q="neck morning")
    assert titles(found) == ["Neck stiffness"]
    assert found.kind == "exact"


def test_when_no_item_has_every_word_items_with_some_are_shown(client, committed, engine):
    with committed():
        ArticleFactory(title="Neck pain", body="Stiffness after sleeping.")
    found = results(client, q="neck elbow")
    assert titles(found) == ["Neck pain"]
    assert found.kind == "any"
    assert "No page has all of these words" in client.get(reverse("search"), {"q": "neck elbow"}).content.decode()


def test_english_stemming_matches_other_forms_of_a_word(client, committed, engine):
    if engine == "contains":
        pytest.skip("the contains match (SQLite without FTS5) compares letters, not word stems")
    with committed():
        ArticleFactory(title="Jogging", body="She runs every morning.")
    assert titles(results(client, q="running")) == ["Jogging"]


# --- Misspellings ---------------------------------------------------------------


def test_a_misspelt_word_is_corrected_and_the_correction_searched(client, committed, engine):
    with committed():
        TermFactory(term="Greater occipital nerve block", definition="An injection at the back of the head.")
        TermFactory(term="Kyphosis", definition="A rounded upper back.")
    found = results(client, q="ocipital block")
    assert found.kind == "corrected"
    assert titles(found) == ["Greater occipital nerve block"]
    assert found.suggestion == "occipital block"
    html = client.get(reverse("search"), {"q": "ocipital block"}).content.decode()
    assert "Did you mean" in html and "q=occipital+block" in html


def test_a_misspelt_word_found_only_in_bodies_is_corrected_too(client, committed, engine):
    with committed():
        ArticleFactory(title="Cluster headache", body="Some patients take a triptan by injection.")
    found = results(client, q="injecton")
    assert (found.kind, found.suggestion, titles(found)) == ("corrected", "injection", ["Cluster headache"])


def test_a_correction_keeps_the_search_syntax(client, committed, engine):
    with committed():
        ArticleFactory(title="Oxygen therapy", body="Breathing pure oxygen through a mask.")
        ArticleFactory(title="Oxygen at home", body="Cylinders at home.")
    found = results(client, q='"pure oxigen" -home')
    assert found.suggestion == '"pure oxygen" -home'
    assert titles(found) == ["Oxygen therapy"]


def test_no_suggestion_when_the_correction_finds_nothing_either(client, committed, engine):
    with committed():
        ArticleFactory(title="Posture", body="Sit up.")
        ArticleFactory(title="Stretching", body="Reach up.")
    # Each word alone is known, but no page has both corrected words: the page says nothing matched.
    found = results(client, q="postur stretchng")
    assert found.suggestion == "" and found.kind == "any"


def test_suggestions_never_come_from_drafts(client, committed, engine):
    with committed():
        TermFactory(term="Zolmitriptan", status=Status.DRAFT)
    found = results(client, q="zolmitriptn")
    assert found.total == 0 and found.suggestion == ""


def test_no_suggestion_when_the_words_are_found(client, committed, engine):
    with committed():
        TermFactory(term="Occipital neuralgia")
    found = results(client, q="occipital")
    assert found.kind == "exact" and found.suggestion == ""


# --- Filters -------------------------------------------------------------------


def test_several_tags_combine_with_and(client, committed, engine):
    with committed():
        ArticleFactory(title="Desk posture", tags=["posture", "work"])
        ArticleFactory(title="Running posture", tags=["posture", "running"])
        FAQFactory(question="Posture at work?", tags=["posture", "work"])
    found = results(client, q="posture", tag=["posture", "work"])
    assert sorted(titles(found)) == ["Desk posture", "Posture at work?"]


def test_tags_can_be_given_by_name_in_any_case(client, committed, engine):
    with committed():
        ArticleFactory(title="Desk posture", tags=["Type 2 diabetes"])
        ArticleFactory(title="Running posture")
    assert titles(results(client, q="posture", tag="type 2 DIABETES")) == ["Desk posture"]


def test_a_tag_alone_lists_everything_carrying_it(client, committed):
    with committed():
        ArticleFactory(title="B article", tags=["sleep"])
        TermFactory(term="A term", tags=["sleep"])
        TermFactory(term="Untagged term")
    assert titles(results(client, tag="sleep")) == ["A term", "B article"]


def test_the_type_filter_keeps_one_type_and_counts_every_type(client, committed, engine):
    with committed():
        article = ArticleFactory(title="Sleep and headache")
        FAQFactory(question="Does sleep help?", article=article)
        TermFactory(term="Sleep hygiene")
    found = results(client, q="sleep", type="faq")
    assert titles(found) == ["Does sleep help?"]
    assert found.total == 1
    assert {content_type.key: count for content_type, count in found.type_counts} == {
        "article": 1,
        "faq": 1,
        "term": 1,
    }


def test_filters_stay_in_the_links_of_the_page(client, committed):
    with committed():
        for number in range(search.PER_PAGE + 5):
            ArticleFactory(title=f"Sleep tip {number:02}", tags=["sleep"])
    response = client.get(reverse("search"), {"q": "sleep", "tag": "sleep", "type": "article"})
    html = response.content.decode()
    assert response.context["results"].total == search.PER_PAGE + 5
    assert "?q=sleep&amp;tag=sleep&amp;type=article&amp;page=2" in html
    second = results(client, q="sleep", tag="sleep", type="article", page="2")
    assert len(second.page.object_list) == 5


def test_a_removed_tag_link_keeps_the_other_filters(client, committed):
    with committed():
        ArticleFactory(title="Desk posture", tags=["posture", "work"])
    response = client.get(reverse("search"), {"q": "desk", "tag": ["posture", "work"]})
    (posture, without_posture), _ = response.context["tag_filters"]
    assert posture.name == "posture"
    assert without_posture == "?q=desk&tag=work"


@pytest.mark.parametrize(
    "params",
    [{"type": "recipe"}, {"type": "faq\x00"}, {"tag": "no-such-tag"}, {"tag": "post\x00ure"}],
    ids=["unknown type", "type with NUL", "unknown tag", "tag with NUL"],
)
def test_unknown_filters_get_a_clear_not_found_page(client, committed, params):
    with committed():
        ArticleFactory(tags=["posture"])
    response = client.get(reverse("search"), {"q": "posture", **params})
    html = response.content.decode()
    assert response.status_code == 404
    assert "There is no" in html and 'role="search"' in html


def test_a_tag_filter_matches_tags_not_words_that_look_like_their_keys(client, committed, engine):
    with committed():
        tagged = ArticleFactory(title="Tagged posture", tags=["posture"])
        ArticleFactory(title="Untagged posture")
    tag_pk = tagged.tags.get().pk
    with committed():
        ArticleFactory(title="Numbered form", body=f"Form {tag_pk} explains it.")
    assert titles(results(client, q="posture", tag="posture")) == ["Tagged posture"]
    # An entry's tag keys ("#<id>") are never matched by a visitor's words.
    assert titles(results(client, q=str(tag_pk))) == ["Numbered form"]
    assert titles(results(client, q=f"#{tag_pk}")) == ["Numbered form"]


def test_a_query_naming_a_tag_offers_the_tag_page(client, committed):
    with committed():
        ArticleFactory(title="Desk set-up", tags=["Posture"])
        ArticleFactory(title="Hidden", status=Status.DRAFT, tags=["Secret plan"])
    html = client.get(reverse("search"), {"q": "posture"}).content.decode()
    assert 'href="/tags/posture/"' in html and "see everything tagged Posture" in html
    assert "is a tag" not in client.get(reverse("search"), {"q": "secret plan"}).content.decode()


def test_the_header_search_box_suggests_tags(client, committed):
    with committed():
        ArticleFactory(title="Desk set-up", tags=["Posture"])
    html = client.get(reverse("home")).content.decode()
    assert f'data-suggest-url="{reverse("tags:autocomplete")}"' in html
    assert "js/search-suggest" in html


def test_a_tag_used_only_on_drafts_is_not_revealed(client, committed):
    with committed():
        ArticleFactory(status=Status.DRAFT, tags=["secret plan"])
    response = client.get(reverse("search"), {"tag": "secret plan"})
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e9", "\x00"])
def test_odd_page_numbers_show_a_valid_page(client, committed, page):
    with committed():
        ArticleFactory(title="Posture")
    found = results(client, q="posture", page=page)
    assert titles(found) == ["Posture"]


# --- The publication rule -------------------------------------------------------


def test_drafts_scheduled_items_and_children_of_drafts_are_never_found(client, committed, engine):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with committed():
        ArticleFactory(title="Oxygen draft", status=Status.DRAFT)
        ArticleFactory(title="Oxygen scheduled", published_at=tomorrow)
        draft_article = ArticleFactory(status=Status.DRAFT)
        FAQFactory(question="Oxygen child of a draft?", article=draft_article)
        TreatmentFactory(name="Oxygen in a draft list", treatment_list=TreatmentListFactory(status=Status.DRAFT))
        TreatmentListFactory(title="Oxygen list of a scheduled article", article=ArticleFactory(published_at=tomorrow))
        TermFactory(term="Oxygen", tags=["gas"])
    found = results(client, q="oxygen")
    assert titles(found) == ["Oxygen"]
    assert found.total == 1
    assert found.type_counts[0][1] == 1 and len(found.type_counts) == 1
    assert results(client, q="oxygen", type="faq").total == 0


def test_children_disappear_when_their_article_is_unpublished(client, committed, engine):
    with committed():
        article = ArticleFactory(title="Cluster headache")
        FAQFactory(question="Is oxygen safe?", article=article)
        TreatmentFactory(name="High-flow oxygen", treatment_list=TreatmentListFactory(article=article))
    assert results(client, q="oxygen").total == 2
    with committed():
        article.status = Status.DRAFT
        article.save()
    assert results(client, q="oxygen").total == 0
    with committed():
        article.status = Status.PUBLISHED
        article.save()
    assert results(client, q="oxygen").total == 2


# --- Bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["", "   ", "x" * 5000, "!!!???", "'; DROP TABLE articles_article; --", "%_%", "\x00", "😀 💥",
     "<script>alert(1)</script>", "a & b | !c", "ß ǅ ﬁ", '"unclosed phrase', "-", "- -", "or", "or or or",
     "NEAR(a b)", "title:pain", "pain*", "(pain", "\\", "'", "\u202eevil", "a\x00b", "ｆｕｌｌｗｉｄｔｈ"],
)  # fmt: skip
def test_odd_input_gets_a_clear_page(client, committed, engine, query):
    with committed():
        ArticleFactory(title="Pain", body="Pain behind the eye.")
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_query_of_punctuation_only_asks_for_words(client, committed, engine):
    response = client.get(reverse("search"), {"q": "!!! ???"})
    assert response.context["results"].needs_words
    assert "Add at least one word" in response.content.decode()


def test_a_query_of_excluded_words_only_asks_for_words(client, committed, engine):
    assert results(client, q="-wine -beer").needs_words


def test_the_query_is_cut_to_a_sane_length(client):
    response = client.get(reverse("search"), {"q": "pain " * 200})
    assert 190 <= len(response.context["query"]) <= 200


def test_no_query_and_no_filter_shows_the_prompt(client):
    response = client.get(reverse("search"))
    assert "results" not in response.context
    assert "Type a symptom" in response.content.decode()


def test_the_page_does_not_say_which_engine_runs(client, committed, engine):
    with committed():
        ArticleFactory(title="Posture")
    html = client.get(reverse("search"), {"q": "posture"}).content.decode().lower()
    assert not any(word in html for word in ("postgres", "sqlite", "fts5", "trigram"))


# --- Cost ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_a_search_runs_a_fixed_number_of_queries(client, committed, assert_content_queries, size):
    with committed():
        for number in range(size):
            article = ArticleFactory(title=f"Posture {number}", tags=["posture"])
            FAQFactory(question=f"Posture question {number}?", article=article, tags=["posture"])
    client.get(reverse("search"), {"q": "warm-up"})  # the first search of a process checks for the FTS5 table
    # The tag, then type counts, the page, and the page's snippets (besides the rate limit's count).
    with assert_content_queries(4):
        response = client.get(reverse("search"), {"q": "posture", "tag": "posture"})
    assert response.context["results"].total == 2 * size


def test_a_very_broad_search_ranks_a_bounded_set_and_keeps_title_matches_first(client, committed, engine, monkeypatch):
    monkeypatch.setattr(search, "MAX_RANKED", 3)
    with committed():
        for number in range(6):
            ArticleFactory(title=f"Note {number}", body="Keep a headache diary.")
        ArticleFactory(title="Headache", body="About it.")
    found = results(client, q="headache")
    assert found.broad and not found.counts_exact
    assert titles(found)[0] == "Headache"
    # The first MAX_RANKED matches plus the title matches (which may be among them): 3 to 6 here.
    assert search.MAX_RANKED <= found.total <= 2 * search.MAX_RANKED
    html = client.get(reverse("search"), {"q": "headache"}).content.decode()
    assert "Over 3 results" in html and "Articles (" not in html


def test_a_type_without_matches_points_to_the_types_that_have_some(client, committed, engine):
    with committed():
        TermFactory(term="High-flow oxygen")
    response = client.get(reverse("search"), {"q": "oxygen", "type": "trigger"})
    found = response.context["results"]
    assert found.total == 0 and found.kind == "exact"
    assert [content_type.key for content_type, _ in found.type_counts] == ["term"]
    assert "No Triggers matched" in response.content.decode()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="phrases are checked in a bounded set of bodies on PostgreSQL only (FTS5 indexes positions)",
)
def test_a_phrase_of_very_common_words_checks_a_bounded_set_and_says_so(client, committed, monkeypatch):
    monkeypatch.setattr(search, "PHRASE_SCAN", 3)
    with committed():
        for number in range(5):
            ArticleFactory(title=f"Note {number}", body="Wine that is red, and more wine.")
        ArticleFactory(title="Red wine", body="A trigger for some.")
        ArticleFactory(title="Diary", body="Last night: red wine again.")
    found = results(client, q='"red wine"')
    assert found.partial
    assert titles(found)[0] == "Red wine"  # phrases in titles and summaries are always found
    assert "Note 0" not in titles(found)
    assert (
        "only some were checked for the exact phrase"
        in client.get(reverse("search"), {"q": '"red wine"'}).content.decode()
    )
    monkeypatch.setattr(search, "PHRASE_SCAN", 100)
    found = results(client, q='"red wine"')
    assert not found.partial and sorted(titles(found)) == ["Diary", "Red wine"]
