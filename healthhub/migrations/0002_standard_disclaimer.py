"""The one settings row, holding today's standard disclaimer text."""

from django.db import migrations

STANDARD_DISCLAIMER = (
    "This page gives general information. It is not a diagnosis and does not replace advice from a qualified "
    "health professional who knows you. If you are worried about symptoms, or they are sudden or severe, "
    "get medical help."
)


def create_settings(apps, schema_editor):
    apps.get_model("healthhub", "SiteSettings").objects.get_or_create(pk=1, defaults={"disclaimer": STANDARD_DISCLAIMER})


class Migration(migrations.Migration):
    dependencies = [("healthhub", "0001_site_settings")]

    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
