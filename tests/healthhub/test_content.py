import datetime

import pytest
from django.utils import timezone

from healthhub import registry
from healthhub.publishing.models import Status
from healthhub.related import queries as related_queries
from healthhub.tags import queries as tag_queries
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


class TestTagged:
    def test_intersection_shows_only_items_carrying_every_tag(self):
        both = ArticleFactory(tags=["sleep", "posture"])
        ArticleFactory(tags=["sleep"])
        term = TermFactory(tags=["posture", "sleep", "pain"])
        TermFactory(tags=["posture"])
        groups = tag_queries.tagged(["sleep", "posture"])
        assert [(ct.key, items) for ct, items in groups] == [("article", [both]), ("term", [term])]

    def test_an_item_appears_once_however_many_tags_match(self):
        article = ArticleFactory(tags=["sleep", "posture", "pain"])
        assert tag_queries.tagged(["sleep", "posture", "pain"]) == [(registry.CONTENT_TYPES[0], [article])]

    def test_repeated_tags_count_once(self):
        article = ArticleFactory(tags=["sleep"])
        assert tag_queries.tagged(["sleep", "sleep"]) == [(registry.CONTENT_TYPES[0], [article])]

    def test_unknown_tags_give_nothing(self):
        ArticleFactory(tags=["sleep"])
        assert tag_queries.tagged(["sleep", "no-such-tag"]) == []

    def test_co_occurring_tags_are_counted_over_the_items(self):
        ArticleFactory(tags=["sleep", "posture", "pain"])
        TermFactory(tags=["sleep", "posture"])
        FAQFactory(tags=["sleep"])
        groups = tag_queries.tagged(["sleep"])
        assert [(tag.slug, count) for tag, count in tag_queries.co_occurring(groups, {"sleep"})] == [
            ("posture", 2),
            ("pain", 1),
        ]


class TestAutocomplete:
    def test_only_tags_on_visible_content_are_suggested(self):
        ArticleFactory(tags=["sleep apnoea"])
        ArticleFactory(tags=["sleep secret"], status=Status.DRAFT)
        FAQFactory(tags=["sleep child"], article=ArticleFactory(status=Status.DRAFT))
        TreatmentFactory(tags=["sleep hygiene"], treatment_list=TreatmentListFactory())
        assert [tag.name for tag in tag_queries.visible_tags_matching("sleep")] == ["sleep apnoea", "sleep hygiene"]

    def test_names_starting_with_the_query_come_first(self):
        ArticleFactory(tags=["poor sleep", "sleep", "deep sleep"])
        assert [tag.name for tag in tag_queries.visible_tags_matching("sle")] == ["sleep", "deep sleep", "poor sleep"]


def test_an_articles_own_faqs_treatments_and_triggers_are_not_related_to_it():
    article = ArticleFactory(tags=["sleep"])
    FAQFactory(article=article, tags=["sleep"])
    TreatmentFactory(treatment_list=TreatmentListFactory(article=article, tags=["sleep"]), tags=["sleep"])
    TriggerFactory(tags=["sleep"]).articles.add(article)
    elsewhere = FAQFactory(tags=["sleep"], article=None)
    assert [entry.item for entry in related_queries.related(article)] == [elsewhere]
