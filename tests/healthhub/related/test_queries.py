import datetime

import pytest
from django.utils import timezone

from healthhub.publishing.models import Status
from healthhub.related import queries as related_queries
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    TermFactory,
    TreatmentFactory,
    TreatmentListFactory,
    TriggerFactory,
)

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


class TestRelated:
    def test_items_of_every_type_rank_by_shared_tags_then_recency(self):
        article = ArticleFactory(tags=["sleep", "posture", "pain"])
        three = TermFactory(tags=["sleep", "posture", "pain"], published_at=days_ago(30))
        two_old = TriggerFactory(tags=["sleep", "posture"], published_at=days_ago(20))
        two_new = FAQFactory(tags=["posture", "pain", "other"], published_at=days_ago(2))
        one = TreatmentFactory(tags=["pain"], published_at=days_ago(1))
        TriggerFactory(tags=["unrelated"])
        related = related_queries.related(article)
        assert [entry.item for entry in related] == [three, two_new, two_old, one]
        assert [entry.content_type.key for entry in related] == ["term", "faq", "trigger", "treatment"]

    def test_the_item_itself_and_invisible_items_are_left_out(self):
        faq = FAQFactory(tags=["sleep"])
        FAQFactory(tags=["sleep"], status=Status.DRAFT)
        FAQFactory(tags=["sleep"], article=ArticleFactory(status=Status.DRAFT))
        TermFactory(tags=["sleep"], published_at=timezone.now() + datetime.timedelta(days=1))
        visible = ArticleFactory(tags=["sleep"])
        assert [entry.item for entry in related_queries.related(faq)] == [visible]

    def test_the_list_is_bounded(self):
        article = ArticleFactory(tags=["sleep"])
        for _ in range(5):
            ArticleFactory(tags=["sleep"])
            TermFactory(tags=["sleep"])
        assert len(related_queries.related(article, limit=8)) == 8

    def test_untagged_items_have_no_related_items_and_cost_no_query(self, django_assert_num_queries):
        article = ArticleFactory()
        ArticleFactory(tags=["sleep"])
        article = type(article).objects.prefetch_related("tags").get(pk=article.pk)
        with django_assert_num_queries(0):
            assert related_queries.related(article) == []


def test_an_articles_own_faqs_treatments_and_triggers_are_not_related_to_it():
    article = ArticleFactory(tags=["sleep"])
    FAQFactory(article=article, tags=["sleep"])
    TreatmentFactory(treatment_list=TreatmentListFactory(article=article, tags=["sleep"]), tags=["sleep"])
    TriggerFactory(tags=["sleep"]).articles.add(article)
    elsewhere = FAQFactory(tags=["sleep"], article=None)
    assert [entry.item for entry in related_queries.related(article)] == [elsewhere]
