"""Pages of early warning: region scoping (own city / other city), who may enter, upload and
publish, and the dashboard's numbers matching the lists they link to."""

import io
import re
from html import unescape

import pytest
from django.urls import NoReverseMatch, reverse
from openpyxl import Workbook

from screening.early_warning.project_energy import ProjectEnergyRow, save_project_energy
from screening.models import AnnualResult, IndicatorMonth, ProjectEnergyMonth
from tests.screening.early_warning.conftest import GREEN, RED, publish_series
from tests.screening.early_warning.projects import make_project

pytestmark = pytest.mark.django_db
ZHENGZHOU, LUOYANG = "410100", "410300"


@pytest.fixture
def barometer():
    publish_series(ZHENGZHOU, [(2024, 1, RED), (2024, 2, RED), (2024, 3, RED)])
    publish_series(LUOYANG, [(2024, 1, GREEN), (2024, 2, GREEN), (2024, 3, GREEN)])


def login(client, user):
    client.force_login(user)
    return client


PAGES = [
    "screening:dashboard",
    "screening:warnings",
    "screening:alerts",
    "screening:project_energy",
    "screening:annual_results",
]


@pytest.mark.parametrize("name", PAGES)
def test_a_city_user_sees_its_city_and_never_another(client, city_reviewer_a, barometer, name):
    make_project(ZHENGZHOU, name="郑州的项目")
    make_project(LUOYANG, name="洛阳的项目")
    login(client, city_reviewer_a)
    response = client.get(reverse(name) + "?month=2024-03")
    assert response.status_code == 200
    html = response.content.decode()
    assert "洛阳" not in html
    if name in ("screening:dashboard", "screening:warnings"):
        assert "郑州市" in html


@pytest.mark.parametrize("persona", ["city_reviewer_a", "observer_a", "agency_a"])
def test_region_barometer_pages_are_404_for_another_city(client, request, persona, barometer):
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse("screening:warning_region", args=[ZHENGZHOU])).status_code == 200
    assert client.get(reverse("screening:warning_region", args=[LUOYANG])).status_code == 404


def test_the_province_sees_every_city(client, observer, barometer):
    login(client, observer)
    html = client.get(reverse("screening:warnings") + "?month=2024-03").content.decode()
    assert "郑州市" in html and "洛阳市" in html


def test_project_energy_detail_is_404_for_another_city(client, city_reviewer_b):
    project = make_project(ZHENGZHOU)
    login(client, city_reviewer_b)
    response = client.get(reverse("screening:project_energy_detail", args=[project.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["city_reviewer_a", "observer", "agency_a"])
@pytest.mark.parametrize("name", ["screening:indicator_new", "screening:indicator_upload"])
def test_only_the_provincial_reviewer_enters_indicators(client, request, persona, name):
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 403
    assert client.post(reverse(name), {}).status_code == 403


def test_only_the_provincial_reviewer_publishes(client, city_reviewer_a):
    login(client, city_reviewer_a)
    response = client.post(reverse("screening:indicator_publish"), {"month": "2024-03"})
    assert response.status_code == 403


def test_observers_do_not_see_unpublished_figures(client, observer, provincial_reviewer):
    from screening.early_warning.barometer import IndicatorRow
    from screening.early_warning.publishing import save_indicator_months

    save_indicator_months(
        [IndicatorRow(ZHENGZHOU, 2024, 3, intensity_change_pct=1, intensity_target_pct=3)]
    )
    html = login(client, observer).get(reverse("screening:warnings") + "?month=2024-03")
    assert "not published" not in html.content.decode()
    assert "badge red" not in html.content.decode()


def test_the_form_saves_tiers_and_publishes(client, provincial_reviewer):
    login(client, provincial_reviewer)
    response = client.post(
        reverse("screening:indicator_new"),
        {
            "region": ZHENGZHOU,
            "month": "2024-06",
            "energy_total_tce": "660",
            "energy_budget_tce": "1,200",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    month = IndicatorMonth.objects.get(region__code=ZHENGZHOU, year=2024, month=6)
    assert month.tier == "yellow" and month.published_by == provincial_reviewer


def test_the_form_refuses_bad_figures_with_the_uploads_words(client, provincial_reviewer):
    login(client, provincial_reviewer)
    client.cookies["django_language"] = "en"  # the switch, not the browser (issue 15)
    response = client.post(
        reverse("screening:indicator_new"),
        {"region": ZHENGZHOU, "month": "2024-6", "energy_total_tce": "1e4"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"month", "energy_total_tce"}
    assert IndicatorMonth.objects.count() == 0


def _xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "地区",
            "月份",
            "能耗强度累计变化(%)",
            "年度能耗强度下降目标(%)",
            "累计能源消费总量(吨标准煤)",
            "年度能源消费总量预算(吨标准煤)",
            "累计煤炭消费量(吨)",
            "年度煤炭消费上限(吨)",
        ]
    )
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "indicators.xlsx"
    return out


def test_the_upload_reports_every_error_and_stores_nothing(client, provincial_reviewer):
    login(client, provincial_reviewer)
    response = client.post(
        reverse("screening:indicator_upload"),
        {"file": _xlsx([["郑州市", "2024-03", "x"], ["火星", "2024-03"]])},
    )
    assert response.status_code == 200
    assert len(response.context["errors"]) == 2
    assert IndicatorMonth.objects.count() == 0


def test_the_upload_stores_and_publishes(client, provincial_reviewer):
    login(client, provincial_reviewer)
    response = client.post(
        reverse("screening:indicator_upload"),
        {"file": _xlsx([["郑州市", "2024-03", 0.2, 3]]), "publish": "on"},
    )
    assert response.context["summary"].published == 1
    assert IndicatorMonth.objects.get(region__code=ZHENGZHOU).tier == "red"


def test_an_unsafe_upload_is_refused_with_a_message(client, provincial_reviewer):
    login(client, provincial_reviewer)
    fake = io.BytesIO(b"<html><table><tr><td>1</td></tr></table></html>")
    fake.name = "indicators.xlsx"
    response = client.post(reverse("screening:indicator_upload"), {"file": fake})
    assert response.status_code == 200 and response.context["refusal"]
    assert IndicatorMonth.objects.count() == 0


def test_publishing_a_month_from_the_page(client, provincial_reviewer):
    from screening.early_warning.barometer import IndicatorRow
    from screening.early_warning.publishing import save_indicator_months

    save_indicator_months(
        [IndicatorRow(ZHENGZHOU, 2024, 3, intensity_change_pct=1, intensity_target_pct=3)]
    )
    login(client, provincial_reviewer)
    client.post(reverse("screening:indicator_publish"), {"month": "2024-03"})
    month = IndicatorMonth.objects.get()
    assert month.published_at and month.published_by == provincial_reviewer


def test_annual_results_form(client, provincial_reviewer, city_reviewer_a):
    login(client, city_reviewer_a)
    assert client.post(reverse("screening:annual_results"), {}).status_code == 403
    login(client, provincial_reviewer)
    client.post(
        reverse("screening:annual_results"),
        {"region": ZHENGZHOU, "year": "2024", "dual_control": "missed", "pollutant": "met"},
    )
    result = AnnualResult.objects.get()
    assert (result.dual_control_met, result.pollutant_met) == (False, True)


def test_an_agency_uploads_energy_only_for_its_own_projects(client, agency_a):
    own = make_project(ZHENGZHOU)
    other = make_project(LUOYANG)
    planned = make_project(ZHENGZHOU, stage="拟建")
    book = Workbook()
    sheet = book.active
    sheet.append(["项目代码", "月份", "当月能源消费量(吨标准煤)"])
    sheet.append([own.project_code, "2024-01", 1000])
    sheet.append([other.project_code, "2024-01", 1000])
    sheet.append([planned.project_code, "2024-01", 1000])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "energy.xlsx"
    login(client, agency_a)
    response = client.post(reverse("screening:project_energy"), {"file": data})
    assert [e.row for e in response.context["errors"]] == [3, 4]
    assert ProjectEnergyMonth.objects.count() == 0


def test_project_energy_tiers_use_the_cumulative_share():
    project = make_project(ZHENGZHOU, annual_energy_tce="12000")
    save_project_energy([ProjectEnergyRow(project.project_code, 2024, 1, 899)])
    assert ProjectEnergyMonth.objects.get(month=1).tier == "green"
    save_project_energy([ProjectEnergyRow(project.project_code, 2024, 2, 901)])
    assert ProjectEnergyMonth.objects.get(month=2).tier == "yellow"  # 1,800 = 90 % of 2,000
    save_project_energy([ProjectEnergyRow(project.project_code, 2024, 3, 1200)])
    assert ProjectEnergyMonth.objects.get(month=3).tier == "red"  # 3,000 = 100 % of 3,000


def _count_in_list(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_the_dashboards_numbers_match_the_lists_they_link_to(client, city_reviewer_a):
    try:
        reverse("screening:projects")
    except NoReverseMatch:
        pytest.skip("the ledger's project list is not built")
    make_project(ZHENGZHOU, verdict="NON_COMPLIANT", disposition="RECTIFY")
    make_project(ZHENGZHOU, verdict="NON_COMPLIANT", disposition="RECTIFY", sector="焦化")
    make_project(ZHENGZHOU, verdict="COMPLIANT", disposition="PROCEED", stage="拟建")
    make_project(ZHENGZHOU, in_scope=False, verdict="NOT_IN_SCOPE", disposition="NONE")
    make_project(LUOYANG, verdict="NON_COMPLIANT", disposition="RECTIFY")
    login(client, city_reviewer_a)
    response = client.get(reverse("screening:dashboard"))
    context = response.context
    assert context["total_projects"] == 3
    links = [(context["total_projects"], context["total_url"])]
    for key in ("by_verdict", "by_disposition", "by_sector", "by_region"):
        links += [(c["count"], c["url"]) for c in context[key]]
    assert len(links) > 6
    for number, url in links:
        assert _count_in_list(client, url) == number, url
        assert f'href="{url}"'.replace(
            "&", "&amp;"
        ) in response.content.decode() or url in unescape(response.content.decode())


def test_the_dashboard_map_colours_regions_by_this_months_tier(client, observer, barometer):
    login(client, observer)
    html = client.get(reverse("screening:dashboard") + "?month=2024-03").content.decode()
    tiers = dict(re.findall(r'data-region="(\d+)" data-tier="(\w+)"', html))
    assert tiers[ZHENGZHOU] == "red" and tiers[LUOYANG] == "green"
    assert tiers["410500"] == "none"  # 安阳: no data → grey, never red
    assert tiers["410181"] == "red"  # 巩义 has no barometer of its own: 郑州's


def test_without_the_boundary_file_the_dashboard_draws_a_tile_map(
    client, observer, barometer, monkeypatch
):
    from screening.early_warning import map as warnings_map

    monkeypatch.setattr(warnings_map, "_boundaries", lambda: {})
    warnings_map._boundary_layout.cache_clear()
    login(client, observer)
    html = client.get(reverse("screening:dashboard") + "?month=2024-03").content.decode()
    warnings_map._boundary_layout.cache_clear()
    assert '<rect data-region="410100" data-tier="red"' in html
    assert "<path data-region" not in html
