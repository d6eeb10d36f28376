"""Words of the search index, for "Did you mean ...?" on every engine.

PostgreSQL finds the nearest word with a trigram index on this small table
instead of comparing every title. Existing entries' words are added here.
"""

import re

from django.db import migrations, models

WORD = re.compile(r"[^\W\d_]{4,40}")
FIELDS = ("title", "aliases", "summary", "tag_names", "body")


def add_words(apps, schema_editor):
    SearchEntry = apps.get_model("healthhub", "SearchEntry")
    SearchWord = apps.get_model("healthhub", "SearchWord")
    words = set()
    for texts in SearchEntry.objects.values_list(*FIELDS).iterator(chunk_size=2000):
        words.update(word.casefold() for text in texts for word in WORD.findall(text))
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in words if len(word) <= 40], batch_size=2000, ignore_conflicts=True
    )


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX searchword_trgm ON healthhub_searchword USING gin (word gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS searchword_trgm")


class Migration(migrations.Migration):
    dependencies = [("healthhub", "0006_search_tag_keys")]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[("word", models.CharField(max_length=40, primary_key=True, serialize=False))],
            options={"ordering": ["word"]},
        ),
        migrations.RunPython(trigram_index, drop_trigram_index),
        migrations.RunPython(add_words, migrations.RunPython.noop),
    ]
