"""Revisions, comparing and restoring them, restoring deleted items, previews of unsaved changes."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import FAQ, Article, Reference, Reviewer, Trigger
from glossary.linking import GlossaryLinker
from glossary.models import Term
from healthhub import revisions
from healthhub.models import SearchEntry
from healthhub.publishing.models import Status
from tests.articles.test_admin import admin_url, article_form
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    ReferenceFactory,
    ReviewerFactory,
    TermFactory,
    TriggerFactory,
)
from tests.healthhub.publishing.test_admin import change_form

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


# Tags and links in revisions (healthhub/revisions.py)


def faq_form(faq, **overrides):
    local = timezone.localtime(faq.published_at)
    data = {
        "question": faq.question,
        "slug": faq.slug,
        "answer": faq.answer,
        "article": faq.article_id or "",
        "references": [reference.pk for reference in faq.references.all()] if faq.pk else [],
        "order": faq.order,
        "tags": ", ".join(faq.tags.names()) if faq.pk else "",
        "status": faq.status,
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
        "version": faq.updated_at.isoformat() if faq.pk else "",
    }
    data.update(overrides)
    return data


def latest(item):
    return item.history.order_by("-history_date", "-history_id").first()


def linked(record, field):
    return set(revisions.linked_ids(type(record).instance_type, [record])[record.history_id][field])


def test_an_admin_save_records_the_tags_it_saved_in_one_revision(staff_client):
    article = ArticleFactory(tags=["posture"])
    staff_client.post(admin_url(Article, "change", article.pk), change_form(article, tags="Sleep, posture"))
    assert article.history.count() == 2
    assert latest(article).tag_names == ["posture", "Sleep"]


def test_an_admin_save_records_cited_references_in_the_same_revision(staff_client):
    faq = FAQFactory()
    first, second = ReferenceFactory.create_batch(2, article=faq.article)
    staff_client.post(admin_url(FAQ, "change", faq.pk), faq_form(faq, references=[first.pk, second.pk]))
    # One revision for the save, not one more per changed link.
    assert faq.history.count() == 2
    assert linked(latest(faq), "references") == {first.pk, second.pk}


def test_related_terms_are_recorded(staff_client):
    term, other = TermFactory(), TermFactory()
    local = timezone.localtime(term.published_at)
    data = {
        "term": term.term,
        "slug": term.slug,
        "short_definition": term.short_definition,
        "definition": term.definition,
        "aliases": "",
        "related_terms": [other.pk],
        "tags": "spine",
        "status": term.status,
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
        "version": term.updated_at.isoformat(),
    }
    assert staff_client.post(admin_url(Term, "change", term.pk), data).status_code == 302
    record = latest(term)
    assert linked(record, "related_terms") == {other.pk} and record.tag_names == ["spine"]


def test_linking_a_trigger_in_the_article_form_gives_the_trigger_a_revision(staff_client):
    article, trigger = ArticleFactory(), TriggerFactory()
    data = change_form(article, **{"Trigger_articles-TOTAL_FORMS": "1", "Trigger_articles-0-trigger": trigger.pk})
    assert staff_client.post(admin_url(Article, "change", article.pk), data).status_code == 302
    record = latest(trigger)
    assert linked(record, "articles") == {article.pk}
    assert record.history_user.username == "editor" and article.title in record.history_change_reason


def test_comparing_revisions_lists_added_and_removed_tags_and_links(staff_client):
    faq = FAQFactory(tags=["posture"])
    kept, dropped, added = ReferenceFactory.create_batch(3, article=faq.article)
    staff_client.post(admin_url(FAQ, "change", faq.pk), faq_form(faq, references=[kept.pk, dropped.pk]))
    older = latest(faq)
    faq.refresh_from_db()
    staff_client.post(admin_url(FAQ, "change", faq.pk), faq_form(faq, tags="sleep", references=[kept.pk, added.pk]))
    newer = latest(faq)
    response = staff_client.get(
        admin_url(FAQ, "compare", faq.pk), {"older": older.history_id, "newer": newer.history_id}
    )
    summary = [str(change) for change in response.context["relation_changes"]]
    assert summary == [
        "tags: added sleep; removed posture",
        f"references: added {added.title}; removed {dropped.title}",
    ]
    html = response.content.decode()
    assert "tags: added sleep; removed posture" in html


def test_the_history_page_shows_tag_changes_with_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    def history_queries(faq, saves):
        references = ReferenceFactory.create_batch(2, article=faq.article)
        for number in range(saves):
            faq.refresh_from_db()
            staff_client.post(
                admin_url(FAQ, "change", faq.pk),
                faq_form(faq, tags=f"tag {number}", references=[references[number % 2].pk]),
            )
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(admin_url(FAQ, "history", faq.pk))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, html = history_queries(FAQFactory(), 2)
    many, _ = history_queries(FAQFactory(), 12)
    assert "tag 0" in html and "tag 1" in html
    assert few == many


def test_restoring_a_revision_restores_its_tags_and_links(staff_client):
    faq = FAQFactory(tags=["posture"])
    old_reference, new_reference = ReferenceFactory.create_batch(2, article=faq.article)
    staff_client.post(admin_url(FAQ, "change", faq.pk), faq_form(faq, references=[old_reference.pk]))
    old = latest(faq)
    faq.refresh_from_db()
    staff_client.post(admin_url(FAQ, "change", faq.pk), faq_form(faq, tags="sleep", references=[new_reference.pk]))

    url = reverse("admin:articles_faq_simple_history", args=[faq.pk, old.history_id])
    response = staff_client.get(url)
    form = response.context["adminform"].form
    assert [tag.name for tag in form["tags"].value()] == ["posture"]
    assert form["references"].value() == [old_reference.pk]
    assert 'value="posture"' in response.content.decode()
    faq.refresh_from_db()
    response = staff_client.post(url, faq_form(faq, tags="posture", references=[old_reference.pk]))
    assert response.status_code == 302
    assert list(faq.tags.names()) == ["posture"]
    assert list(faq.references.all()) == [old_reference]
    assert latest(faq).tag_names == ["posture"] and linked(latest(faq), "references") == {old_reference.pk}


def test_the_restore_form_names_links_whose_items_are_gone(staff_client):
    faq = FAQFactory()
    reference = ReferenceFactory(article=faq.article, title="Withdrawn guideline")
    staff_client.post(admin_url(FAQ, "change", faq.pk), faq_form(faq, references=[reference.pk]))
    old = latest(faq)
    reference.delete()
    response = staff_client.get(reverse("admin:articles_faq_simple_history", args=[faq.pk, old.history_id]))
    assert "Withdrawn guideline" in response.content.decode()
    assert response.context["adminform"].form["references"].value() == []


def test_a_restored_deleted_article_gets_its_tags_back(staff_client):
    article = ArticleFactory(tags=["posture", "Sleep"])
    pk = article.pk
    staff_client.post(admin_url(Article, "delete", pk), {"post": "yes"})
    record = Article.history.get(id=pk, history_type="-")
    assert record.tag_names == ["posture", "Sleep"]
    staff_client.post(admin_url(Article, "restore", record.history_id))
    restored = Article.objects.get(pk=pk)
    assert sorted(restored.tags.names()) == ["Sleep", "posture"]
    assert latest(restored).tag_names == ["posture", "Sleep"]


def test_restoring_a_deleted_faq_skips_references_that_are_gone_and_says_which(staff_client):
    faq = FAQFactory(tags=["posture"])
    kept = ReferenceFactory(article=faq.article, title="Kept guideline")
    gone = ReferenceFactory(article=faq.article, title="Withdrawn guideline")
    faq.references.set([kept, gone])
    pk = faq.pk
    staff_client.post(admin_url(FAQ, "delete", pk), {"post": "yes"})
    gone.delete()
    record = FAQ.history.get(id=pk, history_type="-")
    response = staff_client.post(admin_url(FAQ, "restore", record.history_id), follow=True)
    restored = FAQ.objects.get(pk=pk)
    assert list(restored.references.all()) == [kept] and list(restored.tags.names()) == ["posture"]
    html = response.content.decode()
    assert "no longer exist" in html and "references “Withdrawn guideline (deleted)”" in html


# Trigger links of an article: stored on the triggers, recorded in the article's revisions


def trigger_rows(article, triggers):
    """The article form's trigger rows: the links it has now, changed to link exactly `triggers`."""
    rows = list(Trigger.articles.through.objects.filter(article=article).order_by("pk"))
    wanted = [trigger.pk for trigger in triggers]
    data = {}
    for number, row in enumerate(rows):
        data |= {f"Trigger_articles-{number}-id": row.pk, f"Trigger_articles-{number}-trigger": row.trigger_id}
        data |= {f"Trigger_articles-{number}-article": article.pk}
        if row.trigger_id not in wanted:
            data[f"Trigger_articles-{number}-DELETE"] = "on"
    new = [pk for pk in wanted if pk not in {row.trigger_id for row in rows}]
    for number, pk in enumerate(new, start=len(rows)):
        data[f"Trigger_articles-{number}-trigger"] = pk
    data |= {
        "Trigger_articles-TOTAL_FORMS": str(len(rows) + len(new)),
        "Trigger_articles-INITIAL_FORMS": str(len(rows)),
    }
    return data


def save_article(client, article, triggers, **overrides):
    article.refresh_from_db()
    data = change_form(article, **overrides) | trigger_rows(article, triggers)
    assert client.post(admin_url(Article, "change", article.pk), data).status_code == 302


def test_an_article_revision_records_the_triggers_saved_in_its_form(staff_client):
    article = ArticleFactory()
    kept, dropped, added = TriggerFactory.create_batch(3)
    save_article(staff_client, article, [kept, dropped])
    assert linked(latest(article), "triggers") == {kept.pk, dropped.pk}
    save_article(staff_client, article, [kept, added])
    # One revision per save, completed with the rows saved after it.
    assert article.history.count() == 3
    assert latest(article).linked_from == {"triggers": sorted([kept.pk, added.pk])}


def test_any_save_of_an_article_records_its_triggers(staff_client):
    article, trigger = ArticleFactory(), TriggerFactory()
    trigger.articles.add(article)
    article.save()
    assert linked(latest(article), "triggers") == {trigger.pk}


def test_comparing_article_revisions_lists_trigger_changes(staff_client):
    article = ArticleFactory()
    kept = TriggerFactory(name="Red wine")
    dropped = TriggerFactory(name="Bright light")
    added = TriggerFactory(name="Missed meals")
    save_article(staff_client, article, [kept, dropped])
    older = latest(article)
    save_article(staff_client, article, [kept, added])
    newer = latest(article)
    dropped.delete()
    response = staff_client.get(
        admin_url(Article, "compare", article.pk), {"older": older.history_id, "newer": newer.history_id}
    )
    summary = [str(change) for change in response.context["relation_changes"]]
    assert summary == ["triggers: added Missed meals; removed Bright light (deleted)"]
    assert "Missed meals" in response.content.decode()
    html = staff_client.get(admin_url(Article, "history", article.pk)).content.decode()
    assert "Bright light (deleted)" in html


def test_restoring_an_article_revision_relinks_its_triggers_and_gives_them_revisions(staff_client):
    article = ArticleFactory(title="Migraine")
    kept, dropped, added = TriggerFactory.create_batch(3)
    save_article(staff_client, article, [kept, dropped])
    old = latest(article)
    save_article(staff_client, article, [kept, added])
    dropped_revisions = dropped.history.count()

    article.refresh_from_db()
    url = reverse("admin:articles_article_simple_history", args=[article.pk, old.history_id])
    html = staff_client.get(url).content.decode()
    assert f"Saving also changes links not shown in this form: triggers: added {dropped}; removed {added}" in html
    assert staff_client.post(url, change_form(article)).status_code == 302
    assert set(article.triggers.all()) == {kept, dropped}
    assert linked(latest(article), "triggers") == {kept.pk, dropped.pk}
    assert article.history.count() == 4
    for trigger in (dropped, added):
        record = latest(trigger)
        assert record.history_change_reason == "Articles changed by restoring “Migraine”"
        assert record.history_user.username == "editor"
    assert linked(latest(dropped), "articles") == {article.pk} and linked(latest(added), "articles") == set()
    assert dropped.history.count() == dropped_revisions + 1
    assert latest(kept).history_change_reason != "Articles changed by restoring “Migraine”"


def test_the_restore_form_names_triggers_that_are_gone_and_restores_the_others(staff_client):
    article = ArticleFactory()
    kept, gone = TriggerFactory(), TriggerFactory(name="Withdrawn trigger")
    save_article(staff_client, article, [kept, gone])
    old = latest(article)
    save_article(staff_client, article, [])
    gone.delete()
    url = reverse("admin:articles_article_simple_history", args=[article.pk, old.history_id])
    assert "trigger “Withdrawn trigger (deleted)”" in staff_client.get(url).content.decode()
    article.refresh_from_db()
    assert staff_client.post(url, change_form(article)).status_code == 302
    assert list(article.triggers.all()) == [kept]


def test_a_restored_deleted_article_is_listed_on_its_triggers_again(staff_client):
    article = ArticleFactory(title="Cluster headache")
    first, second = TriggerFactory.create_batch(2)
    save_article(staff_client, article, [first, second])
    pk = article.pk
    staff_client.post(admin_url(Article, "delete", pk), {"post": "yes"})
    assert not first.articles.exists()
    # The links were the triggers': each one keeps a revision without the article.
    assert latest(first).history_change_reason == "Articles changed by deleting “Cluster headache”"
    assert linked(latest(first), "articles") == set()

    record = Article.history.get(id=pk, history_type="-")
    assert record.linked_from == {"triggers": sorted([first.pk, second.pk])}
    staff_client.post(admin_url(Article, "restore", record.history_id))
    restored = Article.objects.get(pk=pk)
    assert set(restored.triggers.all()) == {first, second}
    assert linked(latest(restored), "triggers") == {first.pk, second.pk}
    assert linked(latest(second), "articles") == {pk}
    assert latest(second).history_change_reason == "Articles changed by restoring “Cluster headache”"


def test_restoring_a_deleted_article_skips_triggers_that_are_gone_and_says_which(staff_client):
    article = ArticleFactory()
    kept, gone = TriggerFactory(), TriggerFactory(name="Withdrawn trigger")
    save_article(staff_client, article, [kept, gone])
    pk = article.pk
    staff_client.post(admin_url(Article, "delete", pk), {"post": "yes"})
    gone.delete()
    record = Article.history.get(id=pk, history_type="-")
    response = staff_client.post(admin_url(Article, "restore", record.history_id), follow=True)
    assert list(Article.objects.get(pk=pk).triggers.all()) == [kept]
    html = response.content.decode()
    assert "no longer exist" in html and "trigger “Withdrawn trigger (deleted)”" in html


def test_a_revision_made_before_triggers_were_recorded_leaves_them_alone(staff_client):
    article, trigger = ArticleFactory(), TriggerFactory()
    old = latest(article)
    type(old).objects.filter(pk=old.pk).update(linked_from={})
    save_article(staff_client, article, [trigger])
    response = staff_client.get(
        admin_url(Article, "compare", article.pk), {"older": old.history_id, "newer": latest(article).history_id}
    )
    assert response.context["relation_changes"] == []
    article.refresh_from_db()
    url = reverse("admin:articles_article_simple_history", args=[article.pk, old.history_id])
    assert staff_client.post(url, change_form(article)).status_code == 302
    assert list(article.triggers.all()) == [trigger]


def test_the_article_history_shows_trigger_changes_with_a_fixed_number_of_queries(staff_client):
    def history_queries(article, saves):
        triggers = TriggerFactory.create_batch(3)
        for number in range(saves):
            save_article(staff_client, article, [triggers[number % 3]], tags=f"tag {number}")
        triggers[0].delete()  # named from its revisions
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(admin_url(Article, "history", article.pk))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, html = history_queries(ArticleFactory(), 3)
    many, _ = history_queries(ArticleFactory(), 12)
    assert "(deleted)" in html and "Triggers" in html
    assert few == many


def test_reviewers_and_references_keep_revisions_with_an_admin_history(staff_client):
    reviewer = ReviewerFactory(name="Dr First")
    data = {
        "name": "Dr Second",
        "slug": reviewer.slug,
        "credentials": reviewer.credentials,
        "affiliation": reviewer.affiliation,
        "bio": "",
    }
    assert staff_client.post(admin_url(Reviewer, "change", reviewer.pk), data).status_code == 302
    assert [record.name for record in reviewer.history.order_by("history_date")] == ["Dr First", "Dr Second"]
    html = staff_client.get(admin_url(Reviewer, "history", reviewer.pk)).content.decode()
    assert "Dr First" in html and "Dr Second" in html

    reference = ReferenceFactory(title="Old title")
    reference.title = "New title"
    reference.save()
    html = staff_client.get(admin_url(Reference, "history", reference.pk)).content.decode()
    assert "Old title" in html and "New title" in html


# Previews of items never saved


def test_a_new_article_can_be_previewed_and_nothing_is_written(staff_client, committed):
    counts = lambda: (  # noqa: E731
        Article.objects.count(),
        Article.history.count(),
        SearchEntry.objects.count(),
        Tag.objects.count(),
    )
    before = counts()
    with committed():
        response = staff_client.post(
            admin_url(Article, "add_preview"),
            article_form(title="Never saved", body="## First part\n\nText.", tags="brand new tag"),
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Never saved" in html and '<h2 id="first-part">First part</h2>' in html
    assert "brand new tag" in html and 'class="preview-banner"' in html
    assert counts() == before


def test_the_preview_button_is_on_the_add_form(staff_client):
    html = staff_client.get(admin_url(Article, "add")).content.decode()
    assert f'formaction="{admin_url(Article, "add_preview")}"' in html


def test_a_new_faq_preview_shows_its_article_and_tags(staff_client):
    article = ArticleFactory(title="Parent article")
    data = faq_form(FAQFactory.build(article=article, published_at=timezone.now()), tags="breathing")
    response = staff_client.post(admin_url(FAQ, "add_preview"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert data["question"] in html and "breathing" in html
    assert not FAQ.objects.exists()


def test_previewing_an_invalid_new_article_explains(staff_client):
    response = staff_client.post(admin_url(Article, "add_preview"), article_form(title=""))
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not Article.objects.exists()


def test_the_new_item_preview_is_for_staff_who_may_add(client, django_user_model, role_client):
    url = admin_url(Article, "add_preview")
    response = client.post(url, article_form(title="Sneaky"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("visitor", password="a-long-test-password"))
    response = client.post(url, article_form(title="Sneaky"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert role_client("Medical reviewer").post(url, article_form(title="Sneaky")).status_code == 403
    assert not Article.objects.exists()


def test_a_previewed_new_term_is_not_left_in_the_glossary_links(staff_client):
    data = {
        "term": "Kyphosis",
        "slug": "kyphosis",
        "short_definition": "A forward curve of the upper back.",
        "definition": "More about it.",
        "aliases": "",
        "tags": "",
        "status": "published",
        "published_at_0": "2020-01-01",
        "published_at_1": "09:00:00",
    }
    response = staff_client.post(admin_url(Term, "add_preview"), data)
    assert response.status_code == 200 and "Kyphosis" in response.content.decode()
    assert not Term.objects.exists()
    assert "kyphosis" not in GlossaryLinker().link("<p>Kyphosis is common.</p>")
