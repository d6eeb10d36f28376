"""An article's own content (its body and the sections under it), kept for every visitor until it changes.

Rendering an article's content is most of the work of its page: the body with
glossary terms linked, and its FAQs, treatments, triggers and references. It is
kept in the shared cache with what it depends on (the article, each part it
shows, the glossary terms it links; healthhub/caching/deps.py) and rendered
again only when one of those is stamped as changed. Pages around it (the
reviewer line, tags, related pages) are built each time the page is.
"""

import hashlib

from django.conf import settings

from healthhub.caching import deps

# Only frees the memory of content nobody has asked for in a day: changes make it stale at once.
CONTENT_CACHE_SECONDS = 24 * 3600


def cache_key(article, origin):
    return f"article-content:{article.pk}:{hashlib.sha256(origin.encode()).hexdigest()[:16]}"


def content(request, article, render):
    """`render()`'s (HTML, FAQ structured data) for `article`, from the cache while current."""
    # The structured data holds absolute addresses: taken from the request's host unless SITE_URL is set.
    origin = "" if settings.SITE_URL else f"{request.scheme}://{request.get_host()}"
    return deps.cached(cache_key(article, origin), render, timeout=CONTENT_CACHE_SECONDS)
