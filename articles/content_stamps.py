"""Which articles' pages a change shows on, so that only their content is rendered again.

An article page keeps its own content (the body and the sections under it:
FAQs, treatments, triggers, references) in the cache under the article's row
(`updated_at`), the article content version (healthhub.cache) and the
article's *stamp* read before the content. A save or delete of one of those
parts, or of a link between them, deletes the stamp of every article that
shows it, before and after the change, once the transaction commits. Every
other change (a glossary term, a bulk update, a model this module does not
list) starts a new article content version instead, so a change this module
does not know about cannot leave a page stale.

Pages as a whole are still kept under the site's content version, which every
change renews; what this saves is rendering the content of the articles a
change did not touch.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from taggit.models import Tag

from glossary.models import PendingMention, TermMention
from healthhub.cache import STAMPED_MODELS, first_stored

from .models import FAQ, Article, Reference, Reviewer, Treatment, TreatmentList, Trigger

_UNREAD = object()


def key(article_id):
    return f"article-stamp:{article_id}"


def current(article_id, stored=_UNREAD):
    """The article's stamp; `stored` is what the cache holds under `key(article_id)` if the caller read it."""
    stamp = cache.get(key(article_id)) if stored is _UNREAD else stored
    return first_stored(key(article_id), time.time_ns()) if stamp is None else stamp


def touch(article_ids):
    """The pages of these articles show something that changed: their content is rendered again."""
    keys = [key(pk) for pk in set(article_ids) if pk is not None]
    if keys:
        transaction.on_commit(lambda: cache.delete_many(keys))


def _articles_showing(model, pk):
    """Ids of the articles whose pages show the item `pk` of `model`, as the database has it now."""
    if pk is None:
        return []
    if model is Treatment:
        rows = Treatment._base_manager.filter(pk=pk).values_list("treatment_list__article_id", flat=True)
    elif model is Trigger:
        rows = Trigger.articles.through.objects.filter(trigger_id=pk).values_list("article_id", flat=True)
    else:
        rows = model._base_manager.filter(pk=pk).values_list("article_id", flat=True)
    return list(rows)


def _changing(sender, instance, **kwargs):
    # Before a save or delete and after a save: a part may move from one article to another.
    touch(_articles_showing(sender, instance.pk))


def _trigger_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # article.triggers
        touch([instance.pk])
    else:
        touch(pk_set if action != "pre_clear" else _articles_showing(Trigger, instance.pk))


def _citations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # reference.<faqs or treatments>: the reference belongs to one article
        touch([instance.article_id])
    else:
        touch(_articles_showing(type(instance), instance.pk))


PARTS = (FAQ, TreatmentList, Treatment, Trigger, Reference)


def connect():
    for model in PARTS:
        if model is not Trigger:  # a trigger's links are not changed by saving its row
            pre_save.connect(_changing, sender=model, dispatch_uid=f"content-stamp-before-save-{model.__name__}")
        post_save.connect(_changing, sender=model, dispatch_uid=f"content-stamp-save-{model.__name__}")
        pre_delete.connect(_changing, sender=model, dispatch_uid=f"content-stamp-delete-{model.__name__}")
    m2m_changed.connect(_trigger_links_changed, sender=Trigger.articles.through, dispatch_uid="content-stamp-triggers")
    for model in (FAQ, Treatment):
        m2m_changed.connect(
            _citations_changed, sender=model.references.through, dispatch_uid=f"content-stamp-cites-{model.__name__}"
        )
    # The article's own row is part of its content's cache key. Reviewers, tags, revisions and the
    # glossary's record of which texts mention a term are not part of the content (the page around
    # it, with the reviewer, the tags and the related pages, is rendered each time).
    stamped = [Article, *PARTS, Trigger.articles.through, FAQ.references.through, Treatment.references.through]
    stamped += [model.history.model for model in (Article, *PARTS, Reviewer)] + [Reviewer]
    stamped += [model.tags.through for model in (Article, FAQ, TreatmentList, Treatment, Trigger)]
    stamped += [Tag, TermMention, PendingMention]
    STAMPED_MODELS.update(stamped)
