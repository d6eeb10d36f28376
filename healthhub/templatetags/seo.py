"""Canonical addresses and JSON-LD blocks for page heads."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from healthhub.text.structured_data import absolute_url as build_absolute_url

register = template.Library()

# As Django's json_script: nothing in the data can end the script element or start a comment.
ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def jsonld(data):
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 - escaped above


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    return build_absolute_url(path, context.get("request"))
