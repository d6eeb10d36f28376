"""Checks the browser tests make on any page: layout, text size, headings, axe-core.

The test modules import Playwright's names from here, so that without Playwright
they are skipped with this reason instead of failing to import.
"""

import pytest

pytest.importorskip("playwright", reason="browser tests need Playwright: pip install -r requirements.txt")

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

__all__ = ["expect"]

# The impacts that fail a page; axe's "moderate" and "minor" findings are tolerated.
BLOCKING_IMPACTS = {"serious", "critical"}
# axe's defaults plus target-size (WCAG 2.2 AA, 2.5.8), which axe leaves off unless asked.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
MIN_BODY_TEXT_PX = 16

axe = Axe()

# One page of every kind visitors can reach, with the demo content loaded.
PUBLIC_PAGES = {
    "home": "/",
    "article list": "/articles/",
    "article": "/articles/cluster-headache/",
    "FAQ list": "/faqs/",
    "FAQ": "/faqs/cluster-headache-vs-migraine/",
    "treatment list": "/treatments/",
    "treatment": "/treatments/high-flow-oxygen/",
    "trigger list": "/triggers/",
    "trigger": "/triggers/alcohol/",
    "glossary A-Z": "/glossary/",
    "glossary term": "/glossary/triptan/",
    "tag list": "/tags/",
    "tag": "/tags/headache/",
    "search results": "/search/?q=oxygen",
    "no search results": "/search/?q=zzzzqqq",
    "not found": "/articles/no-such-topic/",
}


def assert_no_horizontal_scroll(page):
    """The page is no wider than the screen.

    Compared with the screen's width, not only innerWidth: a phone browser zooms out
    to fit a page that is too wide, and innerWidth then grows with it.
    """
    widths = page.evaluate("({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})")
    widths["screen"] = page.viewport_size["width"]
    assert widths["scroll"] <= min(widths["inner"], widths["screen"]), f"{page.url} scrolls sideways: {widths}"


def assert_readable_text(page):
    """The running text of the page (paragraphs and list items in the content) is at least 16 px."""
    sizes = page.evaluate(
        """() => Array.from(document.querySelectorAll(
              'main .prose > p, main .prose > ul > li, main .prose > ol > li, main .lead, main dd'))
            .filter(el => el.offsetParent !== null)
            .map(el => [el.textContent.trim().slice(0, 40), parseFloat(getComputedStyle(el).fontSize)])"""
    )
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body >= MIN_BODY_TEXT_PX, f"{page.url}: body text is {body}px"
    small = [(text, size) for text, size in sizes if size < MIN_BODY_TEXT_PX]
    assert not small, f"{page.url}: text smaller than {MIN_BODY_TEXT_PX}px: {small[:5]}"


def assert_fits_screen_and_reads_well(page):
    # Measure the page as styled: right after a click the heading can be there before
    # the stylesheet, and an unstyled 1,200 px picture is wider than any phone.
    page.wait_for_load_state("load")
    assert_no_horizontal_scroll(page)
    assert_readable_text(page)


def heading_levels(page):
    return page.evaluate(
        """Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
            .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 50)])"""
    )


def heading_problems(page):
    """One h1, first; no level skipped on the way down (h2 -> h4 is a skip, h4 -> h2 is fine)."""
    headings = heading_levels(page)
    if not headings or headings[0][0] != 1 or [level for level, _ in headings].count(1) != 1:
        return [f"{page.url}: the page needs exactly one h1, first: {headings[:3]}"]
    return [
        f"{page.url}: h{before[0]} “{before[1]}” is followed by h{after[0]} “{after[1]}”"
        for before, after in zip(headings, headings[1:], strict=False)
        if after[0] > before[0] + 1
    ]


def blocking_violations(page):
    """axe-core's serious and critical violations on the page, as readable lines."""
    results = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{page.url} [{violation['impact']}] {violation['id']}: {violation['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
