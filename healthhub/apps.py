from django.apps import AppConfig


class HealthhubConfig(AppConfig):
    name = "healthhub"
    verbose_name = "healthhub"

    def ready(self):
        from healthhub import signals

        signals.connect()
