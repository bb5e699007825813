"""The demo registry (issue 17): plans behind demo ledger rows, one source drawn by two plans in
two regions that the cross-checks page shows, and R14 with each outcome on the demo ledger."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from screening.models import Project
from screening.registry.queries import cross_checks_now
from screening.screen import rescreen_projects

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_double_drawn_source_and_every_r14_outcome():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    checks = cross_checks_now()
    (shared,) = checks.shared_sources
    assert shared.source.equipment == "3号420m³高炉"
    assert {plan.region for plan, _ in shared.draws} == {"410100", "410500"}
    assert shared.drawn == shared.source.capacity
    assert checks.ledger_mismatches  # the clinker plan draws 150, the ledger says 120
    rescreen_projects(Project.objects.select_related("region"))
    outcomes = {}
    for project in Project.objects.exclude(replacement_plan_ref=None):
        for finding in project.findings:
            if finding["rule"] == "R14":
                outcomes[project.replacement_plan_ref] = finding["outcome"]
    assert outcomes == {
        "豫工信产业〔2023〕1号": "PASS",
        "豫工信产业〔2023〕2号": "FAIL",
        "豫工信产业〔2023〕12号": "WARN",
    }
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(cross_checks_now().shared_sources) == 1  # seeding twice adds nothing
