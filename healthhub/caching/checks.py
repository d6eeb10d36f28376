"""`manage.py check --deploy`: warn when the cache cannot be shared by every process."""

from django.conf import settings
from django.core import checks

# Backends whose entries (and counts, such as rate limits) stay inside one process or one machine.
LOCAL_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache": "keeps entries in each process's memory",
    "django.core.cache.backends.filebased.FileBasedCache": "keeps entries on one machine's disk, without atomic counts",
    "django.core.cache.backends.dummy.DummyCache": "keeps nothing",
}


@checks.register(checks.Tags.caches, deploy=True)
def cache_is_shared(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in LOCAL_BACKENDS:
        return []
    return [
        checks.Warning(
            f"The cache ({backend}) {LOCAL_BACKENDS[backend]}: each gunicorn worker and app server renders and "
            "keeps its own copy of every page, and rate limits count each process's requests apart.",
            hint="Leave CACHES as healthhub's settings make it: the database cache by default, or Redis with "
            "REDIS_URL=redis://host:6379/0 (docs/deploy.md).",
            id="healthhub.W001",
        )
    ]
