import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, ArticleTag, FAQTag
from healthhub.publishing.models import Status
from healthhub.tags.admin import TagAdmin
from healthhub.tags.services import merge_tags
from tests.factories import ArticleFactory, FAQFactory, TermFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:taggit_tag_changelist")


def tag(slug):
    return Tag.objects.get(slug=slug)


def names(item):
    return sorted(item.tags.names())


def test_healthhub_tag_admin_replaces_taggits():
    assert isinstance(admin.site._registry[Tag], TagAdmin)


def test_changelist_counts_uses_across_every_type_drafts_included(staff_client):
    article = ArticleFactory(tags=["sleep"])
    FAQFactory(article=article, tags=["sleep"])
    TermFactory(tags=["sleep"], status=Status.DRAFT)
    ArticleFactory(tags=["unused-soon"]).tags.clear()
    response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
    rows = {row.slug: row for row in response.context["cl"].result_list}
    assert rows["sleep"].uses == 3 and rows["unused-soon"].uses == 0
    assert "Articles 1, FAQs 1, Glossary terms 1" in response.content.decode()


def test_changelist_filters_unused_tags(staff_client):
    ArticleFactory(tags=["sleep"])
    Tag.objects.create(name="orphan", slug="orphan")
    response = staff_client.get(CHANGELIST, {"used": "no"})
    assert [row.slug for row in response.context["cl"].result_list] == ["orphan"]


def test_merge_moves_every_use_and_keeps_one_row_per_item():
    both = ArticleFactory(tags=["sleep", "Sleeping"])
    three = ArticleFactory(tags=["sleep", "Sleeping", "insomnia"])
    only_source = ArticleFactory(tags=["Sleeping"])
    two_sources = FAQFactory(tags=["Sleeping", "insomnia"])
    moved = merge_tags(target=tag("sleep"), sources=[tag("sleeping"), tag("insomnia")])
    assert names(both) == ["sleep"]
    assert names(three) == ["sleep"]
    assert names(only_source) == ["sleep"]
    assert names(two_sources) == ["sleep"]
    assert moved == 2
    assert list(Tag.objects.values_list("slug", flat=True)) == ["sleep"]
    assert ArticleTag.objects.count() == 3 and FAQTag.objects.count() == 1


def test_merge_action_asks_which_tag_to_keep_then_merges(staff_client):
    article = ArticleFactory(tags=["sleep", "Sleeping"])
    ids = [str(tag("sleep").pk), str(tag("sleeping").pk)]
    data = {"action": "merge_selected", ACTION_CHECKBOX_NAME: ids}
    response = staff_client.post(CHANGELIST, data)
    assert response.status_code == 200
    assert "Keep this tag" in response.content.decode()
    response = staff_client.post(CHANGELIST, {**data, "apply": "1", "target": ids[0]}, follow=True)
    assert "Merged “Sleeping” into “sleep”" in response.content.decode()
    assert names(article) == ["sleep"]


def test_merge_action_needs_two_tags(staff_client):
    ArticleFactory(tags=["sleep"])
    data = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [str(tag("sleep").pk)]}
    response = staff_client.post(CHANGELIST, data, follow=True)
    assert "Select at least two tags" in response.content.decode()
    assert Tag.objects.count() == 1


def test_merge_rolls_back_completely_when_it_fails(monkeypatch):
    article = ArticleFactory(tags=["sleep", "Sleeping"])

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Tag.objects, "filter", fail)
    with pytest.raises(RuntimeError):
        merge_tags(target=tag("sleep"), sources=[tag("sleeping")])
    monkeypatch.undo()
    assert names(article) == ["Sleeping", "sleep"]


def test_delete_unused_keeps_tags_in_use_even_on_drafts(staff_client):
    ArticleFactory(tags=["sleep"])
    ArticleFactory(tags=["embargoed"], status=Status.DRAFT)
    Tag.objects.create(name="orphan", slug="orphan")
    ids = [str(pk) for pk in Tag.objects.values_list("pk", flat=True)]
    response = staff_client.post(CHANGELIST, {"action": "delete_unused", ACTION_CHECKBOX_NAME: ids}, follow=True)
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["embargoed", "sleep"]
    assert "1 unused tag(s) deleted. 2 tag(s) are still in use" in response.content.decode()


def test_renaming_a_tag_changes_it_everywhere_and_its_address_follows(staff_client):
    article = ArticleFactory(tags=["sleeping"])
    term = TermFactory(tags=["sleeping"])
    sleeping = tag("sleeping")
    url = reverse("admin:taggit_tag_change", args=[sleeping.pk])
    response = staff_client.post(url, {"name": "Sleep problems", "slug": "sleeping"})
    assert response.status_code == 302
    sleeping.refresh_from_db()
    assert (sleeping.name, sleeping.slug) == ("Sleep problems", "sleep-problems")
    assert names(article) == names(term) == ["Sleep problems"]


def test_renaming_keeps_a_slug_the_editor_chose(staff_client):
    sleeping = Tag.objects.create(name="sleeping", slug="sleeping")
    url = reverse("admin:taggit_tag_change", args=[sleeping.pk])
    staff_client.post(url, {"name": "Sleep", "slug": "rest"})
    sleeping.refresh_from_db()
    assert sleeping.slug == "rest"


def test_renaming_onto_an_existing_name_points_to_merge(staff_client):
    Tag.objects.create(name="Sleep", slug="sleep")
    other = Tag.objects.create(name="sleeping", slug="sleeping")
    response = staff_client.post(reverse("admin:taggit_tag_change", args=[other.pk]), {"name": "SLEEP", "slug": ""})
    assert response.status_code == 200
    assert "Merge selected tags" in response.content.decode()
    other.refresh_from_db()
    assert other.name == "sleeping"


def test_visitors_cannot_reach_the_tag_admin(client):
    assert client.get(CHANGELIST).status_code == 302
    assert Article.objects.count() == 0
