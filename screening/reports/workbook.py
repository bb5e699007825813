"""The monthly alert report workbook (月度预警报告): `write_monthly_report` writes one scope's
month to an .xlsx with openpyxl's write-only workbook, so rows stream to disk while the database
is read in chunks and 100,000 projects stay within a few hundred MB. The summary sheet is
written by reports/workbook_summary.py; the detail sheets are here.
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from screening.labels import disposition_label, verdict_label
from screening.models import (
    FINAL_STATES,
    CaseState,
    EscalationEnd,
    IndicatorMonth,
    Project,
    ProjectStatus,
    Region,
    ReviewCase,
)
from screening.months import month_end, month_key
from screening.reports.cells import (
    ESCALATION_LABELS,
    append_row,
    findings_text,
    header_row,
    is_english,
    set_widths,
    tier_cell,
)
from screening.reports.sections import (
    diagnoses_due,
    energy_warnings,
    escalations_in,
    overdue_items,
    region_scope_ids,
)
from screening.reports.workbook_summary import SummarySheet
from screening.rules.types import Verdict

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_LANGUAGE = "zh-hans"  # the report is an official document: Chinese unless asked

# --- The monthly alert report -----------------------------------------------------------------


def _barometer_regions(region_ids: frozenset[int], year: int) -> list[Region]:
    """Regions shown on the barometer: cities and zones in scope, and any region in scope that
    has figures this year (counties, the province)."""
    with_data = IndicatorMonth.objects.filter(region_id__in=region_ids, year=year).values(
        "region_id"
    )
    return list(
        Region.objects.filter(pk__in=region_ids)
        .filter(Q(level__in=["city", "zone"]) | Q(pk__in=with_data))
        .order_by("code")
    )


def write_monthly_report(
    out: str | os.PathLike,
    region: Region,
    year: int,
    month: int,
    language: str = DEFAULT_LANGUAGE,
    today: date | None = None,
) -> dict[str, Any]:
    """Write the monthly alert report of `region`'s scope for the month to `out` (.xlsx).

    Returns the summary counts (also kept on the Report row). Sheets: summary with charts,
    barometer, escalations, 两高 projects, non-compliant projects, overdue items, project
    energy warnings, diagnoses due.
    """
    today = today or timezone.localdate()
    with translation.override(language):
        return _ReportWriter(region, year, month, language, today).write(out)


class _ReportWriter(SummarySheet):
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
            region_id__in=[r.pk for r in self.barometer_regions],
            year=self.year,
            month__lte=self.month,
            published_at__isnull=False,
        ):
            months[row.region_id][row.month] = row
        return months

    def _cells(self) -> dict[int, dict[int, Any]]:
        """Each region's tier per month as the dashboard shows it: its own, else its nearest
        parent's (never the province's), marked as inherited (warnings.barometer_grid)."""
        from screening.early_warning.barometer import barometer_grid

        regions = list(Region.objects.filter(pk__in=self.ids))
        grid = barometer_grid(regions, [(self.year, m) for m in range(1, self.month + 1)])
        return {
            region_id: {cell.month: cell for cell in cells} for region_id, cells in grid.items()
        }

    def _tier_cell(self, ws, region: Region, month: int) -> WriteOnlyCell:
        cell = self.cells.get(region.pk, {}).get(month)
        if cell is None or not cell.tier:
            return tier_cell(ws, "")
        parent = (
            self.name(cell.indicator.region)
            if cell.inherited_from and cell.indicator is not None
            else ""
        )
        return tier_cell(ws, cell.tier, parent)

    def _barometer_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Barometer"))
        month_headers = [_("Month %(month)d") % {"month": m} for m in range(1, self.month + 1)]
        indicator_headers = [
            _("Energy intensity change (%)"),
            _("Intensity reduction target (%)"),
            _("Energy consumption (tce)"),
            _("Energy budget (tce)"),
            _("Coal consumption (t)"),
            _("Coal cap (t)"),
            _("Intensity tier"),
            _("Energy tier"),
            _("Coal tier"),
            _("Published"),
        ]
        set_widths(ws, [18, 10] + [9] * self.month + [14] * len(indicator_headers))
        ws.freeze_panes = "C2"
        append_row(
            ws,
            header_row(
                ws,
                [_("Region"), _("Code")]
                + month_headers
                + [f"{h} ({self.year}-{self.month:02d})" for h in indicator_headers],
            ),
        )
        for region in self.barometer_regions:
            months = self.tiers.get(region.pk, {})
            row: list = [self.name(region), region.code]
            row += [self._tier_cell(ws, region, m) for m in range(1, self.month + 1)]
            current = months.get(self.month)
            if current is not None:
                row += [
                    current.intensity_change_pct,
                    current.intensity_target_pct,
                    current.energy_total_tce,
                    current.energy_budget_tce,
                    current.coal_tonnes,
                    current.coal_cap_tonnes,
                    tier_cell(ws, current.intensity_tier),
                    tier_cell(ws, current.energy_tier),
                    tier_cell(ws, current.coal_tier),
                    timezone.localtime(current.published_at).strftime("%Y-%m-%d"),
                ]
            append_row(ws, row)

    def _escalations_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Escalations"))
        set_widths(ws, [18, 34, 12, 12, 30, 34])
        append_row(
            ws,
            header_row(
                ws,
                [
                    _("Region"),
                    _("Escalation"),
                    _("Started"),
                    _("Ended"),
                    _("Red months"),
                    _("Status"),
                ],
            ),
        )
        events = escalations_in(self.year, self.month, self.ids)
        key = month_key(self.year, self.month)
        in_force = 0
        for event in events:
            ended_later = (
                event.ended_year is None or month_key(event.ended_year, event.ended_month) > key
            )
            in_force += ended_later
            status = (
                _("In force at the end of the month")
                if ended_later
                else str(EscalationEnd(event.end_reason).label)
                if event.end_reason
                else _("Ended")
            )
            append_row(
                ws,
                [
                    self.name(event.region),
                    str(ESCALATION_LABELS.get(event.kind, event.kind)),
                    event.started,
                    event.ended,
                    "、".join(event.months),
                    status,
                ],
            )
        self.summary["escalations"] = len(events)
        self.summary["escalations_in_force"] = in_force

    def _projects_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Two-high projects"))
        set_widths(ws, [26, 36, 30, 12, 10, 22, 10, 10, 14, 14, 22, 70, 24])
        ws.freeze_panes = "B2"
        append_row(
            ws,
            header_row(
                ws,
                [
                    _("Project code"),
                    _("Project name"),
                    _("Enterprise"),
                    _("Region"),
                    _("Sector"),
                    _("Product / process"),
                    _("Construction type"),
                    _("Stage"),
                    _("Annual energy (tce)"),
                    _("Verdict"),
                    _("Recommended disposition"),
                    _("Findings"),
                    _("Clauses"),
                ],
            ),
        )
        names = self._region_names()
        outcomes = ("FAIL", "NEEDS_INFO", "WARN", "INFO")
        for row in (
            self.two_high.order_by("region__code", "project_code")
            .values_list(
                "project_code",
                "name",
                "enterprise",
                "region_id",
                "sector",
                "product",
                "construction_type",
                "stage",
                "annual_energy_tce",
                "verdict",
                "disposition",
                "findings",
            )
            .iterator(chunk_size=2000)
        ):
            (
                code,
                name,
                enterprise,
                region_id,
                sector,
                product,
                ctype,
                stage,
                energy,
                verdict,
                disposition,
                findings,
            ) = row
            text, clauses = findings_text(findings, outcomes, self.english)
            append_row(
                ws,
                [
                    code,
                    name,
                    enterprise,
                    names.get(region_id, ""),
                    sector,
                    product,
                    ctype,
                    stage,
                    energy,
                    verdict_label(verdict),
                    disposition_label(disposition),
                    text,
                    clauses,
                ],
            )

    def _region_names(self) -> dict[int, str]:
        return {r.pk: self.name(r) for r in Region.objects.filter(pk__in=self.ids)}

    def _non_compliant_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Non-compliant projects"))
        set_widths(ws, [26, 36, 30, 12, 10, 10, 26, 70, 24, 18])
        ws.freeze_panes = "B2"
        append_row(
            ws,
            header_row(
                ws,
                [
                    _("Project code"),
                    _("Project name"),
                    _("Enterprise"),
                    _("Region"),
                    _("Sector"),
                    _("Stage"),
                    _("Recommended disposition"),
                    _("Failed rules"),
                    _("Clauses"),
                    _("Open review case"),
                ],
            ),
        )
        names = self._region_names()
        open_cases = dict(
            ReviewCase.objects.filter(region_id__in=self.ids)
            .exclude(state__in=[s.value for s in FINAL_STATES])
            .values_list("project_id", "state")
        )
        count = 0
        for row in (
            self.two_high.filter(verdict=Verdict.NON_COMPLIANT)
            .order_by("region__code", "project_code")
            .values_list(
                "pk",
                "project_code",
                "name",
                "enterprise",
                "region_id",
                "sector",
                "stage",
                "disposition",
                "findings",
            )
            .iterator(chunk_size=2000)
        ):
            pk, code, name, enterprise, region_id, sector, stage, disposition, findings = row
            text, clauses = findings_text(findings, ("FAIL",), self.english)
            state = open_cases.get(pk)
            append_row(
                ws,
                [
                    code,
                    name,
                    enterprise,
                    names.get(region_id, ""),
                    sector,
                    stage,
                    disposition_label(disposition),
                    text,
                    clauses,
                    str(CaseState(state).label) if state else "",
                ],
            )
            count += 1
        self.summary["non_compliant_listed"] = count

    def _overdue_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Overdue"))
        set_widths(ws, [24, 26, 36, 12, 22, 12, 14])
        append_row(
            ws,
            header_row(
                ws,
                [
                    _("What is overdue"),
                    _("Project code"),
                    _("Project name"),
                    _("Region"),
                    _("Case state"),
                    _("Due"),
                    _("Working days overdue"),
                ],
            ),
        )
        items = overdue_items(self.ids, self.cutoff)
        for item in items:
            what = (
                _("Rectification deadline passed")
                if item.kind == "rectification"
                else _("Review time limit passed")
            )
            append_row(
                ws,
                [
                    what,
                    item.project_code,
                    item.project_name,
                    item.region_name,
                    str(CaseState(item.state).label),
                    item.due_date,
                    item.working_days_overdue,
                ],
            )
        self.summary["overdue"] = len(items)

    def _energy_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Energy warnings"))
        set_widths(ws, [26, 36, 12, 12, 16, 16, 12, 10])
        append_row(
            ws,
            header_row(
                ws,
                [
                    _("Project code"),
                    _("Project name"),
                    _("Region"),
                    _("Month"),
                    _("Cumulative energy (tce)"),
                    _("Approved annual energy (tce)"),
                    _("Share (%)"),
                    _("Tier"),
                ],
            ),
        )
        rows = energy_warnings(self.ids, year=self.year, month=self.month)
        for row in rows:
            share = row.share_pct
            append_row(
                ws,
                [
                    row.project.project_code,
                    row.project.name,
                    self.name(row.project.region),
                    f"{row.year}-{row.month:02d}",
                    row.cumulative_tce,
                    row.approved_annual_tce,
                    round(float(share), 1) if share is not None else None,
                    tier_cell(ws, row.tier),
                ],
            )
        self.summary["energy_warnings"] = len(rows)

    def _diagnoses_sheet(self) -> None:
        ws = self.wb.create_sheet(_("Diagnoses due"))
        set_widths(ws, [26, 36, 12, 18, 18])
        append_row(
            ws,
            header_row(
                ws,
                [
                    _("Project code"),
                    _("Project name"),
                    _("Region"),
                    _("Last energy diagnosis"),
                    _("Last cleaner-production audit"),
                ],
            ),
        )
        count = 0
        for _pk, code, name, region, diagnosis, cleaner in diagnoses_due(self.ids):
            append_row(ws, [code, name, region, diagnosis, cleaner])
            count += 1
        self.summary["diagnoses_due"] = count
