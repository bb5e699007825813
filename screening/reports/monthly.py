"""The monthly alert report (月度预警报告) and the kept monthly ledger export (台账导出).

A report covers one scope: a region and every region reporting to it (the review line of
`permissions.py`), so the province's report covers Henan and a city's report its city and the
counties it reviews. It is one .xlsx written with openpyxl's write-only workbook: rows stream
to disk while the database is read in chunks, so 100,000 projects stay within a few hundred MB.

The data sections (overdue items, escalations, tier changes, energy warnings, diagnoses due)
are small functions at the top: the digests read the same ones.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from screening import briefing
from screening.cases import deadlines
from screening.early_warning.alerts import (
    DIAGNOSIS_OUTCOME,
    DIAGNOSIS_RULE,
    diagnosis_candidates,
    diagnosis_due,
)
from screening.labels import (
    DISPOSITION_LABELS,
    TIER_LABELS,
    disposition_label,
    outcome_label,
    verdict_label,
)
from screening.ledger.xlsx.layout import fit_row
from screening.ledger.xlsx.xlsx_safe import looks_like_formula, set_value, text_safe_cell
from screening.models import (
    FINAL_STATES,
    CaseState,
    ChangeKind,
    EscalationEnd,
    EscalationEvent,
    EscalationKind,
    IndicatorMonth,
    Project,
    ProjectChange,
    ProjectEnergyMonth,
    ProjectStatus,
    Region,
    Report,
    ReportKind,
    ReportStatus,
    ReviewCase,
)
from screening.models.jobs import report_path
from screening.permissions import region_scope_ids as _region_scope

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_LANGUAGE = "zh-hans"  # the report is an official document: Chinese unless asked

# --- Small helpers ----------------------------------------------------------------------------


def previous_month(today: date | None = None) -> tuple[int, int]:
    """The month before `today`'s (local) month: what the report of the 1st covers."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    last = first - timedelta(days=1)
    return last.year, last.month


def parse_month(text: str) -> tuple[int, int]:
    """'YYYY-MM' → (year, month); ValueError otherwise."""
    year_text, sep, month_text = text.partition("-")
    if not sep or len(year_text) != 4 or len(month_text) != 2 \
            or not (year_text.isdigit() and month_text.isdigit()):
        raise ValueError(_("A month is written YYYY-MM, e.g. 2025-06."))
    year, month = int(year_text), int(month_text)
    if not 1 <= month <= 12 or year < 1990:
        raise ValueError(_("A month is written YYYY-MM, e.g. 2025-06."))
    return year, month


def month_key(year: int, month: int) -> int:
    return year * 100 + month


def month_end(year: int, month: int) -> date:
    """The first day after the month (its cut-off)."""
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def region_scope_ids(region: Region) -> frozenset[int]:
    """The region and every region reporting to it: what its report and its members see."""
    return _region_scope(region)


def report_scopes() -> list[Region]:
    """The scopes a monthly report is produced for: the province and every region some active
    user belongs to (so every subscriber has their own scope's report)."""
    used = Region.objects.filter(members__is_active=True).values("pk")
    return list(Region.objects.filter(Q(level="province") | Q(pk__in=used)).distinct()
                .order_by("code"))


# --- Data sections (shared by the report and the digests) -------------------------------------

@dataclass(frozen=True)
class OverdueItem:
    """An open review case past its review time limit or its rectification deadline."""

    case_id: int
    project_id: int
    project_code: str
    project_name: str
    region_name: str
    state: str
    kind: str  # "rectification" or "review"
    due_date: date
    working_days_overdue: int
    region_id: int = 0


def overdue_items(region_ids: Iterable[int], today: date) -> list[OverdueItem]:
    """Open cases in these regions past their rectification deadline or their stage's review
    time limit on `today` (early warning's definition, early_warning.services.overdue_cases)."""
    from screening.early_warning.services import overdue_cases

    rectification, review = overdue_cases(region_ids, today)
    items = [OverdueItem(case.pk, case.project_id, case.project.project_code,
                         case.project.name, case.region.name, case.state, kind, due,
                         deadlines.working_days_between(due, today), case.region_id)
             for kind, cases in (("rectification", rectification), ("review", review))
             for case in cases
             for due in [case.rectification_deadline if kind == "rectification"
                         else case.due_date]]
    return sorted(items, key=lambda item: (item.due_date, item.case_id))


def escalations_in(year: int, month: int, region_ids: Iterable[int]) -> list[EscalationEvent]:
    """Escalations of these regions that were in force at some time in the month (started by
    then, not ended before it); withdrawn ones (corrected months) are left out."""
    key = month_key(year, month)
    events = (EscalationEvent.objects.filter(region_id__in=list(region_ids))
              .exclude(end_reason=EscalationEnd.CORRECTED).select_related("region")
              .order_by("region__code", "started_year", "started_month", "kind"))
    return [e for e in events
            if month_key(e.started_year, e.started_month) <= key
            and (e.ended_year is None or month_key(e.ended_year, e.ended_month) >= key)]


def escalation_changes(region_ids: Iterable[int], since: datetime, until: datetime
                       ) -> list[tuple[EscalationEvent, str]]:
    """Escalations of these regions that began or were lifted in [since, until):
    (event, "started" | "ended")."""
    ids = list(region_ids)
    changes: list[tuple[EscalationEvent, str]] = []
    base = EscalationEvent.objects.filter(region_id__in=ids).select_related("region")
    for event in base.filter(created_at__gte=since, created_at__lt=until) \
            .exclude(end_reason=EscalationEnd.CORRECTED):
        changes.append((event, "started"))
    for event in base.filter(ended_at__gte=since, ended_at__lt=until) \
            .exclude(end_reason__in=[EscalationEnd.CORRECTED, EscalationEnd.ESCALATED]):
        changes.append((event, "ended"))
    changes.sort(key=lambda c: (c[0].region.code, c[0].started, c[1]))
    return changes


@dataclass(frozen=True)
class TierChange:
    """A newly published barometer month whose tier differs from the month before's."""

    region_id: int
    region_code: str
    region_name: str
    year: int
    month: int
    tier: str  # "" = no tier
    previous_tier: str | None  # None = no published month before


def tier_changes(region_ids: Iterable[int], since: datetime, until: datetime
                 ) -> list[TierChange]:
    """Barometer months of these regions published in [since, until) whose tier changed."""
    ids = list(region_ids)
    published = list(IndicatorMonth.objects.filter(
        region_id__in=ids, published_at__gte=since, published_at__lt=until)
        .select_related("region").order_by("region__code", "year", "month"))
    if not published:
        return []
    earlier: dict[int, dict[int, str]] = defaultdict(dict)
    for region_id, year, month, tier in IndicatorMonth.objects.filter(
            region_id__in={m.region_id for m in published}, published_at__isnull=False
    ).values_list("region_id", "year", "month", "tier"):
        earlier[region_id][month_key(year, month)] = tier
    changes = []
    for row in published:
        months = earlier[row.region_id]
        before = [k for k in months if k < month_key(row.year, row.month)]
        previous = months[max(before)] if before else None
        if previous != row.tier:
            changes.append(TierChange(row.region_id, row.region.code, row.region.name,
                                      row.year, row.month, row.tier, previous))
    return changes


def energy_warnings(region_ids: Iterable[int], *, year: int | None = None,
                    month: int | None = None, since: datetime | None = None,
                    until: datetime | None = None) -> list[ProjectEnergyMonth]:
    """Project energy-use warnings (两高项目用能预警, red or yellow) of projects in these
    regions: of one month, or entered in [since, until)."""
    rows = ProjectEnergyMonth.objects.filter(
        project__region_id__in=list(region_ids), tier__in=["red", "yellow"])
    if year is not None:
        rows = rows.filter(year=year, month=month)
    if since is not None:
        rows = rows.filter(updated_at__gte=since, updated_at__lt=until)
    return list(rows.select_related("project", "project__region")
                .order_by("project__region__code", "project__project_code", "year", "month"))


def escalations_in_force_at(region_ids: Iterable[int], year: int, month: int
                            ) -> list[EscalationEvent]:
    """Escalations of these regions in force at the end of the month (started by then and not
    ended by a later published month)."""
    key = month_key(year, month)
    return [e for e in escalations_in(year, month, region_ids)
            if e.ended_year is None or month_key(e.ended_year, e.ended_month) > key]


def new_non_compliant(region_ids: Iterable[int], since: datetime, until: datetime
                      ) -> list[Project]:
    """Active 两高 projects of these regions that entered the ledger (added or back) in
    [since, until) and are non-compliant. The verdict has no history of its own, so a project
    already in the ledger that turns non-compliant on re-screening is not "new" here."""
    entered = ProjectChange.objects.filter(
        kind__in=[ChangeKind.CREATED, ChangeKind.RESTORED], changed_at__gte=since,
        changed_at__lt=until).values("project_id")
    return list(Project.objects.filter(
        region_id__in=list(region_ids), status=ProjectStatus.ACTIVE, in_scope=True,
        verdict="NON_COMPLIANT", pk__in=entered).select_related("region")
        .order_by("region__code", "project_code"))


def ledger_changes(region_ids: Iterable[int], since: datetime, until: datetime) -> Counter:
    """Projects of these regions added, changed and removed in [since, until), by change kind
    (a project counted once per kind); rolled-back uploads are left out."""
    rows = (ProjectChange.objects.filter(project__region_id__in=list(region_ids),
                                         changed_at__gte=since, changed_at__lt=until)
            .exclude(kind=ChangeKind.ROLLED_BACK).exclude(upload__rolled_back_at__isnull=False)
            .values_list("kind").annotate(n=Count("project_id", distinct=True)).order_by())
    return Counter(dict(rows))


def diagnoses_due(region_ids: Iterable[int], *, changed_since: datetime | None = None
                  ) -> Iterator[tuple]:
    """Operating (存量) 两高 projects whose latest screening has R12 WARN (节能诊断到期):
    (id, project_code, name, region name, last diagnosis, last cleaner-production audit)."""
    rows = diagnosis_candidates(Project.objects.filter(region_id__in=list(region_ids)),
                                in_scope_only=True)
    if changed_since is not None:
        rows = rows.filter(updated_at__gte=changed_since)
    if connection.vendor == "postgresql":
        # jsonb containment keeps the other 99 % of rows in the database.
        rows = rows.filter(findings__contains=[{"rule": DIAGNOSIS_RULE,
                                                "outcome": DIAGNOSIS_OUTCOME}])
    for pk, code, name, region, diagnosis, cleaner, findings in rows.order_by(
            "region__code", "project_code").values_list(
            "pk", "project_code", "name", "region__name", "last_energy_diagnosis",
            "last_cleaner_production", "findings").iterator(chunk_size=2000):
        if diagnosis_due(findings):
            yield pk, code, name, region, diagnosis, cleaner


# --- Labels (English msgids; Chinese from the catalogue) -------------------------------------

ESCALATION_LABELS = {
    EscalationKind.REMINDER: gettext_lazy("Reminder"),
    EscalationKind.RESTRICTION: gettext_lazy("Regional energy-assessment restriction"),
}
TIER_ORDER = ("red", "yellow", "green", "")
TIER_FILLS = {
    "red": PatternFill("solid", fgColor="FFE53935"),
    "yellow": PatternFill("solid", fgColor="FFFDD835"),
    "green": PatternFill("solid", fgColor="FF43A047"),
    "": PatternFill("solid", fgColor="FFBDBDBD"),
}
HEADER_FILL = PatternFill("solid", fgColor="FFDCE6F1")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADLINE_FONT = Font(bold=True, size=12, color="FF0B4F8A")
CRITICAL_FONT = Font(bold=True, color="FFC62828")
WRAP = Alignment(wrap_text=True, vertical="top")


def tier_label(code: str | None) -> str:
    return str(TIER_LABELS.get(code or "", code))


def is_english(language: str) -> bool:
    return language.lower().startswith("en")


# --- Formula-safe cells -----------------------------------------------------------------------
# Text that a spreadsheet could take for a formula (=, +, -, @, tab, CR) goes in as a string
# cell with the quote prefix (screening.ledger.xlsx.xlsx_safe, shared with the ledger export);
# characters XML cannot hold are dropped rather than failing the whole report.


def safe_value(ws, value: Any) -> Any:
    """A value as it goes into a write-only row: formula-looking text made a text cell."""
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if looks_like_formula(value):
            return text_safe_cell(ws, value)
    return value


def safe_row(ws, values: Iterable[Any]) -> list[Any]:
    return [safe_value(ws, value) for value in values]


def styled(ws, value: Any, **style: Any) -> WriteOnlyCell:
    """A styled write-only cell, formula-safe like every other."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = set_value(WriteOnlyCell(ws), value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def header_row(ws, headers: Iterable[str]) -> list[WriteOnlyCell]:
    return [styled(ws, str(h), font=BOLD, fill=HEADER_FILL, alignment=WRAP) for h in headers]


def count_cell(ws, value: int | None, *, signed: bool = False) -> WriteOnlyCell:
    """A count with thousands separators ("—" when unknown); signed for a change."""
    if value is None:
        return styled(ws, "—", alignment=Alignment(horizontal="right"))
    return styled(ws, value, number_format="+#,##0;-#,##0;0" if signed else "#,##0")


def tier_cell(ws, tier: str | None, inherited_from: str = "") -> WriteOnlyCell:
    """A coloured tier; a tier taken from a parent region says so, as the dashboard does."""
    tier = tier or ""
    font = Font(color="FFFFFFFF", bold=True) if tier in ("red", "green") else None
    text = tier_label(tier)
    if tier and inherited_from:
        text = f"{text} ({_('from %(parent)s') % {'parent': inherited_from}})"
    cell = styled(ws, text, fill=TIER_FILLS[tier])
    if font is not None:
        cell.font = font
    return cell


_WIDTHS: WeakKeyDictionary = WeakKeyDictionary()  # write-only sheet → its column widths
_ROWS_WRITTEN: WeakKeyDictionary = WeakKeyDictionary()


def set_widths(ws, widths: Iterable[float]) -> None:
    from openpyxl.utils import get_column_letter

    widths = list(widths)
    _WIDTHS[ws] = widths
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def append_row(ws, values: Iterable[Any]) -> None:
    """Append a row to a write-only sheet: formula-safe, multi-line or over-wide text wrapped,
    and the row as tall as its longest cell (xlsx_layout)."""
    values = list(values)
    widths = _WIDTHS.get(ws, ())
    if sum(1 for v in values if v is not None and v != "") == 1:
        widths = ()  # a title alone on its row runs over the empty cells beside it
    row, height = fit_row(ws, safe_row(ws, values), widths)
    number = _ROWS_WRITTEN.get(ws, 0) + 1
    _ROWS_WRITTEN[ws] = number
    if height is not None:
        ws.row_dimensions[number].height = height
    ws.append(row)


# --- The monthly alert report -----------------------------------------------------------------

def finding_line(finding: dict, english: bool) -> str:
    """One finding in words, in the report's language: 'R03 不通过：…（(四)2）' or
    'R03 Fail: … ((四)2)'. Call inside the report's language (the outcome label)."""
    label = outcome_label(finding.get("outcome"))
    message = (finding.get("message_en" if english else "message_zh") or "").strip()
    clause = finding.get("clause") or ""
    if english:
        line = f"{finding.get('rule')} {label}: {message}" if message else \
            f"{finding.get('rule')} {label}"
        return f"{line} ({clause})" if clause else line
    line = f"{finding.get('rule')} {label}：{message}" if message else \
        f"{finding.get('rule')} {label}"
    return f"{line}（{clause}）" if clause else line


def findings_text(findings: list, outcomes: tuple[str, ...], english: bool) -> tuple[str, str]:
    """The findings with these outcomes, one line each in words (`finding_line`), and their
    clauses."""
    lines, clauses = [], []
    for finding in findings or ():
        if finding.get("outcome") not in outcomes:
            continue
        clause = finding.get("clause") or ""
        lines.append(finding_line(finding, english))
        if clause and clause not in clauses:
            clauses.append(clause)
    return "\n".join(lines), "；".join(clauses) if not english else "; ".join(clauses)


def _barometer_regions(region_ids: frozenset[int], year: int) -> list[Region]:
    """Regions shown on the barometer: cities and zones in scope, and any region in scope that
    has figures this year (counties, the province)."""
    with_data = IndicatorMonth.objects.filter(region_id__in=region_ids, year=year) \
        .values("region_id")
    return list(Region.objects.filter(pk__in=region_ids)
                .filter(Q(level__in=["city", "zone"]) | Q(pk__in=with_data)).order_by("code"))


def write_monthly_report(out: str | os.PathLike, region: Region, year: int, month: int,
                         language: str = DEFAULT_LANGUAGE, today: date | None = None
                         ) -> dict[str, Any]:
    """Write the monthly alert report of `region`'s scope for the month to `out` (.xlsx).

    Returns the summary counts (also kept on the Report row). Sheets: summary with charts,
    barometer, escalations, 两高 projects, non-compliant projects, overdue items, project
    energy warnings, diagnoses due.
    """
    today = today or timezone.localdate()
    with translation.override(language):
        return _ReportWriter(region, year, month, language, today).write(out)


class _ReportWriter:
    """Builds one report workbook; every sheet is a write-only sheet streamed to disk."""

    def __init__(self, region: Region, year: int, month: int, language: str, today: date):
        self.region, self.year, self.month = region, year, month
        self.language, self.today = language, today
        self.english = is_english(language)
        self.ids = region_scope_ids(region)
        self.cutoff = month_end(year, month)
        self.summary: dict[str, Any] = {}
        self.wb = Workbook(write_only=True)

    def name(self, region: Region) -> str:
        return region.display_name(self.language)

    def write(self, out: str | os.PathLike) -> dict[str, Any]:
        projects = Project.objects.filter(region_id__in=self.ids, status=ProjectStatus.ACTIVE)
        self.two_high = projects.filter(in_scope=True)
        self.barometer_regions = _barometer_regions(self.ids, self.year)
        self.tiers = self._tiers()
        self.cells = self._cells()
        self._summary_sheet(projects)
        self._barometer_sheet()
        self._escalations_sheet()
        self._projects_sheet()
        self._non_compliant_sheet()
        self._overdue_sheet()
        self._energy_sheet()
        self._diagnoses_sheet()
        self.wb.save(out)
        return self.summary

    def _tiers(self) -> dict[int, dict[int, IndicatorMonth]]:
        """Published months of this year up to the report's month, by region and month."""
        months: dict[int, dict[int, IndicatorMonth]] = defaultdict(dict)
        for row in IndicatorMonth.objects.filter(
                region_id__in=[r.pk for r in self.barometer_regions], year=self.year,
                month__lte=self.month, published_at__isnull=False):
            months[row.region_id][row.month] = row
        return months

    def _cells(self) -> dict[int, dict[int, Any]]:
        """Each region's tier per month as the dashboard shows it: its own, else its nearest
        parent's (never the province's), marked as inherited (warnings.barometer_grid)."""
        from screening.early_warning.services import barometer_grid

        regions = list(Region.objects.filter(pk__in=self.ids))
        grid = barometer_grid(regions, [(self.year, m) for m in range(1, self.month + 1)])
        return {region_id: {cell.month: cell for cell in cells}
                for region_id, cells in grid.items()}

    def _tier_cell(self, ws, region: Region, month: int) -> WriteOnlyCell:
        cell = self.cells.get(region.pk, {}).get(month)
        if cell is None or not cell.tier:
            return tier_cell(ws, "")
        parent = (self.name(cell.indicator.region)
                  if cell.inherited_from and cell.indicator is not None else "")
        return tier_cell(ws, cell.tier, parent)

    def _coal_tier_code(self, region: Region, month: int) -> str:
        cell = self.cells.get(region.pk, {}).get(month)
        return cell.indicator.coal_tier if cell is not None and cell.indicator is not None else ""

    def _tier_code(self, region: Region, month: int) -> str:
        cell = self.cells.get(region.pk, {}).get(month)
        return cell.tier if cell is not None else ""

    # The summary: counts, then the two native charts drawn from those counts.
    def _summary_sheet(self, projects) -> None:
        ws = self.wb.create_sheet(_("Summary"))
        set_widths(ws, [28, 14, 14, 14, 14, 14, 14])
        rows: list[list] = []  # written at the end; chart references need their positions
        scope_name = self.name(self.region)
        rows.append([styled(ws, _("Monthly alert report on two-high projects"),
                            font=TITLE_FONT)])
        rows.append([_("Scope"), scope_name])
        rows.append([_("Month"), f"{self.year}-{self.month:02d}"])
        rows.append([_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
        rows.append([])
        rows += self._headline_rows(ws)

        by_region = defaultdict(Counter)
        for region_id, verdict, count in self.two_high.values_list("region_id", "verdict") \
                .annotate(n=Count("pk")).order_by():
            by_region[region_id][verdict] += count
        regions = list(Region.objects.filter(pk__in=self.ids).order_by("code"))
        rows.append(header_row(ws, [_("Region"), _("Two-high projects"), _("Non-compliant"),
                                    _("Incomplete"), _("Compliant"),
                                    _("Tier of the month"), _("Coal tier")]))
        for region in regions:
            counts = by_region.get(region.pk, Counter())
            if not counts and region.pk not in self.tiers and region.level == "county":
                continue  # counties without projects or figures would only lengthen the table
            rows.append([styled(ws, self.name(region)), sum(counts.values()),
                         counts["NON_COMPLIANT"], counts["INCOMPLETE"], counts["COMPLIANT"],
                         self._tier_cell(ws, region, self.month),
                         # Beside the 能耗双控 tier, counted for nothing else (revision 4).
                         tier_cell(ws, self._coal_tier_code(region, self.month))])
        rows.append([])

        tier_counts = Counter()
        for region in self.barometer_regions:
            tier_counts[self._tier_code(region, self.month)] += 1
        rows.append(header_row(ws, [_("Tier of the month"), _("Regions")]))
        for tier in TIER_ORDER:
            rows.append([tier_cell(ws, tier), tier_counts[tier]])
        rows.append([])

        sector_counts = dict(self.two_high.values_list("sector").annotate(n=Count("pk"))
                             .order_by())
        sector_nc = dict(self.two_high.filter(verdict="NON_COMPLIANT").values_list("sector")
                         .annotate(n=Count("pk")).order_by())
        sector_table_start = len(rows) + 1
        rows.append(header_row(ws, [_("Sector"), _("Two-high projects"), _("Non-compliant")]))
        sectors = sorted(sector_counts, key=lambda s: (-sector_counts[s], s))
        for sector in sectors:
            rows.append([sector, sector_counts[sector], sector_nc.get(sector, 0)])
        sector_table_end = len(rows)
        rows.append([])

        verdicts = dict(projects.values_list("verdict").annotate(n=Count("pk")).order_by())
        rows.append(header_row(ws, [_("Verdict"), _("Projects")]))
        for code in ("NON_COMPLIANT", "INCOMPLETE", "COMPLIANT", "NOT_IN_SCOPE", ""):
            if code in verdicts or code != "":
                rows.append([verdict_label(code), verdicts.get(code, 0)])
        rows.append([])

        dispositions = dict(self.two_high.values_list("disposition").annotate(n=Count("pk"))
                            .order_by())
        rows.append(header_row(ws, [_("Recommended disposition"), _("Two-high projects")]))
        for code, label in DISPOSITION_LABELS.items():
            if code in ("", "NONE"):
                continue
            rows.append([str(label), dispositions.get(code, 0)])
        rows.append([])

        # Tier months of the year per region: the data behind the "tiers by region" chart.
        tier_table_start = len(rows) + 1
        rows.append(header_row(ws, [_("Region"), tier_label("red"), tier_label("yellow"),
                                    tier_label("green"), tier_label("")]))
        for region in self.barometer_regions:
            counts = Counter(self._tier_code(region, m) for m in range(1, self.month + 1))
            rows.append([self.name(region)] + [counts[t] for t in TIER_ORDER])
        tier_table_end = len(rows)

        two_high_total = sum(sector_counts.values())
        self.summary.update({
            "projects": sum(verdicts.values()), "two_high": two_high_total,
            "non_compliant": verdicts.get("NON_COMPLIANT", 0),
            "red_regions": tier_counts["red"],
        })

        if tier_table_end > tier_table_start:
            chart = BarChart()
            chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
            chart.title = _("Barometer tiers by region, %(year)s (months)") % {
                "year": self.year}
            chart.y_axis.title = _("Months")
            data = Reference(ws, min_col=2, max_col=5, min_row=tier_table_start,
                             max_row=tier_table_end)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=tier_table_start + 1,
                                           max_row=tier_table_end))
            for series, colour in zip(chart.series, ("E53935", "FDD835", "43A047", "BDBDBD"),
                                      strict=True):
                series.graphicalProperties.solidFill = colour
            chart.width, chart.height = 22, 10
            ws.add_chart(chart, "I2")
        if sector_table_end > sector_table_start:
            chart = BarChart()
            chart.type = "bar"
            chart.title = _("Two-high projects by sector")
            data = Reference(ws, min_col=2, max_col=3, min_row=sector_table_start,
                             max_row=sector_table_end)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=1, min_row=sector_table_start + 1,
                                           max_row=sector_table_end))
            chart.width, chart.height = 22, 10
            ws.add_chart(chart, "I24")
        for row in rows:
            append_row(ws, row)

    # The month at a glance (issue 16), above the summary's tables.
    def _headline_rows(self, ws) -> list[list]:
        """Restrictions and reminders, the headline figures with their change from last month
        (较上月) and what changed in the ledger, as rows of the summary sheet."""
        last = previous_month(date(self.year, self.month, 1))
        facts = month_facts(self.ids, self.year, self.month, self.cutoff, self.name)
        kept = _kept_summary(self.region, *last)
        # Overdue cases have no history: last month's figure is the one its report kept.
        before = dataclasses.replace(month_facts(self.ids, *last, None, self.name),
                                     overdue=kept.get("overdue"))
        rows: list[list] = [[styled(ws, _("The month at a glance"), font=HEADLINE_FONT)]]
        lines = briefing.headline(facts, {}, before)
        for line in lines:
            style = {"font": CRITICAL_FONT} if line.critical else {}
            rows.append([styled(ws, line.text, **style)])
        if not lines:
            rows.append([_("No restriction, reminder, new non-compliant project, overdue case "
                           "or project energy warning this month.")])
        added, changed, removed = ledger_change_counts(self.ids, self.year, self.month)
        rows.append([styled(ws, _("Ledger this month: %(added)s added, %(changed)s changed, "
                                  "%(removed)s left the ledger") % {
            "added": briefing.number(added), "changed": briefing.number(changed),
            "removed": briefing.number(removed)})])
        rows.append([])

        red_now = self._red_regions(self.year, self.month)
        two_high = self.two_high.count()
        non_compliant = self.two_high.filter(verdict="NON_COMPLIANT").count()
        last_added, last_changed, last_removed = ledger_change_counts(self.ids, *last)
        figures = [
            (_("Regions under the regional energy-assessment restriction"),
             len(facts.restrictions_in_force), len(before.restrictions_in_force)),
            (_("Regions under a reminder"), len(facts.reminders_in_force),
             len(before.reminders_in_force)),
            (_("Regions red on the barometer"), red_now, self._red_regions(*last)),
            (_("Two-high projects"), two_high, kept.get("two_high")),
            (_("Non-compliant two-high projects"), non_compliant, kept.get("non_compliant")),
            (_("New non-compliant projects"), facts.non_compliant_new,
             before.non_compliant_new),
            (_("Overdue cases"), facts.overdue, kept.get("overdue")),
            (_("Projects in red energy warning"), facts.energy_red, before.energy_red),
            (_("Projects in yellow energy warning"), facts.energy_yellow, before.energy_yellow),
            (_("Projects added to the ledger"), added, last_added),
            (_("Projects changed in the ledger"), changed, last_changed),
            (_("Projects that left the ledger"), removed, last_removed),
        ]
        rows.append(header_row(ws, [_("Headline figure"), _("This month"), _("Last month"),
                                    _("Change on last month")]))
        for label, now, last in figures:
            rows.append([styled(ws, str(label)), count_cell(ws, now), count_cell(ws, last),
                         count_cell(ws, None if last is None else now - last, signed=True)])
        rows.append([])
        self.summary.update({
            "restrictions_in_force": len(facts.restrictions_in_force),
            "reminders_in_force": len(facts.reminders_in_force),
            "new_non_compliant": facts.non_compliant_new,
            "energy_red": facts.energy_red, "energy_yellow": facts.energy_yellow,
            "ledger_added": added, "ledger_changed": changed, "ledger_removed": removed,
        })
        return rows

    def _red_regions(self, year: int, month: int) -> int:
        """Barometer regions of the report whose published month is red."""
        return IndicatorMonth.objects.filter(
            region__in=self.barometer_regions, year=year, month=month,
            published_at__isnull=False, tier="red").count()

    def _barometer_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Barometer"))
        month_headers = [_("Month %(month)d") % {"month": m} for m in range(1, self.month + 1)]
        indicator_headers = [
            _("Energy intensity change (%)"), _("Intensity reduction target (%)"),
            _("Energy consumption (tce)"), _("Energy budget (tce)"), _("Coal consumption (t)"),
            _("Coal cap (t)"), _("Intensity tier"), _("Energy tier"), _("Coal tier"),
            _("Published"),
        ]
        set_widths(ws, [18, 10] + [9] * self.month + [14] * len(indicator_headers))
        ws.freeze_panes = "C2"
        append_row(ws, header_row(ws, [_("Region"), _("Code")] + month_headers + [
            f"{h} ({self.year}-{self.month:02d})" for h in indicator_headers]))
        for region in self.barometer_regions:
            months = self.tiers.get(region.pk, {})
            row: list = [self.name(region), region.code]
            row += [self._tier_cell(ws, region, m) for m in range(1, self.month + 1)]
            current = months.get(self.month)
            if current is not None:
                row += [current.intensity_change_pct, current.intensity_target_pct,
                        current.energy_total_tce, current.energy_budget_tce,
                        current.coal_tonnes, current.coal_cap_tonnes,
                        tier_cell(ws, current.intensity_tier), tier_cell(ws, current.energy_tier),
                        tier_cell(ws, current.coal_tier),
                        timezone.localtime(current.published_at).strftime("%Y-%m-%d")]
            append_row(ws, row)

    def _escalations_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Escalations"))
        set_widths(ws, [18, 34, 12, 12, 30, 34])
        append_row(ws, header_row(ws, [_("Region"), _("Escalation"), _("Started"), _("Ended"),
                                  _("Red months"), _("Status")]))
        events = escalations_in(self.year, self.month, self.ids)
        key = month_key(self.year, self.month)
        in_force = 0
        for event in events:
            ended_later = event.ended_year is None or month_key(
                event.ended_year, event.ended_month) > key
            in_force += ended_later
            status = (_("In force at the end of the month") if ended_later
                      else str(EscalationEnd(event.end_reason).label) if event.end_reason
                      else _("Ended"))
            append_row(ws, [self.name(event.region),
                                    str(ESCALATION_LABELS.get(event.kind, event.kind)),
                                    event.started, event.ended, "、".join(event.months),
                                    status])
        self.summary["escalations"] = len(events)
        self.summary["escalations_in_force"] = in_force

    def _projects_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Two-high projects"))
        set_widths(ws, [26, 36, 30, 12, 10, 22, 10, 10, 14, 14, 22, 70, 24])
        ws.freeze_panes = "B2"
        append_row(ws, header_row(ws, [
            _("Project code"), _("Project name"), _("Enterprise"), _("Region"), _("Sector"),
            _("Product / process"), _("Construction type"), _("Stage"),
            _("Annual energy (tce)"), _("Verdict"), _("Recommended disposition"),
            _("Findings"), _("Clauses")]))
        names = self._region_names()
        outcomes = ("FAIL", "NEEDS_INFO", "WARN", "INFO")
        for row in self.two_high.order_by("region__code", "project_code").values_list(
                "project_code", "name", "enterprise", "region_id", "sector", "product",
                "construction_type", "stage", "annual_energy_tce", "verdict", "disposition",
                "findings").iterator(chunk_size=2000):
            (code, name, enterprise, region_id, sector, product, ctype, stage, energy,
             verdict, disposition, findings) = row
            text, clauses = findings_text(findings, outcomes, self.english)
            append_row(ws, [code, name, enterprise, names.get(region_id, ""), sector,
                                    product, ctype, stage, energy, verdict_label(verdict),
                                    disposition_label(disposition), text, clauses])

    def _region_names(self) -> dict[int, str]:
        return {r.pk: self.name(r) for r in Region.objects.filter(pk__in=self.ids)}

    def _non_compliant_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Non-compliant projects"))
        set_widths(ws, [26, 36, 30, 12, 10, 10, 26, 70, 24, 18])
        ws.freeze_panes = "B2"
        append_row(ws, header_row(ws, [
            _("Project code"), _("Project name"), _("Enterprise"), _("Region"), _("Sector"),
            _("Stage"), _("Recommended disposition"), _("Failed rules"), _("Clauses"),
            _("Open review case")]))
        names = self._region_names()
        open_cases = dict(ReviewCase.objects.filter(region_id__in=self.ids).exclude(
            state__in=[s.value for s in FINAL_STATES]).values_list("project_id", "state"))
        count = 0
        for row in self.two_high.filter(verdict="NON_COMPLIANT").order_by(
                "region__code", "project_code").values_list(
                "pk", "project_code", "name", "enterprise", "region_id", "sector", "stage",
                "disposition", "findings").iterator(chunk_size=2000):
            pk, code, name, enterprise, region_id, sector, stage, disposition, findings = row
            text, clauses = findings_text(findings, ("FAIL",), self.english)
            state = open_cases.get(pk)
            append_row(ws, [code, name, enterprise, names.get(region_id, ""), sector,
                                    stage, disposition_label(disposition), text, clauses,
                                    str(CaseState(state).label) if state else ""])
            count += 1
        self.summary["non_compliant_listed"] = count

    def _overdue_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Overdue"))
        set_widths(ws, [24, 26, 36, 12, 22, 12, 14])
        append_row(ws, header_row(ws, [_("What is overdue"), _("Project code"), _("Project name"),
                                  _("Region"), _("Case state"), _("Due"),
                                  _("Working days overdue")]))
        items = overdue_items(self.ids, self.cutoff)
        for item in items:
            what = (_("Rectification deadline passed") if item.kind == "rectification"
                    else _("Review time limit passed"))
            append_row(ws, [what, item.project_code, item.project_name,
                                    item.region_name, str(CaseState(item.state).label),
                                    item.due_date, item.working_days_overdue])
        self.summary["overdue"] = len(items)

    def _energy_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Energy warnings"))
        set_widths(ws, [26, 36, 12, 12, 16, 16, 12, 10])
        append_row(ws, header_row(ws, [_("Project code"), _("Project name"), _("Region"),
                                  _("Month"), _("Cumulative energy (tce)"),
                                  _("Approved annual energy (tce)"), _("Share (%)"),
                                  _("Tier")]))
        rows = energy_warnings(self.ids, year=self.year, month=self.month)
        for row in rows:
            share = row.share_pct
            append_row(ws, [
                row.project.project_code, row.project.name, self.name(row.project.region),
                f"{row.year}-{row.month:02d}", row.cumulative_tce, row.approved_annual_tce,
                round(float(share), 1) if share is not None else None,
                tier_cell(ws, row.tier)])
        self.summary["energy_warnings"] = len(rows)

    def _diagnoses_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Diagnoses due"))
        set_widths(ws, [26, 36, 12, 18, 18])
        append_row(ws, header_row(ws, [_("Project code"), _("Project name"), _("Region"),
                                  _("Last energy diagnosis"),
                                  _("Last cleaner-production audit")]))
        count = 0
        for _pk, code, name, region, diagnosis, cleaner in diagnoses_due(self.ids):
            append_row(ws, [code, name, region, diagnosis, cleaner])
            count += 1
        self.summary["diagnoses_due"] = count


# --- The month's headline (shared with the digests through screening.briefing) -------------

def month_facts(region_ids: frozenset[int], year: int, month: int, overdue_on: date | None,
                name) -> briefing.Facts:
    """The headline facts of a month in these regions: escalations in force at its end (and
    those that began in it), projects that entered the ledger non-compliant in it, project
    energy warnings of the month, and cases overdue on `overdue_on` (None: not counted)."""
    restrictions, reminders = [], []
    new_restrictions, new_reminders = [], []
    for event in escalations_in_force_at(region_ids, year, month):
        started_now = (event.started_year, event.started_month) == (year, month)
        if event.kind == EscalationKind.RESTRICTION:
            restrictions.append(name(event.region))
            if started_now:
                new_restrictions.append(name(event.region))
        else:
            reminders.append(name(event.region))
            if started_now:
                new_reminders.append(name(event.region))
    projects = new_non_compliant(region_ids, aware(date(year, month, 1)),
                                 aware(month_end(year, month)))
    dispositions = Counter(p.disposition for p in projects)
    tiers = Counter(row.tier for row in energy_warnings(region_ids, year=year, month=month))
    overdue = overdue_items(region_ids, overdue_on) if overdue_on else []
    return briefing.Facts(
        restrictions_new=tuple(dict.fromkeys(new_restrictions)),
        restrictions_in_force=tuple(dict.fromkeys(restrictions)),
        reminders_new=tuple(dict.fromkeys(new_reminders)),
        reminders_in_force=tuple(dict.fromkeys(reminders)),
        non_compliant_new=len(projects),
        dispositions=tuple((str(label), dispositions[code])
                           for code, label in DISPOSITION_LABELS.items() if dispositions[code]),
        overdue=len(overdue),
        overdue_max_days=max((item.working_days_overdue for item in overdue), default=0),
        energy_red=tiers["red"], energy_yellow=tiers["yellow"])


def ledger_change_counts(region_ids: frozenset[int], year: int, month: int
                         ) -> tuple[int, int, int]:
    """Projects added (or back), changed and removed in the month."""
    counts = ledger_changes(region_ids, aware(date(year, month, 1)),
                            aware(month_end(year, month)))
    return (counts[ChangeKind.CREATED] + counts[ChangeKind.RESTORED],
            counts[ChangeKind.UPDATED], counts[ChangeKind.REMOVED])


def _kept_summary(region: Region, year: int, month: int) -> dict[str, Any]:
    """The summary kept with last month's report of the same scope (figures that have no
    history of their own: project and overdue counts as they stood then); {} if none."""
    report = Report.objects.filter(kind=ReportKind.MONTHLY_REPORT, region=region, year=year,
                                   month=month, status=ReportStatus.READY).order_by(
        "-finished_at").first()
    return dict(report.summary or {}) if report is not None else {}


# --- Kept reports: claim, produce, replace ----------------------------------------------------

def report_lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "REPORT_CLAIM_LEASE_SECONDS", 1800))


def _claimable(now: datetime, force: bool) -> Q:
    open_states = Q(status__in=[ReportStatus.PENDING, ReportStatus.FAILED])
    expired = Q(status=ReportStatus.RUNNING, lease_until__lt=now)
    if force:
        return open_states | expired | Q(status=ReportStatus.READY)
    return open_states | expired


def claim_report(kind: str, region: Region, year: int, month: int,
                 language: str = DEFAULT_LANGUAGE, *, force: bool = False,
                 requested_by=None) -> tuple[Report, str] | None:
    """Claim the production of one report: returns (report, token), or None when it is ready
    (and not forced) or someone else holds a live claim on it."""
    now = timezone.now()
    token = uuid.uuid4().hex
    claim = {"status": ReportStatus.RUNNING, "claim_token": token,
             "lease_until": now + report_lease(), "started_at": now, "error": ""}
    key = {"kind": kind, "region": region, "year": year, "month": month, "language": language}
    try:
        with transaction.atomic():
            report = Report.objects.create(**key, **claim, attempts=1,
                                           requested_by=requested_by)
        return report, token
    except IntegrityError:
        pass  # it exists: take it over only if it is free
    report = Report.objects.get(**key)
    from django.db.models import F

    taken = Report.objects.filter(pk=report.pk).filter(_claimable(now, force)).update(
        **claim, attempts=F("attempts") + 1)
    if taken != 1:
        return None
    report.refresh_from_db()
    return report, token


def _finish(report: Report, token: str, path: Path, summary: dict) -> bool:
    """Store the produced file if the claim is still ours; the old file goes only then."""
    old_name = Report.objects.filter(pk=report.pk).values_list("file", flat=True).first()
    with path.open("rb") as handle:
        stored_name = report.file.storage.save(report_path(report, path.name), File(handle))
    updated = Report.objects.filter(pk=report.pk, claim_token=token).update(
        status=ReportStatus.READY, file=stored_name, size=path.stat().st_size,
        summary=summary, finished_at=timezone.now(), lease_until=None, error="")
    if updated != 1:  # our lease ran out and another run took over: keep theirs
        report.file.storage.delete(stored_name)
        return False
    if old_name and old_name != stored_name:
        report.file.storage.delete(old_name)
    return True


def _produce(report: Report, token: str, write) -> Report | None:
    """Run `write(path) -> summary` into a temporary file, then keep it; record a failure."""
    handle, temp = tempfile.mkstemp(suffix=".xlsx", prefix="two-high-report-")
    os.close(handle)
    path = Path(temp)
    try:
        summary = write(path)
        kept = _finish(report, token, path, summary)
    except Exception as error:  # the report row must record any failure; re-raised below
        Report.objects.filter(pk=report.pk, claim_token=token).update(
            status=ReportStatus.FAILED, error=f"{type(error).__name__}: {error}"[:5000],
            finished_at=timezone.now(), lease_until=None)
        raise
    finally:
        path.unlink(missing_ok=True)
    return Report.objects.get(pk=report.pk) if kept else None


def generate_monthly_report(region: Region, year: int, month: int,
                            language: str = DEFAULT_LANGUAGE, *, force: bool = False,
                            requested_by=None) -> Report | None:
    """Produce and keep the monthly report of `region`'s scope, once: None when it is already
    ready (unless forced) or being produced by someone else."""
    claimed = claim_report(ReportKind.MONTHLY_REPORT, region, year, month, language,
                           force=force, requested_by=requested_by)
    if claimed is None:
        return None
    report, token = claimed
    return _produce(report, token,
                    lambda path: write_monthly_report(path, region, year, month, language))


def ready_report(kind: str, region: Region, year: int, month: int,
                 language: str = DEFAULT_LANGUAGE) -> Report | None:
    return Report.objects.filter(kind=kind, region=region, year=year, month=month,
                                 language=language, status=ReportStatus.READY).first()


# --- The monthly ledger export ----------------------------------------------------------------

def generate_ledger_export(region: Region, year: int, month: int, *, force: bool = False
                           ) -> Report | None:
    """Keep the ledger export of `region`'s scope as it stood when the month closed (taken on
    the 1st of the month after); once per scope and month."""
    claimed = claim_report(ReportKind.LEDGER_EXPORT, region, year, month, DEFAULT_LANGUAGE,
                           force=force)
    if claimed is None:
        return None
    report, token = claimed

    def write(path: Path) -> dict:
        projects = Project.objects.filter(region_id__in=region_scope_ids(region),
                                          status=ProjectStatus.ACTIVE)
        from screening.ledger.export import export_ledger

        return {"projects": export_ledger(None, path, queryset=projects)}

    return _produce(report, token, write)


def reports_visible_to(user) -> Any:
    """Kept reports whose scope lies within the user's (permissions.py decides)."""
    from screening.permissions import scoped

    return scoped(Report.objects.select_related("region"), user)
