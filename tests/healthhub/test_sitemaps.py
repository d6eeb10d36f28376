import re

import pytest
from django.test import override_settings

from healthhub.caching import stamps
from tests.factories import ArticleFactory, TermFactory
from tests.healthhub.visible_set import mixed_content

pytestmark = pytest.mark.django_db


def sitemap_locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return re.findall(r"<loc>(.*?)</loc>", response.content.decode())


def test_sitemap_lists_exactly_the_visible_pages(client):
    visible = mixed_content()
    expected = {f"http://testserver{item.get_absolute_url()}" for item in visible}
    locations = sitemap_locations(client)
    assert len(locations) == len(expected)
    assert set(locations) == expected


def test_sitemap_entries_carry_their_last_change(client):
    article = mixed_content()[0]
    xml = client.get("/sitemap.xml").content.decode()
    assert f"<lastmod>{article.updated_at.date().isoformat()}" in xml


@override_settings(SITE_URL="https://health.example.org")
def test_sitemap_uses_the_configured_site_address(client):
    mixed_content()
    assert all(loc.startswith("https://health.example.org/") for loc in sitemap_locations(client))


def test_robots_txt_points_to_the_sitemap_and_keeps_robots_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_sitemap_queries_do_not_grow_with_content(client, django_assert_num_queries):
    mixed_content()
    stamps.snapshot()  # worked out once per content change, not per page
    with django_assert_num_queries(10):  # a count and a page of items per content type
        client.get("/sitemap.xml")
    ArticleFactory.create_batch(10)
    TermFactory.create_batch(10)
    with django_assert_num_queries(10):
        client.get("/sitemap.xml")
