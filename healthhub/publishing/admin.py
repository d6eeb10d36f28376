"""Admin behaviour shared by every content type.

Status and dates, tags, bulk publishing, who may publish (checked on the server),
revisions and restoring deleted items (django-simple-history), a warning instead
of overwriting someone else's save, readability, and previews of unsaved changes.
"""

import itertools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from taggit.managers import TaggableManager
from taggit.models import Tag

from healthhub import revisions
from healthhub.publishing.models import Status, can_publish
from healthhub.tags.forms import TagsField
from healthhub.text import readability

# Rendered copies and bookkeeping: a comparison shows what editors wrote instead.
HISTORY_HIDDEN_FIELDS = [
    "body_html",
    "toc",
    "answer_html",
    "description_html",
    "contraindications_html",
    "definition_html",
    "updated_at",
    "created_at",
]
# The fields only Publishers may change once an item is published.
SCHEDULE_FIELDS = ("published_at", "unpublish_at")


def to_second(moment):
    # The admin's time inputs show whole seconds: a saved 09:00:00.25 comes back as 09:00:00.
    return moment.replace(microsecond=0) if moment else None


class TagListFilter(admin.SimpleListFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        through = model_admin.model.tags.through
        used = Tag.objects.filter(pk__in=through.objects.values("tag_id")).order_by("name")
        return [(tag.slug, tag.name) for tag in used]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value()).distinct()
        return queryset


class PublishableForm(forms.ModelForm):
    """Refuses publishing by people without the publish permission, and stale saves.

    `can_publish` and `guards_visibility` are set per request by the admin (see
    `PublishableAdmin.get_form`): the check runs on the server, so a forged POST
    from an Editor is refused like a click on the form.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    can_publish = True
    # False for inline children of an unpublished parent: the parent decides what visitors see.
    guards_visibility = True
    # Inline rows are saved with their parent, whose own form carries the version.
    tracks_version = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.tracks_version:
            # The row as stored now, not the past revision a restore form starts from.
            self.fields["version"].initial = self.saved["updated_at"].isoformat() if self.saved else ""
        else:
            del self.fields["version"]
        if self.restoring is not None:
            self._start_from(self.restoring)

    @cached_property
    def restoring(self):
        """The revision this form restores, if it is a restore form."""
        return getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)

    def _start_from(self, revision):
        # The restore form of a revision shows the tags and links it recorded, not today's.
        if "tags" in self.fields:
            # Tag objects, as taggit's field expects; unsaved, since a recorded tag may have been deleted since.
            self.initial["tags"] = [Tag(name=name) for name in revision.tag_names]
        for field, (existing, _missing) in revisions.recorded_links(revision).items():
            if field.name in self.fields:
                self.initial[field.name] = sorted(existing)

    @cached_property
    def saved(self):
        if self.instance.pk is None:
            return None
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        return rows.values("status", "updated_at", *SCHEDULE_FIELDS).first()

    def _save_m2m(self):
        # Tags and links are saved after the row: they complete the revision that save made.
        with revisions.one_revision(self.instance):
            super()._save_m2m()
            if self.restoring is not None:
                # Links kept on other items (an article's triggers) are not in the form: restored as recorded.
                revisions.restore_linked_from(self.instance, self.restoring)

    def clean(self):
        cleaned = super().clean()
        if not self.can_publish and self.guards_visibility:
            self._check_publishing(cleaned)
        self._check_version(cleaned)
        return cleaned

    def _check_publishing(self, cleaned):
        was_published = bool(self.saved) and self.saved["status"] == Status.PUBLISHED
        status = cleaned.get("status", self.saved["status"] if self.saved else Status.DRAFT)
        if status == Status.PUBLISHED and not was_published:
            self.add_error("status", "Only publishers can publish. Save it as a draft or send it for review.")
        elif was_published and status != Status.PUBLISHED:
            self.add_error("status", "Only publishers can take published content offline.")
        elif was_published:
            for name in SCHEDULE_FIELDS:
                if name in cleaned and to_second(cleaned[name]) != to_second(self.saved[name]):
                    self.add_error(name, "Only publishers can change the schedule of published content.")

    def _check_version(self, cleaned):
        try:
            opened = parse_datetime(cleaned.get("version") or "")
        except ValueError:  # well-formed but impossible, e.g. month 13: treat as unknown
            opened = None
        if not (self.saved and opened) or opened == self.saved["updated_at"]:
            return
        last = self.instance.history.order_by("-history_date").select_related("history_user").first()
        who = f" by {last.history_user}" if last and last.history_user else ""
        when = timezone.localtime(self.saved["updated_at"]).strftime("%H:%M:%S on %d %B %Y")
        # Saving again after this warning replaces their version: the editor has been told.
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = self.saved["updated_at"].isoformat()
        raise ValidationError(
            f"Someone else saved this{who} at {when}, after you opened it. Your changes are below and were not "
            "saved. Open the page in another tab to compare, then save again to replace their version with yours.",
            code="stale",
        )


class EditorFieldsMixin:
    """Markdown editor with live preview and readability, and the tag field with suggestions."""

    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}

    class Media:
        js = ("js/readability.js",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TaggableManager):
            return TagsField(required=False, label="Tags", help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PublishedByDefaultInline(EditorFieldsMixin):
    """Inline items start as published: their parent's status decides what visitors see.

    Once the parent is published, changing a child's status needs the publish permission too.
    """

    extra = 0
    form = PublishableForm

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(
            formset.form.__name__,
            (formset.form,),
            {
                "can_publish": can_publish(request.user, self.model),
                "guards_visibility": obj is not None and obj.status == Status.PUBLISHED,
                "tracks_version": False,
            },
        )
        formset.form.base_fields["status"].initial = Status.PUBLISHED
        return formset


class PublishableAdmin(EditorFieldsMixin, SimpleHistoryAdmin):
    form = PublishableForm
    list_display_extra = ()
    list_filter = ("status", TagListFilter)
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish"]
    save_on_top = True
    list_per_page = 50
    change_form_template = "admin/healthhub/change_form.html"
    change_list_template = "admin/healthhub/change_list.html"
    object_history_template = "admin/healthhub/object_history.html"
    # The public detail view, for previews of unsaved changes; None where there is no page of its own.
    public_view = None

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-autocomplete-labels.js"]

    def get_list_display(self, request):
        return (*self.list_display_extra, "status", "published_at", "updated_at", "tag_list")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"can_publish": can_publish(request.user, self.model)})

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "readability")

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            # Before "<object_id>/preview/", which would take "add" for an id.
            path("add/preview/", self.admin_site.admin_view(self.add_preview_view), name=f"{name}_add_preview"),
            path("<path:object_id>/preview/", self.admin_site.admin_view(self.preview_view), name=f"{name}_preview"),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{name}_compare",
            ),
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name=f"{name}_deleted"),
            path(
                "deleted/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=f"{name}_restore",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        opts = self.model._meta
        if change and self.public_view:
            context["preview_url"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_preview", args=[obj.pk])
        elif add and self.public_view:
            context["preview_url"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_add_preview")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    @admin.display(description="tags")
    def tag_list(self, obj):
        # tags.all() uses the prefetch; tags.names() would query again per row.
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    @admin.display(description="readability (as saved)")
    def readability(self, obj):
        rows = []
        for name in obj.markdown_fields:
            result = readability.measure(getattr(obj, name))
            score = "–" if result.score is None else f"{result.score:g}"
            label = obj._meta.get_field(name).verbose_name
            rows.append((label, score, result.label, result.words, result.minutes))
        return format_html(
            '<ul class="readability-saved">{}</ul><p class="help">Flesch reading ease: 60 or more is plain '
            "English; aim for 60–80 for patients. The figure under each text box updates as you type.</p>",
            format_html_join("", "<li>{}: {} ({}), {} words, about {} min to read</li>", rows),
        )

    @admin.action(description="Publish selected items", permissions=["publish"])
    def publish(self, request, queryset):
        scheduled = queryset.filter(published_at__gt=timezone.now()).count()
        count = self._set_status(request, queryset, Status.PUBLISHED)
        message = f"{count} item(s) published."
        if scheduled:
            message += f" {scheduled} of them have a future publication time and will appear then."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Unpublish selected items (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = self._set_status(request, queryset, Status.DRAFT)
        self.message_user(request, f"{count} item(s) moved back to draft.", messages.SUCCESS)

    def after_bulk_status(self, request):
        """Called once a bulk publish or unpublish has saved its items. Content types with more to say
        extend this, not the actions, whose permission checks stay in one place."""

    def _set_status(self, request, queryset, status):
        # Saved one by one, not with update(): every change keeps a revision naming who made it.
        items = list(queryset.exclude(status=status))
        for item in items:
            item.status = status
            item._change_reason = f"Bulk action: {status.label.lower()}"
            item.save(update_fields=["status", "updated_at"])
        self.after_bulk_status(request)
        return len(items)

    def preview_view(self, request, object_id):
        """The public page with the change form's unsaved data: nothing is saved."""
        if request.method != "POST":
            return redirect(
                reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change", args=[object_id])
            )
        obj = self.get_object(request, unquote(object_id))
        if obj is None or self.public_view is None:
            raise Http404("Nothing to preview here.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = self.get_form(request, obj, change=True)(request.POST, request.FILES, instance=obj)
        if not form.is_valid():
            return self._preview_invalid(request, form)
        preview = form.instance
        preview.render_markdown_fields()
        return self._render_public_page(request, preview)

    def add_preview_view(self, request):
        """The public page of an item that has never been saved, as the add form would create it.

        The page's parts (tags, links, the article's lists) are read from the
        database, so the item is saved inside a transaction that is always
        rolled back: nothing stays, no revision, no search entry (that work
        waits for a commit that never comes). Uploaded pictures are left out
        so no file is written.
        """
        opts = self.model._meta
        if request.method != "POST":
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        if self.public_view is None:
            raise Http404("Nothing to preview here.")
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request, None, change=False)(request.POST, request.FILES)
        if not form.is_valid():
            return self._preview_invalid(request, form)
        with transaction.atomic():
            preview = form.save(commit=False)
            for field in opts.fields:
                if isinstance(field, models.FileField) and not getattr(preview, field.attname)._committed:
                    setattr(preview, field.attname, "")
            preview.save()
            form.save_m2m()
            response = self._render_public_page(request, preview)
            response.render()
            # Nothing read while the preview's rows existed was kept (caching.deps.storable()).
            transaction.set_rollback(True)
        return response

    def _preview_invalid(self, request, form):
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "This change cannot be previewed",
        }
        return TemplateResponse(request, "admin/healthhub/preview_invalid.html", context, status=400)

    def _render_public_page(self, request, preview):
        view = self.public_view()
        view.setup(request, slug=preview.slug)
        view.object = preview
        context = view.get_context_data(object=preview)
        context["is_preview"] = True
        return TemplateResponse(request, view.get_template_names(), context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Inline rows may edit links kept on other items (an article's triggers), after the form's relations.
        revisions.note_linked_from(form.instance)

    @cached_property
    def history_excluded_fields(self):
        # Many-to-many changes are listed by name, from links loaded once for all revisions shown.
        return [*HISTORY_HIDDEN_FIELDS, *(field.name for field in revisions.link_fields(self.model))]

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        links = revisions.linked_ids(self.model, records)
        names = revisions.link_names(self.model, links)
        for newer, older in itertools.pairwise(records):
            delta = newer.diff_against(
                older, excluded_fields=self.history_excluded_fields, foreign_keys_are_objs=foreign_keys_are_objs
            )
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = [
                *helper.context_for_delta_changes(delta),
                *(
                    {"field": change.label.capitalize(), "old": ", ".join(change.old), "new": ", ".join(change.new)}
                    for change in revisions.changes_between(self.model, older, newer, links, names)
                ),
            ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "GET":
            ids = unquote(object_id), version_id
            revision = (
                self.model.history.filter(id=ids[0], history_id=ids[1]).first() if all(map(str.isdigit, ids)) else None
            )
            missing = revision and revisions.gone_links(revision)
            if missing:
                self.message_user(
                    request,
                    "This revision links to items that no longer exist; saving it restores the other links: "
                    + ", ".join(missing),
                    messages.WARNING,
                )
            elsewhere = revision and revisions.linked_from_changes(revision.instance, revision)
            if elsewhere:
                self.message_user(
                    request,
                    "Saving also changes links not shown in this form: " + "; ".join(map(str, elsewhere)),
                    messages.INFO,
                )
        return super().history_form_view(request, object_id, version_id, extra_context)

    def compare_view(self, request, object_id):
        """Two revisions side by side, field by field (only the fields that differ)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such item.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        try:
            ids = [int(request.GET[key]) for key in ("older", "newer")]
        except (KeyError, ValueError):
            return redirect(reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk]))
        records = {record.history_id: record for record in obj.history.filter(history_id__in=ids)}
        if len(records) != len(set(ids)):
            raise Http404("No such revision of this item.")
        older, newer = sorted((records[ids[0]], records[ids[1]]), key=lambda record: record.history_date)
        delta = newer.diff_against(older, excluded_fields=self.history_excluded_fields)
        changes = [
            (self.model._meta.get_field(change.field).verbose_name, change.old, change.new) for change in delta.changes
        ]
        links = revisions.linked_ids(self.model, [older, newer])
        relation_changes = revisions.changes_between(
            self.model, older, newer, links, revisions.link_names(self.model, links)
        )
        changes += [(change.label, ", ".join(change.old), ", ".join(change.new)) for change in relation_changes]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Compare revisions of “{obj}”",
            "object_id": obj.pk,
            "older": older,
            "newer": newer,
            "changes": changes,
            "relation_changes": relation_changes,
        }
        return TemplateResponse(request, "admin/healthhub/compare_revisions.html", context)

    def deleted_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        history = self.model.history
        existing = self.model._default_manager.values("pk")
        deletions = (
            history.filter(history_type="-")
            .exclude(id__in=existing)
            .select_related("history_user")
            .order_by("-history_date")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Deleted {self.model._meta.verbose_name_plural}",
            "deletions": deletions[:200],
        }
        return TemplateResponse(request, "admin/healthhub/deleted_list.html", context)

    def restore_view(self, request, history_id):
        if request.method != "POST":
            return redirect(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_deleted")
        if not self.has_add_permission(request):
            raise PermissionDenied
        record = get_object_or_404(self.model.history, history_id=history_id, history_type="-")
        opts = self.model._meta
        if self.model._default_manager.filter(pk=record.id).exists():
            self.message_user(request, f"“{record}” exists already.", messages.WARNING)
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_deleted")
        try:
            item, skipped = restore_deleted(record, user=request.user)
        except ValidationError as error:
            self.message_user(
                request,
                f"“{record}” cannot be restored: {' '.join(error.messages)} "
                "If the article it belongs to was deleted too, restore that first.",
                messages.ERROR,
            )
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_deleted")
        self.message_user(
            request,
            f"“{item}” was restored as a draft with its tags and links. Check it (and parts deleted with it) "
            "before publishing.",
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request, "Not linked again because they no longer exist: " + ", ".join(skipped), messages.WARNING
            )
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", item.pk)


def restore_deleted(record, *, user):
    """Bring back a deleted item from its last revision, as a draft so nothing goes live unseen.

    Returns the item and the links that could not be restored because their items are gone.
    """
    item = record.instance
    item.status = Status.DRAFT
    item._history_user = user
    item._change_reason = "Restored after deletion"
    # Checks what the database would refuse: a parent that is gone, a web address taken since.
    item.full_clean()
    with transaction.atomic():
        item.save(force_insert=True)
        skipped = revisions.restore(item, record)
    return item, skipped
