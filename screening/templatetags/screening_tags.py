"""Template helpers for showing rule-set parameters and findings."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


def _scalar(value):
    from screening import display

    if isinstance(value, str) and ("_" in value or value in display.KEY_LABELS):
        return display.key_label(value)
    return display.label(value) if isinstance(value, str) else display.value(value)


@register.simple_tag
def parameter_value(value, key=""):
    """A parameter's value as readable HTML (issue 15: names and values in words): tables of
    records become small tables with labelled headers, ratios read "at least 1.5 : 1",
    booleans 是/否, numbers grouped without trailing zeros."""
    from screening import display

    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys = list(value[0].keys())
        head = format_html_join("", "<th>{}</th>", ((display.key_label(k),) for k in keys))
        rows = format_html_join(
            "",
            "<tr>{}</tr>",
            (
                (format_html_join("", "<td>{}</td>", ((_scalar(row.get(k, "")),) for k in keys)),)
                for row in value
            ),
        )
        return format_html('<table class="compact"><tr>{}</tr>{}</table>', head, rows)
    if isinstance(value, dict):
        if "ratio" in value and set(value) <= {"ratio", "strict"}:
            return display.ratio(value)
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            ((display.key_label(k), parameter_value(v)) for k, v in value.items()),
        )
        return format_html('<table class="compact">{}</table>', rows)
    if isinstance(value, list):
        return "、".join(str(_scalar(v)) for v in value)
    if key:
        return display.parameter_scalar(key, value)
    return _scalar(value)


@register.filter
def verdict_label(code):
    from screening.labels import verdict_label as label

    return label(code)


@register.filter
def disposition_label(code):
    from screening.labels import disposition_label as label

    return label(code)


@register.filter
def outcome_label(code):
    from screening.labels import outcome_label as label

    return label(code)
