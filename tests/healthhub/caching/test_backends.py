import threading

import pytest
from django.core.cache import caches

from tests.services import REDIS_CACHE, needs_redis

pytestmark = needs_redis


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {"default": {**REDIS_CACHE, "KEY_PREFIX": "healthhub-tests"}}
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert client.connection_pool is redis_cache._cache._get_connection_pool(write=False)


def test_it_behaves_as_djangos_redis_cache(redis_cache):
    redis_cache.set("a", {"page": "<p>x</p>"}, 30)
    assert redis_cache.get("a") == {"page": "<p>x</p>"}
    assert redis_cache.add("a", "other") is False
    redis_cache.set_many({"b": 1, "c": 2})
    assert redis_cache.get_many(["a", "b", "c", "missing"]) == {"a": {"page": "<p>x</p>"}, "b": 1, "c": 2}
    assert redis_cache.incr("b") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a") is None


def test_threads_share_the_client_safely(redis_cache):
    errors = []

    def work(n):
        try:
            for i in range(50):
                redis_cache.set(f"t{n}:{i}", i)
                assert redis_cache.get(f"t{n}:{i}") == i
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
