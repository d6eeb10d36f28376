from django import template

from healthhub.caching import stamps
from healthhub.caching.deps import ProcessMemo
from healthhub.models import SiteSettings

register = template.Library()

# Read once per process until the site settings are saved again (by anyone, in any process).
_disclaimer = ProcessMemo(stamps.SETTINGS)


@register.simple_tag
def standard_disclaimer():
    """The site-wide disclaimer editors set under Site settings."""
    return _disclaimer.get(lambda: SiteSettings.load().disclaimer)
