"""The publication rule shared by every public content type.

An item is visible to visitors when it is published, its publication time has
passed, and every parent it hangs from (an FAQ's article, a treatment's list
and that list's article) is visible too. `published()` is the only definition
of that rule; views, tag pages, search, feeds, sitemaps and counts start from it.
"""

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from healthhub.cache import content_changed
from healthhub.markdown import render_markdown


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self, *, parents=True):
        """Items visitors may see.

        `parents=False` checks the items' own state only: for the children
        listed on a parent's page, once that parent has been found visible
        (or is being previewed by staff).
        """
        now = timezone.now()
        rule = Q(status=Status.PUBLISHED, published_at__lte=now)
        for path, optional in self.model.visibility_parents if parents else ():
            parent = Q(**{f"{path}__status": Status.PUBLISHED, f"{path}__published_at__lte": now})
            if optional:
                parent |= Q(**{f"{path}__isnull": True})
            rule &= parent
        return self.filter(rule)

    def update(self, **kwargs):
        # Bulk updates (such as the admin's publish action) send no signals.
        rows = super().update(**kwargs)
        content_changed()
        return rows

    def sharing_tags(self, obj):
        """Other items that share tags with `obj`, most shared tags first, then newest.

        `obj.tags.all()` should be prefetched; the ranking itself is one query.
        """
        tag_ids = [tag.pk for tag in obj.tags.all()]
        others = self.filter(tags__in=tag_ids)
        if isinstance(obj, self.model):
            others = others.exclude(pk=obj.pk)
        return others.annotate(shared_tags=Count("tags")).order_by("-shared_tags", "-published_at", "pk")


class Publishable(models.Model):
    """Fields and behaviour every public content type shares."""

    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Drafts are seen only by staff. Published items appear once their publication time has passed.",
    )
    published_at = models.DateTimeField(
        "publication time",
        default=timezone.now,
        help_text="When visitors can first see this. A future time schedules it, e.g. tomorrow 09:00.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    # (lookup path to a parent, whether that parent is optional), e.g.
    # [("article", True)] for an FAQ that may stand on its own.
    visibility_parents = []
    # Markdown fields whose sanitized HTML is stored in "<name>_html" on save.
    markdown_fields = ()

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["status", "published_at"], name="%(app_label)s_%(class)s_visible"),
        ]

    def save(self, *args, **kwargs):
        # Stored HTML is what visitors get: render it whenever the Markdown is saved.
        for name in self.markdown_fields:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)).html)
        super().save(*args, **kwargs)

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED and self.published_at <= timezone.now()

    def is_visible(self):
        """Whether visitors can see this item, parents included (one query)."""
        return type(self).objects.published().filter(pk=self.pk).exists()
