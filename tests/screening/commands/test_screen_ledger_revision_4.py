"""`screen_ledger` gives SPEC revision 4's outcomes on boundary rows, on both sides of the
henan-2023 switch (2023-11-29 under henan-2021, 2023-11-30 under henan-2023; 平顶山 becomes a
key air-pollution area the same day). Real files, the real command, context from the database."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import orjson
import pytest
from django.core.management import call_command
from django.utils import timezone

from screening.context import month_counts_from
from screening.early_warning.barometer import IndicatorRow
from screening.early_warning.publishing import save_indicator_months
from screening.models import AnnualResult, IndicatorMonth, Region
from tests.ledger_files import valid_row, write_ledger

BEFORE, AFTER = "2023-11-29", "2023-11-30"
BLANK = {"product": None, "unit_energy": None, "unit_energy_unit": None}


def code(n: int) -> str:
    return f"2301-410100-04-01-{n:06d}"


ROWS = {
    # R03 (b) / R10 / R04: the project: steel, capacity added, none replaced, 否.
    "blank_steel": valid_row(
        project_code=code(1),
        replaced_capacity=None,
        replacement_plan_ref=None,
        coal_substitution="否",
        **BLANK,
    ),
    # The same with 是: nothing fails, but nothing passes either.
    "blank_steel_yes": valid_row(
        project_code=code(2), replaced_capacity=None, replacement_plan_ref=None, **BLANK
    ),
    # R04 widened: a coking project answering 否 (焦炭 was not among the six families).
    "coking_no": valid_row(
        project_code=code(3),
        sector="焦化",
        product="焦炭 (顶装焦炉)",
        unit_energy=110,
        new_capacity=100,
        replaced_capacity=101,
        coal_substitution="否",
    ),
    # R15: coal chemicals in 平顶山, a key area only from 2023-11-30.
    "methanol_pds": valid_row(
        project_code=code(4),
        region="平顶山市",
        sector="煤化工",
        product="煤制甲醇",
        unit_energy=1400,
        new_capacity=10,
        replaced_capacity=None,
        replacement_plan_ref=None,
    ),
    # R15: 氧化铝 (a product without a benchmark row, any unit) in 郑州 (key area throughout).
    "alumina_zz": valid_row(
        project_code=code(5),
        sector="有色",
        product="氧化铝",
        unit_energy=300,
        unit_energy_unit="kgce/t",
        new_capacity=10,
        replaced_capacity=None,
        replacement_plan_ref=None,
    ),
    # Glass and aluminium outside key areas (南阳): 减量, equal replacement fails.
    "glass_ny": valid_row(
        project_code=code(6),
        region="南阳市",
        sector="建材",
        product="平板玻璃 (>800t/d)",
        unit_energy=8,
        unit_energy_unit="kgce/重量箱",
        new_capacity=100,
        replaced_capacity=100,
    ),
    "aluminium_ny": valid_row(
        project_code=code(7),
        region="南阳市",
        sector="有色",
        product="电解铝",
        unit_energy=13000,
        unit_energy_unit="kWh/t",
        new_capacity=100,
        replaced_capacity=100,
    ),
    # R02: a data centre at exactly 10,000 tce, and just above.
    "dc_10000": valid_row(
        project_code=code(8), sector="数据中心", annual_energy_tce=10000, new_energy_tce=0, **BLANK
    ),
    "dc_above": valid_row(
        project_code=code(9),
        sector="数据中心",
        annual_energy_tce="10000.01",
        new_energy_tce=0,
        **BLANK,
    ),
    # R10: coal power has no benchmark row: a blank product is no finding there.
    "coal_power": valid_row(
        project_code=code(10),
        sector="煤电",
        new_capacity=None,
        replaced_capacity=None,
        replacement_plan_ref=None,
        capacity_unit=None,
        **BLANK,
    ),
    # R08: a livelihood project in a region that missed last year's pollutant target (开封).
    "livelihood_kf": valid_row(project_code=code(11), region="开封市", livelihood="是"),
    # R07/R08: 洛阳 is red on coal only for three months: the 双控 tier is green.
    "coal_red_ly": valid_row(project_code=code(12), region="洛阳市"),
}


@pytest.fixture
def context_data(db):
    AnnualResult.objects.create(
        region=Region.objects.get(code="410200"),
        year=2022,
        dual_control_met=True,
        pollutant_met=False,
    )
    rows = [
        IndicatorRow(
            "410300",
            2023,
            month,
            energy_total_tce=Decimal(month * 50),
            energy_budget_tce=Decimal(1200),
            coal_tonnes=Decimal(month * 200),
            coal_cap_tonnes=Decimal(1200),
        )
        for month in (8, 9, 10)
    ]
    save_indicator_months(rows, publish=True)
    for month in (8, 9, 10):
        IndicatorMonth.objects.filter(region__code="410300", year=2023, month=month).update(
            published_at=timezone.make_aware(
                datetime.combine(month_counts_from(2023, month), time(9))
            )
        )


def screened(tmp_path, capsys, as_of: str) -> dict[str, dict]:
    path = write_ledger(tmp_path / f"rev4-{as_of}.xlsx", list(ROWS.values()))
    with pytest.raises(SystemExit) as exit_info:
        call_command("screen_ledger", str(path), "--format", "json", "--as-of", as_of)
        raise SystemExit(0)
    data = orjson.loads(capsys.readouterr().out)
    assert exit_info.value.code == 0, data["errors"]
    by_code = {r["project_code"]: r for r in data["results"]}
    return {name: by_code[row["project_code"]] for name, row in ROWS.items()} | {
        "_rule_set": data["rule_set"]
    }


def outcome(result: dict, rule: str) -> str | None:
    found = [f["outcome"] for f in result["findings"] if f["rule"] == rule]
    return "/".join(found) if found else None


@pytest.mark.parametrize("as_of, rule_set", [(BEFORE, "henan-2021"), (AFTER, "henan-2023")])
def test_revision_4_outcomes_on_both_sides_of_the_switch(
    context_data, tmp_path, capsys, as_of, rule_set
):
    r = screened(tmp_path, capsys, as_of)
    assert r["_rule_set"] == rule_set
    after = as_of == AFTER

    # R03 (b), R04 (四)3, R10: a blank product never lets a project through.
    steel = r["blank_steel"]
    assert (outcome(steel, "R03"), outcome(steel, "R04"), outcome(steel, "R10")) == (
        "NEEDS_INFO",
        "FAIL",
        "NEEDS_INFO",
    )
    assert (steel["verdict"], steel["disposition"]) == ("NON_COMPLIANT", "REJECT")
    steel_yes = r["blank_steel_yes"]
    assert (steel_yes["verdict"], steel_yes["disposition"]) == ("INCOMPLETE", "REQUEST_INFO")

    # R04 widened to every 两高 family.
    assert outcome(r["coking_no"], "R04") == "FAIL"

    # R15 (2021 opinion (七)): 平顶山 joins the key areas with henan-2023's date.
    methanol = r["methanol_pds"]
    assert outcome(methanol, "R15") == ("FAIL" if after else None)
    assert methanol["disposition"] == ("REJECT" if after else "PROCEED")
    alumina = r["alumina_zz"]
    assert outcome(alumina, "R15") == "FAIL" and outcome(alumina, "R10") is None
    assert outcome(alumina, "R03") is None  # 氧化铝 has no replacement route
    assert alumina["disposition"] == "REJECT"

    # (四)5: glass and aluminium outside key areas must retire more than they build.
    for name in ("glass_ny", "aluminium_ny"):
        finding = next(f for f in r[name]["findings"] if f["rule"] == "R03")
        assert finding["outcome"] == "FAIL" and finding["values"]["strict"] is True
        assert finding["values"]["key_air_area"] is False

    # R02: monitoring above 10,000 tce only (超过).
    topics = [
        [f["values"]["topic"] for f in r[name]["findings"] if f["rule"] == "R02"]
        for name in ("dc_10000", "dc_above")
    ]
    assert topics == [["key_energy_user"], ["key_energy_user", "online_monitoring"]]

    # R10 except 煤电; R04 still applies to it.
    assert outcome(r["coal_power"], "R10") is None
    assert outcome(r["coal_power"], "R04") == "PASS"
    assert r["coal_power"]["verdict"] == "COMPLIANT"

    # R08: the livelihood exemption does not cover the pollutant suspension.
    livelihood = next(f for f in r["livelihood_kf"]["findings"] if f["rule"] == "R08")
    assert livelihood["outcome"] == "FAIL"
    assert livelihood["values"]["reasons"] == ["pollutant_target_missed"]
    assert r["livelihood_kf"]["disposition"] == "DEFER"

    # R07/R08 read the 双控 tier: three coal-red months are no red warning.
    coal_red = r["coal_red_ly"]
    assert (outcome(coal_red, "R07"), outcome(coal_red, "R08")) == ("PASS", "PASS")
    r07 = next(f for f in coal_red["findings"] if f["rule"] == "R07")
    assert r07["values"] == {"latest_month": "2023-10", "tier": "green"}


def test_the_coal_red_months_keep_their_coal_tier(context_data):
    months = IndicatorMonth.objects.filter(region__code="410300").order_by("month")
    assert [(m.coal_tier, m.tier) for m in months] == [("red", "green")] * 3
    assert date(2023, 11, 1) == month_counts_from(2023, 10)
