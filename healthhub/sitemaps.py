"""sitemap.xml: every page visitors can see, with when it last changed.

Treatment lists have no page of their own (they are sections of an article),
so they are not listed.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from articles.models import FAQ, Article, Treatment, Trigger
from glossary.models import Term
from healthhub.caching import keys
from healthhub.caching.deps import track


class PublishedSitemap(Sitemap):
    model = None

    def items(self):
        track(keys.of_type(self.model))
        return self.model.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    # Addresses follow SITE_URL when set; otherwise the request's host and scheme.
    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else super().get_domain(site)

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme if settings.SITE_URL else super().get_protocol(protocol)


def sitemap_for(model, priority):
    return type(f"{model.__name__}Sitemap", (PublishedSitemap,), {"model": model, "priority": priority})


SITEMAPS = {
    "articles": sitemap_for(Article, 0.8),
    "faqs": sitemap_for(FAQ, 0.5),
    "treatments": sitemap_for(Treatment, 0.5),
    "triggers": sitemap_for(Trigger, 0.4),
    "glossary": sitemap_for(Term, 0.4),
}
