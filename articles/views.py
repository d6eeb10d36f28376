from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.generic import DetailView, ListView

from glossary.linking import GlossaryLinker
from healthhub.cache import article_content_version, current_version, passed
from healthhub.publishing.views import VisibleMixin
from healthhub.related.queries import related_for
from healthhub.text import structured_data

from . import content_stamps, sections
from .models import FAQ, Article, Reviewer, Treatment, TreatmentList, Trigger
from .sections import grouped

# List views build their querysets per request: published() reads the clock.

# The rendered body and sections of an article are kept under the article's row, the
# article content version and its stamp (articles/content_stamps.py); its related pages
# under the content version (any change to content, tags or glossary terms, or a
# scheduled publication). The timeout only frees memory held by old versions.
CONTENT_CACHE_SECONDS = 24 * 3600


def content_cache_key(article):
    return f"article-content:{article.pk}:{article.updated_at.timestamp()}:{article_content_version().number}"


def related_cache_key(article):
    return f"article-related:{article.pk}:{current_version().number}"


class ArticleListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().prefetch_related("tags")


class ArticleDetailView(VisibleMixin, DetailView):
    # The page shows the stored HTML: its Markdown source stays in the database.
    queryset = Article.objects.select_related("reviewed_by").defer(*Article.markdown_fields)

    def get_context_data(self, **kwargs):
        article = self.object
        if self.request.user.is_staff:
            # Staff may be previewing: their pages neither come from the cache nor go into it.
            article_content, faq_block = self.render_content()
            related = related_for(article, self.request.user)
        else:
            article_content, faq_block, related = self.cached_content(article)
        return super().get_context_data(
            article_content=article_content,
            related=related,
            structured_data=self.structured_data(faq_block),
            **kwargs,
        )

    def cached_content(self, article):
        """(content HTML, FAQ structured data, related pages), each from the cache while it is current."""
        content_key, related_key, stamp_key = (
            content_cache_key(article),
            related_cache_key(article),
            content_stamps.key(article.pk),
        )
        found = cache.get_many([content_key, related_key, stamp_key])
        # Read before the sections: a change from here on deletes the stamp, so what is kept below is not read back.
        stamp = content_stamps.current(article.pk, found.get(stamp_key))
        kept = found.get(content_key)
        if kept is not None and kept[0] == stamp and not passed(kept[1]):
            _stamp, _until, article_content, faq_block = kept
        else:
            article_content, faq_block = self.render_content()
            # A part may be scheduled: the content version knows the next time anything's visibility changes.
            until = current_version().next_change_at
            cache.set(content_key, (stamp, until, article_content, faq_block), CONTENT_CACHE_SECONDS)
        related = found.get(related_key)
        if related is None:
            related = related_for(article, self.request.user)
            cache.set(related_key, related, CONTENT_CACHE_SECONDS)
        return article_content, faq_block, related

    def render_content(self):
        """(the HTML of the body and every section under it, glossary terms linked; the FAQs' structured data)."""
        article = self.object
        parts = sections.load(article)
        context = {
            "article": article,
            "sections": parts,
            "toc_extras": parts.toc_extras(),
            "glossary_linker": GlossaryLinker(enabled=article.has_glossary_links),
        }
        faq_block = structured_data.faq_page(self.request, parts.faqs) if parts.faqs else None
        return render_to_string("articles/article_detail_content.html", context, self.request), faq_block

    def structured_data(self, faq_block):
        article = self.object
        crumbs = [
            ("Home", reverse("home")),
            ("Topics", reverse("articles:list")),
            (article.title, article.get_absolute_url()),
        ]
        blocks = [
            structured_data.article_page(self.request, article),
            structured_data.breadcrumb_list(self.request, crumbs),
        ]
        if faq_block:
            blocks.append(faq_block)
        return blocks


class FAQListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return FAQ.objects.published().select_related("article").order_by("article__title", "order", "pk")


class FAQDetailView(VisibleMixin, DetailView):
    queryset = FAQ.objects.select_related("article").prefetch_related("references")

    def get_context_data(self, **kwargs):
        faq = self.object
        crumbs = [
            ("Home", reverse("home")),
            ("FAQs", reverse("articles:faq-list")),
            (faq.question, faq.get_absolute_url()),
        ]
        return super().get_context_data(
            related=related_for(faq, self.request.user),
            glossary_linker=GlossaryLinker(),
            structured_data=[
                structured_data.faq_page(self.request, [faq]),
                structured_data.breadcrumb_list(self.request, crumbs),
            ],
            **kwargs,
        )


class TreatmentListView(ListView):
    template_name = "articles/treatment_list.html"
    paginate_by = 100

    def get_queryset(self):
        return (
            Treatment.objects.published()
            .select_related("treatment_list__article")
            .order_by("treatment_list__kind", "treatment_list__article__title", "treatment_list__order", "order")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = grouped(context["object_list"], lambda t: t.treatment_list.kind, TreatmentList.Kind.choices)
        return context


class TreatmentDetailView(VisibleMixin, DetailView):
    queryset = Treatment.objects.select_related("treatment_list__article").prefetch_related("references")

    def get_context_data(self, **kwargs):
        treatment = self.object
        crumbs = [
            ("Home", reverse("home")),
            ("Treatments", reverse("articles:treatment-list")),
            (treatment.name, treatment.get_absolute_url()),
        ]
        return super().get_context_data(
            related=related_for(treatment, self.request.user),
            glossary_linker=GlossaryLinker(),
            structured_data=[structured_data.breadcrumb_list(self.request, crumbs)],
            **kwargs,
        )


class TriggerListView(ListView):
    paginate_by = 100

    def get_queryset(self):
        return Trigger.objects.published().order_by("category", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = grouped(context["object_list"], lambda t: t.category, Trigger.Category.choices)
        return context


class TriggerDetailView(VisibleMixin, DetailView):
    model = Trigger

    def get_context_data(self, **kwargs):
        trigger = self.object
        crumbs = [
            ("Home", reverse("home")),
            ("Triggers", reverse("articles:trigger-list")),
            (trigger.name, trigger.get_absolute_url()),
        ]
        return super().get_context_data(
            articles=trigger.articles.published(),
            related=related_for(trigger, self.request.user),
            glossary_linker=GlossaryLinker(),
            structured_data=[structured_data.breadcrumb_list(self.request, crumbs)],
            **kwargs,
        )


class ReviewerDetailView(DetailView):
    """Who a reviewer is and the visible articles they reviewed."""

    model = Reviewer

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reviewed_articles=Article.objects.published().filter(reviewed_by=self.object).order_by("title"),
            **kwargs,
        )
