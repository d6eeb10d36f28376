import dataclasses
import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import content_cache
from articles.models import FAQ, Article, Treatment, Trigger
from glossary.linking import get_matcher
from healthhub.caching import keys, stamps
from healthhub.publishing.models import Status
from tests.factories import (
    ArticleFactory,
    FAQFactory,
    ReferenceFactory,
    ReviewerFactory,
    TermFactory,
    TreatmentFactory,
    TreatmentListFactory,
    TriggerFactory,
)

pytestmark = pytest.mark.django_db

LIST_PAGES = ["articles:list", "articles:faq-list", "articles:treatment-list", "articles:trigger-list"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_show_demo_content(client, demo_content, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.context["object_list"]


@pytest.mark.parametrize("model", [Article, FAQ, Treatment, Trigger])
def test_every_demo_detail_page_renders(client, demo_content, model):
    items = list(model.objects.published())
    assert items
    for item in items:
        response = client.get(item.get_absolute_url())
        assert response.status_code == 200, item
        assert str(item) in response.content.decode()


def test_article_page_shows_every_part_of_the_article(client, demo_content):
    article = Article.objects.get(slug="cluster-headache")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'aria-labelledby="toc-title"' in html
    assert html.count('<details class="faq"') == article.faqs.count()
    for kind in ["Acute treatment", "Preventive treatment", "Interventional procedure", "Complementary measure"]:
        assert kind in html
    assert 'id="triggers"' in html and "Food and drink" in html
    assert "<table>" in html  # the pain scale
    assert "<figcaption>" in html
    assert 'class="disclaimer"' in html
    assert 'href="/tags/' in html


def test_treatment_groups_follow_the_order_of_kinds(client):
    article = ArticleFactory()
    TreatmentFactory(treatment_list=TreatmentListFactory(article=article, kind="home_remedy", title="Home"))
    TreatmentFactory(treatment_list=TreatmentListFactory(article=article, kind="acute", title="Attacks"))
    response = client.get(article.get_absolute_url())
    assert [label for label, _ in response.context["sections"].treatment_groups] == [
        "Acute treatment",
        "Complementary measure or home remedy",
    ]


def test_standard_disclaimer_shows_when_the_article_has_none(client):
    html = client.get(ArticleFactory(disclaimer="").get_absolute_url()).content.decode()
    assert "does not replace advice from a qualified health professional" in html


def test_article_disclaimer_overrides_the_standard_one(client):
    html = client.get(ArticleFactory(disclaimer="Ask your vet first.").get_absolute_url()).content.decode()
    assert "Ask your vet first." in html


def test_related_articles_share_tags_and_exclude_drafts(client):
    article = ArticleFactory(tags=["posture"])
    related = ArticleFactory(tags=["posture"], title="Sitting well")
    ArticleFactory(tags=["posture"], status=Status.DRAFT, title="Secret draft")
    response = client.get(article.get_absolute_url())
    assert [entry.item for entry in response.context["related"]] == [related]
    assert "Secret draft" not in response.content.decode()


@pytest.mark.parametrize(
    "factory", [ArticleFactory, FAQFactory, TreatmentFactory, TriggerFactory], ids=lambda f: f.__name__
)
def test_drafts_are_not_found_by_visitors(client, factory):
    item = factory(status=Status.DRAFT)
    assert client.get(item.get_absolute_url()).status_code == 404


def test_scheduled_article_is_not_found_before_its_time(client):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_children_of_a_draft_article_are_not_found(client):
    article = ArticleFactory(status=Status.DRAFT)
    faq = FAQFactory(article=article)
    treatment = TreatmentFactory(treatment_list=TreatmentListFactory(article=article))
    assert client.get(faq.get_absolute_url()).status_code == 404
    assert client.get(treatment.get_absolute_url()).status_code == 404
    assert faq.question not in client.get(reverse("articles:faq-list")).content.decode()
    assert treatment.name not in client.get(reverse("articles:treatment-list")).content.decode()


def test_draft_faq_is_left_out_of_a_published_article(client):
    article = ArticleFactory()
    FAQFactory(article=article, question="Visible question?")
    FAQFactory(article=article, question="Hidden question?", status=Status.DRAFT)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Visible question?" in html and "Hidden question?" not in html


def test_staff_can_preview_a_draft_with_a_banner(staff_client):
    article = ArticleFactory(status=Status.DRAFT)
    FAQFactory(article=article, question="Shown in preview?")
    response = staff_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response.context["is_preview"] is True
    html = response.content.decode()
    assert "Visitors cannot see this page yet" in html
    assert "Shown in preview?" in html


def test_staff_see_no_banner_on_published_pages(staff_client):
    response = staff_client.get(ArticleFactory().get_absolute_url())
    assert response.context["is_preview"] is False


def test_trigger_page_lists_only_visible_articles(client):
    trigger = TriggerFactory()
    trigger.articles.add(ArticleFactory(title="Public article"), ArticleFactory(title="Draft one", status="draft"))
    html = client.get(trigger.get_absolute_url()).content.decode()
    assert "Public article" in html and "Draft one" not in html


@pytest.mark.parametrize("page", ["0", "-1", "999", "abc", "1.5", "%00", "last"])
def test_odd_page_numbers_are_a_404_or_a_page_never_an_error(client, page):
    ArticleFactory()
    response = client.get(reverse("articles:list"), {"page": page})
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("path", ["/articles/nope/", "/faqs/nope/", "/treatments/nope/", "/triggers/nope/"])
def test_unknown_slugs_are_a_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def article_with_parts(n, tags):
    article = ArticleFactory(tags=tags, reviewed_by=ReviewerFactory(), last_reviewed_on=datetime.date(2026, 1, 1))
    references = ReferenceFactory.create_batch(n, article=article)
    for faq in FAQFactory.create_batch(n, article=article, tags=tags):
        faq.references.set(references)
    for kind in ("acute", "preventive"):
        treatments = TreatmentFactory.create_batch(
            n, treatment_list=TreatmentListFactory(article=article, kind=kind), tags=tags
        )
        for treatment in treatments:
            treatment.references.set(references)
    for trigger in TriggerFactory.create_batch(n, tags=tags):
        trigger.articles.add(article)
    ArticleFactory.create_batch(n, tags=tags)
    TermFactory.create_batch(n, tags=tags)
    TermFactory(term="plain text", short_definition="Linked in the article body.")
    return article


@pytest.mark.parametrize("size", [1, 8])
def test_article_page_runs_a_fixed_number_of_queries(client, committed, assert_content_queries, size):
    tags = [f"tag {i}" for i in range(size)]
    with committed():
        article = article_with_parts(size, tags)
    get_matcher()  # built once per glossary change, not per page
    # The article with its tags (2), the stamps (read once per request), its FAQs, treatments with their
    # lists, references, triggers and every citation of its FAQs and treatments (one query for all) (5);
    # the stored related pages (none yet), the related pages of every type (one query), storing them
    # (3); the standard disclaimer.
    with assert_content_queries(2 + 1 + 5 + 3 + 1):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="term-link"' in html
    # Every FAQ and treatment cites every reference, by its number in the article's list.
    assert html.count('href="#ref-') == (size + 2 * size) * size
    assert f">[{size}]</a>" in html
    # Other articles and terms; its own FAQs, treatments and triggers are on the page already.
    assert len(response.context["related"]) == min(2 * size, 8)
    # With its body, sections and related pages kept: the article with its tags, the stamps, the
    # stored related pages; the disclaimer is read once per process until the settings change.
    with assert_content_queries(2 + 1 + 1):
        again = client.get(article.get_absolute_url())
    assert again.content == response.content
    # A change to another article: this article's body, sections and related pages are kept, checked
    # in memory against the recent stamps (read once per process after each change).
    with committed():
        FAQFactory(article=ArticleFactory(tags=["elsewhere"]))
    with assert_content_queries(2 + 1 + 1 + 1):
        again = client.get(article.get_absolute_url())
    assert again.content == response.content
    # A change to one of its own parts (an FAQ carrying its tags): the content is found stale and
    # rendered again; the related pages, which leave out the article's own FAQs, are found current.
    with committed():
        article.faqs.first().save()
    with assert_content_queries(2 + 1 + 1 + 5 + 1):
        again = client.get(article.get_absolute_url())
    assert again.content == response.content


@pytest.mark.parametrize("factory", [FAQFactory, TreatmentFactory, TriggerFactory], ids=lambda f: f.__name__)
def test_detail_pages_show_related_pages_of_every_type(client, factory):
    item = factory(tags=["sleep"])
    ArticleFactory(tags=["sleep"], title="Sleep article")
    TermFactory(tags=["sleep"], term="Melatonin")
    response = client.get(item.get_absolute_url())
    assert {entry.item.__class__.__name__ for entry in response.context["related"]} >= {"Article", "Term"}
    html = response.content.decode()
    assert "Related pages" in html and "Sleep article" in html and "Melatonin" in html


SENTINEL = "Served from the cache."


def content_key(article):
    return content_cache.cache_key(article, "http://testserver")


def keep_sentinel(client, article):
    """Put a recognisable text in the cache in place of the article's kept content; returns the entry.

    The entry keeps what the real one depends on, so it goes stale exactly when the real one would.
    """
    client.get(article.get_absolute_url())
    entry = dataclasses.replace(cache.get(content_key(article)), value=(SENTINEL, None))
    cache.set(content_key(article), entry)
    return entry


def shown_from_cache(client, article):
    return SENTINEL in client.get(article.get_absolute_url()).content.decode()


class TestCachedArticleContent:
    """The body and sections of an article page are kept until something they show changes."""

    def test_a_changed_faq_answer_shows_once_saved(self, client, committed):
        with committed():
            article = ArticleFactory()
            faq = FAQFactory(article=article, answer="Rest for a day.")
        assert "Rest for a day." in client.get(article.get_absolute_url()).content.decode()
        with committed():
            faq.answer = "Walk a little every day."
            faq.save()
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Walk a little every day." in html and "Rest for a day." not in html

    def test_a_new_glossary_term_is_linked_once_saved(self, client, committed):
        with committed():
            article = ArticleFactory(body="Stretch the fascia gently.")
        assert 'class="term-link"' not in client.get(article.get_absolute_url()).content.decode()
        with committed():
            TermFactory(term="fascia")
        assert 'class="term-link"' in client.get(article.get_absolute_url()).content.decode()

    def test_a_retagged_treatment_list_leaves_no_stale_section(self, client, committed):
        with committed():
            article = ArticleFactory()
            treatment = TreatmentFactory(treatment_list=TreatmentListFactory(article=article), name="Ice pack")
        assert "Ice pack" in client.get(article.get_absolute_url()).content.decode()
        with committed():
            treatment.status = Status.DRAFT
            treatment.save()
        assert "Ice pack" not in client.get(article.get_absolute_url()).content.decode()

    def test_staff_pages_neither_read_nor_fill_the_cache(self, staff_client, committed):
        with committed():
            draft = ArticleFactory(status=Status.DRAFT, body="Draft words.")
            visible = ArticleFactory(body="Visible words.")
        assert "Draft words." in staff_client.get(draft.get_absolute_url()).content.decode()
        assert cache.get(content_key(draft)) is None
        kept = keep_sentinel(Client(), visible)  # as a visitor
        html = staff_client.get(visible.get_absolute_url()).content.decode()
        assert "Visible words." in html and SENTINEL not in html
        assert cache.get(content_key(visible)) == kept

    def test_visitors_get_the_cached_content(self, client, committed):
        with committed():
            article = ArticleFactory(body="Fresh words.")
        keep_sentinel(client, article)
        assert SENTINEL in client.get(article.get_absolute_url()).content.decode()

    def test_content_kept_before_a_change_it_shows_is_not_served(self, client, committed):
        with committed():
            article = ArticleFactory(body="Fresh words.")
        entry = keep_sentinel(client, article)
        cache.set(content_key(article), dataclasses.replace(entry, start=entry.start - 1))
        stamps.bump([keys.item(article)])  # a change it shows, stamped after the (earlier) entry started
        assert "Fresh words." in client.get(article.get_absolute_url()).content.decode()

    def test_content_kept_under_another_epoch_is_not_served(self, client, committed):
        with committed():
            article = ArticleFactory(body="Fresh words.")
        entry = keep_sentinel(client, article)
        cache.set(content_key(article), dataclasses.replace(entry, epoch=entry.epoch - 1))
        assert "Fresh words." in client.get(article.get_absolute_url()).content.decode()

    def test_a_newly_tagged_page_joins_the_related_pages_once_saved(self, client, committed):
        with committed():
            article = ArticleFactory(tags=["sleep"])
            trigger = TriggerFactory(name="Late coffee")
        assert "Late coffee" not in client.get(article.get_absolute_url()).content.decode()
        with committed():
            trigger.tags.add("sleep")
        assert "Late coffee" in client.get(article.get_absolute_url()).content.decode()


class Parts:
    """An article with one of every part its page shows, and another article with its own."""

    def __init__(self):
        self.article = ArticleFactory(title="Cluster headache")
        self.reference = ReferenceFactory(article=self.article, title="Headache guideline")
        self.faq = FAQFactory(article=self.article, question="Does oxygen help?")
        self.faq.references.add(self.reference)
        self.treatment_list = TreatmentListFactory(article=self.article, title="Acute relief")
        self.treatment = TreatmentFactory(treatment_list=self.treatment_list, name="High-flow oxygen")
        self.treatment.references.add(self.reference)
        self.trigger = TriggerFactory(name="Alcohol")
        self.trigger.articles.add(self.article)
        self.other = ArticleFactory(title="Migraine")
        self.other_faq = FAQFactory(article=self.other, question="Is it hereditary?")
        self.other_list = TreatmentListFactory(article=self.other, title="Prevention")
        self.other_trigger = TriggerFactory(name="Bright light")
        self.other_trigger.articles.add(self.other)


def edit(item, **values):
    for name, value in values.items():
        setattr(item, name, value)
    item.save()


# Each changes something the article's page shows, through the path an editor or a command takes.
CHANGES_TO_THE_ARTICLES_CONTENT = {
    "faq edited": lambda p: edit(p.faq, answer="Breathing pure oxygen eases many attacks."),
    "faq moved to another article": lambda p: edit(p.faq, article=p.other),
    "faq deleted": lambda p: p.faq.delete(),
    "faq unpublished in bulk": lambda p: FAQ.objects.filter(pk=p.faq.pk).update(status=Status.DRAFT),
    "treatment edited": lambda p: edit(p.treatment, name="Oxygen by mask"),
    "treatment moved to another article's list": lambda p: edit(p.treatment, treatment_list=p.other_list),
    "treatment list retitled": lambda p: edit(p.treatment_list, title="During an attack"),
    "treatment list deleted": lambda p: p.treatment_list.delete(),
    "trigger renamed": lambda p: edit(p.trigger, name="Alcohol and wine"),
    "trigger deleted": lambda p: p.trigger.delete(),
    "trigger unlinked, from the trigger": lambda p: p.trigger.articles.remove(p.article),
    "trigger unlinked, from the article": lambda p: p.article.triggers.remove(p.trigger),
    "trigger's articles cleared": lambda p: p.trigger.articles.clear(),
    "trigger linked": lambda p: p.other_trigger.articles.add(p.article),
    "trigger linked, from the article": lambda p: p.article.triggers.set([p.trigger, p.other_trigger]),
    "reference retitled": lambda p: edit(p.reference, title="Cluster headache guideline"),
    "reference deleted": lambda p: p.reference.delete(),
    "citation removed": lambda p: p.faq.references.remove(p.reference),
    "citation removed, from the reference": lambda p: p.reference.treatments.remove(p.treatment),
    "another article's faq moved here": lambda p: edit(p.other_faq, article=p.article),
    "another article's list moved here": lambda p: edit(p.other_list, article=p.article),
    "the article edited": lambda p: edit(p.article, summary="What helps during an attack."),
    "glossary term added": lambda p: TermFactory(term="oxygen"),
}

CHANGES_ELSEWHERE = {
    "another article's faq edited": lambda p: edit(p.other_faq, answer="Often, yes."),
    "another article's list deleted": lambda p: p.other_list.delete(),
    "another article's trigger renamed": lambda p: edit(p.other_trigger, name="Flickering light"),
    "another article edited": lambda p: edit(p.other, summary="A throbbing headache."),
    "another article's trigger linked to it": lambda p: p.other_trigger.articles.add(ArticleFactory()),
}


class TestArticleContentFollowsItsParts:
    """An article's cached content is rendered again when, and only when, something it shows changes."""

    def cached_parts(self, client, committed):
        with committed():
            parts = Parts()
        keep_sentinel(client, parts.article)
        assert shown_from_cache(client, parts.article)
        return parts

    @pytest.mark.parametrize("change", CHANGES_TO_THE_ARTICLES_CONTENT.values(), ids=CHANGES_TO_THE_ARTICLES_CONTENT)
    def test_a_change_it_shows_renders_it_again(self, client, committed, change):
        parts = self.cached_parts(client, committed)
        with committed():
            change(parts)
        assert not shown_from_cache(client, parts.article)

    @pytest.mark.parametrize("change", CHANGES_ELSEWHERE.values(), ids=CHANGES_ELSEWHERE)
    def test_a_change_elsewhere_keeps_it(self, client, committed, change):
        parts = self.cached_parts(client, committed)
        with committed():
            change(parts)
        assert shown_from_cache(client, parts.article)

    def test_a_change_rolled_back_keeps_it(self, client, committed):
        parts = self.cached_parts(client, committed)
        with pytest.raises(RuntimeError), transaction.atomic():
            edit(parts.faq, answer="Never saved.")
            raise RuntimeError
        with committed():
            pass
        assert shown_from_cache(client, parts.article)

    def test_what_it_shows_after_a_change_is_the_change(self, client, committed):
        parts = self.cached_parts(client, committed)
        with committed():
            edit(parts.trigger, name="Alcohol and wine")
            edit(parts.faq, article=parts.other)
        html = client.get(parts.article.get_absolute_url()).content.decode()
        assert "Alcohol and wine" in html and "Does oxygen help?" not in html
        assert "Does oxygen help?" in client.get(parts.other.get_absolute_url()).content.decode()

    def test_a_scheduled_faq_appears_when_its_time_comes(self, client, committed, monkeypatch):
        parts = self.cached_parts(client, committed)
        soon = timezone.now() + datetime.timedelta(seconds=30)
        with committed():
            FAQFactory(article=parts.article, question="Can I fly?", published_at=soon)
        client.get(parts.article.get_absolute_url())  # kept again, without it
        assert "Can I fly?" not in client.get(parts.article.get_absolute_url()).content.decode()
        later = soon + datetime.timedelta(seconds=1)
        monkeypatch.setattr(timezone, "now", lambda: later)
        assert "Can I fly?" in client.get(parts.article.get_absolute_url()).content.decode()
