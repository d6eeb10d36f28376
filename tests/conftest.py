from functools import partial

import pytest
from django.core.cache import cache
from django.core.management import call_command


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
    """Each test starts with an empty cache (glossary matcher, "Used in" lists, rate limits).

    Page caching is off here and tested on its own in tests/healthhub/test_cache.py.
    """
    settings.PAGE_CACHE_SECONDS = 0
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
