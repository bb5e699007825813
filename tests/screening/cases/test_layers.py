"""Issue 14: models never import services; the case model's transitions only read what the
services computed, and the permission and guard tables cover every transition (SPEC §5)."""

from __future__ import annotations

import ast
from pathlib import Path

import screening.models
from screening import permissions
from screening.cases import guards
from screening.ledger.xlsx.template import BY_KEY
from screening.models import CaseState, ReviewCase

MODELS_DIR = Path(screening.models.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_model_module_imports_anything_above_the_models():
    # The models' own package, the pure engine and the plain label tables: nothing that reads
    # the database on its own or decides a user action.
    allowed = ("screening.models", "screening.rules", "screening.labels", "accounts.models")
    for path in MODELS_DIR.glob("*.py"):
        for module in _imported_modules(path):
            if module.startswith("screening") or module.startswith("accounts"):
                assert module.startswith(allowed), f"{path.name} imports {module}"


def test_the_case_transitions_carry_no_permission_or_condition_of_their_own():
    """Who may act is permissions.may_take_transition; the guards are cases/guards.py."""
    for t in ReviewCase._meta.get_field("state").get_all_transitions(ReviewCase):
        assert not t.conditions and t.permission is None, t.name


def test_every_transition_has_exactly_one_role_by_the_state_it_leaves():
    agency = permissions.AGENCY_TRANSITIONS
    names = {t.name for t in ReviewCase._meta.get_field("state").get_all_transitions(ReviewCase)}
    assert agency <= names
    assert set(guards.GUARDS) <= names
    for t in ReviewCase._meta.get_field("state").get_all_transitions(ReviewCase):
        if t.name in agency:
            assert str(t.custom["who"]) == "Agency"
        elif t.source in permissions.CITY_STATES:
            assert str(t.custom["who"]) == "City reviewer", (t.name, t.source)
        else:
            assert str(t.custom["who"]) == "Provincial reviewer", (t.name, t.source)
    assert CaseState.SUBMITTED in permissions.CITY_STATES


def test_ledger_headers_and_required_columns_come_from_the_template_table():
    """SPEC §3: the submit guard names missing columns by the template's own headers."""
    assert guards.LEDGER_HEADERS["annual_energy_tce"] == BY_KEY["annual_energy_tce"].header
    assert set(guards.REQUIRED_LEDGER_FIELDS) == {
        "project_code",
        "name",
        "enterprise",
        "uscc",
        "sector",
        "construction_type",
        "stage",
        "annual_energy_tce",
        "tech_class",
        "policy_fit",
    }
    conditional = {key for key, column in BY_KEY.items() if column.required_if}
    assert conditional == {"capacity_unit", "unit_energy_unit", "energy_review_date", "eia_date"}
