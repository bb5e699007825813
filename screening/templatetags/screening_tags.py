"""Template helpers for showing rule-set parameters and findings."""

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.simple_tag
def parameter_value(value):
    """A parameter's value as readable HTML: lists and tables of records become small tables."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys = list(value[0].keys())
        head = format_html_join("", "<th>{}</th>", ((k,) for k in keys))
        rows = format_html_join(
            "", "<tr>{}</tr>",
            ((format_html_join("", "<td>{}</td>", ((row.get(k, ""),) for k in keys)),)
             for row in value),
        )
        return format_html('<table class="compact"><tr>{}</tr>{}</table>', head, rows)
    if isinstance(value, dict):
        rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>",
                                ((k, parameter_value(v)) for k, v in value.items()))
        return format_html('<table class="compact">{}</table>', rows)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value


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
