from django.apps import AppConfig
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_migrate


def create_cache_table(using, verbosity=1, **kwargs):
    """`migrate` also creates the database cache's table (when the cache is the database): nothing else to run."""
    call_command("createcachetable", database=using, verbosity=max(0, verbosity - 1))


class HealthhubConfig(AppConfig):
    name = "healthhub"
    verbose_name = "healthhub"

    def ready(self):
        """Connect the write path, in one place: who announces changes, and who listens, in order."""
        from taggit.models import Tag

        from glossary import mentions
        from healthhub import registry, revisions
        from healthhub.caching import checks  # noqa: F401 (registers `check --deploy`'s cache warning)
        from healthhub.caching import receivers as caching
        from healthhub.models import SiteSettings
        from healthhub.publishing import events
        from healthhub.related import store as related
        from healthhub.search import receivers as search

        # Every save, delete and link change of these models ends in one `content_changed` per transaction.
        events.connect(content=registry.WATCHED_MODELS, tag_model=Tag, settings_model=SiteSettings)
        # The derived stores. The page cache's stamps come first: the stores after it read the glossary
        # as changed, and each stamps what it owns once it has caught up (search pages, "Used in" lists).
        for receiver, uid in (
            (caching.on_change, "caching"),
            (search.on_change, "search"),
            (mentions.on_change, "mentions"),
            (related.on_change, "related"),
        ):
            events.content_changed.connect(receiver, dispatch_uid=f"content-changed-{uid}")
        # Term mentions get a time budget per request; the rest waits for `manage.py update_term_mentions`.
        request_started.connect(mentions.request_started, dispatch_uid="mentions-request-started")
        request_finished.connect(mentions.request_finished, dispatch_uid="mentions-request-finished")
        # Revisions record tags and links with each item's history (django-simple-history's own signals).
        revisions.connect()
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="create-cache-table")
