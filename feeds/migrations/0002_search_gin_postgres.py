"""GIN indexes for full-text search, on PostgreSQL only (SQLite searches with a plain LIKE)."""

from django.db import migrations

INDEXES = [
    ("feeds_feeditem", "feeditem_search_gin"),
    ("feeds_comment", "comment_search_gin"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING GIN (search_vector)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("feeds", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
