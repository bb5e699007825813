"""The screening rules R01–R15 of SPEC §4, in the order their findings are listed.

Each rule is a module of its own (`r01_scope` … `r15_key_area_capacity_ban`) declaring its id,
clause, title, the rule-set parameters it reads, when it applies and what it finds; the
facts, the Rule record and the finding builder they share are in `base`. A rule that does not
apply returns nothing (NA findings are left out, as SPEC §4 allows).
"""

from __future__ import annotations

from screening.rules import (
    r01_scope,
    r02_key_energy_user,
    r03_capacity_replacement,
    r04_reduction_substitution,
    r05_approvals,
    r06_air_quality,
    r07_local_red_warning,
    r08_regional_restriction,
    r09_technology_class,
    r10_efficiency,
    r11_energy_rights,
    r12_energy_diagnosis,
    r13_policy_fit,
    r14_replacement_sources,
    r15_key_area_capacity_ban,
)
from screening.rules.base import Facts, Rule
from screening.rules.types import Finding

__all__ = [
    "OUT_OF_SCOPE_RULES",
    "PLAN_FREE_RULES",
    "RULES",
    "RULES_BY_ID",
    "RULE_PARAMETERS",
    "RULE_TITLES",
    "Facts",
    "Rule",
    "parameters_of",
]

# R01 is evaluated only for projects in scope; a project out of scope is screened by the
# rules that say NEEDS_SCOPE = False (R02 alone).
RULES: tuple[Rule, ...] = tuple(
    Rule.declared_by(module)
    for module in (
        r01_scope,
        r02_key_energy_user,
        r03_capacity_replacement,
        r04_reduction_substitution,
        r05_approvals,
        r06_air_quality,
        r07_local_red_warning,
        r08_regional_restriction,
        r09_technology_class,
        r10_efficiency,
        r11_energy_rights,
        r12_energy_diagnosis,
        r13_policy_fit,
        r14_replacement_sources,
        r15_key_area_capacity_ban,
    )
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
OUT_OF_SCOPE_RULES = tuple(rule for rule in RULES if not rule.needs_scope)
# The rules for an in-scope row that names no replacement plan (most rows): R14 cannot apply.
PLAN_FREE_RULES = tuple(rule for rule in RULES if not rule.needs_plan_ref)

# Rule-set parameters each rule reads, so the UI can show their source and status next to a
# finding (RuleParameters.source_of). R03's ratio parameter depends on the family and is in
# the finding's values["ratio_parameter"].
RULE_PARAMETERS: dict[str, tuple[str, ...]] = {rule.id: rule.parameters for rule in RULES}

# What each rule checks, in both languages (the rule-set page and the template's
# instructions list them; the engine's messages stay in the findings).
RULE_TITLES: dict[str, tuple[str, str]] = {rule.id: rule.title for rule in RULES}


def parameters_of(finding: Finding) -> tuple[str, ...]:
    """Ids of the rule-set parameters a finding rests on (for source and status in the UI)."""
    used = RULE_PARAMETERS.get(finding.rule, ())
    ratio = finding.values.get("ratio_parameter")
    return (*used, ratio) if ratio else used
