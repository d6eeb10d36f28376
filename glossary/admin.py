from django import forms
from django.contrib import admin

from healthhub.admin import PublishableAdmin, PublishableForm
from healthhub.glossary_links import glossary_changed

from . import views
from .models import Term


class TermForm(PublishableForm):
    class Meta:
        model = Term
        fields = "__all__"
        widgets = {
            "short_definition": forms.Textarea(attrs={"rows": 2}),
            "aliases": forms.Textarea(attrs={"rows": 3}),
        }


@admin.register(Term)
class TermAdmin(PublishableAdmin):
    form = TermForm
    list_display_extra = ("term", "short_definition")
    search_fields = ("term", "aliases", "short_definition", "definition")
    prepopulated_fields = {"slug": ("term",)}
    autocomplete_fields = ("related_terms",)
    public_view = views.TermDetailView
    fields = (
        "term", "slug", "short_definition", "definition", "readability", "aliases", "related_terms", "tags",
        "status", "published_at", "unpublish_at", "version",
    )  # fmt: skip

    def after_preview_rollback(self):
        # The preview's term was in the glossary while the page was built: rebuild the links without it.
        glossary_changed()

    # Bulk actions update rows without saving each term, so no signal tells glossary links to rebuild.
    @admin.action(description=PublishableAdmin.publish.short_description)
    def publish(self, request, queryset):
        super().publish(request, queryset)
        glossary_changed()

    @admin.action(description=PublishableAdmin.unpublish.short_description)
    def unpublish(self, request, queryset):
        super().unpublish(request, queryset)
        glossary_changed()
