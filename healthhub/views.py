"""Site-wide pages: home, tags and search."""

import unicodedata

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from taggit.models import Tag

from articles.models import Article
from healthhub import content
from healthhub.structured_data import absolute_url

SEARCH_MAX_LENGTH = 200


class VisibleMixin:
    """Detail pages: visitors get visible items only; staff may preview the rest.

    Staff see drafts and scheduled items at the same address, under a banner
    saying that visitors cannot see them; visitors get a 404.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset if self.request.user.is_staff else queryset.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_preview"] = self.request.user.is_staff and not self.object.is_visible()
        return context


def home(request):
    articles = Article.objects.published().prefetch_related("tags")
    popular_tags = sorted(content.tag_uses(), key=lambda use: -use.count)[:15]
    return render(
        request,
        "home.html",
        {
            "topics": articles.order_by("title")[:12],
            "recent_articles": articles.order_by("-updated_at")[:5],
            "popular_tags": popular_tags,
        },
    )


def tag_list(request):
    uses = content.tag_uses()
    most = max((use.count for use in uses), default=1)
    # Five sizes, by share of the most used tag.
    sized = [(use, 1 + (4 * use.count) // most if most > 1 else 1) for use in uses]
    return render(request, "tags/tag_list.html", {"tags": sized})


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    groups = content.tagged(tag.slug)
    if not groups:
        # A tag used only on drafts must not reveal that they exist.
        raise Http404("No published content has this tag.")
    return render(request, "tags/tag_detail.html", {"tag": tag, "groups": groups})


def clean_query(text):
    """Printable text only (PostgreSQL refuses NUL), single-spaced, at most SEARCH_MAX_LENGTH long."""
    printable = "".join(char if unicodedata.category(char)[0] != "C" else " " for char in text)
    return " ".join(printable.split())[:SEARCH_MAX_LENGTH].strip()


def search(request):
    query = clean_query(request.GET.get("q", ""))
    groups = content.search(query) if query else []
    return render(
        request,
        "search/search.html",
        {"query": query, "groups": groups, "total": sum(len(items) for _, items in groups)},
    )


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /editor/",
        "Disallow: /search/",
        f"Sitemap: {absolute_url(reverse('sitemap'), request)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
