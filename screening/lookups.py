"""`field__in_array=[…]`: membership in a long list, sent as one array parameter.

On PostgreSQL `col = ANY(%s)` with the list as one array: psycopg does not have to rewrite a
statement with thousands of placeholders (uncacheable, ~2 × slower for 5,000 project codes
than the array, measured with bench/import_ledger.py). Elsewhere it is a plain IN (…).
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import models


class InArray(models.Lookup):
    lookup_name = "in_array"
    prepare_rhs = False  # the list itself, not the field's conversion of it

    def _sql(self, compiler, connection, array: bool):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [
            field.get_db_prep_value(field.get_prep_value(value), connection) for value in self.rhs
        ]
        if not values:
            raise EmptyResultSet
        if array:
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]

    def as_sql(self, compiler, connection):
        return self._sql(compiler, connection, array=False)

    def as_postgresql(self, compiler, connection):
        return self._sql(compiler, connection, array=True)


def register() -> None:
    models.CharField.register_lookup(InArray)
    models.IntegerField.register_lookup(InArray)  # and the auto and big integer fields
