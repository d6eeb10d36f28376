from django import template

from healthhub.text.paths import fixed_path

register = template.Library()


@register.simple_tag
def fixed_url(name):
    """{% fixed_url "articles:list" %}: {% url %} for a route without arguments, reversed once per process."""
    return fixed_path(name)
