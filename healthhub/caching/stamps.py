"""Stamps: when each thing cached values depend on last changed, agreed on by every process.

A key names something a page depends on (healthhub/caching/keys.py): one item,
the items of one type, a tag's carriers, the glossary's names, the settings.
`bump(keys)` gives them one new stamp, larger than every stamp before it
(microseconds since 1970, or the last stamp plus one), and makes it the
store's counter. A cached value records the counter it read *before* reading
the data it was built from, and the keys it depends on: it is current while
none of them has a larger stamp. Writers take turns, so stamps only grow, and
a change is stamped after it commits: a value built from the old data always
started before the stamp.

Where the stamps live decides which processes agree: the database by default
(every process and app server shares it, nothing to set up), Redis with the
cache when REDIS_URL is set (read in the same round trip as the cached page).
Besides the keys' stamps each store keeps:

- `~epoch`: made once per store; a value cached under another epoch (the store
  was emptied, e.g. Redis restarted) is not used;
- `~counter`: the newest stamp;
- `~clock`: the next moment (microseconds) at which scheduled content changes,
  0 for none, and `~clock-done`: up to when such changes were announced
  (see `catch_up`);
- `~recent`: the last few hundred stamps with (a hash of) the keys each gave,
  and the stamp before the oldest one kept. A value built at stamp N that
  finds none of its keys among the stamps since N is current without reading
  a single key's stamp: after a save elsewhere, pages are checked in memory;
- `~snapshot`: the values every request reads first (`SNAPSHOT_KEYS`), in one.
"""

import datetime
import logging
import threading
import time
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.utils import timezone
from redis.exceptions import LockNotOwnedError

from healthhub.models import Stamp
from healthhub.publishing import clock, events

logger = logging.getLogger(__name__)

EPOCH, COUNTER, CLOCK, CLOCK_DONE, RECENT = "~epoch", "~counter", "~clock", "~clock-done", "~recent"
# The snapshot keys' stamps, together under one key: what every request reads first, in one value.
SNAPSHOT = "~snapshot"
# Values kept as data, not numbers.
DATA_KEYS = (RECENT, SNAPSHOT)
# How many stamps `~recent` keeps, and how many key hashes in all: at a few saves a second, minutes of them.
RECENT_STAMPS = 512
RECENT_HASHES = 8192
# Changes nothing can be narrowed to (rows written in bulk without signals): every cached value depends on it.
ALL = "all"
GLOSSARY = "glossary"
SETTINGS = "settings"
# What every request reads once, at its start: the store's state and the keys per-process values depend on.
SNAPSHOT_KEYS = (EPOCH, COUNTER, CLOCK, ALL, GLOSSARY, SETTINGS)


def now_us():
    return to_us(timezone.now())


def to_us(moment):
    return int(moment.timestamp() * 1_000_000) if moment else 0


def from_us(value):
    return datetime.datetime.fromtimestamp(value / 1_000_000, tz=datetime.UTC)


def key_hash(key):
    return zlib.crc32(key.encode())


def key_hashes(keys):
    return frozenset(map(key_hash, keys))


@dataclass(frozen=True)
class Recent:
    """The newest stamps and the hashes of the keys each gave; `floor`: every stamp after it is here."""

    floor: int
    stamps: tuple  # ((stamp, (hash, ...)), ...), oldest first

    @classmethod
    def of(cls, value):
        floor, entries = value or (0, ())
        return cls(floor, tuple((stamp, tuple(hashes)) for stamp, hashes in entries))

    def changed_since(self, stamp, hashes):
        """Whether a key with one of `hashes` got a stamp after `stamp`; None if that is further back than kept."""
        if stamp < self.floor:
            return None
        for entry_stamp, entry_hashes in reversed(self.stamps):
            if entry_stamp <= stamp:
                return False
            if not hashes.isdisjoint(entry_hashes):
                return True
        return False

    def add(self, stamp, hashes):
        entries = [*self.stamps, (stamp, tuple(sorted(hashes)))]
        floor, total = self.floor, sum(len(entry[1]) for entry in entries)
        while len(entries) > RECENT_STAMPS or (total > RECENT_HASHES and len(entries) > 1):
            floor, dropped = entries.pop(0)
            total -= len(dropped)
        return Recent(floor, tuple(entries))

    def value(self):
        return [self.floor, [[stamp, list(hashes)] for stamp, hashes in self.stamps]]


@dataclass(frozen=True)
class Snapshot:
    """The store's state as one request read it at its start."""

    stamps: dict

    @property
    def epoch(self):
        return self.stamps.get(EPOCH, 0)

    @property
    def counter(self):
        return self.stamps.get(COUNTER, 0)

    def stamp(self, key):
        return self.stamps.get(key, 0)

    def clock_passed(self, now=None):
        moment = self.stamps.get(CLOCK, 0)
        return 0 < moment <= (now or now_us())


class BaseStamps:
    def read(self, keys):
        """{key: stamp} for the keys that have one (a key never bumped has none: 0)."""
        raise NotImplementedError

    def _write(self, values):
        raise NotImplementedError

    @contextmanager
    def _turn(self):
        """Writers one at a time, across processes."""
        raise NotImplementedError

    def bump(self, keys, *, reschedule=False, clock_done=None):
        """Give `keys` a new stamp (returned).

        `reschedule`: also record the next scheduled change, after a change that
        may have moved one. `clock_done`: scheduled changes up to this moment
        (microseconds) have been announced.
        """
        with self._turn():
            state = self.read({*SNAPSHOT_KEYS, CLOCK_DONE, RECENT})
            moment = now_us()
            stamp = max(state.get(COUNTER, 0) + 1, moment)
            values = {key: stamp for key in keys}
            values[COUNTER] = stamp
            recent = Recent.of(state.get(RECENT)) if EPOCH in state else Recent(stamp - 1, ())
            values[RECENT] = recent.add(stamp, key_hashes(keys)).value()
            done = max(state.get(CLOCK_DONE, 0), clock_done or 0)
            if EPOCH not in state:
                values[EPOCH] = time.time_ns()
                done, reschedule = moment, True
            elif reschedule and not 0 < state.get(CLOCK, 0) <= moment:
                # No recorded moment has passed unannounced, and every item changed since the moment was
                # recorded was announced by its own change: nothing up to now is left to announce.
                done = max(done, moment)
            if reschedule:
                # From the last moment announced, not from now: a moment passed but not yet announced stays next.
                values[CLOCK] = to_us(clock.next_scheduled_change(from_us(done)))
            values[CLOCK_DONE] = done
            values[SNAPSHOT] = {
                key: values.get(key, state.get(key)) for key in SNAPSHOT_KEYS if key in {*values, *state}
            }
            self._write(values)
        return stamp

    def snapshot(self, stamps=None):
        """The stamps every request starts from (`stamps`: the SNAPSHOT value, if the caller read it), after
        announcing scheduled changes whose time has come."""
        stamps = self.read([SNAPSHOT]).get(SNAPSHOT) if stamps is None else stamps
        if not stamps or EPOCH not in stamps:
            self.bump(())
            stamps = self.read([SNAPSHOT])[SNAPSHOT]
        snapshot = Snapshot(stamps)
        if snapshot.clock_passed() and not _catching_up.active:
            catch_up(self)
            snapshot = Snapshot(self.read([SNAPSHOT])[SNAPSHOT])
        return snapshot


class _CatchingUp(threading.local):
    active = False


_catching_up = _CatchingUp()


def catch_up(store):
    """Announce what the clock changed since it was last announced, then record the next moment."""
    moment = now_us()
    done = store.read([CLOCK_DONE]).get(CLOCK_DONE, 0)
    # The receivers read the store too, and find the moment still passed: they must not start again.
    _catching_up.active = True
    try:
        # The receivers stamp what changed; two requests doing this at once only stamp it twice.
        events.send_now(clock.due(from_us(done), from_us(moment)))
    finally:
        _catching_up.active = False
    store.bump((), reschedule=True, clock_done=moment)


class DatabaseStamps(BaseStamps):
    """Stamps in the database (healthhub.models.Stamp): shared by every process and server that shares it."""

    def read(self, keys):
        rows = Stamp.objects.filter(key__in=list(keys)).values_list("key", "value", "data")
        return {key: data if key in DATA_KEYS else value for key, value, data in rows}

    def _write(self, values):
        rows = [
            Stamp(key=key, value=0, data=value) if key in DATA_KEYS else Stamp(key=key, value=value)
            for key, value in sorted(values.items())
        ]
        Stamp.objects.bulk_create(rows, update_conflicts=True, unique_fields=["key"], update_fields=["value", "data"])

    @contextmanager
    def _turn(self):
        # SQLite: settings.py opens write transactions with BEGIN IMMEDIATE, one writer at a time.
        # PostgreSQL: the counter's row is locked until the transaction ends.
        with transaction.atomic():
            if connection.vendor == "postgresql":
                Stamp.objects.get_or_create(key=COUNTER, defaults={"value": 0})
                list(Stamp.objects.select_for_update().filter(key=COUNTER).values_list("pk"))
            yield


class CacheStamps(BaseStamps):
    """Stamps in the shared cache (Redis), under "stamp:<key>", never expiring.

    Read with `cache.get_many`, so a cached page and the stamps that say whether
    it is current come back in one round trip (`read_with`). Writers take turns
    with a Redis lock.
    """

    PREFIX = "stamp:"

    def read(self, keys):
        keys = list(keys)
        found = cache.get_many([self.PREFIX + key for key in keys])
        return {key: found[self.PREFIX + key] for key in keys if self.PREFIX + key in found}

    def read_with(self, cache_keys):
        """(cache values, the snapshot's stamps) for `cache_keys`, in one round trip."""
        found = cache.get_many([*cache_keys, self.PREFIX + SNAPSHOT])
        return found, found.get(self.PREFIX + SNAPSHOT)

    def _write(self, values):
        cache.set_many({self.PREFIX + key: value for key, value in values.items()}, timeout=None)

    @contextmanager
    def _turn(self):
        client = cache._cache.get_client(write=True)
        lock = client.lock(cache.make_key("stamp-writer"), timeout=30, blocking_timeout=30)
        lock.acquire()
        try:
            yield
        finally:
            try:
                lock.release()
            except LockNotOwnedError:
                # It expired (a turn longer than 30 s) or the cache was emptied: the writes are done either way.
                logger.warning("The stamp writers' lock was gone before it was released")


_stores = {}


def store():
    """The stamp store for the configured cache: in Redis when the cache is Redis, else in the database."""
    kind = CacheStamps if isinstance(caches["default"], RedisCache) else DatabaseStamps
    found = _stores.get(kind)
    if found is None:
        found = _stores[kind] = kind()
    return found


def read_with(cache_keys):
    """(cache values, the snapshot's stamps or None): in one round trip where the stamps live in the cache."""
    current = store()
    if isinstance(current, CacheStamps):
        return current.read_with(cache_keys)
    return cache.get_many(list(cache_keys)), current.read([SNAPSHOT]).get(SNAPSHOT)


# --- The request's snapshot ------------------------------------------------------


class _Holder:
    value = None


_pinned = ContextVar("healthhub_stamps_snapshot", default=None)


@contextmanager
def pinned(snapshot=None):
    """Within the block (one request), `snapshot()` is read once, or is `snapshot` if given.

    For requests: the stamps a page and the values it reuses are checked against
    are read before anything else, so what the page reads afterwards is at least
    as new as they say.
    """
    holder = _Holder()
    holder.value = snapshot
    token = _pinned.set(holder)
    try:
        yield holder
    finally:
        _pinned.reset(token)


def snapshot():
    """The request's snapshot if one is pinned (read on first use), else the store's state now."""
    holder = _pinned.get()
    if holder is None:
        return store().snapshot()
    if holder.value is None:
        holder.value = store().snapshot()
    return holder.value


def bump(keys, **kwargs):
    stamp = store().bump(keys, **kwargs)
    holder = _pinned.get()
    if holder is not None:
        holder.value = None  # this request changed something: later reads must see it
    return stamp


def read(keys):
    return store().read(keys)


# The log of recent stamps this process read last, for the counter it was read at: (epoch, counter, Recent).
_recent = (0, 0, Recent(0, ()))


def recent(snapshot):
    """The recent stamps, at least up to `snapshot`'s counter: read at most once per process and counter."""
    global _recent
    epoch, counter, found = _recent
    if (epoch, counter) != (snapshot.epoch, snapshot.counter):
        # Read after the snapshot, it may hold newer stamps too: those can only make a value look changed.
        found = Recent.of(store().read([RECENT]).get(RECENT))
        _recent = (snapshot.epoch, snapshot.counter, found)
    return found
