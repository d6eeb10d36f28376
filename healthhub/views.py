"""Site-wide pages: home, tags and search."""

import unicodedata

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from taggit.models import Tag

from articles.models import Article
from healthhub import content
from healthhub import search as search_index

SEARCH_MAX_LENGTH = 200
SEARCH_MAX_TAGS = 10


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
    type_key = request.GET.get("type", "")
    tag_values = [clean_query(value) for value in request.GET.getlist("tag")[:SEARCH_MAX_TAGS]]
    context = {
        "query": query,
        "type_key": type_key,
        "content_types": content.CONTENT_TYPES,
        "tags": [],
        "max_ranked": search_index.MAX_RANKED,
    }
    if type_key and type_key not in content.CONTENT_TYPES_BY_KEY:
        return _search_error(request, context, "There is no such type of content to search.")
    if type_key:
        context["type_label"] = content.CONTENT_TYPES_BY_KEY[type_key].label
    for value in dict.fromkeys(filter(None, tag_values)):
        # Only tags on visible content: a tag used only on drafts must not reveal that they exist.
        visible = search_index.visible_entries()
        tag = Tag.objects.filter(Q(slug=value) | Q(name__iexact=value), search_entries__in=visible).first()
        if tag is None:
            return _search_error(request, context, f"There is no tag called “{value}”.")
        context["tags"].append(tag)
    context["tag_filters"] = [(tag, _without_tag(request, tag)) for tag in context["tags"]]
    if query or context["tags"] or type_key:
        context["results"] = search_index.search(
            query, tags=context["tags"], type_key=type_key, page=request.GET.get("page")
        )
    return render(request, "search/search.html", context)


def _without_tag(request, tag):
    params = request.GET.copy()
    removed = {tag.slug, tag.name.casefold()}
    params.setlist("tag", [value for value in params.getlist("tag") if clean_query(value).casefold() not in removed])
    params.pop("page", None)
    return f"?{params.urlencode()}"


def _search_error(request, context, message):
    # A broken link or edited address: say what is wrong and keep the form, with 404 as no such filter exists.
    return render(request, "search/search.html", {**context, "error": message}, status=404)
