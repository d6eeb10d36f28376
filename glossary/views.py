from itertools import groupby

from django.urls import reverse
from django.views.generic import DetailView, ListView

from healthhub import content, structured_data
from healthhub.glossary_links import GlossaryLinker
from healthhub.views import VisibleMixin

from .models import Term


class TermListView(ListView):
    """The A-Z: every visible term under its letter, with a letter bar to jump."""

    def get_queryset(self):
        return Term.objects.published().only("term", "slug", "short_definition", "aliases")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        terms = sorted(context["object_list"], key=lambda t: (t.letter == "#", t.sort_name))
        letters = [(letter, list(group)) for letter, group in groupby(terms, key=lambda t: t.letter)]
        used = {letter for letter, _ in letters}
        context["letters"] = letters
        context["structured_data"] = [structured_data.glossary(self.request, terms)]
        context["alphabet"] = [(letter, letter in used) for letter in [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"]]
        return context


class TermDetailView(VisibleMixin, DetailView):
    queryset = Term.objects.prefetch_related("tags")

    def get_context_data(self, **kwargs):
        term = self.object
        crumbs = [
            ("Home", reverse("home")),
            ("Glossary", reverse("glossary:term-list")),
            (term.term, term.get_absolute_url()),
        ]
        return super().get_context_data(
            related_terms=term.related_terms.published(),
            related=content.related(term),
            used_in=content.used_in(term),
            glossary_linker=GlossaryLinker(exclude_term=term),
            structured_data=[
                structured_data.defined_term(self.request, term),
                structured_data.breadcrumb_list(self.request, crumbs),
            ],
            **kwargs,
        )
