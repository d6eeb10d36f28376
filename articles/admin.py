from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from healthhub import revisions
from healthhub.publishing.admin import PublishableAdmin, PublishableForm, PublishedByDefaultInline
from healthhub.text.images import clean_image_upload
from healthhub.transfer.admin import ContentTransferMixin

from . import views
from .models import DUE_SOON_DAYS, FAQ, Article, Reference, Reviewer, Treatment, TreatmentList, Trigger

REVIEW_FIELDS = ("last_reviewed_on", "reviewed_by", "next_review_due")


class ReviewDueFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("soon", f"Due within {DUE_SOON_DAYS} days"),
            ("never", "Never reviewed"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "soon":
            return queryset.review_due_soon()
        if self.value() == "never":
            return queryset.filter(last_reviewed_on__isnull=True)
        return queryset


class CitingForm(PublishableForm):
    """FAQs and treatments may cite only references of their own article."""

    def clean(self):
        cleaned = super().clean()
        article = self.cited_article(cleaned)
        wrong = [ref for ref in cleaned.get("references") or () if ref.article_id != getattr(article, "pk", None)]
        if wrong:
            self.add_error(
                "references", "Choose references from this item's own article: " + ", ".join(map(str, wrong))
            )
        return cleaned

    def cited_article(self, cleaned):
        return cleaned.get("article")


class ArticleForm(PublishableForm):
    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if image and image != self.initial.get("hero_image"):
            return clean_image_upload(image)
        return image


class ReferenceInline(admin.TabularInline):
    model = Reference
    fields = ("order", "title", "url", "publisher", "accessed_on")
    extra = 0


class FAQInline(PublishedByDefaultInline, admin.StackedInline):
    model = FAQ
    fields = ("question", "slug", "answer", "order", "status", "tags")
    prepopulated_fields = {"slug": ("question",)}
    classes = ("collapse",)


class TreatmentListInline(PublishedByDefaultInline, admin.TabularInline):
    model = TreatmentList
    fields = ("title", "kind", "order", "status")
    show_change_link = True


class TriggerInline(admin.TabularInline):
    model = Trigger.articles.through
    autocomplete_fields = ("trigger",)
    extra = 0
    verbose_name = "trigger"
    verbose_name_plural = "triggers"


@admin.register(Reviewer)
class ReviewerAdmin(SimpleHistoryAdmin):
    list_display = ("name", "credentials", "affiliation")
    search_fields = ("name", "credentials", "affiliation")
    prepopulated_fields = {"slug": ("name",)}

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # The default asks select_related() for every relation; a reviewer has none but the revision's author.
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")


@admin.register(Reference)
class ReferenceAdmin(SimpleHistoryAdmin):
    """References are written in their article's form; this list gives each one its history."""

    list_display = ("title", "article", "publisher", "accessed_on")
    list_select_related = ("article",)
    search_fields = ("title", "publisher", "url", "article__title")
    autocomplete_fields = ("article",)


@admin.register(Article)
class ArticleAdmin(ContentTransferMixin, PublishableAdmin):
    form = ArticleForm
    list_display_extra = ("title",)
    list_filter = (ReviewDueFilter, *PublishableAdmin.list_filter)
    search_fields = ("title", "slug", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("reviewed_by",)
    inlines = (ReferenceInline, FAQInline, TreatmentListInline, TriggerInline)
    public_view = views.ArticleDetailView
    change_list_template = "admin/articles/article/change_list.html"
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "body", "readability", "tags")}),
        ("Publication", {"fields": ("status", "published_at", "unpublish_at", "version")}),
        ("Medical review", {"fields": REVIEW_FIELDS}),
        ("Picture", {"fields": ("hero_image", "hero_image_alt", "hero_image_credit"), "classes": ("collapse",)}),
        ("Disclaimer", {"fields": ("disclaimer",), "classes": ("collapse",)}),
        ("Glossary links", {"fields": ("has_glossary_links",), "classes": ("collapse",)}),
    )

    def get_list_display(self, request):
        return (*super().get_list_display(request), "next_review_due")

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Trigger.articles.through:
            self._record_trigger_links(request, form.instance, formset)

    def _record_trigger_links(self, request, article, formset):
        # The links belong to the triggers (Trigger.articles), so each trigger linked or unlinked here gets a
        # revision, as if its own form had been saved.
        ids = set()
        for row in formset.forms:
            if row.has_changed() or row in formset.deleted_forms:
                chosen = row.cleaned_data.get("trigger")
                ids |= {row.initial.get("trigger"), chosen and chosen.pk}
        revisions.revise(
            Trigger, ids - {None}, reason=f"Articles changed in the form of “{article}”", user=request.user
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Only medical reviewers (and publishers, who hold every permission) sign off a review.
        return fields if request.user.has_perm("articles.review_article") else (*fields, *REVIEW_FIELDS)

    def get_urls(self):
        dashboard = self.admin_site.admin_view(self.review_dashboard_view)
        return [path("reviews/", dashboard, name="articles_article_reviews"), *super().get_urls()]

    def review_dashboard_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        articles = Article.objects.select_related("reviewed_by").order_by("next_review_due", "title")
        context = {
            **self.admin_site.each_context(request),
            "opts": Article._meta,
            "title": "Medical reviews due",
            "today": today,
            "due_soon_days": DUE_SOON_DAYS,
            "overdue": articles.review_overdue(today),
            "due_soon": articles.review_due_soon(today),
            "never": articles.filter(last_reviewed_on__isnull=True).order_by("title"),
        }
        return TemplateResponse(request, "admin/articles/review_dashboard.html", context)


@admin.register(FAQ)
class FAQAdmin(PublishableAdmin):
    form = CitingForm
    list_display_extra = ("question", "article")
    list_select_related = ("article",)
    search_fields = ("question", "answer", "article__title")
    autocomplete_fields = ("article",)
    filter_horizontal = ("references",)
    prepopulated_fields = {"slug": ("question",)}
    public_view = views.FAQDetailView
    fields = (
        "question", "slug", "answer", "readability", "article", "references", "order", "tags",
        "status", "published_at", "unpublish_at", "version",
    )  # fmt: skip


class TreatmentInline(PublishedByDefaultInline, admin.StackedInline):
    model = Treatment
    fields = ("name", "slug", "evidence_level", "description", "contraindications", "order", "status", "tags")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(TreatmentList)
class TreatmentListAdmin(PublishableAdmin):
    list_display_extra = ("title", "kind", "article")
    list_select_related = ("article",)
    list_filter = ("kind", *PublishableAdmin.list_filter)
    search_fields = ("title", "intro", "article__title")
    autocomplete_fields = ("article",)
    inlines = (TreatmentInline,)
    fields = (
        "title", "kind", "intro", "article", "order", "tags", "status", "published_at", "unpublish_at", "version",
    )  # fmt: skip


class TreatmentForm(CitingForm):
    def cited_article(self, cleaned):
        treatment_list = cleaned.get("treatment_list")
        return treatment_list.article if treatment_list else None


@admin.register(Treatment)
class TreatmentAdmin(PublishableAdmin):
    form = TreatmentForm
    list_display_extra = ("name", "treatment_list", "evidence_level")
    list_select_related = ("treatment_list",)
    list_filter = ("treatment_list__kind", "evidence_level", *PublishableAdmin.list_filter)
    search_fields = ("name", "description", "treatment_list__title")
    autocomplete_fields = ("treatment_list",)
    filter_horizontal = ("references",)
    prepopulated_fields = {"slug": ("name",)}
    public_view = views.TreatmentDetailView
    fields = (
        "name", "slug", "treatment_list", "evidence_level", "description", "contraindications", "readability",
        "references", "order", "tags", "status", "published_at", "unpublish_at", "version",
    )  # fmt: skip


@admin.register(Trigger)
class TriggerAdmin(PublishableAdmin):
    list_display_extra = ("name", "category")
    list_filter = ("category", *PublishableAdmin.list_filter)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("articles",)
    public_view = views.TriggerDetailView
    fields = (
        "name", "slug", "category", "description", "readability", "articles", "tags",
        "status", "published_at", "unpublish_at", "version",
    )  # fmt: skip
