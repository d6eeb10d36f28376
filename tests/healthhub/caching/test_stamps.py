"""Stamps decide whether a cached value is current, for every process alike (healthhub/caching/stamps.py)."""

import datetime
import threading

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, connections
from django.utils import timezone

from healthhub.caching import deps, stamps
from healthhub.caching.stamps import Recent
from healthhub.models import Stamp
from tests.factories import ArticleFactory
from tests.services import REDIS_CACHE, needs_redis

pytestmark = pytest.mark.django_db

BACKENDS = [
    pytest.param({"BACKEND": "healthhub.caching.backends.DatabaseCache", "LOCATION": "healthhub_cache"}, id="database"),
    pytest.param(REDIS_CACHE, id="redis", marks=needs_redis),
]


@pytest.fixture(params=BACKENDS)
def store(request, settings):
    settings.CACHES = {"default": {**request.param, "KEY_PREFIX": "healthhub-tests"}}
    caches["default"].clear()
    yield stamps.store()
    caches["default"].clear()


def test_each_stamp_is_newer_than_every_one_before(store):
    first = store.bump(["item:a"])
    second = store.bump(["item:b"])
    assert second > first
    assert store.read(["item:a", "item:b", stamps.COUNTER]) == {"item:a": first, "item:b": second, "~counter": second}


def test_stamps_keep_growing_when_the_clock_goes_back(store, monkeypatch):
    first = store.bump(["item:a"])
    earlier = timezone.now() - datetime.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: earlier)
    assert store.bump(["item:a"]) == first + 1


def test_which_store_keeps_the_stamps_follows_the_cache(store):
    expected = stamps.CacheStamps if isinstance(caches["default"], RedisCache) else stamps.DatabaseStamps
    assert isinstance(store, expected)


def test_a_value_is_used_until_a_key_it_depends_on_changes(store):
    builds = []

    def make():
        builds.append(1)
        deps.track("item:a")
        return len(builds)

    assert deps.cached("value", make, timeout=60) == 1
    store.bump(["item:b"])  # something else
    assert deps.cached("value", make, timeout=60) == 1
    store.bump(["item:a"])
    assert deps.cached("value", make, timeout=60) == 2


def test_a_value_older_than_the_recent_stamps_is_checked_against_its_keys(store, monkeypatch):
    monkeypatch.setattr(stamps, "RECENT_STAMPS", 3)
    deps.cached("value", lambda: deps.track("item:a") or "first", timeout=60)
    for key in ["item:b", "item:c", "item:d", "item:e"]:  # the value's own start falls out of the log
        store.bump([key])
    assert deps.cached("value", lambda: "second", timeout=60) == "first"
    store.bump(["item:a"])
    assert deps.cached("value", lambda: "second", timeout=60) == "second"


def test_emptying_the_store_makes_every_value_stale(store):
    deps.cached("value", lambda: deps.track("item:a") or "first", timeout=60)
    if isinstance(store, stamps.DatabaseStamps):
        Stamp.objects.all().delete()
    else:
        caches["default"].delete_many(
            [f"stamp:{key}" for key in (stamps.EPOCH, stamps.COUNTER, stamps.SNAPSHOT, "item:a")]
        )
    assert deps.cached("value", lambda: "second", timeout=60) == "second"


def test_a_change_to_everything_makes_every_value_stale(store):
    deps.cached("value", lambda: deps.track("item:a") or "first", timeout=60)
    store.bump([stamps.ALL])
    assert deps.cached("value", lambda: "second", timeout=60) == "second"


def test_nothing_is_kept_while_a_change_is_uncommitted(store):
    ArticleFactory()  # not committed yet
    deps.cached("value", lambda: "first", timeout=60)
    assert caches["default"].get("value") is None


def test_the_next_scheduled_change_is_recorded_with_every_change_that_may_move_it(store, committed):
    soon = timezone.now() + datetime.timedelta(hours=1)
    with committed():
        ArticleFactory(published_at=soon)
    assert store.read([stamps.CLOCK])[stamps.CLOCK] == stamps.to_us(soon)
    assert not stamps.Snapshot(store.read([stamps.SNAPSHOT])[stamps.SNAPSHOT]).clock_passed()


class TestRecentStamps:
    def test_a_value_is_current_when_none_of_its_keys_was_stamped_since(self):
        recent = Recent(10, ((11, (1, 2)), (12, (3,))))
        assert recent.changed_since(11, frozenset({3})) is True
        assert recent.changed_since(11, frozenset({1, 2})) is False
        assert recent.changed_since(12, frozenset({3})) is False

    def test_what_is_older_than_the_log_is_unknown(self):
        assert Recent(10, ((11, (1,)),)).changed_since(9, frozenset({5})) is None

    def test_the_log_keeps_the_newest_stamps_and_says_where_it_starts(self, monkeypatch):
        monkeypatch.setattr(stamps, "RECENT_STAMPS", 2)
        recent = Recent(0, ()).add(1, {1}).add(2, {2}).add(3, {3})
        assert recent.floor == 1 and [stamp for stamp, _hashes in recent.stamps] == [2, 3]
        monkeypatch.setattr(stamps, "RECENT_HASHES", 3)
        recent = Recent(0, ()).add(1, {1, 2}).add(2, {3, 4})
        assert recent.floor == 1 and recent.changed_since(1, frozenset({1})) is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need separate connections")
@pytest.mark.django_db(transaction=True)
def test_writers_take_turns_so_stamps_only_grow():
    stamps.store().bump(())
    found, errors = [], []

    def write(number):
        try:
            for _ in range(10):
                found.append(stamps.store().bump([f"item:{number}"]))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(found)) == 60  # no two writers got the same stamp
    assert stamps.store().read([stamps.COUNTER])[stamps.COUNTER] == max(found)
