"""A change makes stale only the pages that show what changed; every other page stays cached."""

import pytest
from django.test import Client

from articles.models import Article
from healthhub.publishing.models import Status
from tests.factories import ArticleFactory, FAQFactory, TermFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "the article": "/articles/knee-pain/",
    "its FAQ": "/faqs/does-ice-help/",
    "an article sharing its tags": "/articles/hip-pain/",
    "an article sharing nothing": "/articles/sleep-well/",
    "home": "/",
    "article list": "/articles/",
    "its tag": "/tags/joints/",
    "another tag": "/tags/sleep/",
    "glossary": "/glossary/",
    "a term it does not mention": "/glossary/melatonin/",
    "search": "/search/?q=pain",
    "feed": "/feeds/articles/rss/",
    "sitemap": "/sitemap.xml",
}


@pytest.fixture
def site(committed, settings):
    settings.PAGE_CACHE_SECONDS = 300
    with committed():
        article = ArticleFactory(title="Knee pain", slug="knee-pain", tags=["joints"], body="Rest the knee.")
        FAQFactory(article=article, question="Does ice help?", slug="does-ice-help", tags=["joints"])
        ArticleFactory(title="Hip pain", slug="hip-pain", tags=["joints"])
        ArticleFactory(title="Sleep well", slug="sleep-well", tags=["sleep"])
        TermFactory(term="Melatonin", slug="melatonin", tags=["sleep"])
    visitor = Client()
    for address in PAGES.values():
        visitor.get(address)
    assert all(visitor.get(address)["X-Cache"] == "hit" for address in PAGES.values())
    return visitor, article


def rendered_again(visitor):
    return {name for name, address in PAGES.items() if visitor.get(address)["X-Cache"] == "miss"}


def test_a_paragraph_edited_renders_its_page_and_the_lists_of_its_type(site, committed):
    visitor, article = site
    with committed():
        article.body = "Rest the knee, then walk a little."
        article.save()
    # The lists, feed and sitemap show when articles were updated; search reads the new words. Its FAQ's
    # page and the pages listing it show only its title, summary and address: they stay.
    assert rendered_again(visitor) == {"the article", "home", "article list", "search", "feed", "sitemap"}


def test_a_retitled_article_renders_every_page_listing_it(site, committed):
    visitor, article = site
    with committed():
        article.title = "Knee pain when running"
        article.save()
    assert rendered_again(visitor) == {
        "the article", "its FAQ", "an article sharing its tags", "home", "article list", "its tag", "search",
        "feed", "sitemap",
    }  # fmt: skip


def test_an_edited_draft_renders_nothing_visitors_see(site, committed):
    visitor, _article = site
    with committed():
        draft = ArticleFactory(title="Not yet", status=Status.DRAFT, tags=["joints"])
    assert rendered_again(visitor) == set()
    with committed():
        draft.body = "Still not ready."
        draft.save()
        draft.tags.add("sleep")
    assert rendered_again(visitor) == set()


def test_publishing_a_draft_renders_the_pages_that_list_it(site, committed):
    visitor, _article = site
    with committed():
        draft = ArticleFactory(title="Ankle pain", status=Status.DRAFT, tags=["joints"])
    with committed():
        Article.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)
    stale = rendered_again(visitor)
    assert {"home", "article list", "its tag", "search", "feed", "sitemap", "an article sharing its tags"} <= stale
    assert stale.isdisjoint({"an article sharing nothing", "another tag", "glossary", "a term it does not mention"})


def test_a_new_glossary_term_renders_the_pages_that_link_terms(site, committed):
    visitor, _article = site
    with committed():
        TermFactory(term="Knee", slug="knee")
    stale = rendered_again(visitor)
    assert {"the article", "glossary"} <= stale
    assert "another tag" not in stale and "feed" not in stale
