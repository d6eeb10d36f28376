"""Medical review: dates and reviewers shown to visitors, reviewer pages, the admin dashboard and filter."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from healthhub.models import SiteSettings
from healthhub.publishing.models import Status
from tests.articles.test_admin import admin_url
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    ReferenceFactory,
    ReviewerFactory,
    TreatmentFactory,
    TreatmentListFactory,
)

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_next_review_defaults_to_twelve_months_after_the_review():
    article = ArticleFactory(last_reviewed_on=datetime.date(2026, 3, 10), reviewed_by=ReviewerFactory())
    assert article.next_review_due == datetime.date(2027, 3, 10)


def test_a_chosen_next_review_date_is_kept():
    article = ArticleFactory(
        last_reviewed_on=datetime.date(2026, 3, 10),
        reviewed_by=ReviewerFactory(),
        next_review_due=datetime.date(2026, 9, 1),
    )
    assert article.next_review_due == datetime.date(2026, 9, 1)


def test_visitors_see_who_reviewed_the_page_and_when_it_is_due_again(client):
    reviewer = ReviewerFactory(name="Dr Ada Lane", credentials="MBBS, GP")
    article = ArticleFactory(last_reviewed_on=datetime.date(2026, 3, 10), reviewed_by=reviewer)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'Last reviewed <time datetime="2026-03-10">10 March 2026</time> by' in html
    assert f'<a href="{reviewer.get_absolute_url()}">Dr Ada Lane</a>, MBBS, GP' in html
    assert 'Next review due <time datetime="2027-03-10">March 2027</time>' in html


def test_reviewer_page_lists_only_visible_articles_they_reviewed(client):
    reviewer = ReviewerFactory(name="Dr Ada Lane", bio="Twenty years in general practice.")
    reviewed = dict(reviewed_by=reviewer, last_reviewed_on=datetime.date(2026, 1, 5))
    ArticleFactory(title="Back pain", **reviewed)
    ArticleFactory(title="Secret draft", status=Status.DRAFT, **reviewed)
    ArticleFactory(title="Someone else's", reviewed_by=ReviewerFactory(), last_reviewed_on=datetime.date(2026, 1, 5))
    response = client.get(reviewer.get_absolute_url())
    html = response.content.decode()
    assert [a.title for a in response.context["reviewed_articles"]] == ["Back pain"]
    assert "Twenty years in general practice." in html
    assert "Secret draft" not in html and "Someone else" not in html


def test_unknown_reviewer_is_a_404(client):
    assert client.get(reverse("articles:reviewer-detail", kwargs={"slug": "nobody"})).status_code == 404


def test_a_review_date_needs_a_reviewer():
    from django.core.exceptions import ValidationError

    article = ArticleFactory.build(last_reviewed_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="Say who reviewed"):
        article.clean()


def test_dashboard_lists_overdue_and_due_soon_articles(staff_client):
    reviewer = ReviewerFactory()
    ArticleFactory(title="Overdue one", reviewed_by=reviewer, last_reviewed_on=days(-400), next_review_due=days(-1))
    ArticleFactory(title="Due soon", reviewed_by=reviewer, last_reviewed_on=days(-340), next_review_due=days(30))
    ArticleFactory(title="Fine for now", reviewed_by=reviewer, last_reviewed_on=days(-10), next_review_due=days(31))
    ArticleFactory(title="Never looked at")
    response = staff_client.get(reverse("admin:articles_article_reviews"))
    assert [a.title for a in response.context["overdue"]] == ["Overdue one"]
    assert [a.title for a in response.context["due_soon"]] == ["Due soon"]
    assert [a.title for a in response.context["never"]] == ["Never looked at"]
    assert "Fine for now" not in response.content.decode()


def test_changelist_filters_overdue_and_due_soon(staff_client):
    reviewer = ReviewerFactory()
    ArticleFactory(title="Overdue one", reviewed_by=reviewer, last_reviewed_on=days(-400), next_review_due=days(-1))
    ArticleFactory(title="Due soon", reviewed_by=reviewer, last_reviewed_on=days(-340), next_review_due=days(5))
    url = admin_url(Article, "changelist")
    overdue = staff_client.get(url, {"review": "overdue"}).context["cl"].result_list
    soon = staff_client.get(url, {"review": "soon"}).context["cl"].result_list
    assert [a.title for a in overdue] == ["Overdue one"]
    assert [a.title for a in soon] == ["Due soon"]


def test_dashboard_is_for_staff_only(client):
    response = client.get(reverse("admin:articles_article_reviews"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_references_are_listed_in_order_and_cited_by_number(client):
    article = ArticleFactory()
    first = ReferenceFactory(article=article, order=1, title="NICE guideline", publisher="NICE")
    second = ReferenceFactory(article=article, order=2, title="A trial", url="")
    faq = FAQFactory(article=article)
    faq.references.set([second])
    treatment = TreatmentFactory(treatment_list=TreatmentListFactory(article=article))
    treatment.references.set([first, second])
    html = client.get(article.get_absolute_url()).content.decode()
    references = html.split('id="references"')[1]
    assert references.index("NICE guideline") < references.index("A trial")
    assert f'<li id="ref-{first.pk}">' in references and f'href="{first.url}"' in references
    assert f'href="#ref-{second.pk}" title="A trial">[2]</a>' in html
    assert f'href="#ref-{first.pk}" title="NICE guideline">[1]</a>, ' in html


def test_faq_page_links_its_sources_to_the_article(client):
    article = ArticleFactory()
    reference = ReferenceFactory(article=article, title="NICE guideline")
    faq = FAQFactory(article=article)
    faq.references.set([reference])
    html = client.get(faq.get_absolute_url()).content.decode()
    assert f'href="{reference.url}" rel="noopener">NICE guideline</a>' in html


def test_site_wide_disclaimer_is_editable(client):
    SiteSettings.objects.update(disclaimer="Talk to your pharmacist.")
    html = client.get(ArticleFactory(disclaimer="").get_absolute_url()).content.decode()
    assert "Talk to your pharmacist." in html
    assert "does not replace advice from a qualified" not in html


def test_site_settings_start_with_the_standard_disclaimer():
    assert "does not replace advice from a qualified health professional" in SiteSettings.load().disclaimer


@pytest.mark.parametrize("size", [1, 10])
def test_dashboard_and_reviewer_page_queries_do_not_grow(staff_client, django_assert_num_queries, size):
    reviewer = ReviewerFactory()
    for _ in range(size):
        ArticleFactory(reviewed_by=ReviewerFactory(), last_reviewed_on=days(-400), next_review_due=days(-1))
        ArticleFactory(reviewed_by=reviewer, last_reviewed_on=days(-340), next_review_due=days(5))
        ArticleFactory()
    url = reverse("admin:articles_article_reviews")
    staff_client.get(url)  # session and permission caches
    with django_assert_num_queries(6):  # session, user, permissions, overdue, due soon, never reviewed
        staff_client.get(url)
    # The reviewer and their visible articles (nothing on the page asks who is signed in).
    with django_assert_num_queries(2):
        staff_client.get(reviewer.get_absolute_url())
