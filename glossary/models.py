import unicodedata

from django.db import models
from django.db.models.functions import Lower
from markdownx.models import MarkdownxField
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from healthhub.publishing.models import Publishable, publish_permission
from healthhub.text.paths import slug_path


class Term(Publishable):
    term = models.CharField(max_length=150, unique=True, help_text="The word or phrase, e.g. “Kyphosis”.")
    slug = models.SlugField(max_length=150, unique=True, help_text="The web address: /glossary/<slug>/.")
    short_definition = models.CharField(
        max_length=300,
        help_text="One or two plain sentences, no Markdown. Shown in the A-Z list and as a tooltip on linked words.",
    )
    definition = MarkdownxField(help_text="The full explanation. Markdown: - for a list, [text](https://…) for a link.")
    definition_html = models.TextField(editable=False, default="")
    aliases = models.TextField(
        blank=True,
        help_text="Other names for the same thing, one per line, e.g. “GON block” for “greater occipital nerve block”.",
    )
    related_terms = models.ManyToManyField("self", blank=True, help_text="Terms worth reading next.")
    tags = TaggableManager(through="TermTag", ordering=["name"], blank=True, help_text="Topics, separated by commas.")

    markdown_fields = ("definition",)
    # What glossary linking matches in texts (healthhub/publishing/events.py announces changes to them).
    matched_fields = ("term", "aliases")
    link_fields = ("term", "short_definition", "slug")
    _history_m2m_fields = ["related_terms"]

    class Meta(Publishable.Meta):
        ordering = [Lower("term"), "pk"]
        permissions = [publish_permission("term", "glossary terms")]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return slug_path("glossary:term-detail", self.slug)

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def sort_name(self):
        """The term without accents, for A-Z order: "Éclampsia" files under E."""
        decomposed = unicodedata.normalize("NFKD", self.term)
        return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()

    @property
    def letter(self):
        """The A-Z heading this term is filed under ("#" for digits and symbols)."""
        first = self.sort_name[:1].upper()
        return first if "A" <= first <= "Z" else "#"


class TermTag(TaggedItemBase):
    content_object = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_term_tag")]


class TermMention(models.Model):
    """One content item whose visitor-facing text mentions one glossary term: "Used in" on term pages.

    Kept by glossary.mentions after every save and delete; visitors see
    only the visible items among these rows.
    """

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="mentions")
    content_type = models.CharField(max_length=20, help_text="A key of healthhub.registry.CONTENT_TYPES.")
    object_id = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["term", "content_type", "object_id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "content_type", "object_id"], name="unique_term_mention"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="termmention_item")]

    def __str__(self):
        return f"{self.term} in {self.content_type} {self.object_id}"


class PendingMention(models.Model):
    """A content item whose mentions must be worked out again after a term changed (glossary.mentions).

    A term with a common name can appear in most texts on the site, more than one
    request can read, so its items wait here and are worked through in batches.
    """

    content_type = models.CharField(max_length=20, help_text="A key of healthhub.registry.CONTENT_TYPES.")
    object_id = models.PositiveBigIntegerField()
    queued_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_pending_mention"),
        ]

    def __str__(self):
        return f"{self.content_type} {self.object_id} queued at {self.queued_at}"
