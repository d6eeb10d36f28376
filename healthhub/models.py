"""healthhub's own tables: site settings editors change, the search index, and the caches' bookkeeping.

SearchEntry is the site-wide search index: one row per content item, whatever its type.

Rows are written only by healthhub/search/index.py (after every content change,
and by `manage.py rebuild_search_index`); visitors never see a row directly.
PostgreSQL fills `vector` and has GIN and trigram indexes on it; SQLite keeps a
full-text (FTS5) copy in a virtual table. Both are created by migrations that
do nothing on the other engine.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

STANDARD_DISCLAIMER = (
    "This page gives general information. It is not a diagnosis and does not replace advice from a qualified "
    "health professional who knows you. If you are worried about symptoms, or they are sudden or severe, "
    "get medical help."
)


class SiteSettings(models.Model):
    disclaimer = models.TextField(
        "standard medical disclaimer",
        default=STANDARD_DISCLAIMER,
        help_text="Shown at the end of every article and treatment page unless an article has its own disclaimer.",
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        # One row only: whatever the admin saves becomes row 1.
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings


class SearchEntry(models.Model):
    content_type = models.CharField(max_length=20, help_text="A key of healthhub.registry.CONTENT_TYPES.")
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    aliases = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Plain text, without markup.")
    tag_names = models.TextField(blank=True)
    # The item's tags as " #12 #40 ": what tag filters match (see search.tag_keys). On PostgreSQL
    # each "#id" is also a lexeme of `vector`, so a tag filter is one more lookup in the same GIN
    # index instead of a join; visitors' words never become lexemes starting with "#".
    tag_keys = models.TextField(blank=True, default="")
    url = models.CharField(max_length=500)
    # The publication rule (publishing.py) folded into one time, so a search
    # needs no join per content type: the latest publication time of the item
    # and its parents, or NULL while any of them is a draft.
    visible_from = models.DateTimeField(null=True, blank=True)
    # The earliest unpublish time of the item and its parents, if any.
    visible_until = models.DateTimeField(null=True, blank=True)
    # Weighted full-text vectors, PostgreSQL only (NULL on SQLite): everything, and the leading fields
    # alone (title, aliases, summary, tags), which let very broad searches rank a bounded set.
    vector = SearchVectorField(null=True, editable=False)
    head_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "search entries"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_search_entry"),
        ]
        indexes = [models.Index(fields=["visible_from", "content_type"], name="searchentry_visible")]

    def __str__(self):
        return f"{self.content_type}: {self.title}"


class SearchWord(models.Model):
    """A word found in the search index, for "Did you mean ...?" (search.query.corrected).

    Words come from every entry, drafts included; a suggestion is offered only
    when it finds visible pages, so no draft's words are shown. Words of
    deleted items stay until `manage.py rebuild_search_index`.
    """

    word = models.CharField(max_length=40, primary_key=True)

    class Meta:
        ordering = ["word"]

    def __str__(self):
        return self.word


class Stamp(models.Model):
    """When something cached values depend on last changed (healthhub/caching/stamps.py).

    `key` names it ("item:articles.faq:12", "tag:7", "glossary"...); `value` is a
    number that only grows (microseconds since 1970, or the previous one plus
    one). Written only after a change commits, by one writer at a time. Used when
    REDIS_URL is not set; with Redis the stamps live in Redis.
    """

    key = models.CharField(max_length=100, primary_key=True)
    value = models.BigIntegerField()
    # Only for "~recent": the newest stamps with the keys each gave (stamps.Recent).
    data = models.JSONField(null=True, blank=True)

    def __str__(self):
        return f"{self.key} = {self.value}"


class RelatedList(models.Model):
    """An item's related pages as last worked out (related.queries.related), kept while they are current.

    A list is used while none of the stamps of `keys` (the item, its tags, and
    the items it shows) is newer than `started`, the stamp counter read before
    it was worked out (under the same `epoch`); any other read works it out again and stores it.
    """

    content_type = models.CharField(max_length=20, help_text="A key of healthhub.registry.CONTENT_TYPES.")
    object_id = models.PositiveBigIntegerField()
    # What each related link shows (registry.link_columns), best first.
    items = models.JSONField(default=list)
    # The stamp store's epoch and counter when the list was worked out.
    epoch = models.BigIntegerField(default=0)
    started = models.BigIntegerField(default=0)
    keys = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_related_list")]

    def __str__(self):
        return f"Related to {self.content_type} {self.object_id}"
