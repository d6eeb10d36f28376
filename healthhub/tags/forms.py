"""How tags are read from and written to the admin's tag field.

Only commas separate tags, so multi-word tags such as "type 2 diabetes" stay
whole. Quotes are not special: editors type tags the way they read them.
"""

from django import forms
from django.urls import reverse_lazy
from taggit.forms import TagField, TagWidget

MAX_TAG_LENGTH = 100


def parse_tags(text):
    names = {}
    for part in (text or "").split(","):
        name = " ".join(part.split())
        if name:
            names.setdefault(name.casefold(), name)
    return sorted(names.values(), key=str.casefold)


def join_tags(tags):
    return ", ".join(sorted(tag.name for tag in tags))


class TagAutocompleteWidget(TagWidget):
    """A text input that suggests existing tags as the editor types.

    Without JavaScript it is a plain comma-separated text field.
    """

    template_name = "admin/widgets/tag_autocomplete.html"

    def __init__(self, attrs=None):
        attrs = {"class": "vTextField tag-autocomplete", "autocomplete": "off", **(attrs or {})}
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-autocomplete-url"] = str(reverse_lazy("editor:tag-autocomplete"))
        return context

    class Media:
        js = ["js/tag-autocomplete.js"]


class TagsField(TagField):
    """The admin's tag field: comma-separated, each tag at most 100 characters."""

    widget = TagAutocompleteWidget

    def clean(self, value):
        names = super().clean(value)
        too_long = [name for name in names if len(name) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(
                "Each tag can be at most %(max)d characters; shorten “%(tag)s…”.",
                params={"max": MAX_TAG_LENGTH, "tag": too_long[0][:40]},
            )
        return names
