"""Keyboard only: a skip link first, every link and control reachable with Tab, focus always visible.

"Visible" means the site's own focus style (an outline of at least 2 px or a ring drawn with
box-shadow), not the browser's thin default ring, which is hard to see on coloured backgrounds.
"""

import pytest

pytestmark = pytest.mark.browser

FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])"

# Marks every focusable element that is rendered with its index.
MARK_FOCUSABLE = """selector => {
    const elements = Array.from(document.querySelectorAll(selector))
        .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden');
    elements.forEach((el, index) => { el.dataset.keyboardIndex = index; });
    return elements.map(el => el.outerHTML.slice(0, 80));
}"""

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        index: el.dataset.keyboardIndex === undefined ? null : Number(el.dataset.keyboardIndex),
        html: el.outerHTML.slice(0, 80),
        focusVisible: el.matches(':focus-visible'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        boxShadow: style.boxShadow !== 'none',
    };
}"""


def tab_through(page):
    """Press Tab until focus comes round again; returns what was focused, in order."""
    elements = page.evaluate(MARK_FOCUSABLE, FOCUSABLE)
    focused = []
    for _ in range(len(elements) + 3):
        page.keyboard.press("Tab")
        current = page.evaluate(FOCUSED)
        if current["index"] is None or (focused and current["index"] == focused[0]["index"]):
            break
        focused.append(current)
    return elements, focused


@pytest.mark.parametrize("url", ["/", "/articles/cluster-headache/"])
def test_tab_reaches_every_link_and_control_with_visible_focus(site, page, url):
    page.goto(url)
    # Opened FAQs put their links in the Tab order; opening them by keyboard is tested below.
    page.evaluate("document.querySelectorAll('details').forEach(details => { details.open = true; })")
    elements, focused = tab_through(page)

    assert "skip-link" in focused[0]["html"]
    missed = [elements[index] for index in set(range(len(elements))) - {item["index"] for item in focused}]
    assert not missed, f"{len(missed)} elements not reachable with Tab: {missed[:5]}"
    shown = [item["focusVisible"] and (item["outline"] or item["boxShadow"]) for item in focused]
    invisible = [item["html"] for item, visible in zip(focused, shown, strict=True) if not visible]
    assert not invisible, f"focus not visible on {len(invisible)} elements: {invisible[:5]}"


@pytest.mark.parametrize("url", ["/", "/articles/cluster-headache/"])
def test_skip_link_comes_first_shows_and_moves_focus_to_the_main_content(site, page, url):
    page.goto(url)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    assert skip_link.evaluate("el => el === document.activeElement")
    box = skip_link.bounding_box()
    assert box["y"] >= 0 and box["height"] > 0, "the skip link is off screen when focused"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_faq_opens_and_closes_with_the_keyboard(site, page):
    page.goto("/articles/cluster-headache/")
    faq = page.locator("details.faq").first
    faq.locator("summary").focus()
    page.keyboard.press("Enter")
    assert faq.evaluate("el => el.open")
    page.keyboard.press("Space")
    assert not faq.evaluate("el => el.open")
