"""What every list page shares: the page size the user chose (20, 50 or 100), a page of a
query set or list, and the links of the pager and the sortable headers, each keeping the
search, the filters and the sort of the query string (issue 15)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from django.core.paginator import Page, Paginator
from django.http import QueryDict

PAGE_SIZES = (20, 50, 100)
SIZE_PARAM = "size"
PAGE_PARAM = "page"
SORT_PARAM = "ordering"


def page_size(query: Mapping, default: int = 50, prefix: str = "") -> int:
    """The chosen page size when it is one of PAGE_SIZES, else the list's default (`prefix`
    names the parameters of one of several lists on a page, e.g. `plans-`)."""
    try:
        size = int(query.get(prefix + SIZE_PARAM) or default)
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


def page_of(query: Mapping, items, default_size: int = 50, prefix: str = "") -> Page:
    """The requested page (an out-of-range or bad number gives the nearest page)."""
    paginator = Paginator(items, page_size(query, default_size, prefix))
    page = paginator.get_page(query.get(prefix + PAGE_PARAM))
    page.size = paginator.per_page
    page.prefix = prefix
    return page


def link(query: QueryDict, **changes) -> str:
    """`?…` with the query string's parameters, `changes` applied (None removes one)."""
    params = query.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and `around` either side of the
    current one; None where numbers are left out (shown as …)."""
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def current_sort(query: Mapping, prefix: str = "") -> tuple[str, bool] | None:
    """The list's sort from the query string: (key, descending), or None."""
    value = (query.get(prefix + SORT_PARAM) or "").split(",")[0].strip()
    if not value:
        return None
    return value.lstrip("-"), value.startswith("-")


def next_sort(query: Mapping, key: str, prefix: str = "") -> str:
    """What a click on the header of `key` sorts by: ascending first, then toggled."""
    sort = current_sort(query, prefix)
    if sort is not None and sort[0] == key and not sort[1]:
        return f"-{key}"
    return key


def order_fields(
    query: Mapping, choices: Mapping[str, Sequence[str]], default: Sequence[str], prefix: str = ""
) -> list[str]:
    """The `order_by` fields of the sort the query string asks for, when its key is one of
    `choices` (key → model fields, ascending); else `default`. An unknown key is ignored."""
    sort = current_sort(query, prefix)
    if sort is None or sort[0] not in choices:
        return list(default)
    key, descending = sort
    if not descending:
        return list(choices[key])
    return [field[1:] if field.startswith("-") else f"-{field}" for field in choices[key]]


def sorted_rows(query: Mapping, rows: list, keys: Mapping, prefix: str = "") -> list:
    """`rows` (already in the list's default order) sorted by the key function the query
    string asks for (`keys`: key → function of a row); unknown or no key keeps the order."""
    sort = current_sort(query, prefix)
    if sort is None or sort[0] not in keys:
        return rows
    return sorted(rows, key=keys[sort[0]], reverse=sort[1])


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+|\s+')


def safe_filename(parts: Sequence[object], extension: str, max_part: int = 40) -> str:
    """`台账_郑州市_不合规_2026-12-04.xlsx`: the parts joined by `_`, each without the
    characters Windows, macOS or a browser refuse in a name (nor white space), cut to
    `max_part` characters; empty parts left out."""
    cleaned = []
    for part in parts:
        text = _UNSAFE.sub("-", str(part)).strip("-. ")[:max_part]
        if text:
            cleaned.append(text)
    return "_".join(cleaned) + extension
