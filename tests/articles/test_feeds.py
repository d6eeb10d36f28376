import re

import pytest
from django.urls import reverse

from healthhub.caching import stamps
from healthhub.publishing.models import Status
from tests.factories import ArticleFactory
from tests.healthhub.visible_set import mixed_content

pytestmark = pytest.mark.django_db


def titles(xml, item_tag):
    return re.findall(rf"<{item_tag}>.*?<title>(.*?)</title>", xml, flags=re.S)


@pytest.mark.parametrize(("name", "item_tag"), [("feeds:articles-rss", "item"), ("feeds:articles-atom", "entry")])
def test_feeds_list_exactly_the_visible_articles(client, name, item_tag):
    mixed_content()
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert titles(response.content.decode(), item_tag) == ["Visible article"]


def test_feed_items_link_to_their_pages_with_dates(client):
    article = mixed_content()[0]
    xml = client.get(reverse("feeds:articles-atom")).content.decode()
    assert f"http://testserver{article.get_absolute_url()}" in xml
    assert "<updated>" in xml and "<published>" in xml


def test_updated_articles_come_first(client):
    older, newer = ArticleFactory(title="Older"), ArticleFactory(title="Newer")
    older.summary = "Changed."
    older.save()
    xml = client.get(reverse("feeds:articles-rss")).content.decode()
    assert titles(xml, "item") == ["Older", "Newer"]
    assert newer


@pytest.mark.parametrize("name", ["feeds:tag-rss", "feeds:tag-atom"])
def test_tag_feed_lists_only_visible_articles_with_that_tag(client, name):
    mixed_content()
    ArticleFactory(title="Other topic", tags=["running"])
    response = client.get(reverse(name, kwargs={"slug": "sleep"}))
    item_tag = "entry" if "atom" in name else "item"
    assert titles(response.content.decode(), item_tag) == ["Visible article"]


def test_tag_used_only_on_drafts_has_no_feed(client):
    mixed_content()
    assert client.get(reverse("feeds:tag-rss", kwargs={"slug": "secret"})).status_code == 404
    assert client.get(reverse("feeds:tag-rss", kwargs={"slug": "no-such-tag"})).status_code == 404


def test_feed_queries_do_not_grow_with_articles(client, django_assert_num_queries):
    ArticleFactory.create_batch(2, tags=["a"])
    stamps.snapshot()  # worked out once per content change, not per page
    with django_assert_num_queries(2):
        client.get(reverse("feeds:articles-rss"))
    ArticleFactory.create_batch(15, tags=["a", "b"], status=Status.PUBLISHED)
    with django_assert_num_queries(2):
        client.get(reverse("feeds:articles-rss"))
