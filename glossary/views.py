from itertools import groupby

from django.http import Http404
from django.urls import reverse
from django.views.generic import DetailView, ListView

from glossary.linking import GlossaryLinker
from glossary.mentions import used_in
from healthhub.caching import keys
from healthhub.caching.deps import track
from healthhub.publishing.views import VisibleMixin
from healthhub.related.queries import related_for
from healthhub.text import structured_data

from .models import Term

# Up to this many terms the A-Z is one page; a larger glossary shows one letter at a time.
ONE_PAGE_LIMIT = 300


class TermListView(ListView):
    """The A-Z: every visible term under its letter, with a letter bar to jump."""

    def get_queryset(self):
        track(keys.of_type(Term))
        return Term.objects.published().only("term", "slug", "short_definition", "aliases")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        terms = sorted(context["object_list"], key=lambda t: (t.letter == "#", t.sort_name))
        letters = [(letter, list(group)) for letter, group in groupby(terms, key=lambda t: t.letter)]
        used = {letter for letter, _ in letters}
        context["by_letter"] = len(terms) > ONE_PAGE_LIMIT
        if context["by_letter"]:
            wanted = self.request.GET.get("letter", "").upper()
            wanted = "#" if wanted == "OTHER" else wanted or letters[0][0]
            if wanted not in used:
                raise Http404("No published term starts with that letter.")
            letters = [(letter, group) for letter, group in letters if letter == wanted]
            context["current_letter"] = wanted
        context["letters"] = letters
        shown = [term for _letter, group in letters for term in group]
        context["structured_data"] = [structured_data.glossary(self.request, shown)]
        context["alphabet"] = [(letter, letter in used) for letter in [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"]]
        return context


class TermDetailView(VisibleMixin, DetailView):
    model = Term

    def get_context_data(self, **kwargs):
        term = self.object
        related_terms, mentioned_in = list(term.related_terms.published()), used_in(term)
        shown = [item for _content_type, items in mentioned_in for item in items]
        track(keys.item(term), keys.mentions(term.pk), *keys.links(related_terms), *keys.links(shown))
        crumbs = [
            ("Home", reverse("home")),
            ("Glossary", reverse("glossary:term-list")),
            (term.term, term.get_absolute_url()),
        ]
        return super().get_context_data(
            related_terms=related_terms,
            related=related_for(term, self.request.user),
            used_in=mentioned_in,
            glossary_linker=GlossaryLinker(exclude_term=term),
            structured_data=[
                structured_data.defined_term(self.request, term),
                structured_data.breadcrumb_list(self.request, crumbs),
            ],
            **kwargs,
        )
