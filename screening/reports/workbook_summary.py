"""The summary sheet of the monthly alert report workbook (reports/workbook.py): the month at a
glance (headline figures against last month, what changed in the ledger), the counts by region,
tier, sector, verdict and disposition, and the two native charts drawn from those counts.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.chart import BarChart, Reference

from screening import briefing
from screening.labels import DISPOSITION_LABELS, verdict_label
from screening.models import IndicatorMonth, Region, Report, ReportKind, ReportStatus
from screening.months import month_before
from screening.reports.cells import (
    CRITICAL_FONT,
    HEADLINE_FONT,
    TIER_ORDER,
    TITLE_FONT,
    append_row,
    count_cell,
    header_row,
    set_widths,
    styled,
    tier_cell,
    tier_label,
)
from screening.reports.sections import ledger_change_counts, month_facts
from screening.rules.types import Tier, Verdict


class SummarySheet:
    """The summary sheet's part of the report writer (`workbook._ReportWriter`), which supplies
    what these methods read: wb, region, year, month, ids, cutoff, two_high, tiers, cells,
    barometer_regions, summary (the counts kept on the Report row), name() and _tier_cell().
    """

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
