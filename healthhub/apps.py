from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class HealthhubConfig(AppConfig):
    name = "healthhub"
    verbose_name = "healthhub"

    def ready(self):
        from healthhub.cache import on_model_change

        # Any saved or deleted content, tag or term, and any changed relation, invalidates cached pages.
        post_save.connect(on_model_change, dispatch_uid="healthhub-cache-save")
        post_delete.connect(on_model_change, dispatch_uid="healthhub-cache-delete")
        m2m_changed.connect(on_model_change, dispatch_uid="healthhub-cache-m2m")

        from glossary import mentions as term_mentions
        from healthhub import revisions
        from healthhub.related import store as related_lists
        from healthhub.search import receivers as signals

        signals.connect()
        related_lists.connect()
        revisions.connect()
        term_mentions.connect()
