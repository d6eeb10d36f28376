"""Stored related-page lists are used while current, and worked out again after any change that may alter them."""

import datetime

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from healthhub.models import RelatedList
from healthhub.publishing.models import Status
from healthhub.related import queries as related_queries
from healthhub.related import store as related_lists
from healthhub.tags.services import merge_tags
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    TermFactory,
    TreatmentFactory,
    TreatmentListFactory,
    TriggerFactory,
)

pytestmark = pytest.mark.django_db


def related_to(obj, **kwargs):
    obj = type(obj).objects.prefetch_related("tags").get(pk=obj.pk)
    return [entry.item for entry in related_queries.related(obj, **kwargs)]


def labels(obj):
    return [str(item) for item in related_to(obj)]


@pytest.fixture
def article(committed):
    with committed():
        return ArticleFactory(tags=["sleep", "posture"])


def test_a_stored_list_is_read_back_in_one_query(article, committed, django_assert_num_queries):
    with committed():
        term = TermFactory(tags=["sleep"], term="Melatonin")
        faq = FAQFactory(tags=["posture"], article=None)
    first = related_to(article)
    assert set(first) == {term, faq}
    assert RelatedList.objects.filter(content_type="article", object_id=article.pk).exists()
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    # The list, and the stamps it is checked against (read once per request, with the page).
    with django_assert_num_queries(1 + 1):
        again = [entry.item for entry in related_queries.related(article)]
    assert again == first
    assert [item.term for item in again if hasattr(item, "term")] == ["Melatonin"]


def test_staff_previews_neither_read_nor_store_lists(article, committed):
    with committed():
        TermFactory(tags=["sleep"])
    related_to(article, fresh=True)
    assert not RelatedList.objects.exists()


def test_nothing_read_while_a_change_is_uncommitted_is_stored(article):
    TermFactory(tags=["sleep"])  # not committed: the transaction may yet roll back
    assert len(related_to(article)) == 1
    assert not RelatedList.objects.exists()


class TestChangesThatRenewTheList:
    def test_a_new_item_sharing_a_tag(self, article, committed):
        assert related_to(article) == []
        with committed():
            term = TermFactory(tags=["posture"])
        assert related_to(article) == [term]

    def test_an_item_in_the_list_unpublished_renamed_or_deleted(self, article, committed):
        with committed():
            term = TermFactory(tags=["sleep"], term="Melatonin")
            trigger = TriggerFactory(tags=["posture"], name="Late coffee")
        assert sorted(labels(article)) == ["Late coffee", "Melatonin"]
        with committed():
            term.term = "Melatonin tablets"
            term.save()
        assert sorted(labels(article)) == ["Late coffee", "Melatonin tablets"]
        with committed():
            term.status = Status.DRAFT
            term.save()
        assert labels(article) == ["Late coffee"]
        assert RelatedList.objects.filter(content_type="trigger", object_id=trigger.pk).count() == 0
        related_to(trigger)
        with committed():
            trigger_pk = trigger.pk
            trigger.delete()
        assert labels(article) == []
        # A deleted item's own list goes with it.
        assert not RelatedList.objects.filter(content_type="trigger", object_id=trigger_pk).exists()

    def test_the_item_losing_or_gaining_a_tag(self, article, committed):
        with committed():
            only_sleep = TermFactory(tags=["sleep"])
            rest = TermFactory(tags=["rest"])
        assert related_to(article) == [only_sleep]
        with committed():
            article.tags.remove("sleep")
        assert related_to(article) == []
        with committed():
            article.tags.add("rest")
        assert related_to(article) == [rest]
        with committed():
            article.tags.clear()
            article.tags.add("sleep")
        assert related_to(article) == [only_sleep]

    def test_another_item_losing_the_shared_tag(self, article, committed):
        with committed():
            term = TermFactory(tags=["sleep", "diet"])
        assert related_to(article) == [term]
        with committed():
            term.tags.set(["diet"])
        assert related_to(article) == []

    def test_an_unpublished_article_takes_its_faqs_and_treatments_along(self, article, committed):
        with committed():
            other = ArticleFactory(tags=["diet"])
            faq = FAQFactory(article=other, tags=["sleep"])
            treatment = TreatmentFactory(treatment_list=TreatmentListFactory(article=other), tags=["posture"])
        assert set(related_to(article)) == {faq, treatment}
        with committed():
            other.status = Status.DRAFT
            other.save()
        assert related_to(article) == []

    def test_a_trigger_listed_on_the_article_leaves_its_list(self, article, committed):
        with committed():
            trigger = TriggerFactory(tags=["sleep"])
        assert related_to(article) == [trigger]
        with committed():
            article.triggers.add(trigger)
        assert related_to(article) == []

    def test_bulk_updates_and_tag_merges(self, article, committed):
        with committed():
            draft = TermFactory(tags=["sleep"], status=Status.DRAFT)
            elsewhere = TermFactory(tags=["pillows"])
        assert related_to(article) == []
        with committed():
            type(draft).objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)
        assert related_to(article) == [draft]
        with committed():
            merge_tags(target=Tag.objects.get(name="sleep"), sources=[Tag.objects.get(name="pillows")])
        assert set(related_to(article)) == {draft, elsewhere}

    def test_a_deleted_tag(self, article, committed):
        with committed():
            term = TermFactory(tags=["sleep"])
        assert related_to(article) == [term]
        with committed():
            Tag.objects.get(name="sleep").delete()
        assert related_to(article) == []


def test_a_scheduled_item_joins_the_list_when_its_time_comes(article, committed, monkeypatch):
    soon = timezone.now() + datetime.timedelta(minutes=5)
    with committed():
        term = TermFactory(tags=["sleep"], published_at=soon)
    assert related_to(article) == []
    assert RelatedList.objects.filter(content_type="article", object_id=article.pk).exists()
    later = soon + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with committed():  # the clock's change is announced by the first read that finds its time passed
        assert related_to(article) == [term]


def test_a_list_worked_out_while_a_change_was_saved_is_not_taken_as_current(article, committed):
    # The list's query started before the change committed: it may describe the state before it.
    when = related_lists.started()
    with committed():
        term = TermFactory(tags=["sleep"])
    tag_ids = [tag.pk for tag in article.tags.all()]
    related_lists.store("article", article, tag_ids, [], when)
    assert related_lists.read("article", article, tag_ids) is None
    assert related_to(article) == [term]


@pytest.mark.parametrize("size", [2, 12])
def test_reading_a_stored_list_costs_one_query_at_any_size(committed, django_assert_num_queries, size):
    with committed():
        article = ArticleFactory(tags=[f"tag {i}" for i in range(size)])
        for i in range(size):
            TermFactory(tags=[f"tag {i}"])
            FAQFactory(tags=[f"tag {i}"], article=None)
    related_to(article)
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    with django_assert_num_queries(1 + 1):  # the list, and the stamps
        assert len(related_queries.related(article)) == min(2 * size, related_queries.RELATED_LIMIT)
