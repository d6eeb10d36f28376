"""The bare view of bench/bare_settings.py: a fixed response, no middleware, no database, no cache.

- /bare/: b"ok";
- /bare/<bytes>/: a body of that many bytes (at most 10 MB), e.g. the size of a cached
  article page, so that the comparison moves the same amount of I/O.
"""

from functools import lru_cache

from django.http import HttpResponse
from django.urls import path

MAX_BYTES = 10 * 1024 * 1024


@lru_cache(maxsize=8)
def body(size):
    return b"x" * min(size, MAX_BYTES)


def bare(request, size=None):
    return HttpResponse(b"ok" if size is None else body(size), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bare/", bare),
    path("bare/<int:size>/", bare),
]
