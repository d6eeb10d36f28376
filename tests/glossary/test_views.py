import pytest
from django.urls import reverse

from glossary.models import Term
from healthhub.publishing import Status
from tests.factories import TermFactory

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
