"""An article printed for the doctor: the content only, FAQs open, links written out."""

import pytest

pytestmark = pytest.mark.browser

ARTICLE = "/articles/cluster-headache/"
SCREEN_ONLY = [".site-header", ".site-nav", ".site-footer", ".skip-link", ".search-form", ".toc", ".breadcrumbs"]


@pytest.fixture
def printed(site, page):
    page.goto(ARTICLE)
    page.emulate_media(media="print")
    return page


def test_printed_article_has_no_navigation(printed):
    hidden = printed.evaluate(
        """selectors => selectors.map(
            selector => [selector, Array.from(document.querySelectorAll(selector)).every(el => !el.checkVisibility())]
        )""",
        SCREEN_ONLY,
    )
    assert all(is_hidden for _, is_hidden in hidden), hidden
    assert printed.locator("article h1").is_visible()


def test_printed_article_shows_every_faq_answer_without_opening_it(printed):
    answers = printed.locator("details.faq:not([open]) > .prose")
    assert answers.count() >= 5
    assert printed.evaluate(
        "Array.from(document.querySelectorAll('details.faq:not([open]) > .prose')).every(el => el.checkVisibility())"
    )


def test_printed_article_writes_out_where_links_lead(printed):
    link = printed.locator("main .treatment a").first
    after = link.evaluate("el => getComputedStyle(el, '::after').content")
    assert link.get_attribute("href") in after


def test_answers_stay_folded_on_screen(site, page):
    page.goto(ARTICLE)
    assert not page.evaluate("document.querySelector('details.faq > .prose').checkVisibility()")


def test_article_prints_to_pdf(printed, artifacts):
    path = artifacts / "article.pdf"
    printed.pdf(path=path, format="A4", print_background=False)
    assert path.read_bytes().startswith(b"%PDF")
