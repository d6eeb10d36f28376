from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "glossary"

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
