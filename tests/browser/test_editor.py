"""An editor writes, saves as draft, publishes and corrects an article in the admin."""

import re

import pytest

from tests.browser.checks import assert_fits_screen_and_reads_well, expect, heading_problems
from tests.factories import ArticleFactory

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"


@pytest.fixture
def editor_page(live_server, page, django_user_model):
    """An editor signed in through the admin's login form."""
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    page.goto("/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Content")).to_be_visible()
    return page


def save_and_continue(page):
    """Save the change form and wait for the page the admin sends back; returns its message."""
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").first.click()
    return page.locator(".messagelist").inner_text()


def status_of(visitor, url):
    return visitor.goto(url).status


def test_editor_writes_an_article_saves_a_draft_publishes_and_corrects_it(editor_page, open_page):
    ArticleFactory(title="Migraine", slug="migraine", tags=["headache"])
    visitor = open_page("phone")
    page = editor_page

    page.get_by_role("link", name="Articles").first.click()
    page.get_by_role("link", name=re.compile("Add article")).click()
    # The admin's scripts (slug prefill among them) bind their handlers once the page has loaded.
    page.wait_for_load_state("load")
    page.locator("#id_title").press_sequentially("Tension headache")
    expect(page.locator("#id_slug")).to_have_value("tension-headache")
    page.locator("#id_summary").fill("A band of pressure around the head, and what eases it.")

    # The markdownx editor previews what visitors will see, rendered by the server as the editor types.
    body = page.locator("#id_body")
    preview = page.locator("#id_body ~ .markdownx-preview, .markdownx:has(#id_body) .markdownx-preview").first
    with page.expect_response(re.compile(r"/editor/markdown-preview/$")) as preview_call:
        body.press_sequentially("## What helps\n\nRest **often**, and drink water.")
    assert preview_call.value.ok
    expect(preview.get_by_role("heading", name="What helps")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("often")

    # Tags: typing part of an existing tag offers it; choosing it fills the field.
    tags = page.locator("#id_tags")
    tags.press_sequentially("head")
    page.locator("#id_tags-suggestions").get_by_role("button", name="headache").click()
    assert tags.input_value() == "headache, "
    tags.press_sequentially("posture")

    # An FAQ, in its folded section.
    page.get_by_role("heading", name="FAQs").click()
    page.get_by_role("button", name="Add another FAQ").click()
    page.locator("#id_faqs-0-question").fill("Can stress cause it?")
    page.locator("#id_faqs-0-answer").fill("Often, yes. Regular breaks help.")

    # A treatment list.
    page.get_by_role("button", name="Add another Treatment list").click()
    page.locator("#id_treatment_lists-0-title").fill("Easing an episode")
    page.locator("#id_treatment_lists-0-kind").select_option(label="Acute treatment")

    assert page.locator("#id_status").input_value() == "draft"
    assert "was added successfully" in save_and_continue(page)

    assert status_of(visitor, "/articles/tension-headache/") == 404

    page.locator("#id_status").select_option(label="Published")
    assert "was changed successfully" in save_and_continue(page)

    assert status_of(visitor, "/articles/tension-headache/") == 200
    assert visitor.get_by_role("heading", name="What helps").is_visible()
    visitor.get_by_text("Can stress cause it?").click()
    assert visitor.get_by_text("Often, yes. Regular breaks help.").is_visible()
    # The treatment list has no treatment yet: visitors see no empty list (the help text says so).
    assert visitor.get_by_role("heading", name="Easing an episode").count() == 0
    assert visitor.get_by_role("link", name="headache", exact=True).is_visible()
    assert visitor.get_by_role("link", name="posture", exact=True).is_visible()
    assert_fits_screen_and_reads_well(visitor)
    assert not heading_problems(visitor)

    body.fill("## What helps\n\nRest often, drink water and loosen your shoulders.")
    assert "was changed successfully" in save_and_continue(page)
    visitor.reload()
    assert visitor.get_by_text("loosen your shoulders").is_visible()
