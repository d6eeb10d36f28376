import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from glossary import mentions as term_mentions
from glossary.models import PendingMention, Term, TermMention
from healthhub.publishing.models import Status
from tests.factories import ArticleFactory, TermFactory, TreatmentFactory

pytestmark = pytest.mark.django_db


def used_in(term):
    return {content_type.key: [str(item) for item in items] for content_type, items in term_mentions.used_in(term)}


def test_a_saved_text_lists_its_mentions_and_drops_old_ones(committed):
    with committed():
        fascia = TermFactory(term="fascia")
        article = ArticleFactory(title="Stretching", body="Nothing yet.")
    assert used_in(fascia) == {}
    with committed():
        article.body = "Stretch the fascia."
        article.save()
    assert used_in(fascia) == {"article": ["Stretching"]}
    with committed():
        article.body = "Stretch gently."
        article.save()
    assert used_in(fascia) == {}


def test_a_new_term_finds_the_texts_written_before_it(committed):
    with committed():
        ArticleFactory(title="Stretching", body="Stretch the fascia.")
        TreatmentFactory(name="Rolling", description="Roll the fasciae.")
    with committed():
        fascia = TermFactory(term="fascia")
    assert used_in(fascia) == {"article": ["Stretching"]}


def test_a_renamed_term_follows_its_new_name(committed):
    with committed():
        term = TermFactory(term="fascia")
        ArticleFactory(title="Old name", body="The fascia.")
        ArticleFactory(title="New name", body="The connective tissue.")
    with committed():
        term.term = "connective tissue"
        term.save()
    assert used_in(term) == {"article": ["New name"]}


def test_an_alias_counts_as_a_mention(committed):
    with committed():
        term = TermFactory(term="greater occipital nerve block")
        ArticleFactory(title="Injections", body="A GON block may help.")
    with committed():
        term.aliases = "GON block"
        term.save()
    assert used_in(term) == {"article": ["Injections"]}


def test_a_deleted_longer_term_gives_the_mention_back(committed):
    with committed():
        nerve = TermFactory(term="nerve")
        block = TermFactory(term="nerve block")
        ArticleFactory(title="Injections", body="A nerve block.")
    assert used_in(nerve) == {}
    with committed():
        block.delete()
    assert used_in(nerve) == {"article": ["Injections"]}
    assert not TermMention.objects.filter(term_id=block.pk).exists()


def test_a_deleted_text_leaves_no_mention(committed):
    with committed():
        fascia = TermFactory(term="fascia")
        article = ArticleFactory(body="The fascia.")
    with committed():
        article.delete()
    assert not TermMention.objects.filter(term=fascia).exists()


def test_a_draft_term_is_matched_once_published(committed):
    with committed():
        nerve = TermFactory(term="nerve")
        block = TermFactory(term="nerve block", status=Status.DRAFT)
        ArticleFactory(title="Injections", body="A nerve block.")
    # A draft does not take the mention from the published shorter term.
    assert used_in(nerve) == {"article": ["Injections"]}
    with committed():
        block.status = Status.PUBLISHED
        block.save()
    assert used_in(block) == {"article": ["Injections"]}
    assert used_in(nerve) == {}


def test_a_scheduled_term_lists_its_pages_when_its_time_comes(committed):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with committed():
        term = TermFactory(term="fascia", published_at=tomorrow)
        ArticleFactory(title="Stretching", body="The fascia.")
    # The clock passes the publication time: nothing is saved.
    Term.objects.filter(pk=term.pk).update(published_at=timezone.now() - datetime.timedelta(minutes=1))
    assert used_in(term) == {"article": ["Stretching"]}


def test_only_visible_pages_are_listed(committed):
    with committed():
        term = TermFactory(term="fascia")
        article = ArticleFactory(title="Stretching", body="The fascia.")
    Article.objects.filter(pk=article.pk).update(status=Status.DRAFT)
    assert used_in(term) == {}


def test_the_rebuild_command_finds_texts_loaded_without_signals():
    term = TermFactory(term="fascia")
    ArticleFactory(title="Stretching", body="The fascia.")
    assert used_in(term) == {}
    call_command("rebuild_term_mentions", verbosity=0)
    assert used_in(term) == {"article": ["Stretching"]}


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("artery", "Both arteries narrow."),
        ("tension-type headache", "A tension-type\nheadache."),
        ("tension type headache", "A tension  type headache."),
        ("Raynaud's phenomenon", "Raynaud’s phenomenon and Raynaud's phenomenon."),
        ("muscle cramp", "Muscle cramps at night."),
    ],
)
def test_a_new_term_finds_every_spelling_the_links_find(committed, name, body):
    with committed():
        ArticleFactory(title="Found", body=body)
    with committed():
        term = TermFactory(term=name)
    assert used_in(term) == {"article": ["Found"]}


def test_texts_without_the_names_words_in_order_are_not_read_again(committed, monkeypatch):
    with committed():
        ArticleFactory(body="Type of headache: tension.")
        wanted = ArticleFactory(body="A tension-type headache.")
    read = []
    original = term_mentions.index
    monkeypatch.setattr(term_mentions, "index", lambda key, pks: read.append((key, list(pks))) or original(key, pks))
    with committed():
        TermFactory(term="tension-type headache")
    assert ("article", [wanted.pk]) in read
    assert all(pks == [wanted.pk] for key, pks in read if key == "article")


def test_editing_only_a_terms_definition_reads_no_other_text(committed, monkeypatch):
    with committed():
        term = TermFactory(term="fascia")
        ArticleFactory(body="The fascia.")
    read = []
    original = term_mentions.index
    monkeypatch.setattr(term_mentions, "index", lambda key, pks: read.append(key) or original(key, pks))
    with committed():
        term.definition = "Connective tissue around muscles."
        term.save()
    assert read == ["term"]  # its own definition only
    with committed():
        term.aliases = "myofascia"
        term.save()
    assert "article" in read


class TestQueue:
    """A term found in more texts than one request can read: the rest waits in the queue."""

    def test_outside_requests_every_queued_item_is_worked_through(self, committed):
        with committed():
            ArticleFactory(title="Stretching", body="Stretch the fascia.")
        with committed():
            fascia = TermFactory(term="fascia")
        assert used_in(fascia) == {"article": ["Stretching"]}
        assert not PendingMention.objects.exists()

    def test_the_command_finishes_what_the_request_had_no_time_for(self, committed, monkeypatch):
        monkeypatch.setattr(term_mentions, "BATCH", 2)
        with committed():
            for n in range(5):
                ArticleFactory(title=f"Stretching {n}", body="Stretch the fascia.")
            fascia = TermFactory(term="fascia")
        TermMention.objects.all().delete()
        # Time for one batch only.
        clock = iter([0.0, 10.0])
        monkeypatch.setattr(term_mentions.time, "monotonic", lambda: next(clock, 10.0))
        term_mentions.queue(term_mentions.containing(["fascia"]))
        assert term_mentions.work_through(until=5.0) == 3
        assert len(used_in(fascia)["article"]) == 2
        monkeypatch.undo()
        call_command("update_term_mentions", "--no-progress", verbosity=0)
        assert not PendingMention.objects.exists()
        assert used_in(fascia) == {"article": [f"Stretching {n}" for n in range(5)]}

    def test_an_item_queued_again_while_its_batch_is_read_stays_queued(self, committed, monkeypatch):
        with committed():
            article = ArticleFactory(body="Stretch the fascia.")
        term_mentions.queue({"article": [article.pk]})
        original = term_mentions.index

        def index_while_a_term_changes(key, pks):
            term_mentions.queue({"article": [article.pk]})
            original(key, pks)

        monkeypatch.setattr(term_mentions, "index", index_while_a_term_changes)
        # Time for one batch; without a limit the worker would go on reading the item.
        clock = iter([0.0])
        monkeypatch.setattr(term_mentions.time, "monotonic", lambda: next(clock, 10.0))
        assert term_mentions.work_through(until=5.0) == 1
        assert PendingMention.objects.filter(object_id=article.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_an_admin_save_past_its_time_budget_says_the_lists_are_still_being_updated(staff_client, monkeypatch):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.urls import reverse

    for n in range(3):
        ArticleFactory(title=f"Running {n}", body="Pain between the shoulder blades.")
    pain = TermFactory(term="Pain", status=Status.DRAFT)
    monkeypatch.setattr(term_mentions, "BUDGET_SECONDS", 0)
    response = staff_client.post(
        reverse("admin:glossary_term_changelist"),
        {"action": "publish", ACTION_CHECKBOX_NAME: [str(pain.pk)]},
        follow=True,
    )
    assert "still being updated: 3 pages" in response.content.decode()
    assert used_in(pain) == {}
    call_command("update_term_mentions", "--no-progress", verbosity=0)
    assert used_in(pain) == {"article": ["Running 0", "Running 1", "Running 2"]}
