"""The registry's pages: entry by form with the ledger's scoping, the cross-checks page and its
export read back, and the public list (公告) that needs no login and shows only published plans
and no credit code of a natural person (issue 17)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from screening.models import CapacitySource, ReplacementPlan
from screening.registry import services
from tests.access.urls import every_route, sample_kwargs
from tests.screening.registry.helpers import make_plan, make_source

pytestmark = pytest.mark.django_db
D = Decimal
SOLE_TRADER = "92410100MA00000000"  # category 92: 个体工商户, a natural person's business


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _fix_check(code: str) -> str:
    from screening.ledger.xlsx.parsers import uscc_check_character

    return code[:17] + uscc_check_character(code[:17])


def test_an_agency_registers_a_source_in_its_own_region_by_form(agency_a):
    client = client_for(agency_a)
    page = client.get(reverse("screening:registry_source_new"))
    assert page.status_code == 200
    assert "郑州市" in page.content.decode() and "洛阳市" not in page.content.decode()
    from screening.models import Region

    form = {
        "region": Region.objects.get(code="410100").pk,
        "enterprise": "郑州某水泥有限公司",
        "uscc": "91110000600037341L",
        "family": "水泥熟料",
        "capacity": "120",
        "capacity_unit": "万吨/年",
        "equipment": "2500t/d熟料线",
        "shutdown_date": "2021-01-01",
        "dismantled_date": "2020-12-31",
    }
    refused = client.post(reverse("screening:registry_source_new"), form)
    assert refused.status_code == 200 and not CapacitySource.objects.exists()
    assert "拆除日期早于关停日期" in refused.content.decode()
    form["dismantled_date"] = "2021-02-01"
    created = client.post(reverse("screening:registry_source_new"), form)
    assert created.status_code == 302
    source = CapacitySource.objects.get()
    assert source.region.code == "410100" and source.created_by == agency_a
    form["region"] = Region.objects.get(code="410300").pk
    form["equipment"] = "另一条线"
    other = client.post(reverse("screening:registry_source_new"), form)
    assert other.status_code == 200 and CapacitySource.objects.count() == 1


def test_an_agency_sees_and_draws_only_within_its_regions(agency_a, agency_b, provincial_reviewer):
    own = make_source(agency_a)
    elsewhere = make_source(agency_b, "410300")
    plan = make_plan(agency_a)
    client = client_for(agency_a)
    home = client.get(reverse("screening:registry")).content.decode()
    assert own.number in home and elsewhere.number not in home
    assert client.get(reverse("screening:registry_source", args=[elsewhere.pk])).status_code == 404
    url = reverse("screening:registry_plan", args=[plan.pk])
    refused = client.post(url, {"source": elsewhere.number, "amount": "10"})
    assert refused.status_code == 200 and not plan.draws.exists()
    with pytest.raises(services.RegistryRefused):
        services.draw(plan, elsewhere, D("10"), user=agency_a)
    assert client.post(url, {"source": own.number, "amount": "10"}).status_code == 302
    assert plan.draws.get().source == own
    # Agency B cannot see, draw for or withdraw agency A's plan.
    other = client_for(agency_b)
    assert other.get(url).status_code == 404
    assert (
        other.post(
            reverse("screening:registry_plan_withdraw", args=[plan.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    # Only the provincial reviewer publishes.
    assert (
        client.post(reverse("screening:registry_plan_publish", args=[plan.pk])).status_code == 403
    )
    assert (
        client_for(provincial_reviewer)
        .post(reverse("screening:registry_plan_publish", args=[plan.pk]))
        .status_code
        == 302
    )
    assert ReplacementPlan.objects.get(pk=plan.pk).published_at is not None


def test_the_cross_checks_page_lists_a_double_drawn_source_and_exports_it(
    provincial_reviewer, agency_a
):
    source = make_source(provincial_reviewer, capacity=D("300"))
    first = make_plan(provincial_reviewer, "410100")
    second = make_plan(provincial_reviewer, "410300")
    services.draw(first, source, D("150"), user=provincial_reviewer)
    services.draw(second, source, D("150"), user=provincial_reviewer)
    client = client_for(provincial_reviewer)
    page = client.get(reverse("screening:registry_cross_checks")).content.decode()
    shared = page.split('id="shared"')[1].split("</table>")[0]
    assert source.number in shared and first.ref in shared and second.ref in shared
    assert "高" in shared  # plans in two regions: high risk
    cross = page.split('id="cross-region"')[1].split("</table>")[0]
    assert second.ref in cross and first.ref not in cross
    export = client.get(reverse("screening:registry_cross_checks_export"))
    assert export["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[1][1] == source.number and rows[1][7] == 300
    assert client_for(agency_a).get(reverse("screening:registry_cross_checks")).status_code == 403


def test_the_public_list_needs_no_login_and_shows_only_published_plans(provincial_reviewer):
    company = make_source(provincial_reviewer, capacity=D("300"))
    trader = make_source(
        provincial_reviewer,
        capacity=D("300"),
        uscc=_fix_check(SOLE_TRADER),
        enterprise="某某个体炼铁厂",
    )
    published = make_plan(provincial_reviewer, uscc=_fix_check(SOLE_TRADER))
    hidden = make_plan(provincial_reviewer)
    services.draw(published, company, D("100"), user=provincial_reviewer)
    services.draw(published, trader, D("50"), user=provincial_reviewer)
    services.draw(hidden, company, D("100"), user=provincial_reviewer)
    services.publish_plan(published, user=provincial_reviewer)
    page = Client().get(reverse("screening:registry_public"))
    assert page.status_code == 200
    html = page.content.decode()
    assert published.ref in html and hidden.ref not in html
    assert company.equipment in html and trader.equipment in html
    assert company.uscc in html  # an enterprise's code is public
    assert _fix_check(SOLE_TRADER) not in html  # a natural person's is not
    services.withdraw_plan(published, user=provincial_reviewer, reason="撤回")
    assert published.ref not in Client().get(reverse("screening:registry_public")).content.decode()


def test_nothing_else_of_the_registry_is_reachable_without_login():
    anonymous = Client()
    for route in every_route():
        if (
            not route.name.startswith("screening:registry")
            or route.name == "screening:registry_public"
        ):
            continue
        kwargs = sample_kwargs(route, kind="sources")
        url = route.reverse(kwargs)
        for method in (anonymous.get, anonymous.post):
            response = method(url)
            assert response.status_code == 302, (url, response.status_code)
            assert "/accounts/login/" in response["Location"]


def test_the_rule_set_page_lists_r14_and_its_unconfirmed_parameter(observer):
    page = client_for(observer).get(reverse("screening:rule_set", args=["henan-2023"]))
    html = page.content.decode()
    rules = html.split('id="rules"')[1].split("</table>")[0]
    assert "<td>R14</td>" in rules and "置换来源核验" in rules
    # issue 15: the parameter by its name in words, not its internal id
    assert "不得用于置换的退出产能" in rules and "replacement_source_ineligible" not in rules
    row = html.split('id="parameter-replacement_source_ineligible"')[-1].split("</tr>")[0]
    assert "unconfirmed" in row
