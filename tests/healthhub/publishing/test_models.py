import datetime

import pytest
from django.utils import timezone

from articles.models import FAQ, Article, Treatment, TreatmentList, Trigger
from glossary.models import Term
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

FACTORIES = [
    (Article, ArticleFactory),
    (FAQ, FAQFactory),
    (TreatmentList, TreatmentListFactory),
    (Treatment, TreatmentFactory),
    (Trigger, TriggerFactory),
    (Term, TermFactory),
]


@pytest.mark.parametrize(("model", "factory"), FACTORIES)
def test_published_items_in_the_past_are_visible(model, factory):
    item = factory()
    assert list(model.objects.published()) == [item]
    assert item.is_visible()


@pytest.mark.parametrize(("model", "factory"), FACTORIES)
def test_drafts_are_hidden(model, factory):
    item = factory(status=Status.DRAFT)
    assert not model.objects.published().exists()
    assert not item.is_visible()


@pytest.mark.parametrize(("model", "factory"), FACTORIES)
def test_items_scheduled_for_the_future_are_hidden_until_their_time(model, factory):
    item = factory(published_at=timezone.now() + datetime.timedelta(minutes=1))
    assert not model.objects.published().exists()
    item.published_at = timezone.now() - datetime.timedelta(seconds=1)
    item.save()
    assert model.objects.published().exists()


def test_faq_of_a_draft_article_is_hidden():
    faq = FAQFactory(article=ArticleFactory(status=Status.DRAFT))
    assert not FAQ.objects.published().exists()
    assert FAQ.objects.published(parents=False).get() == faq


def test_faq_of_a_scheduled_article_is_hidden():
    FAQFactory(article=ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1)))
    assert not FAQ.objects.published().exists()


def test_standalone_faq_follows_its_own_status():
    visible = FAQFactory(article=None)
    FAQFactory(article=None, status=Status.DRAFT)
    assert list(FAQ.objects.published()) == [visible]


def test_treatment_is_hidden_when_its_list_is_a_draft():
    TreatmentFactory(treatment_list=TreatmentListFactory(status=Status.DRAFT))
    assert not Treatment.objects.published().exists()


def test_treatment_is_hidden_when_its_lists_article_is_a_draft():
    article = ArticleFactory(status=Status.DRAFT)
    TreatmentFactory(treatment_list=TreatmentListFactory(article=article))
    assert not Treatment.objects.published().exists()
    assert not TreatmentList.objects.published().exists()


def test_published_count_matches_visible_items():
    ArticleFactory.create_batch(3)
    ArticleFactory.create_batch(2, status=Status.DRAFT)
    assert Article.objects.published().count() == 3


def test_sharing_tags_ranks_by_number_of_shared_tags_then_recency():
    now = timezone.now()
    article = ArticleFactory(tags=["posture", "breathing", "running"])
    two_shared_old = ArticleFactory(tags=["posture", "breathing"], published_at=now - datetime.timedelta(days=9))
    one_shared_new = ArticleFactory(tags=["running"], published_at=now - datetime.timedelta(days=1))
    one_shared_old = ArticleFactory(tags=["posture"], published_at=now - datetime.timedelta(days=5))
    ArticleFactory(tags=["posture"], status=Status.DRAFT)
    ArticleFactory(tags=["unrelated"])
    ranked = list(Article.objects.published().sharing_tags(article))
    assert ranked == [two_shared_old, one_shared_new, one_shared_old]
    assert ranked[0].shared_tags == 2


# Boundaries: the clock is set with monkeypatch so "just before" and "just after" are exact.

MOMENT = datetime.datetime(2026, 3, 1, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.mark.parametrize(
    ("offset", "visible"),
    [(-1, False), (0, True), (1, True)],
    ids=["one second before", "at the time", "one second after"],
)
def test_scheduled_item_appears_exactly_at_its_publication_time(clock, offset, visible):
    ArticleFactory(published_at=MOMENT)
    clock(MOMENT + datetime.timedelta(seconds=offset))
    assert Article.objects.published().exists() is visible


@pytest.mark.parametrize(
    ("offset", "visible"),
    [(-1, True), (0, False), (1, False)],
    ids=["one second before", "at the time", "one second after"],
)
def test_item_disappears_at_its_unpublish_time(clock, offset, visible):
    ArticleFactory(published_at=MOMENT - datetime.timedelta(days=1), unpublish_at=MOMENT)
    clock(MOMENT + datetime.timedelta(seconds=offset))
    assert Article.objects.published().exists() is visible


def test_publication_time_in_another_time_zone_is_the_same_instant(clock):
    from zoneinfo import ZoneInfo

    # 10:00 in New York on 1 March 2026 (EST, UTC-5) is 15:00 UTC.
    ArticleFactory(published_at=datetime.datetime(2026, 3, 1, 10, 0, tzinfo=ZoneInfo("America/New_York")))
    clock(MOMENT - datetime.timedelta(seconds=1))
    assert not Article.objects.published().exists()
    clock(MOMENT + datetime.timedelta(seconds=1))
    assert Article.objects.published().exists()


def test_children_disappear_when_their_article_is_unpublished_by_time(clock):
    before = MOMENT - datetime.timedelta(days=1)
    article = ArticleFactory(published_at=before, unpublish_at=MOMENT)
    FAQFactory(article=article, published_at=before)
    TreatmentFactory(treatment_list=TreatmentListFactory(article=article, published_at=before), published_at=before)
    clock(MOMENT - datetime.timedelta(seconds=1))
    assert FAQ.objects.published().exists()
    assert Treatment.objects.published().exists()
    clock(MOMENT)
    assert not FAQ.objects.published().exists()
    assert not Treatment.objects.published().exists()
    assert FAQ.objects.published(parents=False).exists()


@pytest.mark.parametrize(("model", "factory"), FACTORIES)
def test_items_in_review_are_hidden(model, factory):
    factory(status=Status.IN_REVIEW)
    assert not model.objects.published().exists()


def test_unpublished_by_time_article_is_not_found_by_visitors(client):
    article = ArticleFactory(unpublish_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_published_can_check_some_parents_only():
    draft_article = ArticleFactory(status=Status.DRAFT)
    shown_list = TreatmentListFactory(article=draft_article)
    in_shown_list = TreatmentFactory(treatment_list=shown_list)
    in_draft_list = TreatmentFactory(treatment_list=TreatmentListFactory(article=draft_article, status=Status.DRAFT))
    assert not Treatment.objects.published().exists()  # the article is a draft
    assert list(Treatment.objects.published(parents=["treatment_list"])) == [in_shown_list]
    assert set(Treatment.objects.published(parents=False)) == {in_shown_list, in_draft_list}
