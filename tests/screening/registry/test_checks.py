"""Pure rules of the registry (issue 17): cross-check risk, ledger comparison, disclosure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from screening.registry.checks import (
    LedgerRow,
    PlanRow,
    Risk,
    SourceRow,
    is_natural_person_code,
    ledger_mismatch,
    parse_source_number,
    shared_source,
)

D = Decimal
AS_OF = date(2024, 6, 30)
INELIGIBLE = frozenset({"subsidised", "mandatory_elimination"})


def source(**changes) -> SourceRow:
    values = dict(
        id=7,
        region="410500",
        enterprise="某钢铁",
        equipment="1号高炉",
        family="高炉工序",
        capacity=D("300"),
        capacity_unit="万吨/年",
        shutdown_date=date(2021, 1, 1),
        dismantled_date=date(2021, 6, 1),
        flags=frozenset(),
    )
    values.update(changes)
    return SourceRow(**values)


PLAN = PlanRow(
    1,
    "豫工信产业〔2023〕1号",
    "410100",
    "高炉工序",
    D("100"),
    "万吨/年",
    ("2401-410100-04-01-000001",),
)


def row(**changes) -> LedgerRow:
    values = dict(
        project_code="2401-410100-04-01-000001",
        replacement_plan_ref="豫工信产业〔2023〕1号",
        new_capacity=D("100"),
        replaced_capacity=D("150"),
        family="高炉工序",
    )
    values.update(changes)
    return LedgerRow(**values)


def test_sharing_within_one_region_and_capacity_is_medium_risk():
    item = shared_source(source(), 2, 1, D("300"), INELIGIBLE, AS_OF)
    assert item.risk is Risk.MEDIUM and item.reasons == []


def test_plans_in_two_regions_make_a_shared_source_high_risk():
    item = shared_source(source(), 2, 2, D("200"), INELIGIBLE, AS_OF)
    assert item.risk is Risk.HIGH and item.reasons == ["plans_in_several_regions"]


def test_an_ineligible_or_late_source_is_high_risk_on_the_day_after():
    assert shared_source(
        source(flags=frozenset({"subsidised"})), 2, 1, D("1"), INELIGIBLE, AS_OF
    ).reasons == ["source_ineligible"]
    assert (
        shared_source(source(shutdown_date=AS_OF), 2, 1, D("1"), INELIGIBLE, AS_OF).risk
        is Risk.MEDIUM
    )
    assert shared_source(
        source(shutdown_date=date(2024, 7, 1)), 2, 1, D("1"), INELIGIBLE, AS_OF
    ).reasons == ["source_not_shut_down"]


def test_a_ledger_matching_the_plan_is_no_mismatch():
    assert ledger_mismatch(PLAN, D("150"), [row()]) is None


def test_a_ledger_claiming_more_than_the_draws_is_high_risk():
    found = ledger_mismatch(PLAN, D("149"), [row()])
    assert found.risk is Risk.HIGH
    assert found.problems == [
        {"kind": "replaced_differs", "project_code": "", "ledger": D("150"), "registry": D("149")}
    ]


def test_a_ledger_claiming_less_is_medium_and_an_unlisted_project_is_named():
    found = ledger_mismatch(
        PLAN,
        D("151"),
        [
            row(),
            row(project_code="2401-410100-04-01-000002", new_capacity=None, replaced_capacity=None),
        ],
    )
    assert found.risk is Risk.MEDIUM
    assert [p["kind"] for p in found.problems] == ["project_not_in_plan", "replaced_differs"]


def test_a_listed_project_that_does_not_name_the_plan_is_reported():
    found = ledger_mismatch(PLAN, D("150"), [])
    assert found.problems == [
        {"kind": "project_not_citing_plan", "project_code": "2401-410100-04-01-000001"}
    ]


def test_natural_persons_credit_codes_are_recognised():
    assert not is_natural_person_code("91110000600037341L")  # an enterprise
    assert is_natural_person_code("92410100MA00000001")  # 个体工商户
    assert is_natural_person_code("11010519491231002X")  # an identity-card number
    assert is_natural_person_code("91110000600037341X")  # not a valid credit code
    assert is_natural_person_code("")


def test_source_numbers_parse_with_or_without_prefix():
    assert parse_source_number("TC000012") == 12
    assert parse_source_number(" tc12 ") == 12
    assert parse_source_number("12") == 12
    assert parse_source_number("TC") is None and parse_source_number("X12") is None
