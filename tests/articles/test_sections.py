import pytest

from articles import sections
from articles.models import Article
from healthhub.publishing.models import Status
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    ReferenceFactory,
    TreatmentFactory,
    TreatmentListFactory,
    TriggerFactory,
)

pytestmark = pytest.mark.django_db


def test_an_article_without_parts_costs_four_queries(django_assert_num_queries):
    article = ArticleFactory()
    # FAQs, treatments with their lists, references, triggers: no citations to read.
    with django_assert_num_queries(4):
        parts = sections.load(article)
    assert (parts.faqs, parts.treatment_groups, parts.trigger_groups, parts.references) == ([], [], [], [])
    assert parts.toc_extras() == []


def test_only_visible_parts_are_loaded_each_under_its_own_list():
    article = ArticleFactory()
    shown = FAQFactory(article=article)
    FAQFactory(article=article, status=Status.DRAFT)
    first, second = TreatmentListFactory(article=article), TreatmentListFactory(article=article)
    a = TreatmentFactory(treatment_list=first, order=2)
    b = TreatmentFactory(treatment_list=first, order=1)
    TreatmentFactory(treatment_list=first, status=Status.DRAFT)
    c = TreatmentFactory(treatment_list=second)
    TreatmentFactory(treatment_list=TreatmentListFactory(article=article), status=Status.DRAFT)
    TreatmentListFactory(article=article)  # no treatments at all
    TreatmentFactory(treatment_list=TreatmentListFactory(article=article, status=Status.DRAFT))
    trigger = TriggerFactory()
    trigger.articles.add(article)
    parts = sections.load(Article.objects.get(pk=article.pk))
    assert parts.faqs == [shown]
    # Lists without a visible treatment, and draft lists, are left out.
    (_kind, lists), *_ = parts.treatment_groups
    assert lists == [first, second]
    assert [tl.shown_treatments for tl in lists] == [[b, a], [c]]
    assert lists[0].shown_treatments[0].treatment_list is lists[0]  # no query to find its list again
    assert parts.trigger_groups[0][1] == [trigger]
    assert [anchor for anchor, _label in parts.toc_extras()] == ["faqs", "treatments", "triggers"]


def test_citations_follow_the_numbers_of_the_articles_references(django_assert_num_queries):
    article = ArticleFactory()
    second = ReferenceFactory(article=article, order=2)
    first = ReferenceFactory(article=article, order=1)
    faq = FAQFactory(article=article)
    faq.references.set([second, first])
    treatment = TreatmentFactory(treatment_list=TreatmentListFactory(article=article))
    treatment.references.set([second])
    uncited = FAQFactory(article=article)
    # FAQs, treatments with their lists, references, citations of both kinds at once, triggers.
    with django_assert_num_queries(5):
        parts = sections.load(article)
    assert parts.references == [first, second]
    assert [(r.pk, r.number) for r in parts.references] == [(first.pk, 1), (second.pk, 2)]
    cited = {item.pk: item.cited for item in parts.faqs}
    assert cited == {faq.pk: [first, second], uncited.pk: []}
    assert parts.treatment_groups[0][1][0].shown_treatments[0].cited == [second]


def test_only_the_articles_own_references_are_cited(client, django_assert_num_queries):
    article, other = ArticleFactory(), ArticleFactory()
    own = ReferenceFactory(article=article, title="Own guideline")
    elsewhere = ReferenceFactory(article=other, title="Borrowed guideline", url="https://example.org/b")
    faq = FAQFactory(article=article)
    faq.references.set([elsewhere, own])  # the admin and the importer refuse this; older data might not
    parts = sections.load(article)
    assert parts.faqs[0].cited == [own]
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="#ref-{own.pk}" title="Own guideline">[1]</a>' in html
    assert "Borrowed guideline" not in html
    # Without references of its own, an article's citations are not even read.
    reference_less = Article.objects.get(pk=FAQFactory().article.pk)
    with django_assert_num_queries(4):  # FAQs, treatments, references, triggers
        assert sections.load(reference_less).faqs[0].cited == []
