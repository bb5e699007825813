"""What a person reads (issue 15): one display layer for every value a page, workbook or e-mail
shows. Pure functions of the value and the active language; the template filters in
`screening/templatetags/display.py` call these, and so may reports and e-mails.

Numbers keep no trailing zeros and group by three in both languages (52000.0000000000 → 52,000);
booleans read 是/否; choice codes read as their labels; field names as the model's verbose
name; dates as officers write them (2026年12月4日, "4 Dec 2026"); cron schedules in words.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from screening import labels

EMPTY = "—"
NUMERIC = re.compile(r"-?\d+(\.\d+)?")

LANGUAGE_NAMES = {"zh-hans": "简体中文", "en": "English"}


def number(value, places: int | None = None) -> str:
    """A number grouped by three with no trailing zeros; `places` caps the decimals shown.
    Text that is not a number comes back as it was; None is a dash."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return yes_no(value)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if isinstance(value, float):
        amount = Decimal(str(round(value, 6)))
    if not amount.is_finite():
        return str(value)
    if places is not None:
        amount = (
            amount.quantize(Decimal(1).scaleb(-places))
            if places > 0
            else amount.quantize(Decimal(1))
        )
    amount = amount.normalize()
    exponent = amount.as_tuple().exponent
    decimals = max(0, -exponent) if isinstance(exponent, int) else 0
    if amount == amount.to_integral_value():
        amount, decimals = amount.quantize(Decimal(1)), 0
    return formats.number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def yes_no(value) -> str:
    """是/否 (Yes/No); unknown (None) is a dash."""
    if value is None or value == "":
        return EMPTY
    return _("Yes") if value else _("No")


def date(value) -> str:
    """A date (or the date of a datetime) as the active language writes it."""
    if not value:
        return EMPTY
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return formats.date_format(value, "DATE_FORMAT")


def language_name(code: str | None) -> str:
    """`zh-hans` → 简体中文; a blank code is the site's language."""
    code = code or settings.LANGUAGE_CODE
    return LANGUAGE_NAMES.get(code, dict(settings.LANGUAGES).get(code, code))


def _choice_families():
    """Every choice list whose codes may reach a page: screening outcomes and model choices."""
    from accounts.models import DigestFrequency, Role
    from screening.models import ledger, registry, warnings, workflow

    families = [labels.VERDICT_LABELS, labels.DISPOSITION_LABELS, labels.OUTCOME_LABELS]
    for choices in (
        workflow.CaseState,
        ledger.ProjectStatus,
        ledger.RemovalReason,
        ledger.UploadStatus,
        ledger.ChangeKind,
        warnings.TierChoice,
        warnings.EscalationKind,
        warnings.EscalationEnd,
        registry.PlanStatus,
        Role,
        DigestFrequency,
    ):
        families.append(dict(choices.choices))
    return families


def label(code) -> str:
    """The label of a choice code from any of the site's choice lists (verdicts, dispositions,
    outcomes, case states, project status, removal reasons, tiers, roles …); other values are
    shown through `value`."""
    if isinstance(code, str) and code:
        for family in _choice_families():
            if code in family:
                return str(family[code])
        if NUMERIC.fullmatch(code):
            return number(code)
        return code
    return value(code)


def value(item) -> str:
    """Any stored value as a person reads it."""
    if item is None or item == "":
        return EMPTY
    if isinstance(item, bool):
        return yes_no(item)
    if isinstance(item, (int, float, Decimal)):
        return number(item)
    if isinstance(item, (dt.date, dt.datetime)):
        return date(item)
    if isinstance(item, (list, tuple)):
        return "、".join(value(v) for v in item) or EMPTY
    if isinstance(item, dict):
        return "；".join(f"{key_label(k)}：{value(v)}" for k, v in item.items()) or EMPTY
    return str(item)


def field_label(model, name: str) -> str:
    """A model field's verbose name (`annual_energy_tce` → 年综合能源消费量); an unknown name
    through the parameter words below, else with its underscores as spaces."""
    try:
        verbose = str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist, or a model without that field
        return key_label(name)
    # Django's made-up verbose name is the field name with spaces: not a label
    return key_label(name) if verbose == name.replace("_", " ") else verbose


# Keys of rule-set parameters and registry records that reach a page as table headers.
KEY_LABELS = {
    "families": gettext_lazy("Product families"),
    "key_area": gettext_lazy("Key air-pollution areas"),
    "elsewhere": gettext_lazy("Elsewhere"),
    "ratio": gettext_lazy("Ratio"),
    "strict": gettext_lazy("Strictly greater"),
    "product": gettext_lazy("Product"),
    "family": gettext_lazy("Family"),
    "unit": gettext_lazy("Unit"),
    "benchmark": gettext_lazy("Benchmark level"),
    "baseline": gettext_lazy("Baseline level"),
    "sector": gettext_lazy("Sector"),
    "mandatory_elimination": gettext_lazy("Mandatory elimination"),
    "status": gettext_lazy("Status"),
    "key": gettext_lazy("Product"),
    "sectors": gettext_lazy("Sectors"),
    "subsidised": gettext_lazy("Retired with a subsidy"),
    "reason": gettext_lazy("Reason"),
}


def key_label(key) -> str:
    key = str(key)
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    return key.replace("_", " ")


IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def words(text: str) -> str:
    """Free text (a parameter's note) with any internal name in it put in words."""
    return IDENTIFIER.sub(lambda m: key_label(m.group(0)), str(text or ""))


def change(model, field: str, before, after) -> str:
    """One field's change in words: "状态：在册 → 已移除"."""
    return f"{field_label(model, field)}：{label(before)} → {label(after)}"


WEEKDAYS = {
    "0": gettext_lazy("Sunday"),
    "1": gettext_lazy("Monday"),
    "2": gettext_lazy("Tuesday"),
    "3": gettext_lazy("Wednesday"),
    "4": gettext_lazy("Thursday"),
    "5": gettext_lazy("Friday"),
    "6": gettext_lazy("Saturday"),
    "7": gettext_lazy("Sunday"),
}


def cron(minute="*", hour="*", day_of_month="*", month_of_year="*", day_of_week="*") -> str:
    """A crontab in words: (0, 6, 1, *, *) → 每月1日 06:00; other shapes fall back to the
    fields labelled."""
    minute, hour = str(minute), str(hour)
    if not (minute.isdigit() and hour.isdigit()) or str(month_of_year) != "*":
        return _("minute %(m)s, hour %(h)s, day %(d)s, month %(mo)s, weekday %(w)s") % {
            "m": minute,
            "h": hour,
            "d": day_of_month,
            "mo": month_of_year,
            "w": day_of_week,
        }
    at = f"{int(hour):02d}:{int(minute):02d}"
    day_of_month, day_of_week = str(day_of_month), str(day_of_week)
    if day_of_month == "*" and day_of_week == "*":
        return _("Every day at %(time)s") % {"time": at}
    if day_of_month.isdigit() and day_of_week == "*":
        return _("Day %(day)s of every month at %(time)s") % {"day": day_of_month, "time": at}
    if day_of_month == "*" and day_of_week in WEEKDAYS:
        return _("Every %(weekday)s at %(time)s") % {"weekday": WEEKDAYS[day_of_week], "time": at}
    return _("minute %(m)s, hour %(h)s, day %(d)s, month %(mo)s, weekday %(w)s") % {
        "m": minute,
        "h": hour,
        "d": day_of_month,
        "mo": month_of_year,
        "w": day_of_week,
    }


# Rule-set parameters (SPEC §4) by name: what an officer calls each, and its unit.
SHARE, TCE, MONTHS, YEARS = "share", "tce", "months", "years"
PARAMETERS = {
    "barometer_budget_yellow_margin": (
        gettext_lazy("Barometer: yellow margin on the energy total"),
        SHARE,
    ),
    "barometer_intensity_progress_share": (
        gettext_lazy("Barometer: share of the intensity target required"),
        SHARE,
    ),
    "barometer_reminder_months": (gettext_lazy("Red months in a row before a reminder"), MONTHS),
    "barometer_restriction_months": (
        gettext_lazy("Red months in a row before the regional restriction"),
        MONTHS,
    ),
    "data_center_monitoring_min_tce": (
        gettext_lazy("Data centres: online energy monitoring above"),
        TCE,
    ),
    "diagnosis_interval_years": (gettext_lazy("Energy diagnosis at least every"), YEARS),
    "family_sectors": (gettext_lazy("Product families by two-high sector"), ""),
    "key_area_capacity_ban": (gettext_lazy("No new capacity in key air-pollution areas"), ""),
    "key_energy_user_min_tce": (gettext_lazy("Key energy user from"), TCE),
    "products": (gettext_lazy("Energy-efficiency benchmark and baseline levels"), ""),
    "products_without_benchmark": (gettext_lazy("Products without a benchmark row"), ""),
    "project_warning_red_share": (gettext_lazy("Project energy warning: red from"), SHARE),
    "project_warning_yellow_share": (gettext_lazy("Project energy warning: yellow from"), SHARE),
    "replacement_ratio_aluminium": (
        gettext_lazy("Capacity replacement ratio: electrolytic aluminium"),
        "",
    ),
    "replacement_ratio_cement": (gettext_lazy("Capacity replacement ratio: cement clinker"), ""),
    "replacement_ratio_coking": (gettext_lazy("Capacity replacement ratio: coke"), ""),
    "replacement_ratio_glass": (gettext_lazy("Capacity replacement ratio: flat glass"), ""),
    "replacement_ratio_refining": (gettext_lazy("Capacity replacement ratio: oil refining"), ""),
    "replacement_ratio_steel": (gettext_lazy("Capacity replacement ratio: iron and steel"), ""),
    "replacement_source_ineligible": (
        gettext_lazy("Retired capacity that cannot serve a replacement"),
        "",
    ),
    "scope_min_energy_tce": (gettext_lazy("Two-high scope: annual energy use from"), TCE),
    "scope_sectors": (gettext_lazy("Two-high sectors"), ""),
}
UNIT_WORDS = {
    TCE: gettext_lazy("tce per year"),
    MONTHS: gettext_lazy("months"),
    YEARS: gettext_lazy("years"),
}


def parameter_name(key: str) -> str:
    """A rule-set parameter's name in words (`scope_min_energy_tce` → 两高项目能耗门槛)."""
    entry = PARAMETERS.get(key)
    return str(entry[0]) if entry else key_label(key)


def parameter_unit(key: str) -> str:
    entry = PARAMETERS.get(key)
    return str(UNIT_WORDS.get(entry[1], "")) if entry else ""


def parameter_scalar(key: str, raw) -> str:
    """A scalar parameter's value: shares as per cent (0.9 → 90%), others as numbers."""
    entry = PARAMETERS.get(key)
    if entry and entry[1] == SHARE:
        try:
            return number(Decimal(str(raw)) * 100, 2) + "%"
        except InvalidOperation:
            return str(raw)
    return label(raw) if isinstance(raw, str) else value(raw)


def ratio(spec: dict) -> str:
    """{'ratio': 1.5, 'strict': False} → "不低于 1.5 : 1"; strict → "高于 1 : 1"."""
    figure = f"{number(spec.get('ratio'))} : 1"
    if spec.get("strict"):
        return _("more than %(ratio)s") % {"ratio": figure}
    return _("at least %(ratio)s") % {"ratio": figure}


def source_citation(source: str) -> tuple[str, str]:
    """A parameter's source split into the cited text (before the first ': ') and the
    explanation after it, so a Chinese page can lead with the citation."""
    head, sep, rest = (source or "").partition(": ")
    return (head, rest) if sep else (source or "", "")


# The job page (issue 15): job names, schedule names and result keys in words.
JOB_NAMES = {
    "report": gettext_lazy("One report or ledger export"),
    "monthly_reports": gettext_lazy("Monthly alert reports"),
    "monthly_ledger_exports": gettext_lazy("Monthly ledger exports"),
    "send_digests": gettext_lazy("Digest e-mails"),
    "monthly-alert-report": gettext_lazy("Monthly alert reports"),
    "monthly-ledger-export": gettext_lazy("Monthly ledger exports"),
    "digest-daily": gettext_lazy("Daily digest e-mails"),
    "digest-weekly": gettext_lazy("Weekly digest e-mails"),
    "digest-monthly": gettext_lazy("Monthly digest e-mails"),
}
RESULT_KEYS = {
    "kind": gettext_lazy("Kind"),
    "region": gettext_lazy("Region"),
    "month": gettext_lazy("Month"),
    "report": gettext_lazy("Report"),
    "outcome": gettext_lazy("Outcome"),
    "queued": gettext_lazy("Queued"),
    "frequency": gettext_lazy("Frequency"),
    "period": gettext_lazy("Period"),
    "uncertain": gettext_lazy("Interrupted while sending"),
    "sent": gettext_lazy("Sent"),
    "empty": gettext_lazy("Nothing to say"),
    "skipped": gettext_lazy("Skipped"),
    "failed": gettext_lazy("Failed"),
    "lost": gettext_lazy("Lost"),
    "value": gettext_lazy("Result"),
    "args": gettext_lazy("Arguments"),
    "on": gettext_lazy("Date"),
    "language": gettext_lazy("Language"),
    "force": gettext_lazy("Again even if done"),
    "region_id": gettext_lazy("Region"),
    "requested_by_id": gettext_lazy("Requested by"),
}
RESULT_VALUES = {
    "produced": gettext_lazy("produced"),
    "already done or in progress": gettext_lazy("already done or in progress"),
    "monthly_report": gettext_lazy("Monthly alert report"),
    "ledger_export": gettext_lazy("Ledger export"),
    "daily": gettext_lazy("Daily"),
    "weekly": gettext_lazy("Weekly"),
    "monthly": gettext_lazy("Monthly"),
}


def job_name(code: str) -> str:
    return str(JOB_NAMES.get(code, key_label(code)))


def job_result(result) -> list[tuple[str, str]]:
    """A job's result (a dict) as labelled pairs: [("地区", "410100"), ("已排队", "18")]."""
    if not isinstance(result, dict):
        return [(str(RESULT_KEYS["value"]), value(result))] if result not in (None, "") else []
    pairs = []
    for key, item in result.items():
        if item in (None, "", [], {}):
            continue
        if key == "language":
            shown = language_name(item)
        elif isinstance(item, str) and item in RESULT_VALUES:
            shown = str(RESULT_VALUES[item])
        elif isinstance(item, list):
            shown = "、".join(value(v) for v in item)
        else:
            shown = label(item) if isinstance(item, str) else value(item)
        pairs.append((str(RESULT_KEYS.get(key, key_label(key))), shown))
    return pairs


def rule_name(rule_id: str | None, english: bool = False) -> str:
    """A rule's short name from its title (R03 → 产能置换, "Capacity replacement")."""
    from screening.rules.rulebook import RULE_TITLES

    titles = RULE_TITLES.get(rule_id or "")
    if not titles:
        return ""
    title = titles[1 if english else 0]
    return re.split(r"[（(；;]", title, maxsplit=1)[0].strip()


def rule_and_outcome(rule_id: str | None, outcome: str | None, english: bool = False) -> str:
    """What follows a rule's id in a report line: its name and the outcome in words
    ("产能置换 不通过")."""
    return " ".join(
        part for part in (rule_name(rule_id, english), labels.outcome_label(outcome)) if part
    )
