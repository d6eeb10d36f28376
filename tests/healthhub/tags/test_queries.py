import pytest

from healthhub import registry
from healthhub.publishing.models import Status
from healthhub.tags import queries as tag_queries
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    TermFactory,
    TreatmentFactory,
    TreatmentListFactory,
)

pytestmark = pytest.mark.django_db


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
