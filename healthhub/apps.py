from django.apps import AppConfig


class HealthhubConfig(AppConfig):
    name = "healthhub"
    verbose_name = "healthhub"
