"""The admin's tag vocabulary: usage across every content type, rename, merge, delete unused.

Replaces django-taggit's own Tag admin, which only knows its generic table.
"""

from functools import reduce
from operator import add

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from taggit.models import Tag

from healthhub.registry import CONTENT_TYPES
from healthhub.tags.services import merge_tags, unused


def _uses_of(through):
    per_tag = through.objects.filter(tag=OuterRef("pk")).order_by().values("tag").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(per_tag), 0)


USE_FIELDS = {f"uses_{content_type.key.replace('-', '_')}": content_type for content_type in CONTENT_TYPES}


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ("name", "slug")
        help_texts = {
            "name": "How the tag reads everywhere, e.g. “sleep”. Renaming changes it on every page at once.",
            "slug": "The tag's web address: /tags/<slug>/. Leave as it is and it follows the new name.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = Tag.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if clash:
            raise forms.ValidationError(
                "A tag called “%(name)s” already exists. To combine the two, tick both in the tag list "
                "and choose “Merge selected tags”.",
                params={"name": clash.name},
            )
        return name

    def clean(self):
        cleaned = super().clean()
        name, slug = cleaned.get("name"), cleaned.get("slug")
        # A renamed tag's address follows its new name unless the editor chose one.
        if name and (not slug or ("name" in self.changed_data and "slug" not in self.changed_data)):
            slug = self.instance.slugify(name)
            if Tag.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
                self.add_error("slug", f"Another tag already uses the address “{slug}”; choose a different one.")
            cleaned["slug"] = slug
        return cleaned


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Keep this tag",
        help_text="The other selected tags are removed; everything that carried them carries this one instead.",
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tags


class UsedFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("yes", "Used"), ("no", "Not used")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(uses=0)
        if self.value() == "yes":
            return queryset.filter(uses__gt=0)
        return queryset


if admin.site.is_registered(Tag):
    admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagForm
    list_display = ("name", "slug", "uses", "used_on")
    list_filter = (UsedFilter,)
    search_fields = ("name", "slug")
    ordering = ("name",)
    actions = ["merge_selected", "delete_unused"]
    list_per_page = 100

    def get_queryset(self, request):
        counts = {name: _uses_of(content_type.model.tags.through) for name, content_type in USE_FIELDS.items()}
        return (
            super()
            .get_queryset(request)
            .annotate(**counts)
            .annotate(uses=reduce(add, (F(name) for name in USE_FIELDS)))
        )

    @admin.display(description="uses (drafts included)", ordering="uses")
    def uses(self, tag):
        return tag.uses

    @admin.display(description="used on")
    def used_on(self, tag):
        parts = [f"{ct.label} {getattr(tag, name)}" for name, ct in USE_FIELDS.items() if getattr(tag, name)]
        return ", ".join(parts) or "—"

    @admin.action(description="Merge selected tags into one…", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        tags = queryset.order_by("name")
        if tags.count() < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None, tags=tags)
        if form.is_valid():
            target = form.cleaned_data["target"]
            sources = [tag for tag in tags if tag.pk != target.pk]
            moved = merge_tags(target=target, sources=sources)
            names = ", ".join(f"“{tag.name}”" for tag in sources)
            self.message_user(request, f"Merged {names} into “{target.name}” ({moved} uses moved).", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge tags",
            "opts": self.model._meta,
            "form": form,
            "tags": tags,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge.html", context)

    @admin.action(description="Delete selected tags that nothing uses", permissions=["delete"])
    def delete_unused(self, request, queryset):
        deletable = unused(queryset)
        kept = queryset.count() - deletable.count()
        deleted, _ = deletable.delete()
        message = f"{deleted} unused tag(s) deleted."
        if kept:
            message += f" {kept} tag(s) are still in use and were kept; merge them instead."
        self.message_user(request, message, messages.SUCCESS)
