"""Admin behaviour shared by every content type: status, dates, tags, bulk publishing."""

from functools import partial

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from taggit.managers import TaggableManager
from taggit.models import Tag

from healthhub import search
from healthhub.publishing import Status
from healthhub.tagging import TagsField

admin.site.site_header = "healthhub editors"
admin.site.site_title = "healthhub editors"
admin.site.index_title = "Content"


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


class EditorFieldsMixin:
    """Markdown editor with live preview, and the tag field with suggestions."""

    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, TaggableManager):
            return TagsField(required=False, label="Tags", help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PublishedByDefaultInline(EditorFieldsMixin):
    """Inline items start as published: their parent's status decides what visitors see."""

    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["status"].initial = Status.PUBLISHED
        return formset


class PublishableAdmin(EditorFieldsMixin, admin.ModelAdmin):
    list_display_extra = ()
    list_filter = ("status", TagListFilter)
    date_hierarchy = "published_at"
    actions = ["publish", "unpublish"]
    save_on_top = True
    list_per_page = 50

    def get_list_display(self, request):
        return (*self.list_display_extra, "status", "published_at", "updated_at", "tag_list")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="tags")
    def tag_list(self, obj):
        # tags.all() uses the prefetch; tags.names() would query again per row.
        return ", ".join(sorted(tag.name for tag in obj.tags.all()))

    def _update(self, queryset, **values):
        """queryset.update(), then the search index: update() sends no save signals."""
        # The pks first: a changelist filtered by status would no longer select the updated rows.
        pks = list(queryset.values_list("pk", flat=True))
        count = queryset.update(**values)
        transaction.on_commit(partial(search.index_with_dependents, queryset.model, pks))
        return count

    @admin.action(description="Publish selected items")
    def publish(self, request, queryset):
        scheduled = queryset.filter(published_at__gt=timezone.now()).count()
        count = self._update(queryset, status=Status.PUBLISHED, updated_at=timezone.now())
        message = f"{count} item(s) published."
        if scheduled:
            message += f" {scheduled} of them have a future publication time and will appear then."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Unpublish selected items (back to draft)")
    def unpublish(self, request, queryset):
        count = self._update(queryset, status=Status.DRAFT, updated_at=timezone.now())
        self.message_user(request, f"{count} item(s) moved back to draft.", messages.SUCCESS)
