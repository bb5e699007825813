"""The pager and the sortable column headers every list uses (see screening/listing.py)."""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext as _

from screening import listing

register = template.Library()


def _query(context) -> QueryDict:
    request = context.get("request")
    return request.GET if request is not None else QueryDict()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, default: bool = False, prefix: str = ""):
    """A column header that sorts the list by `key`: a click sorts ascending, the next one
    descending; an arrow shows the direction of the current sort (`default`: the list is
    sorted ascending by this column when no sort is asked for; `prefix`: the list's
    parameters when a page has several lists). The page goes back to 1."""
    query = _query(context)
    sort_param, page_param = prefix + listing.SORT_PARAM, prefix + listing.PAGE_PARAM
    sort = listing.current_sort(query, prefix)
    if sort is None and default:
        query = query.copy()
        query[sort_param] = key
        sort = (key, False)
    href = listing.link(
        query, **{sort_param: listing.next_sort(query, key, prefix), page_param: None}
    )
    if sort is not None and sort[0] == key:
        descending = sort[1]
        return format_html(
            '<a class="sort sorted" href="{}" aria-sort="{}" title="{}">{} <span '
            'aria-hidden="true">{}</span></a>',
            href,
            "descending" if descending else "ascending",
            _("Sorted descending; click to sort ascending")
            if descending
            else _("Sorted ascending; click to sort descending"),
            label,
            "↓" if descending else "↑",
        )
    return format_html(
        '<a class="sort" href="{}" title="{}">{}</a>',
        href,
        _("Click to sort by this column"),
        label,
    )


@register.inclusion_tag("screening/_pager.html", takes_context=True)
def pager(context, page):
    """The total, the numbered pages and the page-size choice, keeping the query string."""
    query = _query(context)
    paginator = page.paginator
    size = getattr(page, "size", paginator.per_page)
    prefix = getattr(page, "prefix", "")
    page_param, size_param = prefix + listing.PAGE_PARAM, prefix + listing.SIZE_PARAM
    numbers = [
        (n, listing.link(query, **{page_param: n}) if n else None)
        for n in listing.page_numbers(page.number, paginator.num_pages)
    ]
    return {
        "page": page,
        "summary": _("%(count)s items, page %(page)s of %(pages)s")
        % {"count": f"{paginator.count:,}", "page": page.number, "pages": paginator.num_pages},
        "numbers": numbers,
        "previous": listing.link(query, **{page_param: page.number - 1})
        if page.has_previous()
        else None,
        "next": listing.link(query, **{page_param: page.number + 1}) if page.has_next() else None,
        "sizes": [
            (n, listing.link(query, **{size_param: n, page_param: None}), n == size)
            for n in listing.PAGE_SIZES
        ],
    }
