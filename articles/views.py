from django.template.loader import render_to_string
from django.urls import reverse
from django.views.generic import DetailView, ListView

from glossary.linking import GlossaryLinker
from healthhub.caching import keys
from healthhub.caching.deps import track
from healthhub.publishing.views import VisibleMixin
from healthhub.related.queries import related_for
from healthhub.text import structured_data

from . import content_cache, sections
from .models import FAQ, Article, Reviewer, Treatment, TreatmentList, Trigger
from .sections import grouped


class ArticleListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        track(keys.of_type(Article))
        return Article.objects.published().prefetch_related("tags")


class ArticleDetailView(VisibleMixin, DetailView):
    # The page shows the stored HTML: its Markdown source stays in the database.
    queryset = Article.objects.select_related("reviewed_by").defer(*Article.markdown_fields)

    def get_context_data(self, **kwargs):
        article = self.object
        track(keys.item(article), *keys.items(filter(None, [article.reviewed_by])))
        if self.request.user.is_staff:
            # Staff may be previewing: their pages neither come from the cache nor go into it.
            article_content, faq_block = self.render_content()
        else:
            article_content, faq_block = content_cache.content(self.request, article, self.render_content)
        related = related_for(article, self.request.user)
        return super().get_context_data(
            article_content=article_content,
            related=related,
            structured_data=self.structured_data(faq_block),
            **kwargs,
        )

    def render_content(self):
        """(the HTML of the body and every section under it, glossary terms linked; the FAQs' structured data)."""
        article = self.object
        track(keys.item(article))
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
        track(keys.of_type(FAQ), keys.of_type(Article))
        return FAQ.objects.published().select_related("article").order_by("article__title", "order", "pk")


class FAQDetailView(VisibleMixin, DetailView):
    queryset = FAQ.objects.select_related("article").prefetch_related("references")

    def get_context_data(self, **kwargs):
        faq = self.object
        track(keys.item(faq), *keys.links(filter(None, [faq.article])), *keys.items(faq.references.all()))
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
        track(keys.of_type(Treatment), keys.of_type(TreatmentList), keys.of_type(Article))
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
        parents = [treatment.treatment_list, treatment.treatment_list.article]
        track(keys.item(treatment), *keys.links(parents), *keys.items(treatment.references.all()))
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
        track(keys.of_type(Trigger))
        return Trigger.objects.published().order_by("category", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = grouped(context["object_list"], lambda t: t.category, Trigger.Category.choices)
        return context


class TriggerDetailView(VisibleMixin, DetailView):
    model = Trigger

    def get_context_data(self, **kwargs):
        trigger = self.object
        articles = list(trigger.articles.published())
        track(keys.item(trigger), *keys.links(articles))
        crumbs = [
            ("Home", reverse("home")),
            ("Triggers", reverse("articles:trigger-list")),
            (trigger.name, trigger.get_absolute_url()),
        ]
        return super().get_context_data(
            articles=articles,
            related=related_for(trigger, self.request.user),
            glossary_linker=GlossaryLinker(),
            structured_data=[structured_data.breadcrumb_list(self.request, crumbs)],
            **kwargs,
        )


class ReviewerDetailView(DetailView):
    """Who a reviewer is and the visible articles they reviewed."""

    model = Reviewer

    def get_context_data(self, **kwargs):
        articles = list(Article.objects.published().filter(reviewed_by=self.object).order_by("title"))
        track(keys.item(self.object), *keys.links(articles))
        return super().get_context_data(reviewed_articles=articles, **kwargs)
