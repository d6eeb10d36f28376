"""Addresses of pages, without a full URL reversal for each one.

`reverse()` walks the URL resolver on every call; an article page links some
forty items and every page a dozen fixed addresses (the site's menus). A slug
route's address is the same whatever the slug, so it is reversed once per
process (and script prefix) with a placeholder, which each call then
replaces; a fixed address is reversed once per process. A slug the route
would refuse goes through `reverse()`, which raises as usual. Templates use
`{% fixed_url "name" %}` (healthhub/templatetags/paths.py) for fixed addresses.
"""

import functools
import re

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

# What Django's "slug" path converter accepts.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "--slug--"


@functools.cache
def _pattern(name, script_prefix, urlconf):
    return reverse(name, urlconf=urlconf, kwargs={"slug": _PLACEHOLDER})


@functools.cache
def _fixed(name, script_prefix, urlconf):
    return reverse(name, urlconf=urlconf)


@receiver(setting_changed)
def _forget_patterns(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _pattern.cache_clear()
        _fixed.cache_clear()


def slug_path(name, slug):
    """The same as reverse(name, kwargs={"slug": slug})."""
    if not SLUG.fullmatch(slug):
        return reverse(name, kwargs={"slug": slug})
    return _pattern(name, get_script_prefix(), get_urlconf()).replace(_PLACEHOLDER, slug, 1)


def fixed_path(name):
    """The same as reverse(name), for a route without arguments."""
    return _fixed(name, get_script_prefix(), get_urlconf())
