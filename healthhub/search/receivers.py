"""Keep the search index current: after every save, delete and tag change.

The work runs after the transaction commits, so the index never describes
changes that were rolled back. Admin actions that update many rows at once
bypass these signals; they call `search.index_with_dependents` themselves.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from taggit.models import Tag

from healthhub.registry import CONTENT_TYPES, content_type_for
from healthhub.search import index as search


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        transaction.on_commit(partial(search.index_with_dependents, sender, [instance.pk]))


def _deleted(sender, instance, **kwargs):
    transaction.on_commit(partial(search.index, content_type_for(sender).key, [instance.pk]))


def _tags_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        transaction.on_commit(partial(search.index, content_type_for(type(instance)).key, [instance.pk]))


def _reindex_tagged(tag):
    jobs = []
    for content_type in CONTENT_TYPES:
        links = content_type.model.tags.through.objects.filter(tag=tag)
        if object_ids := list(links.values_list("content_object_id", flat=True)):
            jobs.append(partial(search.index, content_type.key, object_ids))
    return jobs


def _tag_saved(sender, instance, created, raw=False, **kwargs):
    # A renamed tag changes the tag names stored with every entry carrying it.
    if not created and not raw:
        for job in _reindex_tagged(instance):
            transaction.on_commit(job)


def _tag_deleting(sender, instance, **kwargs):
    # The entries to refresh must be found before the tag's links are gone.
    for job in _reindex_tagged(instance):
        transaction.on_commit(job)


def connect():
    for content_type in CONTENT_TYPES:
        model = content_type.model
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{content_type.key}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{content_type.key}")
        m2m_changed.connect(_tags_changed, sender=model.tags.through, dispatch_uid=f"search-tags-{content_type.key}")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid="search-tag-save")
    pre_delete.connect(_tag_deleting, sender=Tag, dispatch_uid="search-tag-delete")
