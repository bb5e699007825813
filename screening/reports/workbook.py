"""The monthly alert report workbook (月度预警报告): `write_monthly_report` writes one scope's
month to an .xlsx with openpyxl's write-only workbook, so rows stream to disk while the database
is read in chunks and 100,000 projects stay within a few hundred MB.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference

from screening import briefing
from screening.labels import DISPOSITION_LABELS, disposition_label, verdict_label
from screening.models import (
    FINAL_STATES,
    CaseState,
    EscalationEnd,
    IndicatorMonth,
    Project,
    ProjectStatus,
    Region,
    Report,
    ReportKind,
    ReportStatus,
    ReviewCase,
)
from screening.months import month_before, month_end, month_key
from screening.reports.cells import (
    CRITICAL_FONT,
    ESCALATION_LABELS,
    HEADLINE_FONT,
    TIER_ORDER,
    TITLE_FONT,
    append_row,
    count_cell,
    findings_text,
    header_row,
    is_english,
    set_widths,
    styled,
    tier_cell,
    tier_label,
)
from screening.reports.sections import (
    diagnoses_due,
    energy_warnings,
    escalations_in,
    ledger_change_counts,
    month_facts,
    overdue_items,
    region_scope_ids,
)
from screening.rules.types import Tier, Verdict

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
        from screening.early_warning.services import barometer_grid

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
        rows.append([styled(ws, _("Monthly alert report on two-high projects"), font=TITLE_FONT)])
        rows.append([_("Scope"), scope_name])
        rows.append([_("Month"), f"{self.year}-{self.month:02d}"])
        rows.append([_("Generated"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
        rows.append([])
        rows += self._headline_rows(ws)

        by_region = defaultdict(Counter)
        for region_id, verdict, count in (
            self.two_high.values_list("region_id", "verdict").annotate(n=Count("pk")).order_by()
        ):
            by_region[region_id][verdict] += count
        regions = list(Region.objects.filter(pk__in=self.ids).order_by("code"))
        rows.append(
            header_row(
                ws,
                [
                    _("Region"),
                    _("Two-high projects"),
                    _("Non-compliant"),
                    _("Incomplete"),
                    _("Compliant"),
                    _("Tier of the month"),
                    _("Coal tier"),
                ],
            )
        )
        for region in regions:
            counts = by_region.get(region.pk, Counter())
            if not counts and region.pk not in self.tiers and region.level == "county":
                continue  # counties without projects or figures would only lengthen the table
            rows.append(
                [
                    styled(ws, self.name(region)),
                    sum(counts.values()),
                    counts["NON_COMPLIANT"],
                    counts["INCOMPLETE"],
                    counts["COMPLIANT"],
                    self._tier_cell(ws, region, self.month),
                    # Beside the 能耗双控 tier, counted for nothing else (revision 4).
                    tier_cell(ws, self._coal_tier_code(region, self.month)),
                ]
            )
        rows.append([])

        tier_counts = Counter()
        for region in self.barometer_regions:
            tier_counts[self._tier_code(region, self.month)] += 1
        rows.append(header_row(ws, [_("Tier of the month"), _("Regions")]))
        for tier in TIER_ORDER:
            rows.append([tier_cell(ws, tier), tier_counts[tier]])
        rows.append([])

        sector_counts = dict(self.two_high.values_list("sector").annotate(n=Count("pk")).order_by())
        sector_nc = dict(
            self.two_high.filter(verdict=Verdict.NON_COMPLIANT)
            .values_list("sector")
            .annotate(n=Count("pk"))
            .order_by()
        )
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

        dispositions = dict(
            self.two_high.values_list("disposition").annotate(n=Count("pk")).order_by()
        )
        rows.append(header_row(ws, [_("Recommended disposition"), _("Two-high projects")]))
        for code, label in DISPOSITION_LABELS.items():
            if code in ("", "NONE"):
                continue
            rows.append([str(label), dispositions.get(code, 0)])
        rows.append([])

        # Tier months of the year per region: the data behind the "tiers by region" chart.
        tier_table_start = len(rows) + 1
        rows.append(
            header_row(
                ws,
                [
                    _("Region"),
                    tier_label("red"),
                    tier_label("yellow"),
                    tier_label("green"),
                    tier_label(""),
                ],
            )
        )
        for region in self.barometer_regions:
            counts = Counter(self._tier_code(region, m) for m in range(1, self.month + 1))
            rows.append([self.name(region)] + [counts[t] for t in TIER_ORDER])
        tier_table_end = len(rows)

        two_high_total = sum(sector_counts.values())
        self.summary.update(
            {
                "projects": sum(verdicts.values()),
                "two_high": two_high_total,
                "non_compliant": verdicts.get("NON_COMPLIANT", 0),
                "red_regions": tier_counts["red"],
            }
        )

        if tier_table_end > tier_table_start:
            chart = BarChart()
            chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
            chart.title = _("Barometer tiers by region, %(year)s (months)") % {"year": self.year}
            chart.y_axis.title = _("Months")
            data = Reference(
                ws, min_col=2, max_col=5, min_row=tier_table_start, max_row=tier_table_end
            )
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(
                Reference(ws, min_col=1, min_row=tier_table_start + 1, max_row=tier_table_end)
            )
            for series, colour in zip(
                chart.series, ("E53935", "FDD835", "43A047", "BDBDBD"), strict=True
            ):
                series.graphicalProperties.solidFill = colour
            chart.width, chart.height = 22, 10
            ws.add_chart(chart, "I2")
        if sector_table_end > sector_table_start:
            chart = BarChart()
            chart.type = "bar"
            chart.title = _("Two-high projects by sector")
            data = Reference(
                ws, min_col=2, max_col=3, min_row=sector_table_start, max_row=sector_table_end
            )
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(
                Reference(ws, min_col=1, min_row=sector_table_start + 1, max_row=sector_table_end)
            )
            chart.width, chart.height = 22, 10
            ws.add_chart(chart, "I24")
        for row in rows:
            append_row(ws, row)

    # The month at a glance (issue 16), above the summary's tables.
    def _headline_rows(self, ws) -> list[list]:
        """Restrictions and reminders, the headline figures with their change from last month
        (较上月) and what changed in the ledger, as rows of the summary sheet."""
        last = month_before(self.year, self.month)
        facts = month_facts(self.ids, self.year, self.month, self.cutoff, self.name)
        kept = _kept_summary(self.region, *last)
        # Overdue cases have no history: last month's figure is the one its report kept.
        before = dataclasses.replace(
            month_facts(self.ids, *last, None, self.name), overdue=kept.get("overdue")
        )
        rows: list[list] = [[styled(ws, _("The month at a glance"), font=HEADLINE_FONT)]]
        lines = briefing.headline(facts, {}, before)
        for line in lines:
            style = {"font": CRITICAL_FONT} if line.critical else {}
            rows.append([styled(ws, line.text, **style)])
        if not lines:
            rows.append(
                [
                    _(
                        "No restriction, reminder, new non-compliant project, overdue case "
                        "or project energy warning this month."
                    )
                ]
            )
        added, changed, removed = ledger_change_counts(self.ids, self.year, self.month)
        rows.append(
            [
                styled(
                    ws,
                    _(
                        "Ledger this month: %(added)s added, %(changed)s changed, "
                        "%(removed)s left the ledger"
                    )
                    % {
                        "added": briefing.number(added),
                        "changed": briefing.number(changed),
                        "removed": briefing.number(removed),
                    },
                )
            ]
        )
        rows.append([])

        red_now = self._red_regions(self.year, self.month)
        two_high = self.two_high.count()
        non_compliant = self.two_high.filter(verdict=Verdict.NON_COMPLIANT).count()
        last_added, last_changed, last_removed = ledger_change_counts(self.ids, *last)
        figures = [
            (
                _("Regions under the regional energy-assessment restriction"),
                len(facts.restrictions_in_force),
                len(before.restrictions_in_force),
            ),
            (
                _("Regions under a reminder"),
                len(facts.reminders_in_force),
                len(before.reminders_in_force),
            ),
            (_("Regions red on the barometer"), red_now, self._red_regions(*last)),
            (_("Two-high projects"), two_high, kept.get("two_high")),
            (_("Non-compliant two-high projects"), non_compliant, kept.get("non_compliant")),
            (_("New non-compliant projects"), facts.non_compliant_new, before.non_compliant_new),
            (_("Overdue cases"), facts.overdue, kept.get("overdue")),
            (_("Projects in red energy warning"), facts.energy_red, before.energy_red),
            (_("Projects in yellow energy warning"), facts.energy_yellow, before.energy_yellow),
            (_("Projects added to the ledger"), added, last_added),
            (_("Projects changed in the ledger"), changed, last_changed),
            (_("Projects that left the ledger"), removed, last_removed),
        ]
        rows.append(
            header_row(
                ws,
                [_("Headline figure"), _("This month"), _("Last month"), _("Change on last month")],
            )
        )
        for label, now, last in figures:
            rows.append(
                [
                    styled(ws, str(label)),
                    count_cell(ws, now),
                    count_cell(ws, last),
                    count_cell(ws, None if last is None else now - last, signed=True),
                ]
            )
        rows.append([])
        self.summary.update(
            {
                "restrictions_in_force": len(facts.restrictions_in_force),
                "reminders_in_force": len(facts.reminders_in_force),
                "new_non_compliant": facts.non_compliant_new,
                "energy_red": facts.energy_red,
                "energy_yellow": facts.energy_yellow,
                "ledger_added": added,
                "ledger_changed": changed,
                "ledger_removed": removed,
            }
        )
        return rows

    def _red_regions(self, year: int, month: int) -> int:
        """Barometer regions of the report whose published month is red."""
        return IndicatorMonth.objects.filter(
            region__in=self.barometer_regions,
            year=year,
            month=month,
            published_at__isnull=False,
            tier=Tier.RED,
        ).count()

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


def _kept_summary(region: Region, year: int, month: int) -> dict[str, Any]:
    """The summary kept with last month's report of the same scope (figures that have no
    history of their own: project and overdue counts as they stood then); {} if none."""
    report = (
        Report.objects.filter(
            kind=ReportKind.MONTHLY_REPORT,
            region=region,
            year=year,
            month=month,
            status=ReportStatus.READY,
        )
        .order_by("-finished_at")
        .first()
    )
    return dict(report.summary or {}) if report is not None else {}
