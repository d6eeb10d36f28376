import pytest
from django.core.management import call_command
from django.db.models import Count

from articles.models import FAQ, Article, TreatmentList, Trigger
from glossary.models import Term
from healthhub.tags import queries as tag_queries

pytestmark = pytest.mark.django_db


def snapshot():
    return {model.__name__: model.objects.count() for model in (Article, FAQ, TreatmentList, Trigger, Term)}


def test_load_demo_is_idempotent(demo_content):
    before = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == before


def test_if_empty_leaves_an_existing_site_alone(demo_content):
    Article.objects.filter(slug="cluster-headache").delete()
    call_command("load_demo", "--if-empty", verbosity=0)
    assert not Article.objects.filter(slug="cluster-headache").exists()


def test_demo_has_three_topics_each_with_at_least_five_faqs(demo_content):
    articles = Article.objects.published().annotate(faq_count=Count("faqs"))
    assert articles.count() == 3
    assert all(article.faq_count >= 5 for article in articles)


def test_cluster_headache_has_all_kinds_of_treatment_and_its_triggers(demo_content):
    article = Article.objects.get(slug="cluster-headache")
    kinds = set(article.treatment_lists.values_list("kind", flat=True))
    assert {"acute", "preventive", "interventional", "home_remedy"} <= kinds
    assert article.triggers.count() >= 8


def test_demo_tags_cross_link_the_topics(demo_content):
    shared = [
        tag
        for tag in ("posture", "breathing", "pain management", "massage", "exercise", "sleep", "stress", "stretching")
        if Article.objects.published().filter(tags__name=tag).count()
        + FAQ.objects.published().filter(tags__name=tag).values("article").distinct().count()
        >= 2
    ]
    assert len(shared) >= 3, shared
    assert len(tag_queries.tag_uses()) >= 10


def test_demo_articles_have_images_with_alt_text_and_credit(demo_content):
    for article in Article.objects.all():
        assert article.hero_image and article.hero_image_alt and article.hero_image_credit
