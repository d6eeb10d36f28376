import datetime
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from glossary.linking import GlossaryLinker, Matcher, get_matcher
from healthhub.publishing.models import Status
from healthhub.text.markdown import render_markdown
from tests.factories import ArticleFactory, FAQFactory, TermFactory, TreatmentFactory, TreatmentListFactory

GLOSSARY = [
    ("nerve", "", "A bundle of fibres that carries signals."),
    ("greater occipital nerve block", "GON block", "An injection near a nerve at the back of the head."),
    ("occipital", "", "At the back of the head."),
    ("artery", "", "A vessel carrying blood from the heart."),
    ("reflex", "", "An automatic movement."),
    ("Éclampsia", "", "Seizures in pregnancy."),
    ("5-HT", "serotonin", "A messenger substance."),
    ("Raynaud's phenomenon", "", "Fingers turning white in the cold."),
    ("ß-blocker", "", "A heart medicine."),
    ("code", "", "A word that is also in code."),
    ("script", "", 'Looks like <script>alert("x")</script> & more.'),
]


def matcher():
    return Matcher(
        [
            {"pk": pk, "term": term, "slug": f"term-{pk}", "short_definition": definition, "aliases": aliases}
            for pk, (term, aliases, definition) in enumerate(GLOSSARY, start=1)
        ]
    )


def linked_words(html):
    """The linked text of each glossary link, in order."""
    return re.findall(r'class="term-link"[^>]*>([^<]*)</a>', html)


def link(markdown_text, **kwargs):
    return GlossaryLinker(matcher=matcher(), **kwargs).link(render_markdown(markdown_text).html)


def test_longest_term_wins_over_terms_inside_it():
    html = link("She had a greater occipital nerve block.")
    assert linked_words(html) == ["greater occipital nerve block"]


def test_overlapping_terms_are_linked_where_they_stand_alone():
    assert linked_words(link("The occipital area and one nerve.")) == ["occipital", "nerve"]


def test_matching_ignores_case_and_line_breaks_inside_a_phrase():
    assert linked_words(link("A GREATER Occipital\nnerve BLOCK helps.")) == ["GREATER Occipital\nnerve BLOCK"]


def test_aliases_link_to_the_same_term():
    html = link("A GON block was done.")
    assert linked_words(html) == ["GON block"]
    assert 'href="/glossary/term-2/"' in html


def test_only_whole_words_match():
    assert linked_words(link("Nervous arterial reflexology, unnerved.")) == []


@pytest.mark.parametrize(
    ("text", "word"),
    [("Two nerves.", "nerves"), ("Both arteries.", "arteries"), ("Quick reflexes.", "reflexes")],
)
def test_plurals_link_to_the_singular_term(text, word):
    assert linked_words(link(text)) == [word]


def test_punctuation_between_words_breaks_a_phrase():
    html = link("Greater occipital, nerve block.")
    assert linked_words(html) == ["occipital", "nerve"]


def test_punctuation_around_a_term_does_not_stop_it():
    assert linked_words(link("(nerve), “artery”; 5-HT.")) == ["nerve", "artery", "5-HT"]


def test_hyphens_and_apostrophes_inside_a_term():
    assert linked_words(link("Raynaud’s phenomenon and 5-HT.")) == ["Raynaud’s phenomenon", "5-HT"]


def test_unicode_terms_match_in_any_case_and_normal_form():
    decomposed = "E\u0301CLAMPSIA is rare."
    assert linked_words(link(decomposed)) == ["E\u0301CLAMPSIA"]
    # Full case folding: the capital of "ß" is "SS".
    assert linked_words(link("A SS-BLOCKER.")) == ["SS-BLOCKER"]


def test_only_the_first_occurrence_is_linked():
    html = link("A nerve, another nerve, and nerves.")
    assert linked_words(html) == ["nerve"]
    assert html.count("term-link") == 1


def test_first_occurrence_counts_across_the_whole_page():
    linker = GlossaryLinker(matcher=matcher())
    first = linker.link(render_markdown("A nerve.").html)
    second = linker.link(render_markdown("Another nerve and an artery.").html)
    assert linked_words(first) == ["nerve"]
    assert linked_words(second) == ["artery"]


def test_a_later_longer_term_is_still_linked_after_a_shorter_one():
    html = link("A nerve first, then a greater occipital nerve block.")
    assert linked_words(html) == ["nerve", "greater occipital nerve block"]


def test_nothing_is_linked_inside_headings_links_or_code():
    text = (
        "## About the nerve\n\n"
        "[nerve pain](https://example.org/) and `code nerve` and\n\n"
        "```\nartery in a block\n```\n\n"
        "Then the nerve and the artery."
    )
    html = link(text)
    assert linked_words(html) == ["nerve", "artery"]
    assert '<h2 id="about-the-nerve">About the nerve</h2>' in html
    assert '<a href="https://example.org/" rel="noopener noreferrer">nerve pain</a>' in html


def test_words_in_attributes_are_never_touched():
    html = link('![a nerve](/media/x.png "The nerve") and a nerve.')
    assert 'alt="a nerve"' in html
    assert linked_words(html) == ["nerve"]


def test_html_looking_text_stays_escaped():
    html = link("Type &lt;nerve&gt; or <b>nerve</b> & <script>artery</script> here.")
    assert "<script" not in html
    assert linked_words(html) == ["nerve"]
    assert "&lt;" in html


def test_definitions_are_escaped_in_the_tooltip():
    html = link("A script runs.")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more." in html


def test_link_carries_an_accessible_tooltip():
    html = link("A nerve.")
    assert (
        '<span class="term"><a href="/glossary/term-1/" class="term-link" aria-describedby="gloss:1">nerve</a>'
        '<span class="term-tip" id="gloss:1" role="tooltip" hidden>A bundle of fibres that carries signals.</span>'
        "</span>"
    ) in html


def test_tooltip_ids_are_unique_on_a_page():
    linker = GlossaryLinker(matcher=matcher())
    html = linker.link("<p>nerve artery</p>") + linker.link("<p>reflex</p>")
    ids = re.findall(r'id="(gloss:\d+)"', html)
    assert len(ids) == 3 and len(set(ids)) == 3


def test_excluded_term_is_not_linked_on_its_own_page():
    class Own:
        pk = 1

    assert linked_words(link("A nerve and an artery.", exclude_term=Own())) == ["artery"]


def test_switched_off_linker_returns_html_unchanged():
    html = render_markdown("A nerve.").html
    assert GlossaryLinker(matcher=matcher(), enabled=False).link(html) == html


@pytest.mark.django_db
class TestGlossaryFromTheDatabase:
    def test_only_published_terms_are_linked(self):
        TermFactory(term="kyphosis")
        TermFactory(term="lordosis", status=Status.DRAFT)
        html = GlossaryLinker().link("<p>kyphosis and lordosis</p>")
        assert linked_words(html) == ["kyphosis"]

    def test_saving_a_term_rebuilds_the_matcher(self, committed):
        before = get_matcher()
        with committed():
            TermFactory(term="fascia")
        assert get_matcher() is not before
        assert linked_words(GlossaryLinker().link("<p>fascia</p>")) == ["fascia"]

    def test_deleting_a_term_rebuilds_the_matcher(self, committed):
        with committed():
            term = TermFactory(term="fascia")
        get_matcher()
        with committed():
            term.delete()
        assert GlossaryLinker().link("<p>fascia</p>") == "<p>fascia</p>"

    def test_the_matcher_is_reused_while_the_glossary_is_unchanged(self, committed, django_assert_num_queries):
        with committed():
            TermFactory(term="fascia")
        first = get_matcher()
        with committed():
            ArticleFactory()  # a change elsewhere
        # Only the stamps are read (once per request, with the page) to know the glossary is unchanged.
        with django_assert_num_queries(1):
            assert get_matcher() is first

    def test_a_matcher_built_while_a_change_is_uncommitted_is_not_kept(self):
        TermFactory(term="fascia")  # not committed: an add-form preview rolls this back
        assert linked_words(GlossaryLinker().link("<p>fascia</p>")) == ["fascia"]
        assert get_matcher() is not get_matcher()

    def test_a_scheduled_term_is_linked_once_its_time_has_come(self, committed, monkeypatch):
        soon = timezone.now() + datetime.timedelta(hours=1)
        with committed():
            TermFactory(term="fascia", published_at=soon)
        assert linked_words(GlossaryLinker().link("<p>fascia</p>")) == []
        # Time passes without a save: the first read after the moment announces it.
        monkeypatch.setattr(timezone, "now", lambda: soon + datetime.timedelta(seconds=1))
        assert linked_words(GlossaryLinker().link("<p>fascia</p>")) == ["fascia"]


@pytest.mark.django_db
class TestPages:
    def test_article_page_links_the_first_mention_across_body_faqs_and_treatments(self, client):
        TermFactory(term="trigger point", slug="trigger-point", short_definition="A tight knot in a muscle.")
        TermFactory(term="fascia", slug="fascia")
        TermFactory(term="effleurage", slug="effleurage")
        article = ArticleFactory(body="## Trigger points\n\nA trigger point hurts.")
        FAQFactory(article=article, answer="Each trigger point and the fascia.")
        treatment_list = TreatmentListFactory(article=article)
        TreatmentFactory(treatment_list=treatment_list, description="Fascia, then effleurage.")
        html = client.get(article.get_absolute_url()).content.decode()
        assert linked_words(html) == ["trigger point", "fascia", "effleurage"]
        assert "A tight knot in a muscle." in html

    def test_editors_can_switch_linking_off_per_article(self, client):
        TermFactory(term="fascia")
        article = ArticleFactory(body="The fascia.", has_glossary_links=False)
        FAQFactory(article=article, answer="More fascia.")
        assert "term-link" not in client.get(article.get_absolute_url()).content.decode()
        assert "term-link" in client.get(ArticleFactory(body="The fascia.").get_absolute_url()).content.decode()

    @pytest.mark.parametrize("factory", [FAQFactory, TreatmentFactory])
    def test_faq_and_treatment_pages_link_terms(self, client, factory):
        TermFactory(term="fascia")
        field = "answer" if factory is FAQFactory else "description"
        item = factory(**{field: "About the fascia."})
        assert linked_words(client.get(item.get_absolute_url()).content.decode()) == ["fascia"]

    def test_term_page_links_other_terms_but_not_itself(self, client):
        TermFactory(term="fascia")
        term = TermFactory(term="myofascial release", definition="Myofascial release works on the fascia.")
        html = client.get(term.get_absolute_url()).content.decode()
        assert linked_words(html) == ["fascia"]


def test_benchmark_command_reports_median_and_95th_percentile(capsys):
    call_command("bench_glossary_links", terms=50, words=200, runs=3)
    output = capsys.readouterr().out
    assert "50 terms" in output and "median" in output and "95th percentile" in output


@pytest.mark.django_db
def test_bulk_publishing_terms_in_the_admin_rebuilds_the_matcher(staff_client):
    term = TermFactory(term="fascia", status=Status.DRAFT)
    assert GlossaryLinker().link("<p>fascia</p>") == "<p>fascia</p>"
    staff_client.post(
        reverse("admin:glossary_term_changelist"), {"action": "publish", ACTION_CHECKBOX_NAME: [str(term.pk)]}
    )
    assert linked_words(GlossaryLinker().link("<p>fascia</p>")) == ["fascia"]
