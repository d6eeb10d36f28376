"""Site-wide pages: home, tags and search."""

import re
import unicodedata

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit
from taggit.models import Tag

from articles.models import Article
from healthhub import registry
from healthhub.caching import keys
from healthhub.caching.deps import track
from healthhub.search import query as search_query
from healthhub.tags import queries as tag_queries
from healthhub.text.structured_data import absolute_url

SEARCH_MAX_LENGTH = 200
SEARCH_MAX_TAGS = 10
# Tag pages combine at most this many tags: /tags/a+b+c+d/.
MAX_TAGS = 4
AUTOCOMPLETE_MAX_LENGTH = 50
TAG_SLUG = re.compile(r"[-\w]+")


def home(request):
    track(keys.of_type(Article))
    articles = Article.objects.published().prefetch_related("tags")
    popular_tags = sorted(tag_queries.tag_uses(), key=lambda use: -use.count)[:15]
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
    if request.GET.getlist("tag"):
        return _tag_set_redirect([], request)
    uses = tag_queries.tag_uses()
    most = max((use.count for use in uses), default=1)
    # Five sizes, by share of the most used tag.
    sized = [(use, 1 + (4 * use.count) // most if most > 1 else 1) for use in uses]
    return render(request, "tags/tag_list.html", {"tags": sized})


def _tag_set_redirect(slugs, request):
    """`?tag=a&tag=b` (on /tags/ or a tag page) goes to the one address of that set: /tags/a+b/."""
    wanted = [*slugs, *(slug for slug in request.GET.getlist("tag") if TAG_SLUG.fullmatch(slug))]
    wanted = list(dict.fromkeys(wanted))[: MAX_TAGS + 1]
    if not wanted:
        return redirect("tags:list")
    return redirect("tags:detail", slugs=wanted)


def tag_detail(request, slugs):
    """Everything visible that carries all the tags in the address, with links to narrow or widen.

    Unknown tags, tags used only on drafts and sets nothing carries all give
    the same page with status 404 (so drafts stay secret) and links to widen.
    """
    if request.GET.getlist("tag"):
        return _tag_set_redirect(slugs, request)
    slugs = list(dict.fromkeys(slugs))
    if len(slugs) > MAX_TAGS:
        raise Http404(f"Combine at most {MAX_TAGS} tags.")
    tags = {tag.slug: tag for tag in Tag.objects.filter(slug__in=slugs)}
    names = {slug: tag.name for slug, tag in tags.items()}
    groups = tag_queries.tagged(slugs) if len(names) == len(slugs) else []
    track(*(keys.tag(tag.pk) for tag in tags.values()))
    track(*(key for _content_type, items in groups for key in keys.links(items)))
    chosen = [(slug, names.get(slug, slug)) for slug in slugs]
    context = {
        "chosen": chosen,
        "title": " + ".join(name for _slug, name in chosen),
        "groups": groups,
        "total": sum(len(items) for _content_type, items in groups),
        "has_more": any(items.has_more for _content_type, items in groups),
        # Widen: the same set less one tag; narrow: plus a tag the items also carry.
        "wider": [(name, [s for s in slugs if s != slug]) for slug, name in chosen] if len(slugs) > 1 else [],
        "narrower": [(tag, count, [*slugs, tag.slug]) for tag, count in tag_queries.co_occurring(groups, set(slugs))],
        "can_narrow": len(slugs) < MAX_TAGS,
    }
    return render(request, "tags/tag_detail.html", context, status=200 if groups else 404)


@require_GET
@ratelimit(key="ip", rate=lambda group, request: settings.AUTOCOMPLETE_RATE, block=True)
def tag_autocomplete(request):
    """Tags on visible content whose name contains `q`, as JSON for the search box."""
    query = clean_query(request.GET.get("q", ""))[:AUTOCOMPLETE_MAX_LENGTH]
    tags = tag_queries.visible_tags_matching(query) if query else []
    return JsonResponse(
        {
            "results": [
                {"name": tag.name, "slug": tag.slug, "url": reverse("tags:detail", args=[tag.slug])} for tag in tags
            ]
        }
    )


def clean_query(text):
    """Printable text only (PostgreSQL refuses NUL), single-spaced, at most SEARCH_MAX_LENGTH long."""
    printable = "".join(char if unicodedata.category(char)[0] != "C" else " " for char in text)
    return " ".join(printable.split())[:SEARCH_MAX_LENGTH].strip()


@ratelimit(key="ip", rate=lambda group, request: settings.SEARCH_RATE, block=True)
def search(request):
    query = clean_query(request.GET.get("q", ""))
    type_key = request.GET.get("type", "")
    tag_values = [clean_query(value) for value in request.GET.getlist("tag")[:SEARCH_MAX_TAGS]]
    context = {
        "query": query,
        "type_key": type_key,
        "content_types": registry.CONTENT_TYPES,
        "tags": [],
        "max_ranked": search_query.MAX_RANKED,
    }
    if type_key and type_key not in registry.CONTENT_TYPES_BY_KEY:
        return _search_error(request, context, "There is no such type of content to search.")
    if type_key:
        context["type_label"] = registry.CONTENT_TYPES_BY_KEY[type_key].label
    for value in dict.fromkeys(filter(None, tag_values)):
        # Only tags on visible content: a tag used only on drafts must not reveal that they exist.
        tag = tag_queries.visible_tag(value)
        if tag is None:
            return _search_error(request, context, f"There is no tag called “{value}”.")
        context["tags"].append(tag)
    context["tag_filters"] = [(tag, _without_tag(request, tag)) for tag in context["tags"]]
    if query and not context["tags"]:
        # A tag picked from the box's suggestions: offer its page, which lists everything carrying it.
        context["query_tag"] = tag_queries.visible_tag(query)
    track(keys.SEARCH, keys.TAGS)
    if query or context["tags"] or type_key:
        context["results"] = search_query.search(
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


def rate_limited(request, exception):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response


@never_cache
def healthz(request):
    """For load balancers: 200 when this server can reach its database, 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
def livez(request):
    """The process answers; touches nothing else (also the ceiling in benchmarks)."""
    return HttpResponse("ok", content_type="text/plain")


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
