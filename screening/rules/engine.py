"""`screen()`: one project, its region's context and a rule set in, a Screening out (SPEC §4).

Pure: no I/O, no clock, no Django. The verdict and the recommended disposition follow from the
findings alone, by SPEC §4's two tables.
"""

from __future__ import annotations

from collections.abc import Iterable

from screening.rules.base import Facts
from screening.rules.params import RuleParameters
from screening.rules.r05_approvals import EIA_PROBLEMS
from screening.rules.rulebook import OUT_OF_SCOPE_RULES, PLAN_FREE_RULES, RULES
from screening.rules.types import (
    Disposition,
    Finding,
    Outcome,
    ProjectInput,
    Screening,
    ScreeningContext,
    Stage,
    TechClass,
    Verdict,
)

# Failing these at stage 存量 means production stops until fixed ((九)); other failures
# (R10 …) only call for an upgrade within a deadline.
SUSPENDING_RULES = frozenset({"R05", "R09", "R13"})
# A planned project failing only the regional brakes is deferred, not rejected ((四)4, (十八)).
DEFERRING_RULES = frozenset({"R07", "R08"})


_new_object = object.__new__
(
    _set_rule_set,
    _set_as_of,
    _set_in_scope,
    _set_verdict,
    _set_disposition,
    _set_findings,
) = (
    Screening.__dict__[name].__set__
    for name in ("rule_set", "as_of", "in_scope", "verdict", "disposition", "findings")
)
# Enum members as module constants: `Outcome.FAIL` is a class attribute lookup through the
# enum's metaclass, several times slower than a global, and screen() compares every finding.
_FAIL, _NEEDS_INFO = Outcome.FAIL, Outcome.NEEDS_INFO
_NOT_IN_SCOPE, _NON_COMPLIANT, _INCOMPLETE, _COMPLIANT = (
    Verdict.NOT_IN_SCOPE,
    Verdict.NON_COMPLIANT,
    Verdict.INCOMPLETE,
    Verdict.COMPLIANT,
)
_BUILDING, _OPERATING, _ELIMINATED = Stage.UNDER_CONSTRUCTION, Stage.OPERATING, TechClass.ELIMINATED
_D = Disposition
_CLOSE, _STOP_AND_INVESTIGATE, _STOP_AND_RECTIFY = (
    _D.CLOSE,
    _D.STOP_AND_INVESTIGATE,
    _D.STOP_AND_RECTIFY,
)
_SUSPEND_PRODUCTION, _RECTIFY, _REJECT, _DEFER = (
    _D.SUSPEND_PRODUCTION,
    _D.RECTIFY,
    _D.REJECT,
    _D.DEFER,
)
_REQUEST_INFO, _PROCEED, _NONE = _D.REQUEST_INFO, _D.PROCEED, _D.NONE


def screen(project: ProjectInput, context: ScreeningContext, params: RuleParameters) -> Screening:
    """Screen one validated ledger row under one rule set on `context.as_of`."""
    facts = Facts(project, context, params)
    in_scope = facts.in_scope
    findings: list[Finding] = []
    if not in_scope:
        rules = OUT_OF_SCOPE_RULES
    elif project.replacement_plan_ref:
        rules = RULES
    else:  # the rules that need a plan reference are not even asked
        rules = PLAN_FREE_RULES
    for rule in rules:
        if rule.applies(facts):
            findings += rule.evaluate(facts)
    failed: dict[str, Finding] = {}
    needs_info = False
    for finding in findings:
        outcome = finding.outcome
        if outcome is _FAIL:
            failed[finding.rule] = finding
        elif outcome is _NEEDS_INFO:
            needs_info = True
    verdict = _verdict(in_scope, bool(failed), needs_info)
    disposition = _disposition(project.stage, project.tech_class, verdict, failed)
    # Built through the slot descriptors, as findings are (see base.one_finding): same object,
    # without the frozen __init__'s per-field object.__setattr__.
    screening = _new_object(Screening)
    _set_rule_set(screening, params.name)
    _set_as_of(screening, context.as_of)
    _set_in_scope(screening, in_scope)
    _set_verdict(screening, verdict)
    _set_disposition(screening, disposition)
    _set_findings(screening, tuple(findings))
    return screening


def verdict_of(in_scope: bool, findings: Iterable[Finding]) -> Verdict:
    """NOT_IN_SCOPE; else NON_COMPLIANT on any FAIL; else INCOMPLETE on any NEEDS_INFO."""
    outcomes = {finding.outcome for finding in findings}
    return _verdict(in_scope, Outcome.FAIL in outcomes, Outcome.NEEDS_INFO in outcomes)


def _verdict(in_scope: bool, any_fail: bool, any_needs_info: bool) -> Verdict:
    if not in_scope:
        return _NOT_IN_SCOPE
    if any_fail:
        return _NON_COMPLIANT
    if any_needs_info:
        return _INCOMPLETE
    return _COMPLIANT  # WARN and INFO do not change the verdict


def disposition_of(
    stage: Stage, tech_class: TechClass, verdict: Verdict, findings: Iterable[Finding]
) -> Disposition:
    """The most severe recommended disposition (处置建议) that applies (SPEC §4)."""
    failed = {f.rule: f for f in findings if f.outcome is Outcome.FAIL}
    return _disposition(stage, tech_class, verdict, failed)


def _disposition(
    stage: Stage, tech_class: TechClass, verdict: Verdict, failed: dict[str, Finding]
) -> Disposition:
    # Only one stage's dispositions can apply to a project, so within a stage the checks run
    # from the most severe down. `failed` maps each failed rule to its (single) finding.
    if verdict is _NOT_IN_SCOPE:
        return _NONE
    if stage is _OPERATING and tech_class is _ELIMINATED:
        return _CLOSE  # (九): eliminated technology in production is closed
    if failed:
        if stage is _BUILDING:
            # (七): building without (or ahead of) the EIA approval is stopped and investigated.
            approvals = failed.get("R05")
            if approvals is not None and EIA_PROBLEMS.intersection(approvals.values["problems"]):
                return _STOP_AND_INVESTIGATE
            return _STOP_AND_RECTIFY
        if stage is _OPERATING:
            if SUSPENDING_RULES.intersection(failed):
                return _SUSPEND_PRODUCTION
            return _RECTIFY
        if DEFERRING_RULES.issuperset(failed):
            return _DEFER
        return _REJECT
    if verdict is _INCOMPLETE:
        return _REQUEST_INFO
    return _PROCEED


# The rows of SPEC §4's disposition table that name a stage, most severe first: what a
# rectification order may impose on a project at that stage. REQUEST_INFO and PROCEED follow
# from the verdict, not from a breach, and have their own transitions (return, approve).
STAGE_DISPOSITIONS: dict[Stage, tuple[Disposition, ...]] = {
    Stage.OPERATING: (Disposition.CLOSE, Disposition.SUSPEND_PRODUCTION, Disposition.RECTIFY),
    Stage.UNDER_CONSTRUCTION: (Disposition.STOP_AND_INVESTIGATE, Disposition.STOP_AND_RECTIFY),
    Stage.PLANNED: (Disposition.REJECT, Disposition.DEFER),
}


def dispositions_for_stage(stage: str) -> tuple[Disposition, ...]:
    """The dispositions a rectification order may carry for a project at `stage`."""
    try:
        return STAGE_DISPOSITIONS[Stage(stage)]
    except ValueError:
        return ()


def finding_to_dict(finding: Finding, lang: str = "zh") -> dict:
    """One finding as in SPEC §8's `findings` list, its message in `lang` (zh or en)."""
    return {
        "rule": finding.rule,
        "outcome": finding.outcome._value_,
        "clause": finding.clause,
        "message": finding.message_en if lang == "en" else finding.message_zh,
        "values": dict(finding.values),
    }


def screening_to_dict(screening: Screening, lang: str = "zh") -> dict:
    """One result row of SPEC §8 without "row" and "project_code", which the caller adds."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
    return {
        "in_scope": screening.in_scope,
        "verdict": screening.verdict._value_,
        "disposition": screening.disposition._value_,
        "findings": [finding_to_dict(finding, lang) for finding in screening.findings],
    }
