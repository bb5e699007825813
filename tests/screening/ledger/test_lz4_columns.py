"""Issue 19: on PostgreSQL the large JSON columns written in bulk are stored with lz4
(migration 0016), and what is stored reads back the same."""

from __future__ import annotations

import pytest
from django.db import connection

from screening.models import Project
from tests.conftest import need
from tests.screening.early_warning.projects import make_project

pytestmark = pytest.mark.django_db

LZ4_COLUMNS = [
    ("screening_project", "findings"),
    ("screening_ledgerupload", "preview"),
    ("screening_ledgerupload", "errors"),
    ("screening_reviewcase", "findings"),
    ("screening_reviewcase", "project_snapshot"),
]


def _lz4_built_in() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        return bool(cursor.fetchone()[0])


def test_the_bulk_json_columns_are_compressed_with_lz4():
    need(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://…)")
    need(_lz4_built_in(), "this PostgreSQL is built without lz4 (the migration keeps pglz)")
    with connection.cursor() as cursor:
        for table, column in LZ4_COLUMNS:
            cursor.execute(
                "SELECT attcompression FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attname = %s",
                [table, column],
            )
            assert cursor.fetchone() == ("l",), (table, column)


def test_large_findings_are_stored_compressed_and_read_back_unchanged():
    need(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://…)")
    need(_lz4_built_in(), "this PostgreSQL is built without lz4 (the migration keeps pglz)")
    project = make_project("410100")
    findings = [
        {"rule": f"R{n:02d}", "message_zh": "项目" * 400, "message_en": "project " * 300}
        for n in range(1, 6)
    ]  # well over the 2 kB at which PostgreSQL compresses a value
    Project.objects.filter(pk=project.pk).update(findings=findings)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(findings) FROM screening_project WHERE id = %s",
            [project.pk],
        )
        assert cursor.fetchone() == ("lz4",)
    assert Project.objects.get(pk=project.pk).findings == findings
