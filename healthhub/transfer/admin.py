"""The admin's Import page and "Export selected articles as .zip" action.

Both use the same importer and exporter as the import_content and
export_content commands, with the same per-file transactions and limits.
"""

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR, ActionLocation
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from articles.models import FAQ, Article, Reference, Reviewer, Treatment, TreatmentList, Trigger
from glossary.models import Term
from healthhub.transfer.exporting import export_files, write_zip
from healthhub.transfer.importing import import_upload

# An import can create and change items of every content type, references and reviewers, and the site's
# standard disclaimer; and a file can say `status: published`. So importing takes a Publisher's permissions:
# an Editor's upload must not publish or change what only Publishers may change.
PUBLISHABLE_MODELS = (Article, FAQ, TreatmentList, Treatment, Trigger, Term)
IMPORT_PERMISSIONS = (
    *(
        f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        for model in (*PUBLISHABLE_MODELS, Reference, Reviewer)
        for action in ("add", "change")
    ),
    *(f"{model._meta.app_label}.publish_{model._meta.model_name}" for model in PUBLISHABLE_MODELS),
    "healthhub.change_sitesettings",
)


def can_import(user):
    return user.is_active and user.is_staff and user.has_perms(IMPORT_PERMISSIONS)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Content file",
        help_text="A Markdown file (.md) with front matter, or a .zip of such files and their images.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".md", ".zip"):
            raise forms.ValidationError("Choose a .md file or a .zip archive.")
        limit = settings.CONTENT_IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                "This file is %(size)s bytes; the limit is %(limit)s bytes. Split it into smaller archives.",
                params={"size": f"{upload.size:,}", "limit": f"{limit:,}"},
            )
        return upload


@admin.action(description="Export selected articles as .zip")
def export_as_zip(modeladmin, request, queryset):
    archive = write_zip(export_files(queryset, everything=False))
    response = HttpResponse(archive.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="healthhub-articles.zip"'
    return response


class ContentTransferMixin:
    """For the Article admin: an Import page linked from the changelist, and the export action."""

    def get_urls(self):
        import_url = path("import/", self.admin_site.admin_view(self.import_view), name="articles_article_import")
        return [import_url, *super().get_urls()]

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        if (
            action_location == ActionLocation.CHANGE_LIST
            and IS_POPUP_VAR not in request.GET
            and self.has_view_permission(request)
        ):
            actions["export_as_zip"] = self.get_action(export_as_zip, action_location)
        return actions

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import_content": can_import(request.user)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not can_import(request.user):
            raise PermissionDenied
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            report = import_upload(form.cleaned_data["file"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import content",
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/articles/article/import.html", context)
