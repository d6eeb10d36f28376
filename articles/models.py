import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from healthhub.publishing.models import Publishable, PublishableQuerySet, publish_permission
from healthhub.text.markdown import render_markdown
from healthhub.text.paths import slug_path

MARKDOWN_HELP = "Markdown: ## for a section heading, - for a list, [text](https://…) for a link."
# How long a medical review stays current unless the reviewer says otherwise.
REVIEW_INTERVAL_DAYS = 365
DUE_SOON_DAYS = 30


class Reviewer(models.Model):
    """A health professional who checks articles; visitors see who they are and what they reviewed."""

    name = models.CharField(max_length=150, help_text="Full name as it should appear, e.g. “Dr Amina Patel”.")
    slug = models.SlugField(max_length=150, unique=True, help_text="The web address: /reviewers/<slug>/.")
    credentials = models.CharField(
        max_length=200, help_text="Qualifications and role, e.g. “MBBS, MRCP, consultant neurologist”."
    )
    affiliation = models.CharField(
        max_length=200, blank=True, help_text="Where they work, e.g. “Royal Infirmary, Leeds”. Optional."
    )
    bio = models.TextField("short bio", blank=True, help_text="Two or three plain sentences about their experience.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_path("articles:reviewer-detail", self.slug)


class ArticleQuerySet(PublishableQuerySet):
    def review_overdue(self, today=None):
        return self.filter(next_review_due__lt=today or timezone.localdate())

    def review_due_soon(self, today=None):
        today = today or timezone.localdate()
        return self.filter(next_review_due__gte=today, next_review_due__lte=today + datetime.timedelta(DUE_SOON_DAYS))


class Article(Publishable):
    title = models.CharField(max_length=200, help_text="The page heading, e.g. “Upper back pain when running”.")
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The web address of the page: /articles/<slug>/. Lower case and hyphens, e.g. upper-back-pain.",
    )
    summary = models.CharField(
        max_length=300,
        help_text="One or two plain sentences shown in lists and search results.",
    )
    body = MarkdownxField(help_text=MARKDOWN_HELP + " Headings build the page's table of contents.")
    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField("table of contents", editable=False, default=list)
    hero_image = models.ImageField(
        upload_to="articles/",
        blank=True,
        help_text="Optional picture at the top of the page: JPEG, PNG or WebP, at most 5 MB.",
    )
    hero_image_alt = models.CharField(
        "image description",
        max_length=250,
        blank=True,
        help_text="What the picture shows, for people who cannot see it, e.g. “A runner stretching her upper back”.",
    )
    hero_image_credit = models.CharField(
        "image credit",
        max_length=250,
        blank=True,
        help_text="Who made the picture, e.g. “Photo: Jane Doe”.",
    )
    disclaimer = models.TextField(
        blank=True,
        help_text="Shown at the end of the page. Leave blank for the standard medical disclaimer.",
    )
    has_glossary_links = models.BooleanField(
        "link glossary terms",
        default=True,
        help_text="Link the first mention of each glossary term on this page (body, questions and treatments) "
        "to its explanation. Untick for pages where the links would get in the way.",
    )
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="The day a medical reviewer last checked the whole page."
    )
    reviewed_by = models.ForeignKey(
        Reviewer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_articles",
        help_text="Who checked it. Add reviewers under “Reviewers”.",
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="When the page should be checked again. Left empty, it is set to 12 months after the last review.",
    )
    tags = TaggableManager(
        through="ArticleTag",
        ordering=["name"],
        blank=True,
        help_text="Topics, separated by commas, e.g. posture, pain management.",
    )

    objects = ArticleQuerySet.as_manager()

    markdown_fields = ("body",)
    # What a link to it shows (healthhub.publishing.events).
    link_fields = ("title", "summary", "slug")
    # The trigger links are stored on the triggers (Trigger.articles); revisions record them too.
    _history_reverse_links = ["triggers"]

    class Meta(Publishable.Meta):
        ordering = ["-published_at", "pk"]
        indexes = [
            *Publishable.Meta.indexes,
            # The home page's A-Z topics and recently updated articles: read in order, stopping early.
            models.Index(fields=["title"], name="article_title"),
            models.Index(fields=["-updated_at"], name="article_updated"),
        ]
        permissions = [
            publish_permission("article", "articles"),
            ("review_article", "Can mark articles as medically reviewed"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": "Describe the picture for visitors who cannot see it."})
        if self.last_reviewed_on and not self.reviewed_by_id:
            raise ValidationError({"reviewed_by": "Say who reviewed the page."})

    def save(self, *args, **kwargs):
        if self.last_reviewed_on and not self.next_review_due:
            self.next_review_due = self.last_reviewed_on + datetime.timedelta(REVIEW_INTERVAL_DAYS)
        super().save(*args, **kwargs)

    def render_markdown_fields(self):
        rendered = render_markdown(self.body)
        self.body_html, self.toc = rendered.html, rendered.toc

    def get_absolute_url(self):
        return slug_path("articles:detail", self.slug)

    @property
    def is_review_overdue(self):
        return bool(self.next_review_due and self.next_review_due < timezone.localdate())


class Reference(models.Model):
    """A source an article relies on, listed at the end of its page; its FAQs and treatments may cite it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    title = models.CharField(max_length=300, help_text="Title of the source, e.g. “Cluster headache: management”.")
    url = models.URLField("web address", max_length=500, blank=True, help_text="Link to the source. Optional.")
    publisher = models.CharField(
        max_length=200, blank=True, help_text="Who published it, e.g. “NICE” or “The Lancet”. Optional."
    )
    accessed_on = models.DateField("date accessed", null=True, blank=True, help_text="When you last checked it.")
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first; the list is numbered.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class FAQ(Publishable):
    question = models.CharField(
        max_length=300, help_text="Asked the way a patient would ask it, e.g. “Can I keep running?”"
    )
    slug = models.SlugField(max_length=200, unique=True, help_text="The web address: /faqs/<slug>/.")
    answer = MarkdownxField(help_text=MARKDOWN_HELP)
    answer_html = models.TextField(editable=False, default="")
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="faqs",
        help_text="The article this question belongs to. Leave empty for a general question.",
    )
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    references = models.ManyToManyField(
        Reference,
        blank=True,
        related_name="faqs",
        help_text="Sources from the article's reference list this answer relies on.",
    )
    tags = TaggableManager(through="FAQTag", ordering=["name"], blank=True, help_text="Topics, separated by commas.")

    visibility_parents = [("article", True)]
    markdown_fields = ("answer",)
    link_fields = ("question", "slug")
    _history_m2m_fields = ["references"]

    class Meta(Publishable.Meta):
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"
        ordering = ["order", "pk"]
        permissions = [publish_permission("faq", "FAQs")]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return slug_path("articles:faq-detail", self.slug)


class TreatmentList(Publishable):
    class Kind(models.TextChoices):
        ACUTE = "acute", "Acute treatment"
        PREVENTIVE = "preventive", "Preventive treatment"
        INTERVENTIONAL = "interventional", "Interventional procedure"
        HOME_REMEDY = "home_remedy", "Complementary measure or home remedy"
        SELF_CARE = "self_care", "Self-care and exercise"
        TECHNIQUE = "technique", "Technique"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200, help_text="e.g. “Treating an attack” or “Prevention tips”.")
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.OTHER, help_text="Lists are grouped by kind."
    )
    intro = models.TextField(
        blank=True,
        help_text="One or two plain sentences introducing the list. "
        "The list shows on the article page once one of its treatments is published.",
    )
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="treatment_lists", help_text="The article this list belongs to."
    )
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first within the same kind.")
    tags = TaggableManager(
        through="TreatmentListTag", ordering=["name"], blank=True, help_text="Topics, separated by commas."
    )

    visibility_parents = [("article", False)]
    link_fields = ("title",)

    class Meta(Publishable.Meta):
        ordering = ["order", "pk"]
        permissions = [publish_permission("treatmentlist", "treatment lists")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.article.get_absolute_url() + f"#list-{self.pk}"

    @property
    def kind_rank(self):
        return list(self.Kind.values).index(self.kind)


class Treatment(Publishable):
    class Evidence(models.TextChoices):
        GUIDELINE = "guideline", "Recommended in clinical guidelines"
        STUDIED = "studied", "Studied, with supporting evidence"
        OFF_LABEL = "off_label", "Off-label or still in trials"
        ANECDOTAL = "anecdotal", "Reported as helpful by patients; not well studied"

    treatment_list = models.ForeignKey(TreatmentList, on_delete=models.CASCADE, related_name="treatments")
    name = models.CharField(max_length=200, help_text="e.g. “High-flow oxygen”.")
    slug = models.SlugField(max_length=200, unique=True, help_text="The web address: /treatments/<slug>/.")
    description = MarkdownxField(help_text=MARKDOWN_HELP)
    description_html = models.TextField(editable=False, default="")
    contraindications = MarkdownxField(
        blank=True, help_text="When not to use it, or who should ask a professional first. Optional."
    )
    contraindications_html = models.TextField(editable=False, default="")
    evidence_level = models.CharField(
        max_length=20, choices=Evidence.choices, blank=True, help_text="How well the evidence supports it. Optional."
    )
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")
    references = models.ManyToManyField(
        Reference,
        blank=True,
        related_name="treatments",
        help_text="Sources from the article's reference list this treatment relies on.",
    )
    tags = TaggableManager(
        through="TreatmentTag", ordering=["name"], blank=True, help_text="Topics, separated by commas."
    )

    visibility_parents = [("treatment_list", False), ("treatment_list__article", False)]
    markdown_fields = ("description", "contraindications")
    link_fields = ("name", "slug")
    _history_m2m_fields = ["references"]

    class Meta(Publishable.Meta):
        ordering = ["order", "pk"]
        permissions = [publish_permission("treatment", "treatments")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_path("articles:treatment-detail", self.slug)


class Trigger(Publishable):
    class Category(models.TextChoices):
        FOOD_DRINK = "food_drink", "Food and drink"
        ENVIRONMENT = "environment", "Environment"
        LIFESTYLE = "lifestyle", "Lifestyle"
        PHYSICAL = "physical", "Physical"
        MEDICAL = "medical", "Medical"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, help_text="e.g. “Red wine and other alcohol”.")
    slug = models.SlugField(max_length=200, unique=True, help_text="The web address: /triggers/<slug>/.")
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    description = MarkdownxField(help_text=MARKDOWN_HELP)
    description_html = models.TextField(editable=False, default="")
    articles = models.ManyToManyField(
        Article, blank=True, related_name="triggers", help_text="Articles where this trigger is listed."
    )
    tags = TaggableManager(
        through="TriggerTag", ordering=["name"], blank=True, help_text="Topics, separated by commas."
    )

    markdown_fields = ("description",)
    link_fields = ("name", "slug")
    _history_m2m_fields = ["articles"]

    class Meta(Publishable.Meta):
        ordering = ["name", "pk"]
        permissions = [publish_permission("trigger", "triggers")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_path("articles:trigger-detail", self.slug)


# One tag vocabulary, with a real foreign key per content type: tag pages and
# counts join on indexed integer columns instead of a generic relation.


class ArticleTag(TaggedItemBase):
    content_object = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")]


class FAQTag(TaggedItemBase):
    content_object = models.ForeignKey(FAQ, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_faq_tag")]


class TreatmentListTag(TaggedItemBase):
    content_object = models.ForeignKey(TreatmentList, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_treatmentlist_tag")]


class TreatmentTag(TaggedItemBase):
    content_object = models.ForeignKey(Treatment, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_treatment_tag")]


class TriggerTag(TaggedItemBase):
    content_object = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="unique_trigger_tag")]
