# The project search finds credit codes too (issue 15): a trigram index on the credit code,
# like those of 0003 on code, name and enterprise. PostgreSQL only; other databases scan.

import logging

from django.db import migrations, transaction

log = logging.getLogger(__name__)

INDEX = "project_uscc_trgm"


def add_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:  # noqa: BLE001 - no privilege or not installed: search still works
        log.warning("pg_trgm is not available (%s): the credit-code search stays unindexed",
                    error)
        return
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {INDEX} ON screening_project '
                          'USING gin ((UPPER("uscc"::text)) gin_trgm_ops)')


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0011_project_digests'),
    ]

    operations = [
        migrations.RunPython(add_index, drop_index, elidable=False),
    ]
