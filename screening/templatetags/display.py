"""Template filters of the display layer (screening/display.py): `{% load display %}`."""

from django import template
from django.utils.html import format_html

from screening import display

register = template.Library()


@register.filter
def num(value, places=None):
    """52000.0000000000 → 52,000 (both languages); `|num:1` caps the decimals at one."""
    return display.number(value, int(places) if places not in (None, "") else None)


@register.filter
def yesno_words(value):
    """True → 是, False → 否, None → —."""
    return display.yes_no(value)


@register.filter
def label(code):
    """A choice code in words (NON_COMPLIANT → 不合规, removed → 已移出台账 …)."""
    return display.label(code)


@register.filter
def shown(value):
    """Any value as a person reads it (numbers, booleans, dates, lists, codes)."""
    return display.label(value) if isinstance(value, str) else display.value(value)


@register.filter
def day(value):
    """2026年12月4日 / 4 Dec 2026."""
    return display.date(value)


@register.filter
def language_name(code):
    return display.language_name(code)


@register.filter
def key_label(key):
    return display.key_label(key)


@register.simple_tag
def project_change(field, pair):
    """One change of a project's history in words: 年综合能源消费量：38,000 → 42,000."""
    from screening.models import Project

    before, after = (list(pair) + [None, None])[:2]
    return display.change(Project, field, before, after)


@register.filter
def parameter_name(key):
    return display.parameter_name(key)


@register.filter
def parameter_unit(key):
    return display.parameter_unit(key)


@register.filter
def source_citation(source):
    return display.source_citation(source)


@register.filter
def job_name(code):
    return display.job_name(code)


@register.filter
def job_result(result):
    return display.job_result(result)


@register.simple_tag
def cron_words(crontab):
    """A django-celery-beat crontab in words: 每月1日 01:00."""
    return display.cron(
        crontab.minute,
        crontab.hour,
        crontab.day_of_month,
        crontab.month_of_year,
        crontab.day_of_week,
    )


@register.filter
def digest_status(code):
    from screening.models.jobs import DigestStatus

    return dict(DigestStatus.choices).get(code, code)


@register.filter
def words(text):
    return display.words(text)


@register.filter
def region_name(code, names):
    """`{{ row.region|region_name:region_names }}`: the region's name for its 6-digit code
    (`names`: code → name, given by the view); the code itself when the region is unknown."""
    return (names or {}).get(code, code)


@register.filter
def whole(value):
    """`{{ due|date:"DATE_FORMAT"|whole }}`: the text in a span that does not break at its
    hyphens (a date on a phone-width list)."""
    return format_html('<span class="nowrap">{}</span>', value)
