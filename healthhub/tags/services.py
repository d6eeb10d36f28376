"""Writes to the one tag vocabulary that touch every content type at once."""

from django.db import transaction
from django.db.models import Min, Q
from taggit.models import Tag

from healthhub.publishing import events
from healthhub.registry import CONTENT_TYPES


def tag_throughs():
    """The through table of every tagged content type (one real foreign key per type)."""
    return [content_type.model.tags.through for content_type in CONTENT_TYPES]


@transaction.atomic
def merge_tags(*, target: Tag, sources: list[Tag]) -> int:
    """Move every use of `sources` to `target` and delete `sources`; returns how many uses moved.

    Each through table allows a tag once per item, so an item that already
    carries `target` (or several of the sources) keeps a single row.
    """
    source_ids = [tag.pk for tag in sources if tag.pk != target.pk]
    # Read before the moves, which are bulk updates and send no signals: every item carrying a source tag.
    change = events.describe_tagged([*source_ids, target.pk])
    moved = 0
    for through in tag_throughs():
        from_sources = through.objects.filter(tag_id__in=source_ids)
        from_sources.filter(content_object__in=through.objects.filter(tag=target).values("content_object")).delete()
        first_per_item = from_sources.values("content_object").annotate(first=Min("pk")).values("first")
        from_sources.exclude(pk__in=first_per_item).delete()
        moved += from_sources.update(tag=target)
    Tag.objects.filter(pk__in=source_ids).delete()
    events.announce(change)
    return moved


def unused(tags):
    """The tags of a queryset that no item of any type carries, published or not."""
    used = Q()
    for through in tag_throughs():
        used |= Q(pk__in=through.objects.values("tag_id"))
    return tags.exclude(used)
