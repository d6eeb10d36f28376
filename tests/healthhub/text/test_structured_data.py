"""JSON-LD, Open Graph and canonical links on public pages."""

import datetime
import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import ArticleFactory, FAQFactory, ReviewerFactory, TermFactory, TreatmentFactory, TriggerFactory

pytestmark = pytest.mark.django_db

JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def jsonld_blocks(client, url):
    html = client.get(url).content.decode()
    blocks = [json.loads(text) for text in JSONLD.findall(html)]
    assert blocks, "no JSON-LD on the page"
    return {block["@type"]: block for block in blocks}


def test_article_page_is_a_medical_web_page_with_review_details(client):
    reviewer = ReviewerFactory(name="Dr Ada Lane", affiliation="Leeds General")
    article = ArticleFactory(title="Neck pain", last_reviewed_on=datetime.date(2026, 2, 1), reviewed_by=reviewer)
    page = jsonld_blocks(client, article.get_absolute_url())["MedicalWebPage"]
    assert page["@context"] == "https://schema.org"
    assert page["name"] == "Neck pain"
    assert page["url"] == f"http://testserver{article.get_absolute_url()}"
    assert page["lastReviewed"] == "2026-02-01"
    assert page["reviewedBy"]["@type"] == "Person"
    assert page["reviewedBy"]["name"] == "Dr Ada Lane"
    assert page["reviewedBy"]["affiliation"]["name"] == "Leeds General"
    assert page["reviewedBy"]["url"].endswith(reviewer.get_absolute_url())


def test_article_without_review_has_no_review_keys(client):
    page = jsonld_blocks(client, ArticleFactory().get_absolute_url())["MedicalWebPage"]
    assert "lastReviewed" not in page and "reviewedBy" not in page


def test_article_faqs_form_an_faq_page_of_visible_questions_only(client):
    article = ArticleFactory()
    FAQFactory(article=article, question="Can I run?", answer="Yes, **gently**.")
    FAQFactory(article=article, question="Hidden?", status="draft")
    faq_page = jsonld_blocks(client, article.get_absolute_url())["FAQPage"]
    assert faq_page["mainEntity"] == [
        {"@type": "Question", "name": "Can I run?", "acceptedAnswer": {"@type": "Answer", "text": "Yes, gently."}}
    ]


def test_breadcrumbs_lead_from_home_to_the_page(client):
    article = ArticleFactory(title="Neck pain")
    crumbs = jsonld_blocks(client, article.get_absolute_url())["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"]) for c in crumbs] == [(1, "Home"), (2, "Topics"), (3, "Neck pain")]
    assert crumbs[0]["item"] == "http://testserver/"


def test_text_from_editors_cannot_close_the_script_element(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>", summary="a & b <!-- c")
    html = client.get(article.get_absolute_url()).content.decode()
    for block in JSONLD.findall(html):
        assert "</script" not in block and "<!--" not in block
    page = jsonld_blocks(client, article.get_absolute_url())["MedicalWebPage"]
    assert page["name"] == "</script><script>alert(1)</script>"
    assert page["description"] == "a & b <!-- c"


def test_glossary_is_a_defined_term_set_and_each_term_a_defined_term(client):
    TermFactory(term="Kyphosis", aliases="Hunchback")
    TermFactory(term="Hidden", status="draft")
    term_set = jsonld_blocks(client, reverse("glossary:term-list"))["DefinedTermSet"]
    assert [t["name"] for t in term_set["hasDefinedTerm"]] == ["Kyphosis"]
    assert term_set["hasDefinedTerm"][0]["alternateName"] == ["Hunchback"]


def test_term_page_names_its_set(client):
    term = TermFactory(term="Kyphosis")
    blocks = jsonld_blocks(client, term.get_absolute_url())
    assert blocks["DefinedTerm"]["name"] == "Kyphosis"
    assert blocks["DefinedTerm"]["inDefinedTermSet"]["@type"] == "DefinedTermSet"
    assert "BreadcrumbList" in blocks


@pytest.mark.parametrize("factory", [FAQFactory, TreatmentFactory, TriggerFactory], ids=lambda f: f.__name__)
def test_other_detail_pages_have_breadcrumbs(client, factory):
    item = factory()
    assert "BreadcrumbList" in jsonld_blocks(client, item.get_absolute_url())


def test_article_page_has_canonical_link_and_open_graph_tags(client):
    article = ArticleFactory(title="Neck pain", summary="Why it hurts.")
    html = client.get(article.get_absolute_url() + "?utm_source=x").content.decode()
    canonical = f"http://testserver{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Neck pain">' in html
    assert '<meta property="og:description" content="Why it hurts.">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html


@override_settings(SITE_URL="https://health.example.org")
def test_canonical_links_follow_the_configured_site_address(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="https://health.example.org{article.get_absolute_url()}">' in html
