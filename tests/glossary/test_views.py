import pytest
from django.urls import reverse

from glossary.linking import get_matcher
from glossary.models import Term
from healthhub.caching import stamps
from healthhub.publishing.models import Status
from tests.factories import ArticleFactory, FAQFactory, TermFactory, TreatmentFactory, TriggerFactory

pytestmark = pytest.mark.django_db


def test_a_to_z_groups_terms_under_their_letter(client):
    for name in ["Kyphosis", "effleurage", "Éclampsia", "5-HT receptor", "Trochlea"]:
        TermFactory(term=name)
    response = client.get(reverse("glossary:term-list"))
    letters = {letter: [t.term for t in terms] for letter, terms in response.context["letters"]}
    assert letters == {
        "E": ["Éclampsia", "effleurage"],
        "K": ["Kyphosis"],
        "T": ["Trochlea"],
        "#": ["5-HT receptor"],
    }
    html = response.content.decode()
    assert 'href="#letter-k"' in html and 'id="letter-k"' in html
    assert 'href="#letter-other"' in html and 'id="letter-other"' in html
    assert '<span aria-disabled="true">B</span>' in html


def test_a_to_z_leaves_out_drafts(client):
    TermFactory(term="Hidden term", status=Status.DRAFT)
    assert "Hidden term" not in client.get(reverse("glossary:term-list")).content.decode()


def test_term_page_shows_aliases_and_visible_related_terms(client):
    term = TermFactory(term="Greater occipital nerve block", aliases="GON block\n occipital nerve block \n")
    term.related_terms.add(TermFactory(term="Cluster headache"), TermFactory(term="Draft term", status="draft"))
    response = client.get(term.get_absolute_url())
    html = response.content.decode()
    assert "Also called: GON block, occipital nerve block" in html
    assert "Cluster headache" in html and "Draft term" not in html


def test_related_terms_are_symmetrical():
    first, second = TermFactory(), TermFactory()
    first.related_terms.add(second)
    assert list(second.related_terms.all()) == [first]


def test_demo_glossary_has_at_least_25_published_terms(demo_content):
    assert Term.objects.published().count() >= 25
    assert Term.objects.get(slug="greater-occipital-nerve-block").alias_list


def test_unknown_term_is_a_404(client):
    assert client.get("/glossary/no-such-term/").status_code == 404


def test_draft_term_is_a_404_for_visitors(client):
    assert client.get(TermFactory(status=Status.DRAFT).get_absolute_url()).status_code == 404


def used_in(response):
    return {content_type.key: [str(item) for item in items] for content_type, items in response.context["used_in"]}


def test_term_page_lists_the_visible_pages_that_mention_it(client, committed):
    with committed():
        term = TermFactory(term="Fascia", aliases="connective tissue", definition="The fascia itself.")
        ArticleFactory(title="Mentions it", body="The fascia\nwraps muscles.")
        ArticleFactory(title="Mentions an alias", body="Connective tissues stretch.")
        ArticleFactory(title="Only a heading", body="## Fascia\n\nNothing else.")
        ArticleFactory(title="Only in a link", body="[fascia](https://example.org/)")
        ArticleFactory(title="Longer word", body="Fasciae and fascial lines.")
        ArticleFactory(title="Draft mention", body="The fascia.", status=Status.DRAFT)
        FAQFactory(question="A question?", answer="About fascia.")
        FAQFactory(question="Under a draft article?", answer="About fascia.", article__status=Status.DRAFT)
        TreatmentFactory(name="A treatment", description="Plain.", contraindications="Torn fascia.")
        TriggerFactory(name="A trigger", description="Tight fascia.")
        TermFactory(term="Myofascial release", definition="Works on the fascia.")
    response = client.get(term.get_absolute_url())
    assert used_in(response) == {
        "article": ["Mentions an alias", "Mentions it"],
        "faq": ["A question?"],
        "treatment": ["A treatment"],
        "trigger": ["A trigger"],
        "term": ["Myofascial release"],
    }
    assert "Used in" in response.content.decode()


def test_a_longer_term_takes_the_mention(client, committed):
    with committed():
        nerve = TermFactory(term="nerve")
        TermFactory(term="greater occipital nerve block")
        ArticleFactory(body="A greater occipital nerve block.")
    assert used_in(client.get(nerve.get_absolute_url())) == {}


def test_term_page_shows_related_pages_of_every_type(client):
    term = TermFactory(tags=["sleep"])
    ArticleFactory(tags=["sleep"], title="Sleep article")
    TriggerFactory(tags=["sleep"], name="Late coffee")
    html = client.get(term.get_absolute_url()).content.decode()
    assert "More on the same topics" in html
    assert "Sleep article" in html and "Late coffee" in html


@pytest.mark.parametrize("size", [1, 6])
def test_term_page_runs_a_fixed_number_of_queries(client, committed, django_assert_num_queries, size):
    with committed():
        term = TermFactory(term="fascia", tags=["anatomy"])
        for _ in range(size):
            ArticleFactory(body="The fascia.", tags=["anatomy"])
            FAQFactory(answer="The fascia.")
            term.related_terms.add(TermFactory(tags=["anatomy"]))
    get_matcher()
    stamps.snapshot()  # worked out once per content change, not per page
    # Term with tags (2), related terms, "Used in" of every type, the stamps (read once per request),
    # the stored related pages (none yet), related pages of every type and storing them (savepoint,
    # write, release).
    with django_assert_num_queries(2 + 1 + 1 + 1 + 1 + 1 + 3):
        response = client.get(term.get_absolute_url())
    assert len(used_in(response)["article"]) == len(used_in(response)["faq"]) == size
    # Once stored, the related pages are one read.
    with django_assert_num_queries(2 + 1 + 1 + 1 + 1):
        again = client.get(term.get_absolute_url())
    assert again.content == response.content


def test_a_large_glossary_shows_one_letter_at_a_time(client, monkeypatch):
    from glossary import views

    monkeypatch.setattr(views, "ONE_PAGE_LIMIT", 2)
    for name in ["Kyphosis", "Kinesiology", "Trochlea"]:
        TermFactory(term=name)
    first = client.get(reverse("glossary:term-list"))
    assert [letter for letter, _ in first.context["letters"]] == ["K"]
    html = first.content.decode()
    assert "Trochlea" not in html
    assert 'href="?letter=t"' in html and 'href="?letter=k" aria-current="page"' in html
    later = client.get(reverse("glossary:term-list"), {"letter": "t"})
    assert "Trochlea" in later.content.decode() and "Kyphosis" not in later.content.decode()
    assert client.get(reverse("glossary:term-list"), {"letter": "q"}).status_code == 404
    assert client.get(reverse("glossary:term-list"), {"letter": "<script>"}).status_code == 404
