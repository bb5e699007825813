"""Screening stored projects: the bridge between the database and the pure engine."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from screening.context import ContextResolver
from screening.gc_pause import gc_paused
from screening.ledger.digest import screening_key
from screening.models import Project, RuleSet
from screening.rules.engine import screen
from screening.rules.params import RuleParameters
from screening.rules.types import (
    ConstructionType,
    ProjectInput,
    Screening,
    Sector,
    Stage,
    TechClass,
)

_PARAMS_CACHE: dict[tuple[str, str], RuleParameters] = {}
PROJECT_INPUT_FIELDS = [f.name for f in fields(ProjectInput)]
_ENUM_FIELDS = {
    "sector": Sector,
    "construction_type": ConstructionType,
    "stage": Stage,
    "tech_class": TechClass,
}


class NoRuleSetInForce(Exception):
    """No rule set is effective on the screening date: screening is refused (SPEC §4)."""

    def __init__(self, as_of: date):
        self.as_of = as_of
        super().__init__(f"no rule set is in force on {as_of.isoformat()}")

    def user_message(self) -> str:
        return _("No rule set is in force on %(date)s: screening is refused.") % {
            "date": self.as_of.isoformat()
        }


def parameters_of(rule_set: RuleSet) -> RuleParameters:
    """The engine's view of a stored rule set, parsed once per content."""
    key = (rule_set.name, repr(sorted(rule_set.parameters)) + str(rule_set.effective_from))
    params = _PARAMS_CACHE.get(key)
    if params is None:
        params = RuleParameters.from_dict(rule_set.document())
        _PARAMS_CACHE[key] = params
    return params


def rule_set_for(as_of: date, name: str | None = None) -> RuleSet:
    """The named rule set, or the one in force on `as_of`; NoRuleSetInForce when none is."""
    rule_set = RuleSet.objects.filter(name=name).first() if name else RuleSet.in_force(as_of)
    if rule_set is None:
        raise NoRuleSetInForce(as_of)
    return rule_set


def project_input(project: Project) -> ProjectInput:
    """The stored ledger row as the engine's input."""
    values = {}
    for name in PROJECT_INPUT_FIELDS:
        if name == "region":
            values[name] = project.region.code
            continue
        value = getattr(project, name)
        if name in _ENUM_FIELDS and value is not None:
            value = _ENUM_FIELDS[name](value)
        values[name] = value
    return ProjectInput(**values)


def screener(
    as_of: date, rule_set_name: str | None = None, *, read_registry_now: bool = False
) -> tuple[RuleSet, Callable[[ProjectInput], Screening]]:
    """The rule set in force (or named) and a function screening one input under it; the
    context is read once, so a caller can screen a large ledger batch by batch (with
    `read_registry_now`, also while the connection streams a COPY)."""
    rule_set = rule_set_for(as_of, rule_set_name)
    params = parameters_of(rule_set)
    resolver = ContextResolver(as_of, read_registry_now=read_registry_now)

    def screen_one(project: ProjectInput) -> Screening:
        return screen(project, resolver.for_region(project.region), params)

    return rule_set, screen_one


def screen_inputs(
    inputs: Iterable[ProjectInput], as_of: date, rule_set_name: str | None = None
) -> tuple[RuleSet, list[Screening]]:
    """Screen engine inputs under the rule set in force (or named), reading the context once."""
    rule_set, screen_one = screener(as_of, rule_set_name)
    with gc_paused():
        return rule_set, [screen_one(p) for p in inputs]


# A project's latest-screening fields: what `screening_values` gives, in one place for the
# upload's COPY and UPDATE (ledger/stored.py) and for screening stored projects again here.
SCREENING_FIELDS = [
    "in_scope",
    "verdict",
    "disposition",
    "screened_rule_set",
    "screened_as_of",
    "findings",
]


def screening_values(screening: Screening) -> dict:
    """A screening as the project's latest-screening fields store it, by field name."""
    return {
        "in_scope": screening.in_scope,
        "verdict": screening.verdict.value,
        "disposition": screening.disposition.value,
        "screened_rule_set": screening.rule_set,
        "screened_as_of": screening.as_of,
        "findings": findings_for_storage(screening),
    }


def store_screening(project: Project, screening: Screening) -> None:
    """Copy a screening onto the project's latest-screening fields (the caller saves)."""
    for name, value in screening_values(screening).items():
        setattr(project, name, value)
    project.screening_key = ""  # screened outside an upload: an upload screens it again


def findings_for_storage(screening: Screening) -> list[dict]:
    """Findings with both languages, as frozen on projects and cases."""
    return [
        {
            "rule": f.rule,
            "outcome": f.outcome._value_,
            "clause": f.clause,
            "message_zh": f.message_zh,
            "message_en": f.message_en,
            "values": f.values,
        }
        for f in screening.findings
    ]


def rescreen_projects(projects: Iterable[Project], as_of: date | None = None) -> int:
    """Screen stored projects again and save their latest screening. Returns the count."""
    as_of = as_of or timezone.localdate()
    projects = list(projects)
    _rule_set, screenings = screen_inputs((project_input(p) for p in projects), as_of)
    for project, screening in zip(projects, screenings, strict=True):
        store_screening(project, screening)
    Project.objects.bulk_update(
        projects,
        [*SCREENING_FIELDS, "screening_key"],
        batch_size=1000,
    )
    return len(projects)


def screening_keys(
    rule_set: RuleSet, as_of: date, *, read_registry_now: bool = False
) -> Callable[[str], str]:
    """region code → the key of a screening of that region's rows under `rule_set` on `as_of`
    (screening/ledger/digest.py): equal keys, equal screenings of equal rows."""
    resolver = ContextResolver(as_of, read_registry_now=read_registry_now)
    fingerprint = [rule_set.name, rule_set.effective_from.isoformat(), rule_set.parameters]
    keys: dict[str, str] = {}

    def key_of(region_code: str) -> str:
        key = keys.get(region_code)
        if key is None:
            key = keys[region_code] = screening_key(fingerprint, resolver.for_region(region_code))
        return key

    return key_of
