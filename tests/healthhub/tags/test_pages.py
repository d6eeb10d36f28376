import pytest
from django.urls import reverse

from healthhub.caching import stamps
from healthhub.publishing.models import Status
from healthhub.tags import queries as tag_queries
from tests.factories import ArticleFactory, FAQFactory, TermFactory, TriggerFactory

pytestmark = pytest.mark.django_db


def test_intersection_page_lists_what_carries_all_tags(client):
    ArticleFactory(tags=["sleep", "posture"], title="Both tags")
    ArticleFactory(tags=["sleep"], title="Only sleep")
    response = client.get(reverse("tags:detail", args=["sleep+posture"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Both tags" in html and "Only sleep" not in html
    assert "Tagged “sleep + posture”" in html


def test_intersection_page_links_to_widen_by_removing_each_tag(client):
    ArticleFactory(tags=["sleep", "posture"])
    response = client.get("/tags/sleep+posture/")
    assert response.context["wider"] == [("sleep", ["posture"]), ("posture", ["sleep"])]
    html = response.content.decode()
    assert 'href="/tags/posture/"' in html and 'href="/tags/sleep/"' in html


def test_tag_page_links_to_narrow_by_co_occurring_tags(client):
    ArticleFactory(tags=["sleep", "posture"])
    TermFactory(tags=["sleep", "posture", "pain"])
    TriggerFactory(tags=["unrelated"])
    html = client.get("/tags/sleep/").content.decode()
    assert "Often together with" in html
    assert 'href="/tags/sleep+posture/"' in html and 'href="/tags/sleep+pain/"' in html
    assert "unrelated" not in html


def test_query_string_tags_redirect_to_the_intersection_address(client):
    response = client.get(reverse("tags:list"), {"tag": ["sleep", "posture"]})
    assert response.status_code == 302 and response.url == "/tags/sleep+posture/"
    response = client.get("/tags/sleep/", {"tag": "posture"})
    assert response.url == "/tags/sleep+posture/"


def test_odd_query_string_tags_are_dropped(client):
    response = client.get(reverse("tags:list"), {"tag": ["<script>", ""]})
    assert response.status_code == 302 and response.url == "/tags/"


@pytest.mark.parametrize("path", ["/tags/no-such-tag/", "/tags/sleep+no-such-tag/", "/tags/sleep+posture/"])
def test_unknown_tags_or_empty_intersections_are_a_clear_404_page(client, path):
    ArticleFactory(tags=["sleep"])
    ArticleFactory(tags=["posture"])
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "No published page carries" in html
    assert 'href="/tags/"' in html


def test_empty_intersection_offers_to_widen(client):
    ArticleFactory(tags=["sleep"])
    html = client.get("/tags/sleep+no-such-tag/").content.decode()
    assert 'href="/tags/sleep/"' in html


def test_a_tag_used_only_on_drafts_looks_like_an_unknown_tag(client):
    ArticleFactory(tags=["sleep"])
    ArticleFactory(tags=["sleep", "embargoed"], status=Status.DRAFT)
    unknown = client.get("/tags/sleep+no-such-tag/")
    drafts_only = client.get("/tags/sleep+embargoed/")
    assert drafts_only.status_code == unknown.status_code == 404
    assert "Draft" not in drafts_only.content.decode()


def test_too_many_tags_is_a_404(client):
    assert client.get("/tags/a+b+c+d+e/").status_code == 404


def test_unicode_tag_slugs_have_pages(client):
    ArticleFactory(tags=["Schlafstörung"])
    response = client.get(reverse("tags:detail", args=["schlafstörung"]))
    assert response.status_code == 200


def test_autocomplete_returns_json_for_visible_tags_only(client):
    ArticleFactory(tags=["sleep apnoea"])
    ArticleFactory(tags=["sleep secret"], status=Status.DRAFT)
    response = client.get(reverse("tags:autocomplete"), {"q": "SLEEP"})
    assert response.status_code == 200
    assert response.json() == {
        "results": [{"name": "sleep apnoea", "slug": "sleep-apnoea", "url": "/tags/sleep-apnoea/"}]
    }


@pytest.mark.parametrize("query", ["", "   ", "x" * 5000, "\x00", "%_%", "<script>"])
def test_autocomplete_copes_with_any_query(client, query):
    ArticleFactory(tags=["sleep"])
    response = client.get(reverse("tags:autocomplete"), {"q": query})
    assert response.status_code == 200
    assert response.json() == {"results": []}


@pytest.mark.parametrize("size", [2, 10])
def test_intersection_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    for i in range(size):
        article = ArticleFactory(tags=["pain", "posture", f"other {i}"])
        FAQFactory(article=article, tags=["pain", "posture"])
        TermFactory(tags=["pain", "posture", f"more {i}"])
        TriggerFactory(tags=["pain"])
    # The tags, one query per content type, then the tags of each type that has items (3).
    stamps.snapshot()  # worked out once per content change, not per page
    with django_assert_num_queries(1 + 6 + 3):
        response = client.get("/tags/pain+posture/")
    assert response.context["total"] == 3 * size


def test_a_long_tag_page_lists_the_first_items_and_links_to_the_rest_in_search(client, monkeypatch, committed):
    monkeypatch.setattr(tag_queries, "TAG_PAGE_LIMIT", 2)
    with committed():  # the search index is written after commit
        for _ in range(3):
            ArticleFactory(tags=["sleep"])
    response = client.get(reverse("tags:detail", args=["sleep"]))
    html = response.content.decode()
    ((_content_type, items),) = response.context["groups"]
    assert len(items) == 2 and items.has_more
    assert "More than 2 published pages" in html
    assert 'href="/search/?tag=sleep&amp;type=article"' in html
    assert client.get("/search/", {"tag": "sleep", "type": "article"}).context["results"].total == 3
