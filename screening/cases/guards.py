"""The conditions of the review workflow's transitions (SPEC §5), decided by the services.

The case model only holds fields and moves its state; what a guard needs from elsewhere (the
region's standing today, a fresh screening) is computed here and kept on the case instance until
`ReviewCase.forget_derived()` drops it. Each condition carries the user-facing reason given when
it refuses (`refusal`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.context import ContextResolver
from screening.ledger.xlsx.template import COLUMNS, Column, RequiredIf
from screening.models import ProjectStatus, RuleSet
from screening.rules.barometer import red_run_at_end
from screening.rules.types import Verdict
from screening.screen import NoRuleSetInForce, parameters_of, project_input, screen_inputs

if TYPE_CHECKING:
    from screening.models import Project, ReviewCase
    from screening.rules.types import Screening

Condition = Callable[["ReviewCase"], bool]


def condition(
    refusal: str, detail: Callable[[ReviewCase], str] | None = None
) -> Callable[[Condition], Condition]:
    """Name a guard: `refusal` is the reason given when it fails; `detail` may add specifics."""

    def mark(check: Condition) -> Condition:
        check.refusal = refusal  # type: ignore[attr-defined]
        check.detail = detail  # type: ignore[attr-defined]
        return check

    return mark


def refusal_of(check: Condition, case: ReviewCase) -> str:
    """The user-facing reason a guard refuses this case."""
    detail = getattr(check, "detail", None)
    reason = str(check.refusal)  # type: ignore[attr-defined]
    return f"{reason} {detail(case)}" if detail else reason


# --- Facts the guards read, computed here and cached on the case instance ---------------------


@dataclass(frozen=True)
class RegionStatus:
    """The region's restriction and last year's targets as of a day (for the approve guard)."""

    restricted: bool
    missed_dual_control: bool
    missed_pollutant: bool
    red_run: int

    @property
    def missed_targets(self) -> bool:
        return self.missed_dual_control or self.missed_pollutant


def region_status_today(case: ReviewCase) -> RegionStatus:
    """Restriction (区域节能评估限批) and last year's targets, read now, not at submit."""
    cached = getattr(case, "_region_status", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    context = ContextResolver(today).for_region(case.region.code)
    # The restriction's length is the rule in force today; the case's own rule set if none.
    rule_set = RuleSet.in_force(today) or case.rule_set
    run = red_run_at_end(context.barometer)
    restricted = (
        rule_set is not None and run >= parameters_of(rule_set).barometer_restriction_months
    )
    status = RegionStatus(
        restricted=restricted,
        red_run=run,
        missed_dual_control=context.missed_dual_control_last_year,
        missed_pollutant=context.missed_pollutant_target_last_year,
    )
    case._region_status = status
    return status


def fresh_screening(case: ReviewCase) -> Screening:
    """The project screened now, under the rule set in force today (cached on the instance,
    its rule set as `case._fresh_rule_set`). Raises NoRuleSetInForce when none is in force."""
    cached = getattr(case, "_fresh_screening", None)
    if cached is not None:
        return cached
    rule_set, (screening,) = screen_inputs([project_input(case.project)], timezone.localdate())
    case._fresh_rule_set = rule_set
    case._fresh_screening = screening
    return screening


# --- Ledger completeness (SPEC §3), read from the template's one column table -----------------

# The template's header of each column, by field: officers know the columns by these texts.
LEDGER_HEADERS = {column.key: column.header for column in COLUMNS}

# Ledger columns a case cannot be submitted without (SPEC §3 "required"); the region is checked
# on its foreign key.
REQUIRED_LEDGER_FIELDS = tuple(
    column.key for column in COLUMNS if column.required and column.key != "region"
)


def _given(value) -> bool:
    return value not in (None, "")


def _positive(value) -> bool:
    return value is not None and value > 0


def _required_if_met(project: Project, column: Column) -> bool:
    """Whether the template's required-if condition of the column holds on the project."""
    triggers = [getattr(project, key) for key in column.required_if_keys]
    if column.required_if == RequiredIf.ANY_POSITIVE:
        return any(_positive(value) for value in triggers)
    return all(_given(value) for value in triggers)


def missing_ledger_fields(project: Project) -> list[str]:
    """Required ledger columns that are blank on the project (field names), the required-if
    columns judged by the template's own conditions."""
    missing = [name for name in REQUIRED_LEDGER_FIELDS if not _given(getattr(project, name))]
    if not project.region_id:
        missing.append("region")
    missing.extend(
        column.key
        for column in COLUMNS
        if column.required_if is not None
        and _required_if_met(project, column)
        and not _given(getattr(project, column.key))
    )
    return missing


def _missing_detail(case: ReviewCase) -> str:
    names = "、".join(LEDGER_HEADERS[n] for n in missing_ledger_fields(case.project))
    return str(_("Missing: %(columns)s.") % {"columns": names})


# --- The conditions ------------------------------------------------------------------------


@condition(
    _("The project's ledger row lacks required fields; complete the ledger first."),
    detail=_missing_detail,
)
def ledger_row_complete(case: ReviewCase) -> bool:
    return not missing_ledger_fields(case.project)


@condition(_("The project has left the ledger; it cannot be submitted for review."))
def project_in_ledger(case: ReviewCase) -> bool:
    return case.project.status == ProjectStatus.ACTIVE


@condition(_("Only a case whose screening at submission is compliant can be approved."))
def screening_is_compliant(case: ReviewCase) -> bool:
    return case.verdict == Verdict.COMPLIANT


# The region guards apply to 拟建 projects only, as R07/R08 do (SPEC §5, revision 4).


@condition(
    _(
        "The region is under 区域节能评估限批 (three or more red barometer months in a "
        "row): no planned project can be approved until a published month is no longer "
        "red."
    )
)
def region_not_restricted(case: ReviewCase) -> bool:
    return not case.is_planned or not region_status_today(case).restricted


@condition(
    _(
        "The region missed last year's energy dual-control target: only livelihood or "
        "infrastructure projects can be approved this year (clause (十八))."
    )
)
def region_met_dual_control_or_livelihood(case: ReviewCase) -> bool:
    if not case.is_planned:
        return True
    return not region_status_today(case).missed_dual_control or case.is_livelihood


@condition(
    _(
        "The region missed last year's pollutant-total target: EIA approvals of projects "
        "adding those pollutants are suspended, livelihood projects included (clause "
        "(十八))."
    )
)
def region_met_pollutant_target(case: ReviewCase) -> bool:
    return not case.is_planned or not region_status_today(case).missed_pollutant


@condition(
    _(
        "A planned project needs window guidance or a third-party evaluation completed "
        "before approval (clause (十一))."
    )
)
def evaluation_done_for_planned_project(case: ReviewCase) -> bool:
    return not case.is_planned or case.evaluation_completed_at is not None


@condition(
    _("A fresh screening of the project is not compliant: the rectification cannot be accepted.")
)
def fresh_screening_is_compliant(case: ReviewCase) -> bool:
    try:
        return fresh_screening(case).verdict == Verdict.COMPLIANT
    except NoRuleSetInForce:
        return False  # the service reports this refusal with its own reason


# The conditions of each transition (SPEC §5), checked in this order by the services.
GUARDS: dict[str, tuple[Condition, ...]] = {
    "submit": (project_in_ledger, ledger_row_complete),
    "approve": (
        screening_is_compliant,
        evaluation_done_for_planned_project,
        region_not_restricted,
        region_met_dual_control_or_livelihood,
        region_met_pollutant_target,
    ),
    "verify_rectification": (fresh_screening_is_compliant,),
}


def guards_of(name: str) -> tuple[Condition, ...]:
    return GUARDS.get(name, ())
