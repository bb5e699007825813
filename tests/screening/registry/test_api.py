"""The registry's API: the web forms' actions with their validation and scope (issue 17)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from screening.models import CapacitySource, ReplacementPlan
from tests.api.conftest import error_of, token_client
from tests.screening.registry.helpers import make_plan, make_source

pytestmark = pytest.mark.django_db
D = Decimal


def test_an_agency_registers_and_draws_within_its_regions_by_api(agency_a, agency_b):
    api = token_client(agency_a)
    created = api.post(
        "/api/registry/sources/",
        {
            "region": "410100",
            "enterprise": "郑州某钢铁有限公司",
            "uscc": "91110000600037341L",
            "family": "高炉工序",
            "capacity": "150",
            "capacity_unit": "万吨/年",
            "equipment": "甲号450m³高炉",
            "shutdown_date": "2020-12-31",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["number"].startswith("TC")
    bad = api.post(
        "/api/registry/sources/",
        {
            "region": "410300",
            "enterprise": "x",
            "uscc": "91110000600037341L",
            "family": "高炉工序",
            "capacity": "1",
            "capacity_unit": "万吨/年",
            "equipment": "y",
        },
        format="json",
    )
    assert bad.status_code == 400 and error_of(bad)["details"][0]["field"] == "region"
    plan = api.post(
        "/api/registry/plans/",
        {
            "region": "410100",
            "ref": "郑发改产业〔2024〕3号",
            "plan_date": "2024-01-05",
            "enterprise": "郑州某钢铁有限公司",
            "uscc": "91110000600037341L",
            "family": "高炉工序",
            "new_capacity": "100",
            "capacity_unit": "万吨/年",
            "project_codes": ["2401-410100-04-01-000001"],
        },
        format="json",
    )
    assert plan.status_code == 201, plan.json()
    plan_id = plan.json()["id"]
    source = CapacitySource.objects.get()
    drawn = api.post(
        f"/api/registry/plans/{plan_id}/draws/",
        {"source": source.number, "amount": "150"},
        format="json",
    )
    assert drawn.status_code == 201
    over = api.post(
        f"/api/registry/plans/{plan_id}/draws/",
        {"source": source.number, "amount": "1"},
        format="json",
    )
    assert over.status_code == 409 and "0 remain" in error_of(over)["message"]
    elsewhere = make_source(agency_b, "410300")
    foreign = api.post(
        f"/api/registry/plans/{plan_id}/draws/",
        {"source": elsewhere.number, "amount": "1"},
        format="json",
    )
    assert foreign.status_code == 400
    other = token_client(agency_b)
    assert other.get(f"/api/registry/plans/{plan_id}/").status_code == 404
    assert (
        other.post(
            f"/api/registry/plans/{plan_id}/withdraw/", {"reason": "x"}, format="json"
        ).status_code
        == 404
    )
    assert [p["ref"] for p in other.get("/api/registry/plans/").json()["results"]] == []
    assert api.post(f"/api/registry/plans/{plan_id}/publish/", {}, format="json").status_code == 403
    withdrawn = api.post(
        f"/api/registry/plans/{plan_id}/withdraw/", {"reason": "调整"}, format="json"
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert ReplacementPlan.objects.get(pk=plan_id).draws.get().returned_at is not None
    assert api.post("/api/registry/plans/", [1, 2], format="json").status_code == 400


def test_cross_checks_by_api_for_province_users_only(provincial_reviewer, agency_a):
    source = make_source(provincial_reviewer, capacity=D("300"))
    from screening.registry import services

    for region in ("410100", "410300"):
        services.draw(
            make_plan(provincial_reviewer, region), source, D("100"), user=provincial_reviewer
        )
    body = token_client(provincial_reviewer).get("/api/registry/cross-checks/").json()
    (shared,) = body["shared_sources"]
    assert shared["source"] == source.number and shared["drawn"] == 200
    assert shared["risk"] == "high" and "plans_in_several_regions" in shared["reasons"]
    assert token_client(agency_a).get("/api/registry/cross-checks/").status_code == 403
