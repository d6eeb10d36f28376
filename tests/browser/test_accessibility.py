"""axe-core finds no serious or critical problems, and headings are in order, on every kind of page."""

import pytest

from tests.browser.checks import PUBLIC_PAGES, blocking_violations, heading_problems

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_public_pages_have_no_serious_axe_violations(site, open_page, viewport):
    page = open_page(viewport)
    problems = []
    for url in PUBLIC_PAGES.values():
        page.goto(url)
        problems += blocking_violations(page)
    assert not problems, "\n".join(problems)


def test_public_pages_have_headings_in_order(site, page):
    problems = []
    for url in PUBLIC_PAGES.values():
        page.goto(url)
        problems += heading_problems(page)
    assert not problems, "\n".join(problems)


def test_not_found_page_is_a_real_404(site, page):
    response = page.goto(PUBLIC_PAGES["not found"])
    assert response.status == 404


def test_admin_pages_have_no_serious_axe_violations(site, page, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    page.goto("/admin/login/")
    problems = blocking_violations(page)
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    for url in ("/admin/", "/admin/articles/article/", "/admin/articles/article/add/"):
        page.goto(url)
        problems += blocking_violations(page)
    page.goto("/admin/articles/article/")
    page.get_by_role("link", name="Cluster headache: a guide for patients and families").click()
    problems += blocking_violations(page)
    assert not problems, "\n".join(problems)
