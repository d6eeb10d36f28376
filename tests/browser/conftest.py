"""Real-browser tests: Playwright drives the system's Chromium against pytest-django's live server.

The whole folder is skipped, with the reason in the test summary, when Playwright
or Chromium is missing. CI (.ci/run) installs Chromium so that it always runs them.
"""

import io
import mimetypes
import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

if sync_playwright is None:
    SKIP_REASON = "browser tests need Playwright: pip install -r requirements.txt"
elif not os.access(CHROMIUM_PATH, os.X_OK):
    SKIP_REASON = f"browser tests need Chromium at {CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH"
else:
    SKIP_REASON = None


def pytest_collection_modifyitems(config, items):
    """Skip this folder's tests, with the reason, when there is no browser to run them in."""
    if SKIP_REASON:
        here = Path(__file__).parent
        for item in items:
            if item.path.is_relative_to(here):
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


# Playwright's sync API runs an asyncio event loop in the test's thread, so Django
# takes the test's own database calls (creating users, loading content) for calls
# from async code and refuses them. Nothing here runs concurrently with that loop:
# the live server answers the browser from its own thread, so the check is safe to lift.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# Headless, and nothing that reaches out to the network: CI machines have no route out.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, answering one request at a time when its threads share one database connection.

    With in-memory SQLite every server thread uses the test's single connection,
    and Django keeps transaction state (atomic blocks, savepoints) per connection:
    two requests interleaving on it, such as the admin saving while the editor's
    preview reads the session, can lose a read and sign the editor out. Keep-alive
    connections still get their own threads; only the requests take turns.
    """

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            # The whole request, up to its request_finished signal (response.close()), holds the turn.
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    response.close()

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = OneRequestAtATimeServer

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True},
}

ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", settings.BASE_DIR / "artifacts"))


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run; each test gets fresh, isolated contexts."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server):
    """The live site with the demo content: what visitors and editors actually see."""
    call_command("load_demo", stdout=io.StringIO())
    return live_server.url


def serve_media(route):
    """Uploaded files, as the production web server would serve them (Django does not with debug off)."""
    relative = route.request.url.split("/media/", 1)[1].split("?")[0]
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    if path.is_file() and path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        route.fulfill(path=path, content_type=mimetypes.guess_type(path.name)[0])
    else:
        route.fulfill(status=404)


@pytest.fixture
def open_page(browser, live_server):
    """open_page("phone") -> a new page in its own context (own cookies), at the live server."""
    contexts = []

    def open_page(viewport="desktop"):
        context = browser.new_context(base_url=live_server.url, **VIEWPORTS[viewport])
        context.set_default_timeout(10_000)
        context.route("**/media/**", serve_media)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    return open_page("desktop")


@pytest.fixture(scope="session")
def artifacts():
    """artifacts/ (or $BROWSER_ARTIFACTS): screenshots and the printed PDF, kept for people to look at."""
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def screenshot(artifacts):
    """screenshot(page, "home-phone") saves artifacts/screenshots/home-phone.png (the first screenful)."""

    def save(page, name):
        path = artifacts / "screenshots" / f"{name}.png"
        page.screenshot(path=path)
        return path

    return save
