import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.http import http_date

from glossary.linking import VERSION_KEY as GLOSSARY_VERSION_KEY
from healthhub.cache import ARTICLE_CONTENT_VERSION_KEY, VERSION_KEY, current_version, page_timeout, pinned

UNCACHED_PREFIXES = ("/admin/", "/editor/", "/healthz/", "/livez/", "/static/", "/media/")


class TrustedProxyMiddleware:
    """Believe X-Forwarded-Proto and X-Forwarded-For only from DJANGO_TRUSTED_PROXIES.

    From anyone else the headers are dropped, so a client cannot pretend its
    plain-HTTP request was HTTPS or that it comes from another address.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = set(settings.TRUSTED_PROXIES)

    def __call__(self, request):
        meta = request.META
        if meta.get("REMOTE_ADDR") in self.trusted:
            hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
            # The nearest address that is not one of our proxies is the client.
            for hop in reversed(hops):
                if hop not in self.trusted:
                    meta["REMOTE_ADDR"] = hop
                    break
        else:
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
            meta.pop("HTTP_X_FORWARDED_FOR", None)
        return self.get_response(request)


class AnonymousPageCacheMiddleware:
    """Serve public pages to anonymous visitors from the cache.

    Staff (anyone signed in) always get a freshly rendered page. Each entry
    carries the content version it was rendered under and is served only
    while that version is current, so a change anywhere makes every cached
    page stale at once; Last-Modified is the time of that version. The entry
    and the version are read together: one cache round trip per hit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.cacheable_request(request):
            return self.get_response(request)
        limit = settings.PAGE_CACHE_SECONDS
        key = f"page:{hashlib.sha256(request.get_full_path().encode()).hexdigest()}"
        versions = [VERSION_KEY, ARTICLE_CONTENT_VERSION_KEY, GLOSSARY_VERSION_KEY]
        found = cache.get_many([*versions, *([key] if limit else [])])
        version = current_version(found.get(VERSION_KEY))
        stored = found.get(key)
        if stored is not None and stored[0] == version.number:
            _number, status, content, headers = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        # The page (and what it keeps per version, e.g. an article's body) reads the versions no more.
        with pinned({**{name: found.get(name) for name in versions}, VERSION_KEY: version}):
            response = self.get_response(request)
        if limit and self.cacheable_response(request, response):
            response["Last-Modified"] = http_date(version.changed_at)
            headers = [(name, value) for name, value in response.items() if name.lower() != "content-length"]
            timeout = page_timeout(version, limit)
            if timeout:
                cache.set(key, (version.number, response.status_code, response.content, headers), timeout)
            response["X-Cache"] = "miss"
        return response

    @staticmethod
    def cacheable_request(request):
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(UNCACHED_PREFIXES)
            and not request.user.is_authenticated
        )

    @staticmethod
    def cacheable_response(request, response):
        return (
            response.status_code == 200
            # A page holding a CSRF token belongs to one visitor.
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
            and "Cookie" not in response.get("Vary", "")
        )
