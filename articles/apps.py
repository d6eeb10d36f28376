from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Health content"

    def ready(self):
        from . import content_stamps

        content_stamps.connect()
