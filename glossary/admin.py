from django import forms
from django.contrib import admin, messages
from django.db import transaction

from healthhub.publishing.admin import PublishableAdmin, PublishableForm

from . import views
from .models import PendingMention, Term


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

    def after_bulk_status(self, request):
        transaction.on_commit(lambda: self.report_pending(request))

    def changeform_view(self, request, *args, **kwargs):
        response = super().changeform_view(request, *args, **kwargs)
        if request.method == "POST":
            self.report_pending(request)
        return response

    def delete_view(self, request, *args, **kwargs):
        response = super().delete_view(request, *args, **kwargs)
        if request.method == "POST":
            self.report_pending(request)
        return response

    def report_pending(self, request):
        if left := PendingMention.objects.count():
            messages.warning(
                request,
                f"The “Used in” lists of term pages are still being updated: {left} pages of content are "
                "waiting to be checked for glossary terms. This finishes in the background within a few minutes.",
            )
