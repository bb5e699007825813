"""The public list (公告) in a real browser, without signing in (issue 17): the published plan
with its sources, no unpublished plan, no natural person's credit code, and the links of the
page lead to sign-in, not into the product."""

from __future__ import annotations

from decimal import Decimal

import pytest

from screening.registry import services
from tests.conftest import make_user
from tests.screening.registry.helpers import make_plan, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal


def test_the_public_list_in_a_browser_without_login(page):
    officer = make_user("province_public", "provincial_reviewer", "410000")
    source = make_source(officer, capacity=D("300"), equipment="9号450m³高炉")
    published = make_plan(officer, ref="豫工信产业〔2025〕88号")
    hidden = make_plan(officer, ref="豫工信产业〔2025〕99号")
    services.draw(published, source, D("150"), user=officer)
    services.draw(hidden, source, D("100"), user=officer)
    services.publish_plan(published, user=officer)
    response = page.goto(page.base_url + "/public/replacement-plans/")
    assert response.status == 200
    card = page.locator("section.public-plan")
    assert card.count() == 1
    text = card.inner_text()
    assert "豫工信产业〔2025〕88号" in text and "9号450m³高炉" in text and "150" in text
    assert "豫工信产业〔2025〕99号" not in page.content()
    assert page.locator("nav a").count() == 0  # no navigation into the product
    page.goto(page.base_url + "/registry/")
    assert "/accounts/login/" in page.url
