"""A visitor's way through the site, on a desktop screen and on a phone."""

import re

import pytest

from tests.browser.checks import PUBLIC_PAGES, assert_fits_screen_and_reads_well, expect

pytestmark = pytest.mark.browser

ARTICLE_TITLE = "Cluster headache: a guide for patients and families"


def step(page, heading):
    """Arrived on the page whose h1 matches; it fits the screen and its text is big enough."""
    expect(page.locator("h1")).to_contain_text(re.compile(heading, re.IGNORECASE))
    assert_fits_screen_and_reads_well(page)


def follow_glossary_link(page):
    """Article text links medical words to the glossary (a.term-link); otherwise go by the glossary A-Z."""
    term_links = page.locator("main a.term-link")
    if term_links.count():
        term = term_links.first.inner_text()
        term_links.first.click()
        return term
    page.get_by_role("contentinfo").get_by_role("link", name="Glossary of medical terms").click()
    step(page, "Glossary of medical terms")
    page.get_by_role("link", name="Triptan", exact=True).click()
    return "Triptan"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_visitor_goes_from_home_through_a_tag_article_faq_glossary_and_search(site, open_page, viewport):
    page = open_page(viewport)
    page.goto("/")
    step(page, "Health information")

    page.get_by_role("region", name="Popular tags").get_by_role("link", name=re.compile(r"^headache\b")).click()
    step(page, "Tagged “headache”")

    page.get_by_role("main").get_by_role("link", name=ARTICLE_TITLE).click()
    step(page, ARTICLE_TITLE)
    article_url = page.url

    faq = page.locator("details.faq").filter(has_text="Why do attacks so often happen at night?")
    answer = faq.get_by_text("Many people have attacks at about the same time each day")
    assert not answer.is_visible()
    faq.locator("summary").click()
    assert faq.get_attribute("open") is not None
    assert answer.is_visible()
    assert_fits_screen_and_reads_well(page)

    term = follow_glossary_link(page)
    step(page, term)

    page.go_back()
    if page.url != article_url:  # came by the glossary A-Z: one more step back
        page.go_back()
    step(page, ARTICLE_TITLE)

    # A search field with suggestions (a <datalist>) is a combobox to assistive technology.
    search = page.get_by_role("banner").get_by_role("combobox", name="Search healthhub")
    search.fill("oxygen")
    search.press("Enter")
    step(page, "Search")
    assert "result" in page.get_by_role("status").inner_text()
    page.get_by_role("main").get_by_role("link", name="High-flow oxygen", exact=True).first.click()
    step(page, "High-flow oxygen")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_public_page_fits_the_screen_with_readable_text(site, open_page, viewport):
    page = open_page(viewport)
    for url in PUBLIC_PAGES.values():
        page.goto(url)
        assert_fits_screen_and_reads_well(page)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_screenshots_of_the_main_pages(site, open_page, screenshot, viewport):
    page = open_page(viewport)
    for name, url in {
        "home": "/",
        "article": "/articles/cluster-headache/",
        "glossary": "/glossary/",
        "tag": "/tags/headache/",
    }.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert screenshot(page, f"{name}-{viewport}").stat().st_size > 0


def test_the_header_search_box_suggests_tags_and_a_tag_leads_to_its_page(site, open_page):
    page = open_page("desktop")
    page.goto("/")
    search = page.get_by_role("banner").get_by_role("combobox", name="Search healthhub")
    search.press_sequentially("headac")
    # The suggestions are a <datalist> the script fills from /tags/autocomplete/ as the visitor types.
    expect(page.locator(f"#{search.get_attribute('list')} option[value='headache']")).to_have_count(1)
    search.fill("headache")
    search.press("Enter")
    step(page, "Search")
    page.get_by_role("link", name="see everything tagged headache").click()
    step(page, "Tagged “headache”")
