"""Cached anonymous pages and the content version that invalidates them.

Every cached page is stored under the current *content version*. Any change to
content, tags or glossary terms starts a new version (after the transaction
commits), so no visitor is served a page that shows something changed since.
Publication times make content change without a save, so the version also
carries the next scheduled publication time and expires by itself then.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

VERSION_KEY = "content-version"
# The article pages' own content (body and sections) is kept under this second
# version and a stamp per article (articles/content_stamps.py): saves that touch
# those stamps leave it as it is, and every other change starts a new one.
ARTICLE_CONTENT_VERSION_KEY = "content-version:article-content"
# Models whose changes touch the stamps of the articles they show on (registered by articles.content_stamps).
STAMPED_MODELS = set()
WATCHED_APPS = {"articles", "glossary", "taggit"}
# healthhub's own tables are indexes and caches, except the site settings every article page shows.
WATCHED_MODELS = {"healthhub.sitesettings"}


@dataclass(frozen=True)
class ContentVersion:
    number: int
    changed_at: float  # Unix time of the last change, for Last-Modified
    next_change_at: float | None  # Unix time at which scheduled content goes live


def _publishable_models():
    from healthhub.registry import CONTENT_TYPES

    return [content_type.model for content_type in CONTENT_TYPES]


def next_scheduled_change(now):
    """The earliest future moment at which some item's visibility changes by the clock alone.

    Only published items change by the clock (a draft waits for an editor), and
    each question is answered from an index: (status, published_at) and the
    partial (status, unpublish_at) one. This runs whenever a change starts a new
    version, so it must not read whole tables.
    """
    from healthhub.publishing.models import Status

    moments = []
    for model in _publishable_models():
        for name in ("published_at", "unpublish_at"):
            published = model.objects.filter(status=Status.PUBLISHED, **{f"{name}__gt": now})
            moment = published.aggregate(first=Min(name))["first"]
            if moment:
                moments.append(moment)
    return min(moments).timestamp() if moments else None


def first_stored(key, value):
    """Store `value` under `key` unless another process stored one first; the value kept, which all then agree on."""
    if cache.add(key, value, timeout=None):
        return value
    return cache.get(key, value)


def _new_version(now, key=VERSION_KEY, replacing=None):
    """Start a version; after a change every request arriving at once agrees on the first one stored.

    `replacing` is an expired version still in the cache, which is overwritten.
    """
    version = ContentVersion(
        number=time.time_ns(),
        changed_at=now.timestamp(),
        next_change_at=next_scheduled_change(now),
    )
    if replacing is not None:
        cache.set(key, version, timeout=None)
        return version
    # Another request may have stored one first: pages kept under either would be current, but only one is read back.
    return first_stored(key, version)


_UNREAD = object()
# Cache values a visitor's request read once, at its start (see `pinned`).
_pinned = ContextVar("pinned_cache_values", default=None)


def passed(moment, now=None):
    """Whether `moment` (Unix time, or None for never) has come: what is kept until then is stale."""
    return moment is not None and (now or timezone.now()).timestamp() >= moment


def _expired(version, now):
    return passed(version.next_change_at, now)


def current_version(stored=_UNREAD, key=VERSION_KEY):
    """The content version (or the one under `key`); `stored` is what the cache holds there if the caller read it."""
    now = timezone.now()
    if stored is _UNREAD:
        pinned_version = pinned_value(key)
        if pinned_version is not None and not _expired(pinned_version, now):
            return pinned_version
    version = cache.get(key) if stored is _UNREAD else stored
    if version is None:
        version = _new_version(now, key)
    elif _expired(version, now):
        version = _new_version(now, key, replacing=version)
    return version


def article_content_version(stored=_UNREAD):
    """The version the article pages' own content is kept under (see ARTICLE_CONTENT_VERSION_KEY)."""
    return current_version(stored, key=ARTICLE_CONTENT_VERSION_KEY)


@contextmanager
def pinned(values):
    """Within the block, `pinned_value(key)` answers from `values` ({cache key: value}), not the cache.

    For visitors' requests, which change nothing: the versions a page is built
    under (content, glossary) are read once, with the cached page. What the
    page reads afterwards is newer than they are, so keeping it under them is
    never stale; a change during the request starts newer versions, under which
    it is not kept.
    """
    token = _pinned.set(values)
    try:
        yield
    finally:
        _pinned.reset(token)


def pinned_value(key):
    """The value pinned for this request under `key`, or None."""
    values = _pinned.get()
    return values.get(key) if values else None


def content_changed(*, article_content=True):
    """Start a new content version once the current transaction commits.

    Also a new article content version, unless `article_content` is False: the
    change shows in no article's content, or it touched the stamps of every
    article whose content shows it (articles/content_stamps.py).
    """
    keys = [VERSION_KEY, ARTICLE_CONTENT_VERSION_KEY] if article_content else [VERSION_KEY]
    transaction.on_commit(lambda: cache.delete_many(keys))


def page_timeout(version, limit):
    """Seconds a page may be cached: at most `limit`, and never past the next scheduled change."""
    if version.next_change_at is None:
        return limit
    return max(0, min(limit, int(version.next_change_at - time.time())))


def on_model_change(sender, **kwargs):
    if sender._meta.app_label in WATCHED_APPS or sender._meta.label_lower in WATCHED_MODELS:
        content_changed(article_content=sender not in STAMPED_MODELS)
