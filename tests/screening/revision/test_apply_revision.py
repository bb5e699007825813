"""Revision 4 (2026-12) applied to what is stored: projects re-screened under their own rule
set and date, the change shown on the project page and not in the upload history; cases keep
their frozen screenings; coal-only red months no longer escalate (withdrawn, marked)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from screening.early_warning.publishing import publish_escalations
from screening.models import (
    EscalationEnd,
    EscalationEvent,
    IndicatorMonth,
    Project,
    ProjectChange,
    Region,
    ScreeningChange,
)
from screening.revision import apply_revision, rule_changes
from screening.screen import rescreen_projects
from tests.factories import ProjectFactory, case_in_state

pytestmark = pytest.mark.django_db

OLD_COMPLIANT = [  # what the engine stored before revision 4 for the blank-product steel project
    {
        "rule": "R01",
        "outcome": "INFO",
        "clause": "(三)",
        "message_zh": "",
        "message_en": "",
        "values": {},
    },
    {
        "rule": "R13",
        "outcome": "PASS",
        "clause": "(四)3, (五), (十二)",
        "message_zh": "",
        "message_en": "",
        "values": {},
    },
]


def blank_product_steel(**fields) -> Project:
    """The issue's project: planned steel adding capacity, none replaced, 否 to coal
    substitution, 产品/工序 blank, stored with the verdict the old engine gave it."""
    values = {
        "sector": "钢铁",
        "product": None,
        "unit_energy": None,
        "unit_energy_unit": None,
        "new_capacity": Decimal("100"),
        "capacity_unit": "万吨/年",
        "coal_substitution": False,
        "pollutant_reduction": True,
        "verdict": "COMPLIANT",
        "disposition": "PROCEED",
        "in_scope": True,
        "screened_rule_set": "henan-2023",
        "screened_as_of": date(2026, 6, 30),
        "findings": OLD_COMPLIANT,
    }
    values.update(fields)
    return ProjectFactory(**values)


def test_a_stored_blank_product_project_is_rescreened_under_its_rule_set_and_date():
    project = blank_product_steel()
    history_before = ProjectChange.objects.count()
    summary = apply_revision("2026-12")
    project.refresh_from_db()
    assert (project.verdict, project.disposition) == ("NON_COMPLIANT", "REJECT")
    assert (project.screened_rule_set, project.screened_as_of) == ("henan-2023", date(2026, 6, 30))
    outcomes = {f["rule"]: f["outcome"] for f in project.findings}
    assert (outcomes["R03"], outcomes["R04"], outcomes["R10"]) == (
        "NEEDS_INFO",
        "FAIL",
        "NEEDS_INFO",
    )
    change = ScreeningChange.objects.get(project=project)
    assert change.revision == "2026-12"
    assert (change.verdict_before, change.verdict_after) == ("COMPLIANT", "NON_COMPLIANT")
    assert (change.disposition_before, change.disposition_after) == ("PROCEED", "REJECT")
    assert {"rule": "R03", "before": None, "after": "NEEDS_INFO"} in change.rules
    assert summary.changed == 1
    # The upload history records nothing for a re-screen.
    assert ProjectChange.objects.count() == history_before


def test_under_the_2021_rule_set_too():
    project = blank_product_steel(screened_rule_set="henan-2021", screened_as_of=date(2022, 6, 30))
    apply_revision("2026-12")
    project.refresh_from_db()
    assert project.verdict == "NON_COMPLIANT" and project.screened_rule_set == "henan-2021"


def test_running_it_again_changes_and_records_nothing():
    blank_product_steel()
    apply_revision("2026-12")
    stored = list(Project.objects.values_list("verdict", "findings"))
    again = apply_revision("2026-12")
    assert again.changed == 0
    assert list(Project.objects.values_list("verdict", "findings")) == stored
    assert ScreeningChange.objects.count() == 1


def test_an_unchanged_project_gets_no_record():
    project = ProjectFactory()
    rescreen_projects([project], date(2026, 6, 30))
    apply_revision("2026-12")
    assert not ScreeningChange.objects.exists()


def test_cases_keep_their_frozen_screenings(agency_a, city_reviewer_a):
    case = case_in_state("provincial_review", agency=agency_a, city=city_reviewer_a)
    frozen = (case.verdict, list(case.findings))
    Project.objects.filter(pk=case.project_id).update(
        product=None, unit_energy=None, unit_energy_unit=None
    )
    apply_revision("2026-12")
    case.refresh_from_db()
    assert (case.verdict, list(case.findings)) == frozen
    assert Project.objects.get(pk=case.project_id).verdict == "INCOMPLETE"


def test_the_project_page_shows_when_and_why_the_verdict_changed(client, agency_a):
    project = blank_product_steel()
    apply_revision("2026-12")
    client.force_login(agency_a)
    page = client.get(
        reverse("screening:project", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "规则修订 2026-12" in page
    assert "R03 — → 需补充信息" in page  # the outcome in words (issue 15)


def test_the_command_stores_and_reports(agency_a):
    blank_product_steel()
    out = StringIO()
    call_command("rescreen", "--store", "--format", "json", stdout=out)
    assert '"changed":1' in out.getvalue()
    assert Project.objects.get().verdict == "NON_COMPLIANT"


def test_coal_only_red_months_no_longer_escalate_and_the_old_escalation_is_withdrawn():
    """Revision 4, (四)4 and (十八): coal does not drive the 双控 tier or escalation."""
    anyang = Region.objects.get(code="410500")
    published = timezone.make_aware(datetime.combine(date(2024, 5, 1), time(9)))
    for month in (1, 2, 3):
        # Stored as before revision 4: coal red made the month red.
        IndicatorMonth.objects.create(
            region=anyang,
            year=2024,
            month=month,
            coal_tonnes=Decimal(2000),
            coal_cap_tonnes=Decimal(1200),
            energy_total_tce=Decimal(10),
            energy_budget_tce=Decimal(1200),
            coal_tier="red",
            energy_tier="green",
            tier="red",
            published_at=published,
        )
    publish_escalations(anyang)
    assert EscalationEvent.objects.filter(region=anyang, end_reason="").count() == 1
    summary = apply_revision("2026-12")
    assert summary.months_retiered == 3
    assert set(IndicatorMonth.objects.values_list("tier", "coal_tier")) == {("green", "red")}
    events = list(EscalationEvent.objects.filter(region=anyang))
    assert events and all(e.end_reason == EscalationEnd.CORRECTED for e in events)


def test_rule_changes_lists_rules_whose_outcome_changed_in_rule_order():
    before = [{"rule": "R13", "outcome": "PASS"}, {"rule": "R04", "outcome": "PASS"}]
    after = [
        {"rule": "R03", "outcome": "NEEDS_INFO"},
        {"rule": "R04", "outcome": "FAIL"},
        {"rule": "R13", "outcome": "PASS"},
        {"rule": "R15", "outcome": "FAIL"},
    ]
    assert [c["rule"] for c in rule_changes(before, after)] == ["R03", "R04", "R15"]


def test_the_demo_shows_each_revision_4_change():
    """Demo rows: a blank-product steel project, coal-chemical and alumina capacity in a key
    area (R15), and 许昌 red on coal only (no warning, no escalation)."""
    from screening.demo import seed_demo_ledger, seed_demo_users
    from screening.early_warning.demo import seed_demo_indicators

    seed_demo_users()
    seed_demo_indicators()
    seed_demo_ledger()
    xuchang = IndicatorMonth.objects.filter(region__code="411000").order_by("year", "month")
    assert [(m.coal_tier, m.tier) for m in xuchang][-3:] == [("red", "green")] * 3
    assert not EscalationEvent.objects.filter(region__code="411000").exists()
    steel = Project.objects.get(sector="钢铁", product__isnull=True)
    outcomes = {f["rule"]: f["outcome"] for f in steel.findings}
    assert (outcomes["R03"], outcomes["R04"], outcomes["R10"]) == (
        "NEEDS_INFO",
        "FAIL",
        "NEEDS_INFO",
    )
    assert steel.disposition == "REJECT"
    for product in ("煤制烯烃", "氧化铝"):
        project = Project.objects.get(product=product)
        assert {"rule": "R15", "outcome": "FAIL"}.items() <= next(
            f for f in project.findings if f["rule"] == "R15"
        ).items()


@pytest.mark.parametrize("name", ["henan-2021", "henan-2023"])
def test_the_template_instructions_list_r15_and_accept_alumina(tmp_path, name):
    from openpyxl import load_workbook

    from screening.ledger.export import write_template
    from screening.models import RuleSet

    path = write_template(tmp_path / "t.xlsx", RuleSet.objects.get(name=name))
    workbook = load_workbook(path)
    texts = [
        str(v)
        for ws in workbook.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    assert "R15" in texts and "重点区域严禁新增氧化铝、煤化工产能（拟建）" in texts
    assert texts.count("氧化铝") >= 2  # the product list and the instructions


def test_the_rule_set_page_lists_r15(client, provincial_reviewer):
    client.force_login(provincial_reviewer)
    page = client.get(reverse("screening:rule_set", args=["henan-2021"])).content.decode()
    assert "R15" in page and "key_area_capacity_ban" in page
