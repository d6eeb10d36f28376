"""Tag filters match `tag_keys` instead of joining a table of links.

PostgreSQL: each "#<tag id>" becomes a lexeme of the entry's vectors, so a tag
filter is answered by the GIN index that answers the words.
SQLite: the FTS5 table gains a `tag_keys` column; its triggers are rewritten.
Existing entries get their keys from the links before the link table goes.
"""

from django.db import migrations, models

OLD_COLUMNS = "title, aliases, summary, tag_names, body"
NEW_COLUMNS = "title, aliases, summary, tag_names, body, tag_keys"


def _fts_statements(columns):
    values = ", ".join(f"new.{name.strip()}" for name in columns.split(","))
    old_values = ", ".join(f"old.{name.strip()}" for name in columns.split(","))
    return [
        "DROP TRIGGER IF EXISTS healthhub_searchentry_fts_update",
        "DROP TRIGGER IF EXISTS healthhub_searchentry_fts_delete",
        "DROP TRIGGER IF EXISTS healthhub_searchentry_fts_insert",
        "DROP TABLE IF EXISTS healthhub_searchentry_fts",
        f"""CREATE VIRTUAL TABLE healthhub_searchentry_fts USING fts5(
            {columns}, content='healthhub_searchentry', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER healthhub_searchentry_fts_insert AFTER INSERT ON healthhub_searchentry BEGIN
            INSERT INTO healthhub_searchentry_fts(rowid, {columns}) VALUES (new.id, {values});
        END""",
        f"""CREATE TRIGGER healthhub_searchentry_fts_delete AFTER DELETE ON healthhub_searchentry BEGIN
            INSERT INTO healthhub_searchentry_fts(healthhub_searchentry_fts, rowid, {columns})
            VALUES ('delete', old.id, {old_values});
        END""",
        f"""CREATE TRIGGER healthhub_searchentry_fts_update AFTER UPDATE ON healthhub_searchentry BEGIN
            INSERT INTO healthhub_searchentry_fts(healthhub_searchentry_fts, rowid, {columns})
            VALUES ('delete', old.id, {old_values});
            INSERT INTO healthhub_searchentry_fts(rowid, {columns}) VALUES (new.id, {values});
        END""",
        "INSERT INTO healthhub_searchentry_fts(healthhub_searchentry_fts) VALUES ('rebuild')",
    ]


TAG_LEXEMES = "array_to_tsvector(string_to_array(btrim(tag_keys), ' '))"


def _has_fts_table(schema_editor):
    return "healthhub_searchentry_fts" in schema_editor.connection.introspection.table_names()


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    links = "SELECT tag_id FROM healthhub_searchentry_tags WHERE searchentry_id = healthhub_searchentry.id"
    if vendor == "postgresql":
        keys = f"(SELECT ' ' || string_agg('#' || tag_id, ' ' ORDER BY tag_id) || ' ' FROM ({links}) AS links)"
    else:
        keys = f"(SELECT ' ' || group_concat('#' || tag_id, ' ') || ' ' FROM ({links} ORDER BY tag_id))"
    schema_editor.execute(f"UPDATE healthhub_searchentry SET tag_keys = COALESCE({keys}, '')")
    if vendor == "postgresql":
        schema_editor.execute(
            f"UPDATE healthhub_searchentry SET vector = vector || {TAG_LEXEMES}, "
            f"head_vector = head_vector || {TAG_LEXEMES} WHERE tag_keys <> ''"
        )
    elif vendor == "sqlite" and _has_fts_table(schema_editor):
        for statement in _fts_statements(NEW_COLUMNS):
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    # The link table comes back empty: run `manage.py rebuild_search_index` after going back.
    if schema_editor.connection.vendor == "sqlite" and _has_fts_table(schema_editor):
        for statement in _fts_statements(OLD_COLUMNS):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("healthhub", "0005_search_visible_until")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="tag_keys",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="searchentry", name="tags"),
    ]
