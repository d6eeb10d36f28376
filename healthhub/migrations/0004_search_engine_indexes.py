"""Engine-specific search schema; each part does nothing on the other engine.

PostgreSQL: the pg_trgm extension, GIN indexes on the search vectors and a
trigram GIN index on titles (for misspellings).
SQLite: an FTS5 table mirroring the searchable columns, kept in step by
triggers. Builds of SQLite without FTS5 get no table, and search falls back
to a contains match.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import OperationalError, migrations

POSTGRES_FORWARDS = [
    "CREATE INDEX searchentry_vector ON healthhub_searchentry USING gin (vector)",
    "CREATE INDEX searchentry_head_vector ON healthhub_searchentry USING gin (head_vector)",
    "CREATE INDEX searchentry_title_trgm ON healthhub_searchentry USING gin (title gin_trgm_ops)",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS searchentry_title_trgm",
    "DROP INDEX IF EXISTS searchentry_head_vector",
    "DROP INDEX IF EXISTS searchentry_vector",
]

FTS_COLUMNS = "title, aliases, summary, tag_names, body"
SQLITE_FORWARDS = [
    f"""CREATE VIRTUAL TABLE healthhub_searchentry_fts USING fts5(
        {FTS_COLUMNS}, content='healthhub_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER healthhub_searchentry_fts_insert AFTER INSERT ON healthhub_searchentry BEGIN
        INSERT INTO healthhub_searchentry_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.aliases, new.summary, new.tag_names, new.body);
    END""",
    f"""CREATE TRIGGER healthhub_searchentry_fts_delete AFTER DELETE ON healthhub_searchentry BEGIN
        INSERT INTO healthhub_searchentry_fts(healthhub_searchentry_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.aliases, old.summary, old.tag_names, old.body);
    END""",
    f"""CREATE TRIGGER healthhub_searchentry_fts_update AFTER UPDATE ON healthhub_searchentry BEGIN
        INSERT INTO healthhub_searchentry_fts(healthhub_searchentry_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.aliases, old.summary, old.tag_names, old.body);
        INSERT INTO healthhub_searchentry_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.aliases, new.summary, new.tag_names, new.body);
    END""",
    # Entries written before this migration (none on a fresh database).
    "INSERT INTO healthhub_searchentry_fts(healthhub_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS healthhub_searchentry_fts_update",
    "DROP TRIGGER IF EXISTS healthhub_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS healthhub_searchentry_fts_insert",
    "DROP TABLE IF EXISTS healthhub_searchentry_fts",
]


def _runner(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        statements = statements_by_vendor.get(vendor, [])
        if vendor == "sqlite" and statements is SQLITE_FORWARDS and not _has_fts5(schema_editor):
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


def _has_fts5(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp.healthhub_fts5_probe USING fts5(x)")
        except OperationalError:
            return False
        cursor.execute("DROP TABLE temp.healthhub_fts5_probe")
    return True


class Migration(migrations.Migration):
    dependencies = [("healthhub", "0003_search_entry")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(
            _runner({"postgresql": POSTGRES_FORWARDS, "sqlite": SQLITE_FORWARDS}),
            _runner({"postgresql": POSTGRES_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        ),
    ]
