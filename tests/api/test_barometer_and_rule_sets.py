"""The published barometer of my regions by month, and the rule sets with their sources."""

from __future__ import annotations

from django.utils import timezone

from screening.models import IndicatorMonth, Region


def month_row(code: str, year: int, month: int, tier: str = "red", published: bool = True):
    return IndicatorMonth.objects.create(
        region=Region.objects.get(code=code),
        year=year,
        month=month,
        tier=tier,
        published_at=timezone.now() if published else None,
    )


def test_only_published_months_of_my_regions_are_listed(api_for, agency_a):
    month_row("410100", 2024, 5)
    month_row("410100", 2024, 6, published=False)
    month_row("410300", 2024, 5)
    month_row("410181", 2024, 5)  # 巩义 reports to the province, not to 郑州
    body = api_for(agency_a).get("/api/barometer/").json()
    assert [(r["region"], r["period"]) for r in body["results"]] == [("410100", "2024-05")]


def test_the_province_sees_every_region_and_filters_by_month(api_for, observer):
    month_row("410100", 2024, 5)
    month_row("410300", 2024, 6, tier="green")
    month_row("410181", 2024, 7)
    api = api_for(observer)
    assert api.get("/api/barometer/").json()["count"] == 3
    assert [
        r["region"] for r in api.get("/api/barometer/", {"month": "2024-06"}).json()["results"]
    ] == ["410300"]
    ranged = api.get("/api/barometer/", {"month_from": "2024-06", "month_to": "2024-07"})
    assert {r["period"] for r in ranged.json()["results"]} == {"2024-06", "2024-07"}
    assert api.get("/api/barometer/", {"tier": "red"}).json()["count"] == 2
    assert api.get("/api/barometer/", {"month": "2024-13"}).status_code == 400


def test_rule_sets_with_their_parameters_and_sources(api_for, agency_a):
    api = api_for(agency_a)
    listed = api.get("/api/rule-sets/").json()["results"]
    assert sum(r["in_force"] for r in listed) == 1
    body = api.get("/api/rule-sets/henan-2021/").json()
    parameter = next(p for p in body["parameters"] if p["id"] == "scope_min_energy_tce")
    assert parameter["value"] == 10000 and "(三)" in parameter["source"]
    assert parameter["status"] == "confirmed"
    assert api.get("/api/rule-sets/henan-1999/").status_code == 404
