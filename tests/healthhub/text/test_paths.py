import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from healthhub.text.paths import fixed_path, slug_path

NAMES = [
    "articles:detail",
    "articles:faq-detail",
    "articles:treatment-detail",
    "articles:trigger-detail",
    "articles:reviewer-detail",
    "glossary:term-detail",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("slug", ["neck-pain", "a", "slug_with_underscore-2"])
def test_slug_paths_are_what_reverse_gives(name, slug):
    assert slug_path(name, slug) == reverse(name, kwargs={"slug": slug})


def test_the_script_prefix_is_respected():
    try:
        set_script_prefix("/health/")
        assert slug_path("articles:detail", "neck-pain") == "/health/articles/neck-pain/"
    finally:
        set_script_prefix("/")
    assert slug_path("articles:detail", "neck-pain") == "/articles/neck-pain/"


@pytest.mark.parametrize("slug", ["", "two words", "naïve", "--slug--/x"])
def test_a_slug_the_route_refuses_raises_as_reverse_does(slug):
    with pytest.raises(NoReverseMatch):
        slug_path("articles:detail", slug)


@pytest.mark.parametrize(
    "name", ["home", "articles:list", "glossary:term-list", "tags:list", "search", "tags:autocomplete"]
)
def test_fixed_paths_are_what_reverse_gives(name):
    assert fixed_path(name) == reverse(name)
    try:
        set_script_prefix("/health/")
        assert fixed_path(name) == reverse(name) and fixed_path(name).startswith("/health/")
    finally:
        set_script_prefix("/")


def test_the_fixed_url_tag_renders_the_address():
    rendered = Template(
        '{% load paths %}<a href="{% fixed_url "articles:list" %}">{% fixed_url "home" as home %}{{ home }}'
    ).render(Context())
    assert rendered == f'<a href="{reverse("articles:list")}">{reverse("home")}'
