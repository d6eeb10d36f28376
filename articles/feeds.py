"""RSS and Atom feeds of new and updated articles, for the whole site and per tag."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from taggit.models import Tag

from articles.models import Article
from healthhub.caching import keys
from healthhub.caching.deps import track
from healthhub.text.structured_data import absolute_url

FEED_LENGTH = 20


class ArticleFeed(Feed):
    """Relative links get the request's host from Feed itself; SITE_URL, when set, makes them absolute first."""

    title = "healthhub: new and updated articles"
    description = "Health topics explained in plain language, newest changes first."

    def link(self, obj):
        return absolute_url(reverse("articles:list"))

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        track(keys.of_type(Article))
        return self.articles(obj).prefetch_related("tags").order_by("-updated_at", "pk")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class AtomArticleFeed(ArticleFeed):
    feed_type = Atom1Feed
    subtitle = ArticleFeed.description


class TagArticleFeed(ArticleFeed):
    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        if not Article.objects.published().filter(tags=tag).exists():
            # A tag used only on drafts must not reveal that they exist.
            raise Http404("No published article has this tag.")
        return tag

    def title(self, tag):
        return f"healthhub: articles about {tag.name}"

    def description(self, tag):
        return f"New and updated articles tagged “{tag.name}”."

    def link(self, tag):
        return absolute_url(reverse("tags:detail", args=[tag.slug]))

    def articles(self, tag):
        track(keys.tag(tag.pk))
        return Article.objects.published().filter(tags=tag)


class AtomTagArticleFeed(TagArticleFeed):
    feed_type = Atom1Feed
    subtitle = TagArticleFeed.description
