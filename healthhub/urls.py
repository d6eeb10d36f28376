from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from healthhub import editor, feeds, views
from healthhub.sitemaps import SITEMAPS

tag_patterns = [
    path("", views.tag_list, name="list"),
    path("<slug:slug>/", views.tag_detail, name="detail"),
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
    path("feeds/", include((feed_patterns, "feeds"))),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
