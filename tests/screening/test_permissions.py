"""Region scoping as a matrix: role × page × own region / other region / province-direct county.

A user of city A must never list, open or change anything of city B (SPEC §2).
"""

import pytest
from django.urls import reverse

from screening import permissions
from screening.models import Region
from tests.conftest import CITY_A, CITY_B, COUNTY_DIRECT

PERSONAS = ["agency_a", "city_reviewer_a", "observer_a"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_city_users_see_their_city_but_not_another_or_the_province_direct_county(persona, request):
    user = request.getfixturevalue(persona)
    codes = set(permissions.regions_visible_to(user).values_list("code", flat=True))
    assert CITY_A in codes
    assert CITY_B not in codes
    # 巩义 lies inside 郑州 but reports to the province: the city does not review it.
    assert COUNTY_DIRECT not in codes


@pytest.mark.parametrize("persona", ["provincial_reviewer", "observer", "administrator"])
def test_province_users_see_every_region(persona, request):
    user = request.getfixturevalue(persona)
    assert permissions.regions_visible_to(user).count() == Region.objects.count()


def test_a_county_user_sees_only_the_county(agency_county):
    codes = set(permissions.regions_visible_to(agency_county).values_list("code", flat=True))
    assert codes == {COUNTY_DIRECT}


def test_a_county_reporting_to_a_city_is_in_that_citys_scope(city_reviewer_a):
    zhengzhou = Region.objects.get(code=CITY_A)
    Region.objects.create(
        code="410122", name="中牟县", level="county", parent=zhengzhou, reports_to=zhengzhou
    )
    city_reviewer_a._scope_region_ids = None
    codes = set(permissions.regions_visible_to(city_reviewer_a).values_list("code", flat=True))
    assert "410122" in codes


@pytest.mark.parametrize("persona", PERSONAS + ["agency_county"])
@pytest.mark.parametrize(
    "target,visible", [(CITY_A, "own"), (CITY_B, "other"), (COUNTY_DIRECT, "county")]
)
def test_region_page_matrix(client, persona, target, visible, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("screening:region", args=[target]))
    may_see = (target == COUNTY_DIRECT) if persona == "agency_county" else (target == CITY_A)
    assert response.status_code == (200 if may_see else 404), (persona, visible)


@pytest.mark.parametrize("persona", PERSONAS)
def test_region_list_shows_no_other_city(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(reverse("screening:regions")).content.decode()
    assert "郑州市" in body
    assert "洛阳市" not in body
    assert "巩义市" not in body


def test_only_agencies_upload_and_only_for_their_regions(agency_a, city_reviewer_a, observer_a):
    zhengzhou = Region.objects.get(code=CITY_A)
    luoyang = Region.objects.get(code=CITY_B)
    assert permissions.can_upload_ledger(agency_a, zhengzhou)
    assert not permissions.can_upload_ledger(agency_a, luoyang)
    assert not permissions.can_upload_ledger(city_reviewer_a, zhengzhou)
    assert not permissions.can_upload_ledger(observer_a, zhengzhou)


def test_the_province_is_not_a_project_region(agency_a, administrator):
    province = Region.objects.get(code="410000")
    assert not permissions.can_upload_ledger(administrator, province)


def test_only_provincial_reviewers_manage_indicators(
    provincial_reviewer, city_reviewer_a, observer
):
    assert permissions.can_manage_indicators(provincial_reviewer)
    assert not permissions.can_manage_indicators(city_reviewer_a)
    assert not permissions.can_manage_indicators(observer)
