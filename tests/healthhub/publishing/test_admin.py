"""Roles, server-side publish checks, bulk actions, stale-save warnings (healthhub/publishing/admin.py)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import FAQ, Article
from healthhub.publishing.models import Status
from tests.articles.test_admin import admin_url, article_form
from tests.factories import ArticleFactory, FAQFactory, TermFactory, TreatmentFactory, TriggerFactory

pytestmark = pytest.mark.django_db


def change_form(article, **overrides):
    """The POST an editor's browser sends when saving `article` unchanged, plus overrides."""
    local = timezone.localtime(article.published_at)
    data = article_form(
        title=article.title,
        slug=article.slug,
        summary=article.summary,
        body=article.body,
        tags="",
        status=article.status,
        published_at_0=local.strftime("%Y-%m-%d"),
        published_at_1=local.strftime("%H:%M:%S"),
        version=article.updated_at.isoformat(),
    )
    data.update(overrides)
    return data


def test_the_three_roles_exist_with_their_permissions():
    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    editor, reviewer, publisher = codenames("Editor"), codenames("Medical reviewer"), codenames("Publisher")
    assert {"add_article", "change_article", "add_faq", "change_term"} <= editor
    assert not {code for code in editor if code.startswith("publish_")}
    assert "review_article" not in editor
    assert {"review_article", "change_article"} <= reviewer and "publish_article" not in reviewer
    assert {"publish_article", "publish_faq", "publish_treatment", "publish_term", "delete_article"} <= publisher


def test_an_editor_can_save_a_draft_and_send_it_for_review(role_client):
    client = role_client("Editor")
    response = client.post(admin_url(Article, "add"), article_form(status="in_review"))
    assert response.status_code == 302
    assert Article.objects.get(slug="neck-pain-at-the-desk").status == Status.IN_REVIEW
    assert not Article.objects.published().exists()


def test_an_editors_forged_post_cannot_publish_a_new_article(role_client):
    response = role_client("Editor").post(admin_url(Article, "add"), article_form(status="published"))
    assert response.status_code == 200
    assert "Only publishers can publish" in response.content.decode()
    assert not Article.objects.exists()


def test_an_editors_forged_post_cannot_publish_an_existing_draft(role_client):
    article = ArticleFactory(status=Status.DRAFT)
    client = role_client("Editor")
    response = client.post(admin_url(Article, "change", article.pk), change_form(article, status="published"))
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_an_editor_cannot_take_a_published_article_offline_or_reschedule_it(role_client):
    article = ArticleFactory()
    client = role_client("Editor")
    url = admin_url(Article, "change", article.pk)
    response = client.post(url, change_form(article, status="draft"))
    assert "Only publishers can take published content offline" in response.content.decode()
    response = client.post(url, change_form(article, published_at_0="2030-01-01"))
    assert "Only publishers can change the schedule" in response.content.decode()
    response = client.post(url, change_form(article, unpublish_at_0="2030-01-01", unpublish_at_1="00:00:00"))
    assert "Only publishers can change the schedule" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.unpublish_at is None


def test_an_editor_may_correct_the_text_of_a_published_article(role_client):
    article = ArticleFactory()
    response = role_client("Editor").post(
        admin_url(Article, "change", article.pk), change_form(article, summary="Clearer summary.")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.summary == "Clearer summary."


def test_an_editor_cannot_publish_a_glossary_term_either(role_client):
    term = TermFactory(status=Status.DRAFT)
    data = {
        "term": term.term, "slug": term.slug, "short_definition": "Short.", "definition": "Long.",
        "aliases": "", "tags": "", "status": "published", "published_at_0": "2026-01-01",
        "published_at_1": "09:00:00", "version": term.updated_at.isoformat(),
    }  # fmt: skip
    response = role_client("Editor").post(admin_url(type(term), "change", term.pk), data)
    assert response.status_code == 200
    term.refresh_from_db()
    assert term.status == Status.DRAFT


def test_a_publisher_can_publish_and_schedule(role_client):
    article = ArticleFactory(status=Status.IN_REVIEW)
    client = role_client("Publisher")
    response = client.post(
        admin_url(Article, "change", article.pk),
        change_form(article, status="published", published_at_0="2030-01-01", published_at_1="09:00:00"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert not article.is_visible()  # scheduled


def test_an_editor_may_add_published_faqs_to_a_draft_article_but_not_to_a_published_one(role_client):
    client = role_client("Editor")
    faq = {
        "faqs-TOTAL_FORMS": "1", "faqs-0-question": "Can I work?", "faqs-0-slug": "can-i-work",
        "faqs-0-answer": "Yes.", "faqs-0-order": "0", "faqs-0-status": "published", "faqs-0-tags": "",
    }  # fmt: skip
    draft = ArticleFactory(status=Status.DRAFT)
    assert client.post(admin_url(Article, "change", draft.pk), change_form(draft, **faq)).status_code == 302
    assert FAQ.objects.get(slug="can-i-work").article == draft

    published = ArticleFactory()
    faq.update({"faqs-0-slug": "can-i-rest", "faqs-0-question": "Can I rest?"})
    response = client.post(admin_url(Article, "change", published.pk), change_form(published, **faq))
    assert response.status_code == 200
    assert not FAQ.objects.filter(slug="can-i-rest").exists()


def test_a_medical_reviewer_can_sign_off_a_review_but_an_editor_cannot(role_client):
    from tests.factories import ReviewerFactory

    article, reviewer = ArticleFactory(status=Status.DRAFT), ReviewerFactory()
    review = {"last_reviewed_on": "2026-02-01", "reviewed_by": str(reviewer.pk), "next_review_due": ""}
    role_client("Editor").post(admin_url(Article, "change", article.pk), change_form(article, **review))
    article.refresh_from_db()
    assert article.last_reviewed_on is None  # read-only for editors: the posted value is ignored

    client = role_client("Medical reviewer")
    response = client.post(admin_url(Article, "change", article.pk), change_form(article, **review))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.reviewed_by == reviewer
    assert article.next_review_due == datetime.date(2027, 2, 1)


def test_bulk_publish_is_refused_without_the_publish_permission(role_client):
    drafts = ArticleFactory.create_batch(2, status=Status.DRAFT)
    client = role_client("Editor")
    ids = [str(a.pk) for a in drafts]
    client.post(admin_url(Article, "changelist"), {"action": "publish", "_selected_action": ids})
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()
    html = client.get(admin_url(Article, "changelist")).content.decode()
    assert 'value="publish"' not in html


def test_bulk_unpublish_is_refused_without_the_publish_permission(role_client):
    published = ArticleFactory.create_batch(2)
    client = role_client("Medical reviewer")
    client.post(
        admin_url(Article, "changelist"), {"action": "unpublish", "_selected_action": [a.pk for a in published]}
    )
    assert Article.objects.published().count() == 2


def test_bulk_actions_work_for_publishers_and_keep_a_revision(role_client):
    drafts = ArticleFactory.create_batch(2, status=Status.DRAFT)
    client = role_client("Publisher")
    client.post(admin_url(Article, "changelist"), {"action": "publish", "_selected_action": [a.pk for a in drafts]})
    assert Article.objects.published().count() == 2
    last = drafts[0].history.first()
    assert last.status == Status.PUBLISHED and last.history_user.username == "publisher"


def test_a_second_save_from_a_stale_form_is_warned_and_keeps_the_input(staff_client):
    article = ArticleFactory(title="Original")
    url = admin_url(Article, "change", article.pk)
    opened = change_form(article)  # both editors open the form now
    first = staff_client.post(url, {**opened, "title": "First editor's title"})
    assert first.status_code == 302
    second = staff_client.post(url, {**opened, "title": "Second editor's title", "body": "My careful rewrite."})
    assert second.status_code == 200
    html = second.content.decode()
    assert "Someone else saved this by editor" in html
    assert "My careful rewrite." in html and "Second editor&#x27;s title" in html
    article.refresh_from_db()
    assert article.title == "First editor's title"


def test_saving_again_after_the_warning_replaces_the_other_version(staff_client):
    article = ArticleFactory()
    url = admin_url(Article, "change", article.pk)
    opened = change_form(article)
    staff_client.post(url, {**opened, "title": "First"})
    warned = staff_client.post(url, {**opened, "title": "Second"})
    resubmitted = {**opened, "title": "Second", "version": warned.context["adminform"].form["version"].value()}
    assert staff_client.post(url, resubmitted).status_code == 302
    article.refresh_from_db()
    assert article.title == "Second"


def test_unpublish_time_must_come_after_publication(staff_client):
    article = ArticleFactory(status=Status.DRAFT)
    response = staff_client.post(
        admin_url(Article, "change", article.pk),
        change_form(article, published_at_0="2026-05-01", unpublish_at_0="2026-04-01", unpublish_at_1="00:00:00"),
    )
    assert "The unpublish time must come after the publication time." in response.content.decode()


def test_faq_admin_refuses_references_of_another_article(staff_client):
    from tests.factories import ReferenceFactory

    faq = FAQFactory()
    foreign = ReferenceFactory()
    data = {
        "question": faq.question, "slug": faq.slug, "answer": faq.answer, "article": str(faq.article_id),
        "references": [str(foreign.pk)], "order": "0", "tags": "", "status": "published",
        "published_at_0": "2026-01-01", "published_at_1": "09:00:00", "version": faq.updated_at.isoformat(),
    }  # fmt: skip
    response = staff_client.post(admin_url(FAQ, "change", faq.pk), data)
    assert "Choose references from this item&#x27;s own article" in response.content.decode()
    own = ReferenceFactory(article=faq.article)
    data.update(references=[str(own.pk)], version=FAQ.objects.get(pk=faq.pk).updated_at.isoformat())
    assert staff_client.post(admin_url(FAQ, "change", faq.pk), data).status_code == 302
    assert list(faq.references.all()) == [own]


@pytest.mark.parametrize("version", ["garbage", "2026-13-45T99:00:00+00:00"])
def test_a_malformed_version_does_not_break_saving(staff_client, version):
    article = ArticleFactory()
    response = staff_client.post(admin_url(Article, "change", article.pk), change_form(article, version=version))
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["Editor", "Medical reviewer"])
@pytest.mark.parametrize(
    "factory", [ArticleFactory, FAQFactory, TreatmentFactory, TriggerFactory, TermFactory], ids=lambda f: f.__name__
)
def test_no_content_type_offers_or_runs_bulk_publishing_without_the_publish_permission(role_client, role, factory):
    draft, published = factory(status=Status.DRAFT), factory()
    model = type(draft)
    client = role_client(role)
    html = client.get(admin_url(model, "changelist")).content.decode()
    assert 'value="publish"' not in html and 'value="unpublish"' not in html
    client.post(admin_url(model, "changelist"), {"action": "publish", "_selected_action": [draft.pk]})
    client.post(admin_url(model, "changelist"), {"action": "unpublish", "_selected_action": [published.pk]})
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == (Status.DRAFT, Status.PUBLISHED)
