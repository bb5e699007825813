"""What changes when a project is screened again, e.g. under a newer rule set (SPEC §4).

Findings are matched by rule id plus, where a rule can give several findings (R02), the
finding's `values["topic"]`.
"""

from __future__ import annotations

from dataclasses import dataclass

from screening.rules.types import Disposition, Finding, Outcome, Screening, Verdict


def finding_key(finding: Finding) -> str:
    """Identity of a finding across two screenings: 'R03', or 'R02/key_energy_user'."""
    topic = finding.values.get("topic")
    return f"{finding.rule}/{topic}" if topic else finding.rule


@dataclass(frozen=True, slots=True)
class FindingChange:
    """A finding whose outcome differs; None on one side means the rule did not apply there."""

    key: str
    rule: str
    before: Outcome | None
    after: Outcome | None
    before_finding: Finding | None
    after_finding: Finding | None


@dataclass(frozen=True, slots=True)
class ScreeningDiff:
    """The what-if comparison of two screenings of the same project."""

    before_rule_set: str
    after_rule_set: str
    in_scope_before: bool
    in_scope_after: bool
    verdict_before: Verdict
    verdict_after: Verdict
    disposition_before: Disposition
    disposition_after: Disposition
    outcome_changes: tuple[FindingChange, ...]
    # Findings with the same outcome whose values differ (a new ratio that is still met …).
    values_changed: tuple[str, ...]

    @property
    def verdict_changed(self) -> bool:
        return self.verdict_before is not self.verdict_after

    @property
    def disposition_changed(self) -> bool:
        return self.disposition_before is not self.disposition_after

    @property
    def changed(self) -> bool:
        """Anything an officer would need to look at again."""
        return (
            self.verdict_changed
            or self.disposition_changed
            or self.in_scope_before != self.in_scope_after
            or bool(self.outcome_changes)
        )


def diff_screenings(before: Screening, after: Screening) -> ScreeningDiff:
    """Compare two screenings of one project; changes are listed in rule order."""
    old = {finding_key(f): f for f in before.findings}
    new = {finding_key(f): f for f in after.findings}
    keys = list(old)
    keys.extend(key for key in new if key not in old)
    keys.sort(key=lambda key: (key.split("/", 1)[0], key))  # rule ids sort in rule order
    changes: list[FindingChange] = []
    values_changed: list[str] = []
    for key in keys:
        was, now = old.get(key), new.get(key)
        was_outcome = was.outcome if was is not None else None
        now_outcome = now.outcome if now is not None else None
        if was_outcome is not now_outcome:
            rule = was.rule if was is not None else now.rule  # type: ignore[union-attr]
            changes.append(FindingChange(key, rule, was_outcome, now_outcome, was, now))
        elif was is not None and now is not None and was.values != now.values:
            values_changed.append(key)
    return ScreeningDiff(
        before_rule_set=before.rule_set,
        after_rule_set=after.rule_set,
        in_scope_before=before.in_scope,
        in_scope_after=after.in_scope,
        verdict_before=before.verdict,
        verdict_after=after.verdict,
        disposition_before=before.disposition,
        disposition_after=after.disposition,
        outcome_changes=tuple(changes),
        values_changed=tuple(values_changed),
    )
