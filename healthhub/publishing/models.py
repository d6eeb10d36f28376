"""The publication rule shared by every public content type.

An item is visible to visitors when it is published, its publication time has
passed, its unpublish time (if any) has not, and every parent it hangs from (an FAQ's article, a treatment's list
and that list's article) is visible too. `published()` is the only definition
of that rule; views, tag pages, search, feeds, sitemaps and counts start from it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from healthhub.publishing import events
from healthhub.revisions import RevisionRelations
from healthhub.text.markdown import render_markdown


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = events.PUBLISHED, "Published"


def visible_rule(now, prefix=""):
    """Published, publication time passed, unpublish time (if any) not yet reached."""
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__lte": now}) & (
        Q(**{f"{prefix}unpublish_at__isnull": True}) | Q(**{f"{prefix}unpublish_at__gt": now})
    )


def publish_permission(model_name, plural):
    """The permission that lets Publishers publish, unpublish and schedule one content type.

    Named "publish_<model name>" so that `can_publish()` finds it for any model.
    """
    return (f"publish_{model_name}", f"Can publish, unpublish and schedule {plural}")


def can_publish(user, model):
    return user.has_perm(f"{model._meta.app_label}.publish_{model._meta.model_name}")


class PublishableQuerySet(models.QuerySet):
    def published(self, *, parents=True, now=None):
        """Items visitors may see (at `now`, by default the present).

        `parents=False` checks the items' own state only: for the children
        listed on a parent's page, once that parent has been found visible
        (or is being previewed by staff). `parents` may also name the parents
        to check, e.g. ["treatment_list"] for treatments on their article's page.
        """
        now = now or timezone.now()
        rule = visible_rule(now)
        for path, optional in self.model.visibility_parents:
            if not (parents is True or (parents and path in parents)):
                continue
            parent = visible_rule(now, f"{path}__")
            if optional:
                parent |= Q(**{f"{path}__isnull": True})
            rule &= parent
        return self.filter(rule)

    def update(self, **kwargs):
        # Bulk updates send no model signals: announce what they change (the rows as they were, then are).
        before = events.rows_before_update(self)
        count = super().update(**kwargs)
        events.announce(events.describe_update(self.model, before, kwargs))
        return count

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
        help_text=(
            "Drafts and items in review are seen only by staff. Published items appear once their publication "
            "time has passed. Only publishers can publish."
        ),
    )
    published_at = models.DateTimeField(
        "publication time",
        default=timezone.now,
        help_text="When visitors can first see this. A future time schedules it, e.g. tomorrow 09:00.",
    )
    unpublish_at = models.DateTimeField(
        "unpublish time",
        null=True,
        blank=True,
        help_text="Optional. When visitors stop seeing this, e.g. the end of a seasonal campaign. Empty: no end.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()
    # Every save and delete keeps a revision (who, when, what, with tags and links) that can be compared
    # and restored. Models list their many-to-many fields in `_history_m2m_fields` (healthhub/revisions.py).
    history = HistoricalRecords(inherit=True, bases=[RevisionRelations])

    # (lookup path to a parent, whether that parent is optional), e.g.
    # [("article", True)] for an FAQ that may stand on its own.
    visibility_parents = []
    # The fields that decide whether visitors see an item, whatever its parents (healthhub.publishing.events).
    visibility_fields = ("status", "published_at", "unpublish_at")
    # Markdown fields whose sanitized HTML is stored in "<name>_html" on save.
    markdown_fields = ()

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["status", "published_at"], name="%(app_label)s_%(class)s_visible"),
            # Few items have an end; the next one to end is looked up whenever content changes.
            models.Index(
                fields=["status", "unpublish_at"],
                condition=models.Q(unpublish_at__isnull=False),
                name="%(app_label)s_%(class)s_ends",
            ),
        ]

    def save(self, *args, **kwargs):
        # Stored HTML is what visitors get: render it whenever the Markdown is saved.
        self.render_markdown_fields()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.unpublish_at and self.published_at and self.unpublish_at <= self.published_at:
            raise ValidationError({"unpublish_at": "The unpublish time must come after the publication time."})

    def render_markdown_fields(self):
        """Fill the stored HTML from the Markdown; also used by the unsaved-change preview."""
        for name in self.markdown_fields:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)).html)

    def is_visible(self):
        """Whether visitors can see this item, parents included (one query)."""
        return type(self).objects.published().filter(pk=self.pk).exists()
