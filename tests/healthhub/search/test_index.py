"""The search index: it agrees with `published()` and stays current after every change."""

import datetime
import io
import itertools

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import FAQ
from healthhub.models import SearchEntry
from healthhub.publishing.models import Status
from healthhub.registry import CONTENT_TYPES, content_type_for
from healthhub.search import query as search
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    TermFactory,
    TreatmentFactory,
    TreatmentListFactory,
    TriggerFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()
PAST, FUTURE = NOW - datetime.timedelta(days=1), NOW + datetime.timedelta(days=1)
STATES = list(itertools.product([Status.PUBLISHED, Status.DRAFT], [PAST, FUTURE]))


def entry(obj):
    key = content_type_for(type(obj)).key
    return SearchEntry.objects.filter(content_type=key, object_id=obj.pk).first()


def visible_keys():
    return set(search.visible_entries().values_list("content_type", "object_id"))


def published_keys():
    return {(ct.key, pk) for ct in CONTENT_TYPES for pk in ct.model.objects.published().values_list("pk", flat=True)}


def test_visible_entries_are_exactly_the_published_items(committed):
    # Every combination of state for a treatment, its list and the list's article, and for FAQs with and
    # without an article: the index's single time must agree with published() on each.
    with committed():
        for article_state, list_state, treatment_state in itertools.product(STATES, repeat=3):
            article = ArticleFactory(status=article_state[0], published_at=article_state[1])
            treatment_list = TreatmentListFactory(article=article, status=list_state[0], published_at=list_state[1])
            TreatmentFactory(treatment_list=treatment_list, status=treatment_state[0], published_at=treatment_state[1])
            FAQFactory(article=article, status=treatment_state[0], published_at=treatment_state[1])
        for status, published_at in STATES:
            FAQFactory(article=None, status=status, published_at=published_at)
            TermFactory(status=status, published_at=published_at)
            TriggerFactory(status=status, published_at=published_at)
    assert visible_keys() == published_keys()
    assert len(visible_keys()) > 0


def test_unpublish_times_of_an_item_and_its_parents_agree_with_published(committed):
    with committed():
        for article_until, faq_until in itertools.product([None, PAST, FUTURE], repeat=2):
            article = ArticleFactory(unpublish_at=article_until)
            FAQFactory(article=article, unpublish_at=faq_until)
            TermFactory(unpublish_at=faq_until)
    assert visible_keys() == published_keys()
    assert ("faq", FAQ.objects.filter(unpublish_at=None, article__unpublish_at=None).get().pk) in visible_keys()


def test_a_scheduled_item_becomes_visible_when_its_time_comes(committed):
    with committed():
        article = ArticleFactory(published_at=FUTURE)
        faq = FAQFactory(article=article, published_at=PAST)
    assert entry(faq).visible_from == FUTURE
    assert ("faq", faq.pk) not in visible_keys()


def test_saving_writes_and_rewrites_the_entry(committed):
    with committed():
        article = ArticleFactory(title="Old title", summary="Short.", body="## Part\n\nSome *plain* text.")
    indexed = entry(article)
    assert (indexed.title, indexed.summary, indexed.url) == ("Old title", "Short.", article.get_absolute_url())
    assert indexed.body == "Part Some plain text."
    with committed():
        article.title = "New title"
        article.save()
    assert entry(article).title == "New title"
    assert SearchEntry.objects.count() == 1


def test_terms_index_aliases_and_short_definitions(committed):
    with committed():
        term = TermFactory(term="Greater occipital nerve block", aliases="GON block", short_definition="An injection.")
    indexed = entry(term)
    assert (indexed.aliases, indexed.summary) == ("GON block", "An injection.")
    assert [hit.title for hit in search.search("GON block").page.object_list] == ["Greater occipital nerve block"]


def test_deleting_removes_the_entry_and_its_childrens(committed):
    with committed():
        article = ArticleFactory()
        FAQFactory(article=article)
        TreatmentFactory(treatment_list=TreatmentListFactory(article=article))
    assert SearchEntry.objects.count() == 4
    with committed():
        article.delete()
    assert SearchEntry.objects.count() == 0


def test_changing_tags_updates_the_entry(committed):
    with committed():
        faq = FAQFactory(tags=["sleep"])
    assert entry(faq).tag_names == "sleep"
    with committed():
        faq.tags.add("rest")
    assert entry(faq).tag_names == "rest, sleep"
    keys = {f"#{pk}" for pk in Tag.objects.filter(name__in=["rest", "sleep"]).values_list("pk", flat=True)}
    assert set(entry(faq).tag_keys.split()) == keys and entry(faq).tag_keys.startswith(" ")
    with committed():
        faq.tags.remove("sleep")
    assert entry(faq).tag_names == "rest"
    with committed():
        faq.tags.clear()
    assert entry(faq).tag_names == "" and entry(faq).tag_keys == ""


def test_renaming_or_deleting_a_tag_updates_the_entries(committed):
    with committed():
        term = TermFactory(tags=["sleep"])
    tag = Tag.objects.get(name="sleep")
    with committed():
        tag.name = "sleep hygiene"
        tag.save()
    assert entry(term).tag_names == "sleep hygiene"
    with committed():
        tag.delete()
    assert entry(term).tag_names == ""


def test_a_parents_status_change_reaches_every_child(committed):
    with committed():
        article = ArticleFactory()
        treatment_list = TreatmentListFactory(article=article)
        treatment = TreatmentFactory(treatment_list=treatment_list)
        faq = FAQFactory(article=article)
    children = [("treatment-list", treatment_list.pk), ("treatment", treatment.pk), ("faq", faq.pk)]
    assert set(children) <= visible_keys()
    with committed():
        article.status = Status.DRAFT
        article.save()
    assert not set(children) & visible_keys()
    with committed():
        article.status = Status.PUBLISHED
        article.save()
        treatment_list.status = Status.DRAFT
        treatment_list.save()
    assert visible_keys() == {("article", article.pk), ("faq", faq.pk)}


def test_a_renamed_article_moves_its_lists_addresses(committed):
    with committed():
        treatment_list = TreatmentListFactory()
        article = treatment_list.article
        article.slug = "a-new-address"
        article.save()
    assert entry(treatment_list).url.startswith("/articles/a-new-address/")


@pytest.mark.parametrize("action", ["unpublish", "publish"])
def test_the_admins_bulk_actions_update_the_index(staff_client, committed, action):
    status = Status.PUBLISHED if action == "unpublish" else Status.DRAFT
    with committed():
        article = ArticleFactory(status=status)
        faq = FAQFactory(article=article)
    with committed():
        staff_client.post(
            reverse("admin:articles_article_changelist"),
            {"action": action, ACTION_CHECKBOX_NAME: [article.pk]},
        )
    article.refresh_from_db()
    assert article.status != status
    expected = {("article", article.pk), ("faq", faq.pk)} if action == "publish" else set()
    assert visible_keys() == expected


def test_nothing_is_indexed_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ArticleFactory()
    assert callbacks  # the upkeep waits for a commit that never comes
    assert not SearchEntry.objects.exists()


def test_the_rebuild_command_restores_the_index_and_drops_stale_entries(committed):
    with committed():
        article = ArticleFactory(title="Posture", tags=["desk"])
        FAQFactory(article=article)
        TermFactory()
    SearchEntry.objects.all().delete()
    SearchEntry.objects.create(content_type="article", object_id=999_999, title="Gone", url="/gone/")
    SearchEntry.objects.create(content_type="recipe", object_id=1, title="Unknown type", url="/x/")
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", stdout=out, stderr=err)
    assert "3 items, 2 stale entries removed" in out.getvalue()
    assert "100%" in err.getvalue()  # the progress bar
    assert visible_keys() == published_keys()
    assert [hit.title for hit in search.search("posture", tags=[Tag.objects.get(name="desk")]).page.object_list] == [
        "Posture"
    ]


def test_the_rebuild_command_can_run_quietly(committed):
    with committed():
        ArticleFactory()
    err = io.StringIO()
    call_command("rebuild_search_index", "--no-progress", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""


def test_index_text_has_no_markup_or_control_characters(committed):
    with committed():
        treatment = TreatmentFactory(
            name="Ice\x07 pack", description="<b>Cold</b> &amp; wrapped", contraindications="- Broken skin"
        )
    indexed = entry(treatment)
    assert indexed.title == "Ice pack"
    assert "<" not in indexed.body and "Cold & wrapped" in indexed.body and "Broken skin" in indexed.body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the weighted tsvector exists on PostgreSQL only")
def test_postgresql_entries_carry_a_weighted_vector(committed):
    with committed():
        ArticleFactory(title="Posture", summary="Desk", body="Chair")
    vector = SearchEntry.objects.values_list("vector", flat=True).get()
    assert "'postur':1A" in vector and "'desk':2B" in vector and "'chair'" in vector


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN and trigram indexes exist on PostgreSQL only")
def test_postgresql_has_the_gin_and_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'healthhub_searchentry'")
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
    assert {"searchentry_vector", "searchentry_title_trgm"} <= names


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table exists on SQLite only")
def test_sqlite_keeps_a_full_text_table_in_step(committed):
    with committed():
        article = ArticleFactory(title="Posture")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH 'posture'")
        assert cursor.fetchall() == [(entry(article).pk,)]
        with committed():
            article.title = "Stance"
            article.save()
        cursor.execute(f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH 'posture'")
        assert cursor.fetchall() == []
