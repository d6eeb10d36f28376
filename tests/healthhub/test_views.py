import pytest
from django.urls import reverse

from healthhub.caching import stamps
from healthhub.publishing.models import Status
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    TermFactory,
    TreatmentFactory,
    TreatmentListFactory,
    TriggerFactory,
)

pytestmark = pytest.mark.django_db


def test_home_shows_topics_recent_articles_tags_and_search(client, demo_content):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["topics"]) == 3
    assert response.context["popular_tags"]
    assert 'role="search"' in html
    assert 'class="skip-link"' in html


def test_home_leaves_out_drafts(client):
    ArticleFactory(title="Published topic", tags=["sleep"])
    ArticleFactory(title="Draft topic", status=Status.DRAFT, tags=["secret-tag"])
    html = client.get(reverse("home")).content.decode()
    assert "Published topic" in html
    assert "Draft topic" not in html and "secret-tag" not in html


def test_tag_page_groups_every_content_type(client):
    tag = ["posture"]
    article = ArticleFactory(tags=tag)
    FAQFactory(article=article, tags=tag)
    treatment_list = TreatmentListFactory(article=article, tags=tag)
    TreatmentFactory(treatment_list=treatment_list, tags=tag)
    TriggerFactory(tags=tag)
    TermFactory(tags=tag)
    response = client.get(reverse("tags:detail", args=["posture"]))
    assert [content_type.label for content_type, _ in response.context["groups"]] == [
        "Articles",
        "FAQs",
        "Treatment lists",
        "Treatments",
        "Triggers",
        "Glossary terms",
    ]


def test_tag_page_leaves_out_drafts_and_children_of_drafts(client):
    ArticleFactory(tags=["sleep"], title="Visible article")
    draft = ArticleFactory(tags=["sleep"], status=Status.DRAFT, title="Draft article")
    FAQFactory(article=draft, tags=["sleep"], question="Child of a draft?")
    html = client.get(reverse("tags:detail", args=["sleep"])).content.decode()
    assert "Visible article" in html
    assert "Draft article" not in html and "Child of a draft?" not in html


def test_tag_used_only_by_drafts_is_not_found(client):
    ArticleFactory(tags=["embargoed"], status=Status.DRAFT)
    assert client.get(reverse("tags:detail", args=["embargoed"])).status_code == 404


def test_unknown_tag_is_not_found(client):
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_tag_list_counts_visible_items_across_types(client):
    article = ArticleFactory(tags=["breathing"])
    FAQFactory(article=article, tags=["breathing"])
    TermFactory(tags=["breathing"])
    TermFactory(tags=["breathing"], status=Status.DRAFT)
    FAQFactory(article=ArticleFactory(status=Status.DRAFT), tags=["breathing", "hidden"])
    response = client.get(reverse("tags:list"))
    uses = {use.slug: use.count for use, _size in response.context["tags"]}
    assert uses == {"breathing": 3}


def test_tag_list_sizes_tags_by_use(client):
    for _ in range(4):
        ArticleFactory(tags=["common"])
    ArticleFactory(tags=["rare"])
    sizes = {use.slug: size for use, size in client.get(reverse("tags:list")).context["tags"]}
    assert sizes["common"] == 5 and sizes["rare"] == 2


@pytest.mark.parametrize("size", [2, 10])
def test_tag_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    for _ in range(size):
        article = ArticleFactory(tags=["pain", f"other {size}"])
        FAQFactory(article=article, tags=["pain"])
        TermFactory(tags=["pain"])
    # One for the tag, then one per content type and one for each type's tags.
    stamps.snapshot()  # worked out once per content change, not per page
    with django_assert_num_queries(1 + 6 + 3):
        client.get(reverse("tags:detail", args=["pain"]))


def test_unknown_address_gets_the_friendly_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
