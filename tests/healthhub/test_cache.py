import datetime
import socket

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from glossary import linking as glossary_links
from healthhub import cache as cache_module
from healthhub.models import SiteSettings
from healthhub.publishing.models import Status
from tests.factories import ArticleFactory, FAQFactory, TermFactory

pytestmark = pytest.mark.django_db


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


BACKENDS = [
    pytest.param({"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, id="locmem"),
    pytest.param(
        {"BACKEND": "healthhub.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"},
        id="redis",
        marks=pytest.mark.skipif(not redis_reachable(), reason="no Redis server on 127.0.0.1:6379"),
    ),
]


@pytest.fixture(params=BACKENDS)
def page_cache(request, settings, django_capture_on_commit_callbacks):
    settings.CACHES = {"default": {**request.param, "KEY_PREFIX": "healthhub-tests"}}
    settings.PAGE_CACHE_SECONDS = 300
    caches["default"].clear()
    yield django_capture_on_commit_callbacks
    caches["default"].clear()


def test_second_anonymous_view_is_served_from_the_cache(client, page_cache, django_assert_num_queries):
    article = ArticleFactory()
    first = client.get(article.get_absolute_url())
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_editing_an_article_invalidates_its_cached_page(client, page_cache):
    article = ArticleFactory(title="Old title")
    client.get(article.get_absolute_url())
    with page_cache(execute=True):
        article.title = "New title"
        article.save()
    response = client.get(article.get_absolute_url())
    assert response["X-Cache"] == "miss"
    assert "New title" in response.content.decode()


def test_changing_a_glossary_term_invalidates_pages_that_show_it(client, page_cache):
    TermFactory(term="Kyphosis")
    client.get(reverse("glossary:term-list"))
    with page_cache(execute=True):
        TermFactory(term="Lordosis")
    assert "Lordosis" in client.get(reverse("glossary:term-list")).content.decode()


def test_changing_the_standard_disclaimer_invalidates_article_pages(client, page_cache):
    article = ArticleFactory(disclaimer="")
    client.get(article.get_absolute_url())
    with page_cache(execute=True):
        settings = SiteSettings.load()
        settings.disclaimer = "Call your doctor first."
        settings.save()
    assert "Call your doctor first." in client.get(article.get_absolute_url()).content.decode()


def test_retagging_invalidates_tag_pages(client, page_cache):
    article = ArticleFactory(tags=["sleep"])
    assert client.get(reverse("tags:detail", args=["sleep"])).status_code == 200
    with page_cache(execute=True):
        article.tags.set(["rest"])
    assert client.get(reverse("tags:detail", args=["sleep"])).status_code == 404


def test_bulk_publish_invalidates_cached_lists(client, page_cache):
    ArticleFactory(title="Draft to publish", status=Status.DRAFT)
    client.get(reverse("articles:list"))
    with page_cache(execute=True):
        Article.objects.update(status=Status.PUBLISHED)
    assert "Draft to publish" in client.get(reverse("articles:list")).content.decode()


def test_a_scheduled_article_appears_when_its_time_comes(client, page_cache, monkeypatch):
    soon = timezone.now() + datetime.timedelta(seconds=30)
    ArticleFactory(title="Scheduled one", published_at=soon)
    assert "Scheduled one" not in client.get(reverse("articles:list")).content.decode()
    later = soon + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr("time.time", lambda: later.timestamp())
    assert "Scheduled one" in client.get(reverse("articles:list")).content.decode()


def test_staff_always_get_a_fresh_page(staff_client, page_cache):
    article = ArticleFactory()
    staff_client.get(article.get_absolute_url())
    response = staff_client.get(article.get_absolute_url())
    assert "X-Cache" not in response


def test_cached_pages_carry_last_modified_and_answer_conditional_gets(client, page_cache):
    article = ArticleFactory()
    first = client.get(article.get_absolute_url())
    assert first.has_header("Last-Modified") and first.has_header("ETag")
    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    since = client.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_not_found_pages_are_not_cached(client, page_cache):
    client.get("/articles/later/")
    with page_cache(execute=True):
        ArticleFactory(slug="later")
    assert client.get("/articles/later/").status_code == 200


def test_faq_change_invalidates_its_article_page(client, page_cache):
    faq = FAQFactory(question="Old question?")
    client.get(faq.article.get_absolute_url())
    with page_cache(execute=True):
        faq.question = "New question?"
        faq.save()
    assert "New question?" in client.get(faq.article.get_absolute_url()).content.decode()


def test_a_visitors_request_reads_the_content_version_once(client, page_cache, monkeypatch):
    article = ArticleFactory(disclaimer="")
    FAQFactory(article=article)
    client.get(article.get_absolute_url())
    reads, inside = [], []
    real_get, real_get_many = caches["default"].get, caches["default"].get_many

    def get(key, *args, **kwargs):
        if not inside:  # local memory's get_many() calls get() for each key
            reads.append(key)
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.extend(keys)
        inside.append(True)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(caches["default"], "get", get)
    monkeypatch.setattr(caches["default"], "get_many", get_many)
    with page_cache(execute=True):
        article.save()  # a new version: the page is rendered again
    reads.clear()
    response = client.get(article.get_absolute_url())
    assert response["X-Cache"] == "miss"
    # The content and glossary versions, read with the cached page in one round trip.
    assert reads.count(cache_module.VERSION_KEY) == 1
    assert reads.count(glossary_links.VERSION_KEY) == 1
    assert cache_module.pinned_value(cache_module.VERSION_KEY) is None  # nothing stays pinned


def test_a_pinned_version_ends_at_the_next_scheduled_change(monkeypatch):
    now = timezone.now()
    pinned = cache_module.ContentVersion(number=1, changed_at=now.timestamp(), next_change_at=now.timestamp() + 60)
    with cache_module.pinned({cache_module.VERSION_KEY: pinned}):
        assert cache_module.current_version() is pinned
        monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(seconds=61))
        assert cache_module.current_version().number != 1
    assert cache_module.pinned_value(cache_module.VERSION_KEY) is None


def test_the_next_scheduled_change_is_the_earliest_publication_or_end_of_published_items():
    now = timezone.now()
    later = [now + datetime.timedelta(hours=hours) for hours in range(1, 5)]
    # Drafts change only when an editor publishes them (a save, which starts a new version anyway).
    ArticleFactory(status=Status.DRAFT, published_at=later[0])
    FAQFactory(status=Status.DRAFT, published_at=now, unpublish_at=later[0])
    assert cache_module.next_scheduled_change(now) is None

    ending = TermFactory(published_at=now - datetime.timedelta(days=1), unpublish_at=later[2])
    assert cache_module.next_scheduled_change(now) == later[2].timestamp()
    ArticleFactory(published_at=later[1])
    assert cache_module.next_scheduled_change(now) == later[1].timestamp()
    FAQFactory(published_at=now - datetime.timedelta(days=1), unpublish_at=later[0] + datetime.timedelta(minutes=1))
    assert cache_module.next_scheduled_change(now) == (later[0] + datetime.timedelta(minutes=1)).timestamp()
    # Times already passed are not upcoming.
    assert cache_module.next_scheduled_change(later[3]) is None
    ending.delete()
    assert cache_module.next_scheduled_change(later[1]) is None


def test_each_scheduled_change_lookup_has_an_index(django_assert_num_queries):
    """One lookup per publication field and content type, each matching an index (status first)."""
    models = cache_module._publishable_models()
    with django_assert_num_queries(2 * len(models)):
        cache_module.next_scheduled_change(timezone.now())
    for model in models:
        indexed = {tuple(index.fields) for index in model._meta.indexes}
        assert {("status", "published_at"), ("status", "unpublish_at")} <= indexed, model.__name__


def test_requests_starting_a_version_at_once_agree_on_the_first_one_stored(page_cache):
    caches["default"].delete(cache_module.VERSION_KEY)
    now = timezone.now()
    first = cache_module._new_version(now)
    # A request that found no version either, and finished working it out second.
    assert cache_module._new_version(now) == first
    assert cache_module.current_version() == first
    # An expired version is replaced, not kept.
    expired = cache_module.ContentVersion(number=1, changed_at=now.timestamp() - 60, next_change_at=now.timestamp() - 1)
    caches["default"].set(cache_module.VERSION_KEY, expired)
    assert cache_module.current_version().number not in (1, first.number)
