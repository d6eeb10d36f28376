from contextlib import contextmanager
from functools import partial

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

# The database cache's table (healthhub/settings.py).
CACHE_TABLE = "healthhub_cache"


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path):
    """Uploaded files go to a temporary folder; static files need no collectstatic run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with an empty cache (fragments, rate limits) and an empty stamp store.

    The database cache and the stamps are tables in the test database, which each
    test's transaction leaves as it found them; other backends are emptied here.
    Page caching is off, except where a test turns it on (tests/healthhub/caching/).
    """
    settings.PAGE_CACHE_SECONDS = 0
    if isinstance(caches["default"], DatabaseCache):
        yield
        return
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the after-commit upkeep (the search index) when the block ends.

    Tests run inside a transaction that never commits, so without this the
    index would never see the items a test creates.
    """
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def demo_content(db, committed):
    with committed():
        call_command("load_demo", verbosity=0)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(user)
    return client


@pytest.fixture
def role_client(client, django_user_model):
    """A signed-in staff member in one of the editorial groups: role_client("Editor")."""
    from django.contrib.auth.models import Group

    def sign_in(group_name):
        user = django_user_model.objects.create_user(
            group_name.lower().replace(" ", "-"), password="a-long-test-password", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group_name))
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def assert_content_queries():
    """`with assert_content_queries(n):` n queries, not counting the shared cache's own.

    Without Redis the cache (pages, rate-limit counts) is a table in the same
    database; what a page costs in content queries is what these tests watch.
    """

    @contextmanager
    def counting(expected):
        with CaptureQueriesContext(connection) as context:
            yield context
        content = [query["sql"] for query in context.captured_queries if not _cache_bookkeeping(query["sql"])]
        assert len(content) == expected, f"{len(content)} content queries, not {expected}:\n" + "\n".join(content)

    return counting


def _cache_bookkeeping(sql):
    return CACHE_TABLE in sql or sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
