"""The bare view of bench/bare_settings.py: a fixed response, no middleware, no database, no cache.

- /bare/: b"ok";
- /bare/<bytes>/: a body of that many bytes (at most 10 MB), e.g. the size of a cached
  article page, so that the comparison moves the same amount of I/O;
- /bare/read/<bytes>/: the same body, read on every request from the configured cache
  with the stamps that say whether it is current, in the one read a page-cache hit makes
  (healthhub.caching.stamps.read_with): what a hit cannot do without, against which the
  rest of the page cache's work is measured.
"""

from functools import lru_cache

from django.core.cache import cache
from django.http import HttpResponse
from django.urls import path

from healthhub.caching import stamps

MAX_BYTES = 10 * 1024 * 1024


@lru_cache(maxsize=8)
def body(size):
    return b"x" * min(size, MAX_BYTES)


def bare(request, size=None):
    return HttpResponse(b"ok" if size is None else body(size), content_type="text/html; charset=utf-8")


def read(request, size):
    key = f"bench-bare:{size}"
    found, _snapshot = stamps.read_with([key, f"{key}:checked"])
    content = found.get(key)
    if content is None:
        content = body(size)
        cache.set(key, content, None)
    return HttpResponse(content, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bare/", bare),
    path("bare/<int:size>/", bare),
    path("bare/read/<int:size>/", read),
]
