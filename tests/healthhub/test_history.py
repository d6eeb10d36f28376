"""Revisions, comparing and restoring them, restoring deleted items, previews of unsaved changes."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import FAQ, Article
from healthhub.publishing import Status
from tests.articles.test_admin import admin_url
from tests.factories import ArticleFactory, FAQFactory
from tests.healthhub.test_workflow import change_form

pytestmark = pytest.mark.django_db


def test_every_admin_save_keeps_a_revision_naming_the_editor(staff_client):
    article = ArticleFactory(title="First title")
    staff_client.post(admin_url(Article, "change", article.pk), change_form(article, title="Second title"))
    titles = [record.title for record in article.history.order_by("history_date")]
    assert titles == ["First title", "Second title"]
    assert article.history.latest("history_date").history_user.username == "editor"


def test_history_page_shows_who_changed_what(staff_client):
    article = ArticleFactory(title="First title")
    staff_client.post(admin_url(Article, "change", article.pk), change_form(article, title="Second title"))
    html = staff_client.get(admin_url(Article, "history", article.pk)).content.decode()
    assert "First title" in html and "Second title" in html
    assert "editor" in html


def test_an_old_revision_can_be_restored(staff_client):
    article = ArticleFactory(title="Good title", body="Good text.")
    old = article.history.get()
    staff_client.post(admin_url(Article, "change", article.pk), change_form(article, title="Bad", body="Oops."))
    url = reverse("admin:articles_article_simple_history", args=[article.pk, old.history_id])
    form = staff_client.get(url).context["adminform"].form
    assert form["title"].value() == "Good title"
    # The restore form carries the current version, so restoring is not mistaken for a stale save.
    current = Article.objects.get(pk=article.pk)
    response = staff_client.post(url, change_form(current, title="Good title", body="Good text."))
    assert response.status_code == 302
    current.refresh_from_db()
    assert (current.title, current.body_html) == ("Good title", "<p>Good text.</p>")
    assert current.history.count() == 3


def test_a_deleted_article_is_listed_and_can_be_restored_as_a_draft(staff_client):
    article = ArticleFactory(title="Deleted by mistake", slug="deleted-by-mistake")
    pk = article.pk
    staff_client.post(admin_url(Article, "delete", pk), {"post": "yes"})
    assert not Article.objects.filter(pk=pk).exists()

    html = staff_client.get(admin_url(Article, "deleted")).content.decode()
    assert "Deleted by mistake" in html
    record = Article.history.get(id=pk, history_type="-")
    response = staff_client.post(admin_url(Article, "restore", record.history_id))
    assert response.status_code == 302
    restored = Article.objects.get(pk=pk)
    assert restored.title == "Deleted by mistake" and restored.status == Status.DRAFT
    assert not staff_client.get(admin_url(Article, "deleted")).context["deletions"]


def test_restoring_an_faq_whose_article_is_gone_gives_a_clear_message(staff_client):
    faq = FAQFactory(question="Orphan?")
    record_article = faq.article
    record_article.delete()  # deletes the FAQ with it
    record = FAQ.history.get(id=faq.pk, history_type="-")
    response = staff_client.post(admin_url(FAQ, "restore", record.history_id), follow=True)
    assert "cannot be restored" in response.content.decode()
    assert not FAQ.objects.exists()


def test_restoring_needs_a_post_and_the_add_permission(role_client):
    article = ArticleFactory()
    pk = article.pk
    article.delete()
    record = Article.history.get(id=pk, history_type="-")
    client = role_client("Medical reviewer")
    assert client.post(admin_url(Article, "restore", record.history_id)).status_code == 403
    assert client.get(admin_url(Article, "deleted")).status_code == 403
    assert not Article.objects.filter(pk=pk).exists()


def test_preview_shows_the_unsaved_change_and_saves_nothing(staff_client):
    article = ArticleFactory(title="Saved title", body="Saved text.")
    response = staff_client.post(
        admin_url(Article, "preview", article.pk),
        change_form(article, title="Unsaved title", body="## New part\n\nUnsaved text."),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unsaved title" in html and '<h2 id="new-part">New part</h2>' in html
    assert 'class="preview-banner"' in html
    article.refresh_from_db()
    assert (article.title, article.body) == ("Saved title", "Saved text.")
    assert article.history.count() == 1


def test_preview_button_is_on_the_change_form(staff_client):
    article = ArticleFactory()
    html = staff_client.get(admin_url(Article, "change", article.pk)).content.decode()
    assert f'formaction="{admin_url(Article, "preview", article.pk)}"' in html


def test_preview_of_invalid_data_explains_instead_of_failing(staff_client):
    article = ArticleFactory()
    response = staff_client.post(admin_url(Article, "preview", article.pk), change_form(article, title=""))
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_visitors_cannot_use_the_preview(client, django_user_model):
    article = ArticleFactory(title="Saved title")
    url = admin_url(Article, "preview", article.pk)
    response = client.post(url, change_form(article, title="Sneaky"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("visitor", password="a-long-test-password"))
    response = client.post(url, change_form(article, title="Sneaky"))
    assert response.status_code == 302 and "Sneaky" not in response.content.decode()


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_unpublished_articles_are_previewed_by_staff_only(staff_client, status):
    article = ArticleFactory(status=status)
    assert Client().get(article.get_absolute_url()).status_code == 404
    response = staff_client.get(article.get_absolute_url())
    assert response.status_code == 200 and response.context["is_preview"]


def test_any_two_revisions_can_be_compared(staff_client):
    article = ArticleFactory(title="One", summary="Same summary.")
    first = article.history.get()
    staff_client.post(admin_url(Article, "change", article.pk), change_form(article, title="Two"))
    article.refresh_from_db()
    staff_client.post(admin_url(Article, "change", article.pk), change_form(article, title="Three", body="New."))
    latest = article.history.latest("history_date")
    history = staff_client.get(admin_url(Article, "history", article.pk)).content.decode()
    assert admin_url(Article, "compare", article.pk) in history

    # Asked newest first, shown oldest first.
    response = staff_client.get(
        admin_url(Article, "compare", article.pk), {"older": latest.history_id, "newer": first.history_id}
    )
    changes = {field: (old, new) for field, old, new in response.context["changes"]}
    assert changes["title"] == ("One", "Three")
    assert "body" in changes and "summary" not in changes and "body_html" not in changes


def test_comparing_a_revision_of_another_item_is_a_404(staff_client):
    article, other = ArticleFactory(), ArticleFactory()
    response = staff_client.get(
        admin_url(Article, "compare", article.pk),
        {"older": article.history.get().history_id, "newer": other.history.get().history_id},
    )
    assert response.status_code == 404
