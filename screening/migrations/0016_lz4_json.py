"""PostgreSQL: the large JSON columns written in bulk are compressed with lz4 rather than pglz
(issue 19). A first import of 100,000 rows stores ~230 MB of findings; pglz compressing them
cost the server ~3 s of the import's COPY, lz4 a fraction. Only new values are written with
lz4 (nothing is rewritten: the migration is instant); PostgreSQL reads both. A server built
without lz4 keeps pglz; SQLite has nothing to do."""

from django.db import migrations

COLUMNS = [
    ("screening_project", "findings"),
    ("screening_ledgerupload", "preview"),
    ("screening_ledgerupload", "errors"),
    ("screening_reviewcase", "findings"),
    ("screening_reviewcase", "project_snapshot"),
]


def _lz4_available(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        found = cursor.fetchone()
    return bool(found and found[0])


def _set(schema_editor, method: str) -> None:
    if not _lz4_available(schema_editor.connection) and method == "lz4":
        return
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(table)} "
            f"ALTER COLUMN {schema_editor.quote_name(column)} SET COMPRESSION {method}"
        )


def use_lz4(apps, schema_editor):
    _set(schema_editor, "lz4")


def use_default(apps, schema_editor):
    _set(schema_editor, "default")


class Migration(migrations.Migration):

    dependencies = [
        ("screening", "0015_project_raw_digest"),
    ]

    operations = [
        migrations.RunPython(use_lz4, use_default, elidable=False),
    ]
