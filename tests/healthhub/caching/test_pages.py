"""Visitors' pages come from the cache while nothing they show has changed, with either shared cache."""

import datetime

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from healthhub.caching import stamps
from healthhub.models import SiteSettings
from healthhub.publishing.models import Status
from tests.factories import ArticleFactory, FAQFactory, TermFactory
from tests.services import REDIS_CACHE, needs_redis

pytestmark = pytest.mark.django_db

DATABASE_CACHE = {"BACKEND": "healthhub.caching.backends.DatabaseCache", "LOCATION": "healthhub_cache"}
BACKENDS = [
    pytest.param(DATABASE_CACHE, id="database"),
    pytest.param(REDIS_CACHE, id="redis", marks=needs_redis),
]


@pytest.fixture(params=BACKENDS)
def page_cache(request, settings):
    settings.CACHES = {"default": {**request.param, "KEY_PREFIX": "healthhub-tests"}}
    settings.PAGE_CACHE_SECONDS = 300
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


def is_redis(backend):
    return backend is REDIS_CACHE


def test_a_second_anonymous_view_is_served_from_the_cache(client, committed, page_cache, django_assert_num_queries):
    with committed():
        article = ArticleFactory()
    first = client.get(article.get_absolute_url())
    assert first["X-Cache"] == "miss"
    # With Redis one round trip and no query; the database cache is one query, the stamps another.
    with django_assert_num_queries(0 if is_redis(page_cache) else 2):
        second = client.get(article.get_absolute_url())
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_editing_an_article_shows_on_the_next_view(client, committed, page_cache):
    with committed():
        article = ArticleFactory(title="Old title")
    client.get(article.get_absolute_url())
    with committed():
        article.title = "New title"
        article.save()
    response = client.get(article.get_absolute_url())
    assert response["X-Cache"] == "miss"
    assert "New title" in response.content.decode()


def test_a_change_elsewhere_keeps_a_page_cached(client, committed, page_cache):
    with committed():
        article, other = ArticleFactory(tags=["sleep"]), ArticleFactory(tags=["diet"])
    client.get(article.get_absolute_url())
    with committed():
        other.body = "A new paragraph."
        other.save()
    assert client.get(article.get_absolute_url())["X-Cache"] == "hit"


def test_a_new_glossary_term_shows_on_the_glossary_page(client, committed, page_cache):
    with committed():
        TermFactory(term="Kyphosis")
    client.get(reverse("glossary:term-list"))
    with committed():
        TermFactory(term="Lordosis")
    assert "Lordosis" in client.get(reverse("glossary:term-list")).content.decode()


def test_changing_the_standard_disclaimer_shows_on_article_pages(client, committed, page_cache):
    with committed():
        article = ArticleFactory(disclaimer="")
    client.get(article.get_absolute_url())
    with committed():
        settings = SiteSettings.load()
        settings.disclaimer = "Call your doctor first."
        settings.save()
    assert "Call your doctor first." in client.get(article.get_absolute_url()).content.decode()


def test_retagging_shows_on_tag_pages(client, committed, page_cache):
    with committed():
        article = ArticleFactory(tags=["sleep"])
    assert client.get(reverse("tags:detail", args=["sleep"])).status_code == 200
    with committed():
        article.tags.set(["rest"])
    assert client.get(reverse("tags:detail", args=["sleep"])).status_code == 404


def test_a_bulk_update_shows_on_lists(client, committed, page_cache):
    with committed():
        ArticleFactory(title="Draft to publish", status=Status.DRAFT)
    client.get(reverse("articles:list"))
    with committed():
        Article.objects.update(status=Status.PUBLISHED)
    assert "Draft to publish" in client.get(reverse("articles:list")).content.decode()


def test_a_scheduled_article_appears_when_its_time_comes(client, committed, page_cache, monkeypatch):
    soon = timezone.now() + datetime.timedelta(seconds=30)
    with committed():
        ArticleFactory(title="Scheduled one", published_at=soon)
    assert "Scheduled one" not in client.get(reverse("articles:list")).content.decode()
    assert client.get(reverse("articles:list"))["X-Cache"] == "hit"
    monkeypatch.setattr(timezone, "now", lambda: soon + datetime.timedelta(seconds=1))
    assert "Scheduled one" in client.get(reverse("articles:list")).content.decode()


def test_staff_always_get_a_fresh_page(staff_client, committed, page_cache):
    with committed():
        article = ArticleFactory()
    staff_client.get(article.get_absolute_url())
    response = staff_client.get(article.get_absolute_url())
    assert "X-Cache" not in response


def test_a_session_cookie_bypasses_the_cache(client, committed, page_cache, settings):
    with committed():
        article = ArticleFactory()
    client.get(article.get_absolute_url())
    client.cookies[settings.SESSION_COOKIE_NAME] = "someone-signed-in"
    assert "X-Cache" not in client.get(article.get_absolute_url())


def test_cached_pages_answer_conditional_gets(client, committed, page_cache):
    with committed():
        article = ArticleFactory()
    first = client.get(article.get_absolute_url())
    assert first.has_header("Last-Modified") and first.has_header("ETag")
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    since = client.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_last_modified_is_when_what_the_page_shows_last_changed(client, committed, page_cache, monkeypatch):
    with committed():
        article = ArticleFactory()
    modified = client.get(article.get_absolute_url())["Last-Modified"]
    later = timezone.now() + datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with committed():
        ArticleFactory(status=Status.DRAFT, body="Not shown anywhere yet.")
    assert client.get(article.get_absolute_url())["Last-Modified"] == modified
    with committed():
        article.summary = "A new summary."
        article.save()
    assert client.get(article.get_absolute_url())["Last-Modified"] != modified


def test_not_found_pages_are_not_cached(client, committed, page_cache):
    client.get("/articles/later/")
    with committed():
        ArticleFactory(slug="later")
    assert client.get("/articles/later/").status_code == 200


def test_a_faq_change_shows_on_its_article_page(client, committed, page_cache):
    with committed():
        faq = FAQFactory(question="Old question?")
    client.get(faq.article.get_absolute_url())
    with committed():
        faq.question = "New question?"
        faq.save()
    assert "New question?" in client.get(faq.article.get_absolute_url()).content.decode()


def test_each_host_name_gets_its_own_page(committed, page_cache, settings):
    settings.ALLOWED_HOSTS = ["health.example.org", "mirror.example.org"]
    settings.SITE_URL = ""
    with committed():
        article = ArticleFactory()
    first = Client(HTTP_HOST="health.example.org").get(article.get_absolute_url())
    second = Client(HTTP_HOST="mirror.example.org").get(article.get_absolute_url())
    assert second["X-Cache"] == "miss"
    assert "http://health.example.org/" in first.content.decode()
    assert "http://mirror.example.org/" in second.content.decode()
    assert "health.example.org" not in second.content.decode()


def test_a_visitors_hit_reads_the_stamps_with_the_page(client, committed, page_cache, monkeypatch):
    with committed():
        article = ArticleFactory()
    client.get(article.get_absolute_url())
    reads = []
    real = stamps.read_with

    def counted(cache_keys):
        reads.append(list(cache_keys))
        return real(cache_keys)

    monkeypatch.setattr(stamps, "read_with", counted)
    assert client.get(article.get_absolute_url())["X-Cache"] == "hit"
    assert len(reads) == 1


def test_after_a_save_elsewhere_a_page_is_checked_in_memory(client, committed, page_cache, django_assert_num_queries):
    with committed():
        article, other = ArticleFactory(tags=["sleep"]), ArticleFactory(tags=["diet"])
    client.get(article.get_absolute_url())
    with committed():
        other.body = "A new paragraph."
        other.save()
    # The recent stamps are read once per process after the change (one more read); nothing is written.
    with django_assert_num_queries(0 if is_redis(page_cache) else 3) as context:
        assert client.get(article.get_absolute_url())["X-Cache"] == "hit"
    assert not any(query["sql"].startswith(("INSERT", "UPDATE")) for query in context.captured_queries)
    with django_assert_num_queries(0 if is_redis(page_cache) else 2):
        assert client.get(article.get_absolute_url())["X-Cache"] == "hit"
