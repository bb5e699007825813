"""Writing many rows: COPY on PostgreSQL, the ORM's bulk operations elsewhere. Nothing here
may query the database while a COPY streams (the registry is read before)."""

from __future__ import annotations

from collections.abc import Iterable

import orjson
from django.db import connection, models
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

# --- Writing many rows: COPY on PostgreSQL, the ORM's bulk operations elsewhere ---------------


def _copy_statement(table: str, columns: list[str]) -> sql.Composed:
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )


def _column_value(model_field, value):
    if value is not None and isinstance(model_field, models.JSONField):
        return orjson.dumps(value).decode()
    return value


def insert_rows(model, rows: Iterable[dict], count: int | None = None) -> list[int]:
    """Insert rows given as {attname: value} (fields left out take their default); returns
    the new ids in order. `rows` may be a generator of `count` rows. PostgreSQL takes the ids
    from the table's sequence, then COPY, sent from a thread of psycopg's own (the queued
    writer) so the rows are made while the server stores the earlier ones."""
    count = len(rows) if count is None else count
    if not count:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**row) for row in rows]
        model.objects.bulk_create(objects, batch_size=1000)
        if objects[0].pk is None:  # backends without RETURNING ids
            raise NotImplementedError("bulk_create did not return ids")
        return [obj.pk for obj in objects]
    meta = model._meta
    columns = [f for f in meta.concrete_fields if not f.primary_key]
    # What a field left out of a row takes: its default, else "" or NULL as the ORM would.
    absent = [
        f.get_default()
        if f.has_default()
        else ""
        if f.empty_strings_allowed and not f.null
        else None
        for f in columns
    ]
    names = [f.attname for f in columns]
    json_at = [i for i, f in enumerate(columns) if isinstance(f, models.JSONField)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        statement = _copy_statement(meta.db_table, [meta.pk.column, *(f.column for f in columns)])
        with cursor.cursor.copy(statement, writer=QueuedLibpqWriter(cursor.cursor)) as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = [pk, *map(row.get, names, absent)]
                for index in json_at:  # +1: the id comes first
                    if values[index + 1] is not None:
                        values[index + 1] = orjson.dumps(values[index + 1]).decode()
                copy.write_row(values)
    return ids


def update_rows(model, objects: list, names: list[str]) -> None:
    """bulk_update; on PostgreSQL one UPDATE … FROM a temporary table filled with COPY (the
    ORM's CASE WHEN per row and field is slow for thousands of rows)."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, names, batch_size=500)
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in names]
    table = sql.Identifier(meta.db_table)
    temp = sql.Identifier("ledger_update_rows")
    pk = sql.Identifier(meta.pk.column)
    column_names = sql.SQL(", ").join(sql.Identifier(f.column) for f in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT {}, {} FROM {} WITH NO DATA"
            ).format(temp, pk, column_names, table)
        )
        statement = sql.SQL("COPY {} ({}, {}) FROM STDIN").format(temp, pk, column_names)
        with cursor.cursor.copy(statement) as copy:
            for obj in objects:
                copy.write_row(
                    [obj.pk, *(_column_value(f, getattr(obj, f.attname)) for f in columns)]
                )
        cursor.execute(
            sql.SQL("UPDATE {} AS t SET {} FROM {} AS u WHERE t.{} = u.{}").format(
                table,
                sql.SQL(", ").join(
                    sql.SQL("{} = u.{}").format(sql.Identifier(f.column), sql.Identifier(f.column))
                    for f in columns
                ),
                temp,
                pk,
                pk,
            )
        )
        cursor.execute(sql.SQL("DROP TABLE {}").format(temp))
