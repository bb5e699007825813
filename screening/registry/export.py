"""The cross-checks as an .xlsx workbook: one sheet per check, in the page's order (by risk).
Text that looks like a formula is written as text (SPEC §7)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook

from screening.ledger.xlsx.xlsx_safe import safe_row
from screening.registry.checks import CrossChecks
from screening.rules.text import jnum


def _labels() -> tuple[dict[int, str], dict[str, str]]:
    """(risk labels, reason labels) in the active language, translated once per language: the
    page and the export label every row."""
    language = get_language()
    labels = _LABELS.get(language)
    if labels is None:
        labels = _LABELS[language] = (
            {3: _("high"), 2: _("medium"), 1: _("low")},
            {
                "plans_in_several_regions": _("plans in several regions"),
                "source_ineligible": _("source not eligible"),
                "source_not_shut_down": _("source not shut down"),
                "source_over_drawn": _("source over-drawn"),
                "project_not_citing_plan": _("listed project does not name the plan in the ledger"),
                "project_not_in_plan": _("project names the plan but is not listed in it"),
                "family_differs": _("product family differs"),
                "replaced_differs": _("replaced capacity in the ledger differs from the draws"),
                "new_capacity_differs": _("new capacity in the ledger differs from the plan"),
            },
        )
    return labels


_LABELS: dict[str | None, tuple[dict[int, str], dict[str, str]]] = {}


def risk_label(risk) -> str:
    return _labels()[0][int(risk)]


def reason_label(code: str) -> str:
    return _labels()[1].get(code, code)


def write_cross_checks(checks: CrossChecks, path: str | Path) -> None:
    workbook = Workbook(write_only=True)
    shared = workbook.create_sheet(_("Shared sources"))
    shared.append(
        [
            _("Risk"),
            _("Source"),
            _("Region"),
            _("Enterprise"),
            _("Equipment"),
            _("Family"),
            _("Capacity"),
            _("Drawn"),
            _("Unit"),
            _("Plans"),
            _("Reasons"),
        ]
    )
    for item in checks.shared_sources:
        s = item.source
        shared.append(
            safe_row(
                shared,
                [
                    risk_label(item.risk),
                    s.number,
                    s.region,
                    s.enterprise,
                    s.equipment,
                    s.family,
                    jnum(s.capacity),
                    jnum(item.drawn),
                    s.capacity_unit,
                    "；".join(
                        f"{plan.ref}（{plan.region}）{jnum(amount)}" for plan, amount in item.draws
                    ),
                    "；".join(reason_label(r) for r in item.reasons),
                ],
            )
        )
    mismatches = workbook.create_sheet(_("Ledger disagreements"))
    mismatches.append(
        [_("Risk"), _("Plan"), _("Region"), _("Project"), _("Problem"), _("Ledger"), _("Registry")]
    )
    for item in checks.ledger_mismatches:
        for problem in item.problems:
            mismatches.append(
                safe_row(
                    mismatches,
                    [
                        risk_label(item.risk),
                        item.plan.ref,
                        item.plan.region,
                        problem.get("project_code", ""),
                        reason_label(problem["kind"]),
                        _cell(problem.get("ledger")),
                        _cell(problem.get("registry")),
                    ],
                )
            )
    cross = workbook.create_sheet(_("Cross-region draws"))
    cross.append(
        [
            _("Risk"),
            _("Source"),
            _("Source region"),
            _("Plan"),
            _("Plan region"),
            _("Amount"),
            _("Unit"),
        ]
    )
    for item in checks.cross_region:
        cross.append(
            safe_row(
                cross,
                [
                    risk_label(item.risk),
                    item.source.number,
                    item.source.region,
                    item.plan.ref,
                    item.plan.region,
                    jnum(item.amount),
                    item.source.capacity_unit,
                ],
            )
        )
    workbook.save(path)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return jnum(value)
