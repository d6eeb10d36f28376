from functools import partial

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path):
    """Uploaded files go to a temporary folder; static files need no collectstatic run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
