from django import forms
from django.contrib import admin

from healthhub.admin import PublishableAdmin, PublishedByDefaultInline
from healthhub.admin_import import ContentTransferMixin
from healthhub.images import clean_image_upload

from .models import FAQ, Article, Treatment, TreatmentList, Trigger


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if image and image != self.initial.get("hero_image"):
            return clean_image_upload(image)
        return image


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


@admin.register(Article)
class ArticleAdmin(ContentTransferMixin, PublishableAdmin):
    form = ArticleForm
    list_display_extra = ("title",)
    search_fields = ("title", "slug", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (FAQInline, TreatmentListInline, TriggerInline)
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "body", "tags")}),
        ("Publication", {"fields": ("status", "published_at")}),
        ("Picture", {"fields": ("hero_image", "hero_image_alt", "hero_image_credit"), "classes": ("collapse",)}),
        ("Disclaimer", {"fields": ("disclaimer",), "classes": ("collapse",)}),
    )


@admin.register(FAQ)
class FAQAdmin(PublishableAdmin):
    list_display_extra = ("question", "article")
    list_select_related = ("article",)
    search_fields = ("question", "answer", "article__title")
    autocomplete_fields = ("article",)
    prepopulated_fields = {"slug": ("question",)}
    fields = ("question", "slug", "answer", "article", "order", "tags", "status", "published_at")


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
    fields = ("title", "kind", "intro", "article", "order", "tags", "status", "published_at")


@admin.register(Treatment)
class TreatmentAdmin(PublishableAdmin):
    list_display_extra = ("name", "treatment_list", "evidence_level")
    list_select_related = ("treatment_list",)
    list_filter = ("treatment_list__kind", "evidence_level", *PublishableAdmin.list_filter)
    search_fields = ("name", "description", "treatment_list__title")
    autocomplete_fields = ("treatment_list",)
    prepopulated_fields = {"slug": ("name",)}
    fields = (
        "name", "slug", "treatment_list", "evidence_level", "description", "contraindications",
        "order", "tags", "status", "published_at",
    )  # fmt: skip


@admin.register(Trigger)
class TriggerAdmin(PublishableAdmin):
    list_display_extra = ("name", "category")
    list_filter = ("category", *PublishableAdmin.list_filter)
    search_fields = ("name", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("articles",)
    fields = ("name", "slug", "category", "description", "articles", "tags", "status", "published_at")
