"""What a page depends on, collected while it renders; values kept with what they depend on.

Code that reads something for a page says so with `track(key, ...)` (keys from
healthhub/caching/keys.py). The page cache collects those keys while the page
renders and keeps them with it. Values reused across pages are kept the same
way: `cached()` in the shared cache (an article's body and sections, the tag
counts), `ProcessMemo` in one process's memory (the glossary matcher, the
disclaimer). Each keeps the stamp counter read before its data, and is used
again only while none of its keys has a newer stamp; when it is used, its keys
count for the page that uses it.

Nothing is kept while this thread holds uncommitted changes (events.pending()):
what was read may yet be rolled back.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache import cache

from healthhub.caching import stamps
from healthhub.publishing import events

_collected = ContextVar("healthhub_dependencies", default=None)


def track(*keys):
    """The page being rendered (if any) depends on these keys."""
    found = _collected.get()
    if found is not None:
        found.update(keys)


@contextmanager
def collecting():
    """Collect the keys tracked inside the block; they also count for any block around it."""
    outer = _collected.get()
    found = set()
    token = _collected.set(found)
    try:
        yield found
    finally:
        _collected.reset(token)
        if outer is not None:
            outer.update(found)


@dataclass(frozen=True)
class Entry:
    epoch: int
    # The stamp counter read before the data the value was built from.
    start: int
    keys: frozenset
    value: object


def newest(keys):
    """The newest stamp among `keys` (0: none was ever stamped)."""
    return max(stamps.read(keys).values(), default=0)


def is_current(entry, snapshot=None):
    """Whether nothing `entry` depends on has changed since it was built."""
    snapshot = snapshot or stamps.snapshot()
    if entry.epoch != snapshot.epoch or snapshot.stamp(stamps.ALL) > entry.start:
        return False
    if entry.start >= snapshot.counter:
        # Built after this request's snapshot: as new as anything the request reads.
        return True
    changed = stamps.recent(snapshot).changed_since(entry.start, stamps.key_hashes(entry.keys))
    if changed is None:  # built before the oldest stamp kept in the log: read its keys' stamps
        changed = newest(entry.keys) > entry.start
    return not changed


def build(make):
    """Run `make()`, collecting what it depends on, into an Entry."""
    snapshot = stamps.snapshot()
    with collecting() as keys:
        value = make()
    return Entry(snapshot.epoch, snapshot.counter, frozenset(keys), value)


def storable():
    """Whether what this thread read may be kept: not while its own changes are uncommitted."""
    return not events.pending()


def cached(key, make, *, timeout):
    """`make()`'s value, kept in the shared cache under `key` while what it depends on is unchanged."""
    entry = cache.get(key)
    if entry is None or not is_current(entry):
        entry = build(make)
        if storable():
            cache.set(key, entry, timeout)
    else:
        track(*entry.keys)
    return entry.value


class ProcessMemo:
    """A value kept in this process's memory while the snapshot keys it depends on are unchanged.

    For values read on most pages and changed rarely: `keys` must be among
    stamps.SNAPSHOT_KEYS, which every request reads anyway, so checking costs nothing.
    """

    def __init__(self, *keys):
        unknown = set(keys) - set(stamps.SNAPSHOT_KEYS)
        if unknown:
            raise ValueError(f"not read with every request: {', '.join(sorted(unknown))}")
        self.keys = keys
        self._entry = None

    def get(self, make):
        snapshot = stamps.snapshot()
        entry = self._entry
        if entry is None or not self._current(entry, snapshot):
            entry = Entry(snapshot.epoch, snapshot.counter, frozenset(self.keys), make())
            if storable():
                self._entry = entry
        track(*self.keys)
        return entry.value

    def _current(self, entry, snapshot):
        return entry.epoch == snapshot.epoch and all(
            snapshot.stamp(key) <= entry.start for key in (*self.keys, stamps.ALL)
        )
