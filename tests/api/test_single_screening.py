"""Screening one project payload without storing it, through the validator's own parsers."""

from __future__ import annotations

from screening.models import Project
from tests.api.conftest import error_of
from tests.ledger_files import valid_row

SCREEN = "/api/screening/"


def test_a_valid_row_is_screened_and_nothing_is_stored(api_for, agency_a):
    response = api_for(agency_a).post(SCREEN, {"project": valid_row()}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "COMPLIANT" and body["disposition"] == "PROCEED"
    assert body["region"] == "410100" and body["in_scope"] is True
    assert [f["rule"] for f in body["findings"]][:3] == ["R01", "R02", "R03"]
    assert not Project.objects.exists()


def test_template_headers_work_as_keys_and_unknown_keys_are_ignored(api_for, agency_a):
    from screening.ledger.xlsx.template import BY_KEY

    row = {BY_KEY[key].header: value for key, value in valid_row().items()}
    row["序号"] = 1
    row["年综合能源消费量 (吨标准煤)"] = row.pop("年综合能源消费量(吨标准煤)")  # spaces fold away
    body = api_for(agency_a).post(SCREEN, {"project": row}, format="json").json()
    assert body["verdict"] == "COMPLIANT" and body["ignored_columns"] == ["序号"]


def test_the_same_cell_rules_as_the_ledger_apply(api_for, agency_a):
    row = valid_row(annual_energy_tce="约1.2万", uscc="123", stage=None, policy_fit="Y")
    response = api_for(agency_a, language="zh-hans").post(SCREEN, {"project": row}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_project"
    by_field = {d["field"]: d for d in error["details"]}
    assert set(by_field) == {"annual_energy_tce", "uscc", "stage", "policy_fit"}
    assert by_field["annual_energy_tce"]["column"] == "年综合能源消费量(吨标准煤)"
    assert by_field["annual_energy_tce"]["value"] == "约1.2万"
    assert by_field["stage"]["message"] == "〔项目阶段〕不能为空"


def test_numbers_as_text_with_grouping_and_numeric_region_codes(api_for, agency_a):
    row = valid_row(annual_energy_tce="50,000", region=410100, start_date="2021年3月1日")
    body = api_for(agency_a).post(SCREEN, {"project": row}, format="json").json()
    assert body["region"] == "410100" and body["verdict"] == "COMPLIANT"


def test_values_that_are_not_cells_are_refused(api_for, agency_a):
    row = valid_row(name=["a"], remarks={"x": 1}, investment=10**400)
    response = api_for(agency_a).post(SCREEN, {"project": row}, format="json")
    assert response.status_code == 400
    details = error_of(response)["details"]
    assert {d["field"] for d in details} == {"name", "remarks"}


def test_a_column_given_twice_is_an_error(api_for, agency_a):
    row = valid_row()
    row["项目名称"] = "另一个名称"
    details = error_of(api_for(agency_a).post(SCREEN, {"project": row}, format="json"))["details"]
    assert details[0]["code"] == "duplicate"


def test_a_region_outside_mine_is_refused(api_for, agency_a):
    for region in ("洛阳市", "巩义市"):
        response = api_for(agency_a).post(
            SCREEN, {"project": valid_row(region=region)}, format="json"
        )
        assert response.status_code == 400, region
        assert error_of(response)["details"][0]["code"] == "out_of_scope"


def test_a_date_without_a_rule_set_in_force_is_a_422(api_for, agency_a):
    response = api_for(agency_a).post(
        SCREEN, {"project": valid_row(), "as_of": "2000-01-01"}, format="json"
    )
    assert response.status_code == 422
    assert error_of(response)["code"] == "no_rule_set"


def test_a_named_rule_set_is_used_and_an_unknown_one_refused(api_for, agency_a):
    api = api_for(agency_a)
    body = api.post(
        SCREEN,
        {"project": valid_row(), "rule_set": "henan-2021", "as_of": "2022-06-30"},
        format="json",
    ).json()
    assert body["rule_set"] == "henan-2021" and body["as_of"] == "2022-06-30"
    response = api.post(SCREEN, {"project": valid_row(), "rule_set": "nope"}, format="json")
    assert response.status_code == 400


def test_a_huge_integer_is_a_cell_error_not_a_crash(api_for, agency_a):
    row = valid_row(investment=10**400)
    response = api_for(agency_a).post(SCREEN, {"project": row}, format="json")
    assert response.status_code == 400
    assert error_of(response)["details"][0]["field"] == "investment"
