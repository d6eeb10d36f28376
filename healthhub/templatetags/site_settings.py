from django import template

from healthhub.cache import current_version
from healthhub.models import SiteSettings

register = template.Library()

# (content version number, disclaimer) last read by this process, replaced as one
# value (threads may share it): saving the site settings starts a new content
# version, so the text is read once per version.
_read = (None, "")


@register.simple_tag
def standard_disclaimer():
    """The site-wide disclaimer editors set under Site settings (one query per content version)."""
    global _read
    number = current_version().number
    read_for, disclaimer = _read
    if read_for != number:
        disclaimer = SiteSettings.load().disclaimer
        _read = (number, disclaimer)
    return disclaimer
