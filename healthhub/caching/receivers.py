"""The page cache's part of the write path: stamp what a change touched (runs first of the receivers)."""

from glossary.models import TermMention
from healthhub.caching import keys, stamps
from healthhub.registry import CONTENT_TYPES


def stale_keys(change):
    """The keys whose cached values `change` may have made stale."""
    if change.everything:
        return {stamps.ALL}
    found = {keys.item_of(label, pk) for label, pk in change.items | change.shown_in}
    found |= {keys.link_of(label, pk) for label, pk in change.relinked | change.membership | change.deleted}
    # A draft edited stays out of every list: the pages listing its type are left alone.
    found |= {keys.type_of(label) for label, _pk in change.items - change.unseen}
    found |= {keys.tag(pk) for pk in change.tags}
    if change.tags:
        found.add(keys.TAGS)
    if change.terms:
        found.add(stamps.GLOSSARY)
    if change.settings:
        found.add(stamps.SETTINGS)
    found |= {keys.mentions(pk) for pk in _terms_mentioned_by(change.membership)}
    return found


def _terms_mentioned_by(items):
    """Terms whose "Used in" lists may show these items: the texts that mention them joined or left."""
    term_ids = set()
    for content_type in CONTENT_TYPES:
        if not content_type.html_fields:
            continue
        label = content_type.model._meta.label_lower
        pks = [pk for item_label, pk in items if item_label == label]
        if pks:
            mentions = TermMention.objects.filter(content_type=content_type.key, object_id__in=pks)
            term_ids |= set(mentions.values_list("term_id", flat=True))
    return term_ids


def on_change(sender, change, **kwargs):
    # A change to what is listed may move a publication or unpublish time: record the next one too.
    stamps.bump(stale_keys(change), reschedule=bool(change.membership or change.everything))
