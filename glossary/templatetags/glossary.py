from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def linked(context, stored_html):
    """Stored, sanitized HTML with glossary terms linked by the page's `glossary_linker`.

    Pages without a linker (or with linking switched off) print the HTML as stored.
    """
    linker = context.get("glossary_linker")
    return mark_safe(linker.link(stored_html) if linker else stored_html)  # noqa: S308 (sanitized on save; links built from escaped parts)
