"""Database ids taken from a URL, a query string or a request body.

Ids are 64-bit integers in every database we run on (BigAutoField). A number beyond that range
never names a row, and SQLite refuses to even compare with one ("Python int too large to
convert to SQLite INTEGER"), so every id is range-checked here before it reaches a query: a URL
id out of range is no match (404), a filter or body id out of range is invalid input (400).

Plain Python: the app's ready() imports the URL converter from here, so every process (and
every management command) starts without loading the filter and schema libraries; the `project`
filter (IdFilter) lives with the case filters, its one user.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest BigAutoField value (PostgreSQL bigint, SQLite INTEGER)


def parse_id(text: str | None) -> int | None:
    """ASCII digits naming a possible id (1 … MAX_ID), else None."""
    if not text or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


class IdConverter:
    """`<id:pk>` in URL patterns: like `<int:pk>`, but a number beyond 64 bits is no match."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("beyond the 64-bit id range")  # the resolver answers 404
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
