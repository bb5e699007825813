"""What-if re-screening under a new rule set (SPEC §4: "re-screening shows what would change").

The two shipped rule sets differ in refining: henan-2021 asks 1 : 1, henan-2023 减量 (> 1 : 1).
"""

from datetime import date
from decimal import Decimal

import orjson
from django.core.management import call_command

from screening.models import Project
from screening.screen import rescreen_projects
from screening.whatif import what_if
from tests.factories import ProjectFactory

AS_OF = date(2024, 6, 30)


def refinery(**extra):
    values = dict(
        sector="石化",
        product="炼油",
        new_capacity=Decimal("100"),
        capacity_unit="万吨/年",
        replaced_capacity=Decimal("100"),
        replacement_plan_ref="豫发改〔2024〕1号",
        unit_energy=Decimal("7.5"),
        unit_energy_unit="kgoe/(t·能量因数)",
    )
    values.update(extra)
    return ProjectFactory(**values)


def test_refining_at_exactly_one_to_one_fails_only_under_the_2023_rule_set(db):
    """(四)2: 1 : 1 meets henan-2021's ratio but not henan-2023's 减量 (strictly more)."""
    project = refinery()
    rescreen_projects(
        Project.objects.filter(pk=project.pk).select_related("region"), date(2022, 6, 30)
    )  # stored under henan-2021
    result = what_if(Project.objects.all(), AS_OF, "henan-2023", "henan-2021")
    assert result.screened == 1
    [(changed, diff)] = result.verdict_or_disposition_changes()
    assert changed.pk == project.pk
    assert (diff.verdict_before, diff.verdict_after) == ("COMPLIANT", "NON_COMPLIANT")
    assert [c.rule for c in diff.outcome_changes] == ["R03"]
    assert Project.objects.get(pk=project.pk).verdict == "COMPLIANT"  # nothing stored


def test_a_project_that_passes_both_is_not_listed(db):
    refinery(replaced_capacity=Decimal("101"))
    result = what_if(Project.objects.all(), AS_OF, "henan-2023", "henan-2021")
    assert result.changes == []


def test_the_command_prints_json(db, capsys):
    refinery()
    call_command(
        "rescreen",
        "henan-2023",
        "--against",
        "henan-2021",
        "--as-of",
        "2024-06-30",
        "--format",
        "json",
    )
    data = orjson.loads(capsys.readouterr().out)
    assert data["screened"] == 1
    assert data["changed"][0]["findings"][0]["rule"] == "R03"
