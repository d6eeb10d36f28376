"""Requests from behind a reverse proxy."""

from django.conf import settings


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
