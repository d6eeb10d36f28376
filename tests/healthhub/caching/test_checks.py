"""`manage.py check --deploy` warns when the cache cannot be shared by every process (healthhub.W001)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import checks

from tests.services import REDIS_CACHE

DATABASE_CACHE = {"BACKEND": "healthhub.caching.backends.DatabaseCache", "LOCATION": "healthhub_cache"}
PROCESS_LOCAL = [
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.dummy.DummyCache",
]


def cache_warnings():
    # The cache checks only, as `check --deploy --tag caches` runs them: the model checks would need a database.
    found = checks.run_checks(tags=[checks.Tags.caches], include_deployment_checks=True)
    return [message for message in found if message.id == "healthhub.W001"]


@pytest.mark.parametrize("backend", PROCESS_LOCAL)
def test_a_cache_kept_per_process_or_machine_is_warned_about(settings, tmp_path, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path / "cache")}}
    [warning] = cache_warnings()
    assert isinstance(warning, checks.Warning)
    assert backend in warning.msg and "REDIS_URL" in warning.hint


@pytest.mark.parametrize("cache", [DATABASE_CACHE, REDIS_CACHE], ids=["database", "redis"])
def test_the_shared_caches_are_not_warned_about(settings, cache):
    settings.CACHES = {"default": cache}
    assert cache_warnings() == []


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:6379/0"], ids=["default", "redis"])
def test_check_deploy_with_healthhubs_settings_does_not_warn_about_the_cache(tmp_path, redis_url):
    # The settings as a deployment gets them from the environment, in a process of their own. The command
    # opens the database too: a file of the test's own, whatever DATABASE_URL says.
    # Without what the test run itself sets (the browser tests allow async-unsafe calls; the test client
    # speaks plain HTTP): those are refused by `check --deploy` in their own right.
    testing = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SECURE_SSL_REDIRECT"}
    env = {name: value for name, value in os.environ.items() if name not in testing}
    env.update({"REDIS_URL": redis_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "healthhub.W001" not in result.stdout + result.stderr
    # The other deployment checks ran: the command did not stop before them.
    assert "System check identified" in result.stdout + result.stderr
