from itertools import groupby

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from healthhub import content
from healthhub.glossary_links import GlossaryLinker
from healthhub.views import VisibleMixin

from .models import FAQ, Article, Treatment, TreatmentList, Trigger


def grouped(items, key, labels):
    """[(label, [items])] in the order of `labels` (a choices list), skipping empty groups."""
    order = {value: rank for rank, (value, _label) in enumerate(labels)}
    ordered = sorted(items, key=lambda item: order.get(key(item), len(order)))
    names = dict(labels)
    return [(names.get(value, value), list(group)) for value, group in groupby(ordered, key=key)]


# List views build their querysets per request: published() reads the clock.


class ArticleListView(ListView):
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().prefetch_related("tags")


class ArticleDetailView(VisibleMixin, DetailView):
    queryset = Article.objects.prefetch_related("tags")

    def get_context_data(self, **kwargs):
        article = self.object
        # The article is visible (or previewed by staff), so its parts need only their own state.
        treatment_lists = article.treatment_lists.published(parents=False).prefetch_related(
            Prefetch("treatments", queryset=Treatment.objects.published(parents=False))
        )
        faqs = list(article.faqs.published(parents=False))
        treatment_groups = grouped(treatment_lists, lambda t: t.kind, TreatmentList.Kind.choices)
        trigger_groups = grouped(article.triggers.published(), lambda t: t.category, Trigger.Category.choices)
        sections = [
            ("faqs", "Questions people ask", faqs),
            ("treatments", "Treatments and self-help", treatment_groups),
            ("triggers", "Possible triggers", trigger_groups),
        ]
        return super().get_context_data(
            faqs=faqs,
            treatment_groups=treatment_groups,
            trigger_groups=trigger_groups,
            toc_extras=[(anchor, label) for anchor, label, items in sections if items],
            related=content.related(article),
            glossary_linker=GlossaryLinker(enabled=article.has_glossary_links),
            **kwargs,
        )


class FAQListView(ListView):
    paginate_by = 50

    def get_queryset(self):
        return FAQ.objects.published().select_related("article").order_by("article__title", "order", "pk")


class FAQDetailView(VisibleMixin, DetailView):
    queryset = FAQ.objects.select_related("article").prefetch_related("tags")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            related=content.related(self.object), glossary_linker=GlossaryLinker(), **kwargs
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
    queryset = Treatment.objects.select_related("treatment_list__article").prefetch_related("tags")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            related=content.related(self.object), glossary_linker=GlossaryLinker(), **kwargs
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
    queryset = Trigger.objects.prefetch_related("tags")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            articles=self.object.articles.published(),
            related=content.related(self.object),
            glossary_linker=GlossaryLinker(),
            **kwargs,
        )
