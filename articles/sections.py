"""What an article page shows under its body: FAQs, treatments, triggers and references.

Loaded with one query each for FAQs, treatments (with their lists), references
and triggers, and one for every citation at once (none for an article without
references). The article itself is visible (or previewed by staff) when this
runs, so its parts need only their own state (a treatment, its list's too).
The Markdown sources are left in the database: the page shows the stored HTML.
"""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import CharField, Value

from healthhub.caching import keys
from healthhub.caching.deps import track

from .models import FAQ, Treatment, TreatmentList, Trigger


def grouped(items, key, labels):
    """[(label, [items])] in the order of `labels` (a choices list), skipping empty groups."""
    order = {value: rank for rank, (value, _label) in enumerate(labels)}
    ordered = sorted(items, key=lambda item: order.get(key(item), len(order)))
    names = dict(labels)
    return [(names.get(value, value), list(group)) for value, group in groupby(ordered, key=key)]


@dataclass
class ArticleSections:
    faqs: list
    # [(kind label, [treatment lists])]; each list's visible treatments are in `shown_treatments`.
    treatment_groups: list
    # [(category label, [triggers])]
    trigger_groups: list
    # The article's numbered reference list; each FAQ and treatment has its own in `cited`.
    references: list

    def toc_extras(self):
        """(anchor, heading) of each section the page has, after the body's own headings."""
        sections = [
            ("faqs", "Questions people ask", self.faqs),
            ("treatments", "Treatments and self-help", self.treatment_groups),
            ("triggers", "Possible triggers", self.trigger_groups),
        ]
        return [(anchor, label) for anchor, label, items in sections if items]


def load(article):
    faqs = list(article.faqs.published(parents=False).defer(*FAQ.markdown_fields))
    treatment_lists, treatments = _treatments(article)
    references = list(article.references.all())
    triggers = list(article.triggers.published())
    cite(references, [*faqs, *treatments])
    # The page shows each of these; one that joins or leaves the page stamps the article (events.py).
    track(*keys.items([*faqs, *treatment_lists, *treatments, *references]), *keys.links(triggers))
    return ArticleSections(
        faqs=faqs,
        treatment_groups=grouped(treatment_lists, lambda t: t.kind, TreatmentList.Kind.choices),
        trigger_groups=grouped(triggers, lambda t: t.category, Trigger.Category.choices),
        references=references,
    )


def _treatments(article):
    """(treatment lists, treatments) shown, in order, from one query.

    A list shows once it has a visible treatment: a heading over an empty
    list would tell visitors nothing. Each list has its own in `shown_treatments`.
    """
    treatments = list(
        Treatment.objects.published(parents=["treatment_list"])
        .filter(treatment_list__article=article)
        .select_related("treatment_list")
        .defer(*Treatment.markdown_fields)
        .order_by("treatment_list__order", "treatment_list__pk", "order", "pk")
    )
    shown = {}
    for treatment in treatments:
        treatment_list = shown.get(treatment.treatment_list_id)
        if treatment_list is None:  # the list's first treatment: its copy of the list stands for all
            treatment_list = shown[treatment.treatment_list_id] = treatment.treatment_list
            treatment_list.shown_treatments = []
        treatment.treatment_list = treatment_list
        treatment_list.shown_treatments.append(treatment)
    return list(shown.values()), treatments


def cite(references, items):
    """Number the article's references and give each FAQ or treatment its `cited` ones, in that order.

    One query for every item's citations at once, none when the article has no
    references: items cite only their own article's references (the admin and
    the importer allow no others).
    """
    numbered = {}
    for number, reference in enumerate(references, start=1):
        reference.number = number
        numbered[reference.pk] = reference
    for item in items:
        item.cited = []
    if not (references and items):
        return
    by_item = {(type(item).__name__, item.pk): item for item in items}
    for kind, item_id, reference_id in _citation_links(items):
        if reference_id in numbered:
            by_item[kind, item_id].cited.append(numbered[reference_id])
    for item in items:
        item.cited.sort(key=lambda reference: reference.number)


def _citation_links(items):
    """[(model name, item id, reference id)] for the items' citations: one query."""
    queries = []
    for model, link_field in ((FAQ, "faq_id"), (Treatment, "treatment_id")):
        ids = [item.pk for item in items if isinstance(item, model)]
        if ids:
            links = model.references.through.objects.filter(**{f"{link_field}__in": ids})
            kind = Value(model.__name__, output_field=CharField())
            queries.append(links.values_list(kind, link_field, "reference_id"))
    if not queries:
        return []
    first, *others = queries
    return list(first.union(*others, all=True)) if others else list(first)
