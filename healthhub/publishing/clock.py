"""The clock's part in the write path: publication and unpublication times.

A published item with a future publication time, or with an unpublish time,
changes what visitors see when that moment comes, without anyone saving it.
`next_scheduled_change()` says when that next happens; `due()` describes what
changed between two moments as one Change. healthhub.caching announces it the
first time a request finds the recorded next moment passed, then records the one
after, so every process sees the moment at once (docs/architecture.md).
"""

from django.apps import apps
from django.db.models import Min, Q

from healthhub.publishing import events
from healthhub.publishing.models import Publishable, Status


def publishable_models():
    return [model for model in apps.get_models() if issubclass(model, Publishable)]


def next_scheduled_change(now):
    """The earliest moment after `now` at which some item's visibility changes by the clock alone, or None.

    Only published items change by the clock (a draft waits for an editor), and
    each lookup is answered from an index: (status, published_at) and the partial
    (status, unpublish_at) one.
    """
    moments = []
    for model in publishable_models():
        for name in ("published_at", "unpublish_at"):
            published = model.objects.filter(status=Status.PUBLISHED, **{f"{name}__gt": now})
            moment = published.aggregate(first=Min(name))["first"]
            if moment:
                moments.append(moment)
    return min(moments) if moments else None


def due(since, now):
    """The Change of every item whose publication or unpublish time is in (since, now]."""
    change = events.Change()
    for model in publishable_models():
        window = Q(published_at__gt=since, published_at__lte=now) | Q(unpublish_at__gt=since, unpublish_at__lte=now)
        pks = list(model.objects.filter(window, status=Status.PUBLISHED).values_list("pk", flat=True))
        if pks:
            change |= events.describe(model, pks)
    return change
