"""Whole pages for visitors, served from the shared cache while nothing they show has changed.

The middleware sits near the top of the stack, so a hit costs little more than
reading the stored page: one cache round trip with Redis (the page, the time it
was last found current, and the store's stamps), two reads without. A miss
renders the page, collecting the keys it depends on (healthhub/caching/deps.py),
and keeps it with them and the stamp counter read before rendering. A stored
page is served while none of its keys has a newer stamp; after any change it is
checked once against its keys (one more read), and if still current, marked so.

Only anonymous visitors' GET and HEAD requests are served from the cache; a
request carrying a session cookie (staff, or someone signing in) always gets a
fresh page. Pages are keyed by scheme, host and full path, so a page built for
one host name never reaches another.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from healthhub.caching import deps, stamps

UNCACHED_PREFIXES = ("/admin/", "/editor/", "/healthz/", "/livez/", "/static/", "/media/")


@dataclass(frozen=True)
class StoredPage:
    epoch: int
    start: int
    keys: frozenset
    hashes: frozenset  # stamps.key_hashes(keys), for the recent stamps
    status: int
    content: bytes
    headers: tuple


# The counter at which this process last found each page current (bounded; a page not here is checked again).
_found_current = {}
FOUND_CURRENT_LIMIT = 20_000


def page_key(request):
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            with stamps.pinned():
                return self.get_response(request)
        key = page_key(request)
        checked_key = key + ":checked"
        found, values = stamps.read_with([key, checked_key])
        snapshot = stamps.Snapshot(values or {})
        if not snapshot.epoch or snapshot.clock_passed():
            # A new store, or a scheduled change whose time has come: announced before anything is served.
            snapshot = stamps.store().snapshot(values)
        stored = found.get(key)
        if stored is not None and self.is_current(stored, found.get(checked_key), snapshot, checked_key):
            return replay(request, stored)
        with stamps.pinned(snapshot), deps.collecting() as keys:
            response = self.get_response(request)
        if cacheable_response(request, response):
            self.keep(key, snapshot, keys, response)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def is_current(stored, checked, snapshot, checked_key):
        if stored.epoch != snapshot.epoch or snapshot.stamp(stamps.ALL) > stored.start:
            return False
        since = max(stored.start, checked or 0, _found_current.get(checked_key, 0))
        if since >= snapshot.counter:
            return True  # nothing was stamped since the page was built or last found current
        # Something was stamped since: usually something else, which the recent stamps tell in memory.
        changed = stamps.recent(snapshot).changed_since(since, stored.hashes)
        if changed is None:
            changed = deps.newest(stored.keys) > stored.start
            if not changed:
                cache.set(checked_key, snapshot.counter, settings.PAGE_CACHE_SECONDS)
        if changed:
            return False
        if len(_found_current) >= FOUND_CURRENT_LIMIT:
            _found_current.clear()
        _found_current[checked_key] = snapshot.counter
        return True

    @staticmethod
    def keep(key, snapshot, keys, response):
        if not deps.storable():
            return  # rendered from changes this thread has not committed
        newest = deps.newest(keys | {stamps.ALL})
        if newest > snapshot.counter:
            return  # something it shows changed while it was rendered
        if "Last-Modified" not in response:
            # When what the page shows last changed (or the store began, for what never did).
            response["Last-Modified"] = http_date((newest or snapshot.epoch // 1000) / 1_000_000)
        headers = tuple((name, value) for name, value in response.items() if name.lower() != "content-length")
        keys = frozenset(keys | {stamps.ALL})
        page = StoredPage(
            snapshot.epoch,
            snapshot.counter,
            keys,
            stamps.key_hashes(keys),
            response.status_code,
            response.content,
            headers,
        )
        cache.set(key, page, settings.PAGE_CACHE_SECONDS)


def replay(request, stored):
    response = HttpResponse(stored.content, status=stored.status, headers=stored.headers)
    response["X-Cache"] = "hit"
    if "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META:
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
    return response


def cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(UNCACHED_PREFIXES)
        # SecurityMiddleware, after this one, sends plain-HTTP requests to HTTPS.
        and (request.is_secure() or not settings.SECURE_SSL_REDIRECT)
    )


def cacheable_response(request, response):
    nonce = getattr(request, "_csp_nonce", None)
    return (
        response.status_code == 200
        # A page holding a CSRF token, a cookie or a script nonce belongs to one visitor.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.cookies
        and not nonce
        and not response.streaming
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )
