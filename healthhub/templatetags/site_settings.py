from django import template

from healthhub.models import SiteSettings

register = template.Library()


@register.simple_tag
def standard_disclaimer():
    """The site-wide disclaimer editors set under Site settings (one query, only where shown)."""
    return SiteSettings.load().disclaimer
