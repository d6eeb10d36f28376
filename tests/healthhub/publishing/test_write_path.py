"""Every kind of write reaches every page a visitor sees, on the very next request, with pages cached.

A matrix: each kind of write (an admin form, an inline row, a delete, a bulk action,
QuerySet.update() and .delete(), an import, a tag rename, merge or delete, a restored
revision, a restored deleted item, the clock) against each visitor-facing result that
write changes (the item's page, tag pages and intersections, search with and without a
tag filter, spelling suggestions, related pages, glossary links and "Used in", feeds,
the sitemap). Before the write every page is visited twice, so that a cache which
missed the change would serve the old page; after it, each result must show the change.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import FAQ, Article
from glossary.models import Term
from healthhub.publishing.models import Status
from tests.articles.test_admin import admin_url
from tests.factories import ArticleFactory, FAQFactory, TermFactory
from tests.healthhub.publishing.test_admin import change_form

pytestmark = pytest.mark.django_db

TITLE = "Quillwort tea"
FAQ_QUESTION = "Is quillwort safe?"


@dataclass
class World:
    article: Article
    neighbour: Article  # shares the tag "sleep": its related pages list the article
    faq: FAQ
    term: Term
    editor: Client
    tmp_path: object


@pytest.fixture
def world(committed, settings, django_user_model, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    with committed():
        term = TermFactory(term="Fascia", slug="fascia", short_definition="A wrapping of connective tissue.")
        # Drafted first, then published: its history holds a draft to restore.
        article = ArticleFactory(
            title=TITLE,
            slug="quillwort-tea",
            summary="An old herbal remedy.",
            body="Quillwort tea, an old herbal remedy, is said to loosen the fascia.",
            tags=["sleep", "posture"],
            status=Status.DRAFT,
        )
    with committed():
        article.status = Status.PUBLISHED
        article.save()
        neighbour = ArticleFactory(title="Sleeping well", slug="sleeping-well", tags=["sleep"])
        faq = FAQFactory(article=article, question=FAQ_QUESTION, slug="is-quillwort-safe", tags=["sleep"])
    editor = Client()
    editor.force_login(django_user_model.objects.create_superuser("publisher", "p@example.org", "a-long-password-1"))
    return World(article, neighbour, faq, term, editor, tmp_path)


# --- What visitors see ------------------------------------------------------------------------

# name: (address, the text that shows the thing the writes change)
PROBES = {
    "article page": ("/articles/quillwort-tea/", TITLE),
    "tag page": ("/tags/sleep/", TITLE),
    "tag intersection": ("/tags/posture+sleep/", TITLE),
    "search": ("/search/?q=quillwort", TITLE),
    "search with a tag filter": ("/search/?q=quillwort&tag=sleep", TITLE),
    "spelling suggestion": ("/search/?q=quilwort", TITLE),
    "related pages": ("/articles/sleeping-well/", TITLE),
    "used in": ("/glossary/fascia/", TITLE),
    "feed": ("/feeds/articles/rss/", TITLE),
    "tag feed": ("/feeds/tags/sleep/rss/", TITLE),
    "sitemap": ("/sitemap.xml", "/articles/quillwort-tea/"),
}


def shows(visitor, address, text):
    response = visitor.get(address)
    return response.status_code == 200 and text in response.content.decode()


def warm(visitor, addresses):
    for address in addresses:
        visitor.get(address)
        second = visitor.get(address)
        if second.status_code == 200:
            assert second["X-Cache"] == "hit", address  # the page really is served from the cache now


# --- Writes that take the article away from visitors ------------------------------------------


def admin_form(w):
    article = Article.objects.get(pk=w.article.pk)
    response = w.editor.post(
        admin_url(Article, "change", article.pk),
        change_form(article, status="draft", tags="sleep, posture", body=article.body, summary=article.summary),
    )
    assert response.status_code == 302


def admin_delete(w):
    assert w.editor.post(admin_url(Article, "delete", w.article.pk), {"post": "yes"}).status_code == 302


def bulk_action(w):
    w.editor.post(admin_url(Article, "changelist"), {"action": "unpublish", "_selected_action": [w.article.pk]})


def queryset_update(w):
    Article.objects.filter(pk=w.article.pk).update(status=Status.DRAFT)


def queryset_delete(w):
    Article.objects.filter(pk=w.article.pk).delete()


def import_file(w):
    path = w.tmp_path / "quillwort-tea.md"
    path.write_text(
        f"---\ntitle: {TITLE}\nslug: quillwort-tea\nsummary: An old herbal remedy.\nstatus: draft\n"
        "tags: [sleep, posture]\n---\nQuillwort tea, an old herbal remedy, is said to loosen the fascia.\n",
        encoding="utf-8",
    )
    call_command("import_content", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115


def restore_revision(w):
    draft = w.article.history.filter(status=Status.DRAFT).earliest("history_date")
    url = reverse("admin:articles_article_simple_history", args=[w.article.pk, draft.history_id])
    current = Article.objects.get(pk=w.article.pk)
    assert w.editor.post(url, change_form(current, status="draft", tags="sleep, posture")).status_code == 302


def clock(w, monkeypatch):
    ends = timezone.now() + datetime.timedelta(minutes=10)
    Article.objects.filter(pk=w.article.pk).update(unpublish_at=ends)
    return ends


HIDING_WRITES = {
    "admin form": admin_form,
    "admin delete": admin_delete,
    "bulk action": bulk_action,
    "QuerySet.update()": queryset_update,
    "QuerySet.delete()": queryset_delete,
    "import": import_file,
    "restored revision": restore_revision,
    "clock": clock,
}


@pytest.mark.parametrize("probe", PROBES, ids=str)
@pytest.mark.parametrize("write", HIDING_WRITES, ids=str)
def test_a_write_that_takes_an_article_away_reaches_every_page(world, committed, monkeypatch, write, probe):
    visitor = Client()
    address, text = PROBES[probe]
    if write == "clock":
        # Scheduled first (a change of its own), then the moment passes with no one saving anything.
        with committed():
            ends = clock(world, monkeypatch)
        warm(visitor, [address])
        assert shows(visitor, address, text)
        monkeypatch.setattr(timezone, "now", lambda: ends + datetime.timedelta(seconds=1))
    else:
        warm(visitor, [address])
        assert shows(visitor, address, text)
        with committed():
            HIDING_WRITES[write](world)
    assert not shows(visitor, address, text)


def test_a_restored_deleted_article_stays_away_until_published_again(world, committed):
    visitor = Client()
    with committed():
        admin_delete(world)
    warm(visitor, [address for address, _text in PROBES.values()])
    record = Article.history.get(id=world.article.pk, history_type="-")
    with committed():
        assert world.editor.post(admin_url(Article, "restore", record.history_id)).status_code == 302
    assert not any(shows(visitor, address, text) for address, text in PROBES.values())
    with committed():
        bulk_action_publish(world)
    assert all(shows(visitor, address, text) for address, text in PROBES.values())


def bulk_action_publish(w):
    w.editor.post(admin_url(Article, "changelist"), {"action": "publish", "_selected_action": [w.article.pk]})


# --- An inline row: an FAQ edited in its article's form ----------------------------------------

NEW_QUESTION = "Is quillwort safe for children?"
FAQ_PROBES = {
    "article page": "/articles/quillwort-tea/",
    "FAQ page": "/faqs/is-quillwort-safe/",
    "tag page": "/tags/sleep/",
    "search": "/search/?q=quillwort",
    "search with a tag filter": "/search/?q=quillwort&tag=sleep",
    "spelling suggestion": "/search/?q=quilwort",
    "related pages": "/articles/sleeping-well/",
}


def inline_form(w):
    article = Article.objects.get(pk=w.article.pk)
    faq = FAQ.objects.get(pk=w.faq.pk)
    data = change_form(article, tags="sleep, posture", summary=article.summary)
    data.update(
        {
            "faqs-TOTAL_FORMS": "1",
            "faqs-INITIAL_FORMS": "1",
            "faqs-0-id": str(faq.pk),
            "faqs-0-article": str(article.pk),
            "faqs-0-question": NEW_QUESTION,
            "faqs-0-slug": faq.slug,
            "faqs-0-answer": faq.answer,
            "faqs-0-order": "0",
            "faqs-0-status": "published",
            "faqs-0-tags": "sleep",
        }
    )
    assert w.editor.post(admin_url(Article, "change", article.pk), data).status_code == 302


@pytest.mark.parametrize("probe", FAQ_PROBES, ids=str)
def test_an_inline_row_saved_in_its_parents_form_reaches_every_page(world, committed, probe):
    visitor = Client()
    address = FAQ_PROBES[probe]
    warm(visitor, [address])
    assert shows(visitor, address, FAQ_QUESTION)
    with committed():
        inline_form(world)
    assert shows(visitor, address, NEW_QUESTION)
    assert not shows(visitor, address, FAQ_QUESTION)


# --- The tag vocabulary -------------------------------------------------------------------------

# name: (address, what it shows before the write; address, what it shows after)
TAG_PROBES = {
    "article page": ("/articles/quillwort-tea/", ">sleep<", "/articles/quillwort-tea/", ">rest<"),
    "tag list": ("/tags/", ">sleep", "/tags/", ">rest"),
    "tag page": ("/tags/sleep/", TITLE, "/tags/rest/", TITLE),
    "tag intersection": ("/tags/posture+sleep/", TITLE, "/tags/posture+rest/", TITLE),
    "search with a tag filter": ("/search/?q=quillwort&tag=sleep", TITLE, "/search/?q=quillwort&tag=rest", TITLE),
    "tag feed": ("/feeds/tags/sleep/rss/", TITLE, "/feeds/tags/rest/rss/", TITLE),
}


def tag_rename(w):
    tag = Tag.objects.get(name="sleep")
    data = {"name": "rest", "slug": "rest"}
    assert w.editor.post(reverse("admin:taggit_tag_change", args=[tag.pk]), data).status_code == 302


def tag_merge(w):
    rest = Tag.objects.create(name="rest", slug="rest")
    sleep = Tag.objects.get(name="sleep")
    data = {"action": "merge_selected", "_selected_action": [rest.pk, sleep.pk], "apply": "1", "target": rest.pk}
    assert w.editor.post(reverse("admin:taggit_tag_changelist"), data).status_code == 302


TAG_WRITES = {"tag renamed": tag_rename, "tags merged": tag_merge}


@pytest.mark.parametrize("probe", TAG_PROBES, ids=str)
@pytest.mark.parametrize("write", TAG_WRITES, ids=str)
def test_a_renamed_or_merged_tag_reaches_every_page(world, committed, write, probe):
    visitor = Client()
    before, shown_before, after, shown_after = TAG_PROBES[probe]
    warm(visitor, {before, after})
    assert shows(visitor, before, shown_before) and not shows(visitor, after, shown_after)
    with committed():
        TAG_WRITES[write](world)
    assert shows(visitor, after, shown_after) and not shows(visitor, before, shown_before)


@pytest.mark.parametrize(
    "address, shown",
    [
        ("/tags/sleep/", TITLE),
        ("/tags/posture+sleep/", TITLE),
        ("/search/?q=quillwort&tag=sleep", TITLE),
        ("/articles/quillwort-tea/", ">sleep<"),
        ("/articles/sleeping-well/", TITLE),  # its related pages: the only tag they shared is gone
        ("/tags/", ">sleep"),
    ],
)
def test_a_deleted_tag_reaches_every_page(world, committed, address, shown):
    visitor = Client()
    warm(visitor, [address])
    assert shows(visitor, address, shown)
    with committed():
        tag = Tag.objects.get(name="sleep")
        assert world.editor.post(reverse("admin:taggit_tag_delete", args=[tag.pk]), {"post": "yes"}).status_code == 302
    assert not shows(visitor, address, shown)


# --- The glossary -------------------------------------------------------------------------------

TERM_LINK = 'href="/glossary/fascia/"'
TERM_PROBES = {
    "glossary links": ("/articles/quillwort-tea/", TERM_LINK),
    "glossary A-Z": ("/glossary/", TERM_LINK),
    "search": ("/search/?q=fascia", "Fascia"),
    "term page": ("/glossary/fascia/", "Fascia"),
}


def term_bulk_unpublish(w):
    w.editor.post(admin_url(Term, "changelist"), {"action": "unpublish", "_selected_action": [w.term.pk]})


def term_update(w):
    Term.objects.filter(pk=w.term.pk).update(status=Status.DRAFT)


def term_delete(w):
    assert w.editor.post(admin_url(Term, "delete", w.term.pk), {"post": "yes"}).status_code == 302


TERM_WRITES = {"bulk action": term_bulk_unpublish, "QuerySet.update()": term_update, "admin delete": term_delete}


@pytest.mark.parametrize("probe", TERM_PROBES, ids=str)
@pytest.mark.parametrize("write", TERM_WRITES, ids=str)
def test_a_term_taken_away_reaches_every_page(world, committed, write, probe):
    visitor = Client()
    address, text = TERM_PROBES[probe]
    warm(visitor, [address])
    assert shows(visitor, address, text)
    with committed():
        TERM_WRITES[write](world)
    assert not shows(visitor, address, text)


@pytest.mark.parametrize("scheduled", [False, True], ids=["saved", "scheduled"])
def test_a_new_term_is_linked_and_used_in_on_the_next_request(world, committed, monkeypatch, scheduled):
    visitor = Client()
    soon = timezone.now() + datetime.timedelta(minutes=5)
    with committed():
        TermFactory(term="Herbal remedy", slug="herbal-remedy", published_at=soon if scheduled else timezone.now())
    pages = ["/articles/quillwort-tea/", "/glossary/herbal-remedy/"]
    if scheduled:
        warm(visitor, pages[:1])
        assert not shows(visitor, pages[0], 'href="/glossary/herbal-remedy/"')
        monkeypatch.setattr(timezone, "now", lambda: soon + datetime.timedelta(seconds=1))
    assert shows(visitor, pages[0], 'href="/glossary/herbal-remedy/"')
    assert shows(visitor, pages[1], TITLE)  # "Used in": the article's summary mentions it
