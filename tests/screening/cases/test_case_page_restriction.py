"""A planned case in a region under 区域节能评估限批 shows why, and what approving it would do
to the region's energy budget for the year (issue 6, SPEC §6 and clause (十八))."""

from django.urls import reverse

from screening.early_warning.demo import seed_demo_indicators
from screening.models import Region
from tests.conftest import make_user
from tests.factories import ProjectFactory, case_in_state


def test_the_case_page_shows_the_restriction_and_the_budget_impact(client, provincial_reviewer):
    seed_demo_indicators()  # the demo barometer puts 安阳 under 限批
    anyang = Region.objects.get(code="410500")
    agency = make_user("ay_agency", "agency", "410500")
    city = make_user("ay_city", "city_reviewer", "410500")
    project = ProjectFactory(region=anyang, project_code="2401-410500-04-01-000001")
    case = case_in_state(
        "provincial_review", agency=agency, city=city, province=provincial_reviewer, project=project
    )
    client.force_login(provincial_reviewer)
    page = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert 'id="restriction"' in page and "区域节能评估限批" in page
    assert 'id="budget-impact"' in page
    assert "20,000" in page  # the project's new energy, grouped by three (issue 15)


def test_no_banner_where_the_region_is_not_restricted(
    client, provincial_reviewer, agency_a, city_reviewer_a
):
    case = case_in_state(
        "provincial_review", agency=agency_a, city=city_reviewer_a, province=provincial_reviewer
    )
    client.force_login(provincial_reviewer)
    page = client.get(reverse("screening:case", args=[case.pk])).content.decode()
    assert 'id="restriction"' not in page
