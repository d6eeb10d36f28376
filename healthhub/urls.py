from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter

from articles import feeds
from healthhub import editor, views
from healthhub.sitemaps import SITEMAPS


class TagSetConverter:
    """One or more tag slugs joined by "+": /tags/sleep+posture/ is what carries both."""

    regex = r"[-\w]+(?:\+[-\w]+)*"

    def to_python(self, value):
        return value.split("+")

    def to_url(self, value):
        return value if isinstance(value, str) else "+".join(value)


register_converter(TagSetConverter, "tagset")

tag_patterns = [
    path("", views.tag_list, name="list"),
    # Before the tag pages: no tag page can be called "autocomplete".
    path("autocomplete/", views.tag_autocomplete, name="autocomplete"),
    path("<tagset:slugs>/", views.tag_detail, name="detail"),
]

editor_patterns = [
    path("markdown-preview/", editor.markdown_preview, name="markdown-preview"),
    path("image-upload/", editor.image_upload, name="image-upload"),
    path("tags/", editor.tag_autocomplete, name="tag-autocomplete"),
]

feed_patterns = [
    path("articles/rss/", feeds.ArticleFeed(), name="articles-rss"),
    path("articles/atom/", feeds.AtomArticleFeed(), name="articles-atom"),
    path("tags/<slug:slug>/rss/", feeds.TagArticleFeed(), name="tag-rss"),
    path("tags/<slug:slug>/atom/", feeds.AtomTagArticleFeed(), name="tag-atom"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("articles.urls")),
    path("glossary/", include("glossary.urls")),
    path("tags/", include((tag_patterns, "tags"))),
    path("search/", views.search, name="search"),
    path("editor/", include((editor_patterns, "editor"))),
    path("healthz/", views.healthz, name="healthz"),
    path("livez/", views.livez, name="livez"),
    path("feeds/", include((feed_patterns, "feeds"))),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
