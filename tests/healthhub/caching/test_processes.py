"""A change made in any process shows on every other process's next request: real servers, real processes.

Two gunicorn servers ("A" and "B", one worker each: what several workers or app
servers are) serve one database, in production settings, and `manage.py`
subprocesses play the operator's shell and commands. Each test first fills the
page cache on both servers (and checks the second visit was a cache hit), so
that a stale page *would* be served if a change failed to reach a process.

Both configurations run: the default (cache and stamps in the database) and
REDIS_URL (cache and stamps in Redis, on a database number no other test uses).
The module makes its own database, since pytest-django's (in memory on SQLite)
cannot be shared with other processes: a file on SQLite, a fresh PostgreSQL
database when DATABASE_URL names PostgreSQL.
"""

import datetime
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from tests.services import REDIS_URL, redis_reachable

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
# On the tests' Redis server, a database of its own: the servers' cache and stamps, flushed before they start.
PROCESSES_REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + "/14"
SEARCH_RATE_LIMIT = 4
# What the servers and commands read from the environment: set here only, never inherited from the shell.
CONFIGURED = ("DJANGO_", "DATABASE_", "GUNICORN_", "REDIS_URL", "PAGE_CACHE_SECONDS", "SEARCH_RATE", "SITE_URL",
              "CACHE_MAX_ENTRIES", "AXES_", "AUTOCOMPLETE_RATE")  # fmt: skip
PASSWORD = "a-long-test-password-for-processes"
# Glossary terms these tests add, each a phrase of the demo article's text that no demo term links yet.
NEW_TERMS = {"default": "Pectoral muscles", "redis": "Arm swing"}
DEMO_ARTICLE = "/articles/upper-back-pain-when-running/"
# Seconds ahead a scheduled article is published: time enough to check both servers before it appears.
SCHEDULE_AHEAD = 3


# --- HTTP ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    text: str

    @property
    def cache(self):
        return self.headers.get("X-Cache")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer to look at (a sign-in sets its cookie on the 302 itself).
    def redirect_request(self, *args, **kwargs):
        return None


# No proxies from the environment: the servers are on this machine's loopback.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def http(url, *, data=None, headers=None):
    body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with _opener.open(request, timeout=30) as response:
            return Response(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, error.headers, error.read().decode())


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def get(self, path, **headers):
        return http(self.url + path, headers=headers)

    def page(self, path):
        """The page, which must be there (200)."""
        response = self.get(path)
        assert response.status == 200, f"server {self.name}: {path} answered {response.status}\n{self.log_tail()}"
        return response

    def prime(self, path):
        """Visit twice: the second visit must come from the page cache, as every visitor's would."""
        self.page(path)
        response = self.page(path)
        assert response.cache == "hit", f"server {self.name}: {path} was not cached (X-Cache: {response.cache})"
        return response.text

    def log_tail(self, lines=40):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class AdminSession:
    """A signed-in staff member's browser, as far as cookies and the CSRF token go.

    Cookies are kept by hand: in production settings they are Secure, and a cookie
    jar would not send them back over the loopback's plain HTTP.
    """

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def request(self, path, data=None):
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        response = http(self.server.url + path, data=data, headers=headers)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def sign_in(self, username, password):
        form = self.request("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        fields = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
        response = self.request("/admin/login/?next=/admin/", fields)
        assert response.status == 302 and "sessionid" in self.cookies, f"sign-in failed ({response.status})"

    def post(self, path, fields):
        # Signing in rotated the token; the cookie holds the current one, which the form field may repeat.
        return self.request(path, {"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields})


# --- Processes ----------------------------------------------------------------------


def base_env(database_url, workdir):
    env = {key: value for key, value in os.environ.items() if not key.startswith(CONFIGURED)}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": "processes-tests-only-" + "x" * 40,
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_LOG_FORMAT": "plain",
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            # The test client stands behind a proxy on 127.0.0.1: X-Forwarded-For names each "visitor".
            "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
            "PAGE_CACHE_SECONDS": "300",
            "SEARCH_RATE": f"{SEARCH_RATE_LIMIT}/m",
        }
    )
    return env


def manage(env, *args):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"manage.py {' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def shell(env, code):
    """Run `code` in `manage.py shell`: a process apart from the servers, as an operator's would be."""
    output = manage(env, "shell", "--no-imports", "-c", textwrap.dedent(code))
    return output.strip().splitlines()[-1] if output.strip() else ""


@contextmanager
def fresh_database(workdir):
    """A database URL of this module's own: a file on SQLite, a new database on PostgreSQL (dropped after)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{workdir / 'db.sqlite3'}"
        return
    name = f"healthhub_processes_{os.getpid()}"
    parts = urllib.parse.urlsplit(url)
    server = parts._replace(path="/postgres").geturl()
    with _postgres(server) as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with _postgres(server) as cursor:
            # The servers are stopped by now; a connection left behind must not keep the database alive.
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def _postgres(url):
    connection = psycopg2.connect(url)
    connection.autocommit = True  # CREATE and DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(name, env, workdir):
    """One gunicorn server with one worker; `stop()` it whatever happens."""
    port = free_port()
    log = workdir / f"gunicorn-{name}.log"
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
                  "GUNICORN_ACCESS_LOG": "/dev/null"}  # fmt: skip
    with log.open("w") as log_file:
        # No control socket: its default path is shared by every gunicorn of this user.
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "healthhub.wsgi", "-c", "gunicorn.conf.py", "--no-control-socket"],
            cwd=ROOT,
            env=server_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    return Server(name, f"http://127.0.0.1:{port}", process, log)


def stop(servers):
    # All at once: each takes a moment to shut down.
    for server in servers:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGTERM)
    for server in servers:
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def wait_until_up(server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            if server.get("/livez/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"gunicorn {server.name} did not answer at {server.url}:\n{server.log_tail()}")


# --- Fixtures -------------------------------------------------------------------------


@dataclass
class Database:
    url: str
    workdir: Path


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """Migrated, with the demo content and the static files: shared by both configurations."""
    workdir = tmp_path_factory.mktemp("processes")
    with fresh_database(workdir) as url:
        env = base_env(url, workdir)
        # The static files (production settings serve them from a manifest) need no database: meanwhile.
        static = subprocess.Popen([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env)
        try:
            manage(env, "migrate", "--no-input", "-v0")
            manage(env, "load_demo", "-v0")
        finally:
            static.wait(timeout=120)
        assert static.returncode == 0, "collectstatic failed"
        yield Database(url, workdir)


def _flush_redis():
    import redis

    redis.Redis.from_url(PROCESSES_REDIS_URL).flushdb()


@dataclass
class Site:
    """Servers A and B of one configuration, and the environment its commands run with."""

    configuration: str
    env: dict
    workdir: Path
    a: Server
    b: Server

    @property
    def servers(self):
        return (self.a, self.b)

    def shell(self, code):
        return shell(self.env, code)

    def manage(self, *args):
        return manage(self.env, *args)

    def unique(self, name):
        # The database outlives a configuration: what one test makes must not meet another's.
        return f"{name}-{self.configuration}"


CONFIGURATIONS = [
    pytest.param("default", id="default"),
    pytest.param(
        "redis",
        id="redis",
        marks=pytest.mark.skipif(not redis_reachable(), reason=f"no Redis server at {PROCESSES_REDIS_URL}"),
    ),
]


@pytest.fixture(scope="module", params=CONFIGURATIONS)
def site(request, database):
    configuration = request.param
    env = base_env(database.url, database.workdir)
    if configuration == "redis":
        env["REDIS_URL"] = PROCESSES_REDIS_URL
        _flush_redis()
    servers = []
    try:
        for name in ("a", "b"):
            servers.append(start_gunicorn(f"{configuration}-{name}", env, database.workdir))
        for server in servers:
            wait_until_up(server)
        yield Site(configuration, env, database.workdir, *servers)
    finally:
        stop(servers)
    if configuration == "redis":
        _flush_redis()


def article_code(slug, *, title=None, tags=(), published_in=-60):
    """Shell code making a published article, published `published_in` seconds from the shell's now.

    It prints the article's primary key and publication time (seconds since 1970).
    """
    title = title or f"Article {slug}"
    return textwrap.dedent(f"""
        import datetime
        from django.utils import timezone
        from articles.models import Article
        article = Article.objects.create(
            title={title!r}, slug={slug!r}, summary="Made by a test in another process.",
            body="## Overview\\n\\nWhat happens and what helps.", status="published",
            published_at=timezone.now() + datetime.timedelta(seconds={published_in!r}),
        )
        article.tags.set({list(tags)!r})
        print(article.pk, article.published_at.timestamp())
    """)


def create_article(site, slug, **kwargs):
    """A published article made in a shell process: (primary key, publication time)."""
    pk, published_at = site.shell(article_code(slug, **kwargs)).split()
    return int(pk), float(published_at)


# --- Tests ----------------------------------------------------------------------------


def test_an_article_unpublished_in_one_servers_admin_is_gone_from_every_servers_next_request(site):
    slug, username = site.unique("unpublished-in-admin"), site.unique("publisher")
    path = f"/articles/{slug}/"
    # One shell for both: each costs a Django start-up.
    publisher = textwrap.dedent(f"""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        user = get_user_model().objects.create_user({username!r}, password={PASSWORD!r}, is_staff=True)
        user.groups.add(Group.objects.get(name="Publisher"))
    """)
    pk = int(site.shell(publisher + article_code(slug, tags=["running"])).split()[0])
    for server in site.servers:
        server.prime(path)
        assert path in server.prime("/tags/running/")
        assert path in server.prime("/feeds/articles/rss/")

    admin = AdminSession(site.a)
    admin.sign_in(username, PASSWORD)
    response = admin.post("/admin/articles/article/", {"action": "unpublish", "_selected_action": pk, "index": "0"})
    assert response.status == 302, response.text[:2000]
    # The message the action leaves (a redirect alone could be "no items selected").
    assert "1 item(s) moved back to draft." in admin.request("/admin/articles/article/").text

    # B first: the server that did not make the change.
    for server in (site.b, site.a):
        assert server.get(path).status == 404, f"server {server.name} still shows the article"
        assert path not in server.page("/tags/running/").text, f"server {server.name}'s tag page lists it"
        assert path not in server.page("/feeds/articles/rss/").text, f"server {server.name}'s feed lists it"


def test_an_article_unpublished_in_bulk_from_the_shell_is_gone_from_every_servers_next_request(site):
    # QuerySet.update() sends no model signals: the write path announces it all the same.
    slug = site.unique("unpublished-in-shell")
    path = f"/articles/{slug}/"
    pk, _published_at = create_article(site, slug, tags=["running"])
    for server in site.servers:
        server.prime(path)
        assert path in server.prime("/tags/running/")
        assert path in server.prime("/feeds/articles/rss/")

    site.shell(f"""
        from articles.models import Article
        Article.objects.filter(pk={pk}).update(status="draft")
    """)

    for server in site.servers:
        assert server.get(path).status == 404, f"server {server.name} still shows the article"
        assert path not in server.page("/tags/running/").text, f"server {server.name}'s tag page lists it"
        assert path not in server.page("/feeds/articles/rss/").text, f"server {server.name}'s feed lists it"


def test_a_change_made_in_the_shell_shows_on_every_servers_next_request(site):
    slug = site.unique("edited-in-shell")
    path = f"/articles/{slug}/"
    pk, _published_at = create_article(site, slug, title=f"Old title {slug}")
    for server in site.servers:
        assert f"Old title {slug}" in server.prime(path)
        assert f"Old title {slug}" in server.prime("/articles/")

    site.shell(f"""
        from articles.models import Article
        article = Article.objects.get(pk={pk})
        article.title = {f"New title {slug}"!r}
        article.save()
    """)

    for server in site.servers:
        for page in (path, "/articles/"):
            text = server.page(page).text
            assert f"New title {slug}" in text and f"Old title {slug}" not in text, f"server {server.name}: {page}"


def test_content_imported_with_import_content_shows_on_every_servers_next_request(site):
    slug = site.unique("imported")
    path = f"/articles/{slug}/"
    for server in site.servers:
        assert path not in server.prime("/articles/")
        assert path not in server.prime("/tags/running/")
    content = site.workdir / f"{slug}.md"
    published_at = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)).isoformat(timespec="seconds")
    content.write_text(
        textwrap.dedent(f"""\
            ---
            title: Imported {slug}
            slug: {slug}
            summary: Imported by a test while the servers run.
            status: published
            published_at: {published_at}
            tags: [running]
            ---
            ## Overview

            What happens and what helps.
        """)
    )

    site.manage("import_content", str(content), "-v0")

    for server in site.servers:
        assert f"Imported {slug}" in server.page(path).text
        assert path in server.page("/articles/").text, f"server {server.name}'s article list misses it"
        assert path in server.page("/tags/running/").text, f"server {server.name}'s tag page misses it"


def test_a_new_glossary_term_is_linked_on_every_servers_next_request(site):
    # Each server keeps the glossary's matcher in its own memory: the new term must reach both.
    name = NEW_TERMS[site.configuration]
    slug = name.lower().replace(" ", "-")
    link = f'href="/glossary/{slug}/" class="term-link"'
    for server in site.servers:
        text = server.prime(DEMO_ARTICLE)
        assert name.lower() in text and link not in text

    site.shell(f"""
        import datetime
        from django.utils import timezone
        from glossary.models import Term
        Term.objects.create(
            term={name!r}, slug={slug!r}, short_definition="Added by a test in another process.",
            definition="A longer definition.", status="published",
            published_at=timezone.now() - datetime.timedelta(minutes=1),
        )
    """)

    for server in site.servers:
        assert link in server.page(DEMO_ARTICLE).text, f"server {server.name} does not link {name!r}"


def test_a_scheduled_article_appears_on_every_server_when_its_time_comes(site):
    slug = site.unique("scheduled")
    path = f"/articles/{slug}/"
    _pk, moment = create_article(site, slug, published_in=SCHEDULE_AHEAD)
    for server in site.servers:
        assert server.get(path).status == 404, f"server {server.name} shows the article early"
        assert path not in server.prime("/articles/")
    assert time.time() < moment, "the servers were checked too late to see the article still scheduled"

    # A wait for the clock, not a timing assertion: nobody saves anything when the moment comes.
    time.sleep(max(0, moment - time.time()) + 0.05)

    # The cached list first: the page cache itself must notice that the moment has passed.
    for server in site.servers:
        assert path in server.page("/articles/").text, f"server {server.name}'s article list misses it"
        assert server.get(path).status == 200, f"server {server.name} does not show the article"


_client_addresses = (f"203.0.113.{n}" for n in itertools.count(1))


def test_search_rate_limits_count_the_requests_every_server_answered(site):
    # Counts are kept per client address and per minute: one address of its own per attempt, and one more
    # attempt if the minute turned during the first (the count would start again).
    for _attempt in range(2):
        address, minute = next(_client_addresses), int(time.time()) // 60
        statuses = []
        for n in range(2 * SEARCH_RATE_LIMIT):
            server = site.servers[n % 2]
            # A query of its own each time: a page served from the cache is never counted.
            response = server.get(f"/search/?q=pain+{n}", **{"X-Forwarded-For": address})
            statuses.append((server.name, response.status))
        if int(time.time()) // 60 == minute:
            break
    codes = [status for _name, status in statuses]
    assert codes == [200] * SEARCH_RATE_LIMIT + [429] * SEARCH_RATE_LIMIT, (
        f"{codes.count(200)} searches allowed, not {SEARCH_RATE_LIMIT}: {statuses}"
    )


def test_failed_sign_ins_lock_an_account_whichever_server_counted_them(site):
    username = site.unique("editor")
    site.shell(
        "from django.contrib.auth import get_user_model\n"
        f"get_user_model().objects.create_user({username!r}, password={PASSWORD!r}, is_staff=True)\n"
    )

    def sign_in(server, password):
        session = AdminSession(server)
        form = session.request("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        fields = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
        return session.request("/admin/login/?next=/admin/", fields)

    # The failures alternate between the servers; the limit (AXES_FAILURE_LIMIT) is for both together.
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(site.servers[n % 2], "not-the-password")
        assert response.status in (200, 429), response.status
    # Now even the right password is refused, on either server.
    for server in site.servers:
        response = sign_in(server, PASSWORD)
        assert response.status != 302, f"server {server.name} let a locked account sign in"
        assert "locked" in response.text.lower(), response.text[:500]
