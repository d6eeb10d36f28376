from django.db import migrations, models


def forget_related_lists(apps, schema_editor):
    # Derived data: worked out again on the next visit of each page.
    apps.get_model("healthhub", "RelatedList").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("healthhub", "0009_registry_help_text"),
    ]

    operations = [
        migrations.DeleteModel(name="Stamp"),
        migrations.CreateModel(
            name="Stamp",
            fields=[
                ("key", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField()),
                ("data", models.JSONField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(forget_related_lists, migrations.RunPython.noop),
        migrations.RemoveField(model_name="relatedlist", name="computed_at"),
        migrations.RemoveField(model_name="relatedlist", name="valid_until"),
        migrations.AddField(model_name="relatedlist", name="epoch", field=models.BigIntegerField(default=0)),
        migrations.AddField(model_name="relatedlist", name="started", field=models.BigIntegerField(default=0)),
        migrations.AddField(model_name="relatedlist", name="keys", field=models.JSONField(default=list)),
    ]
