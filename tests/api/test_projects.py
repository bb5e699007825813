"""Projects: the list with the web page's filters, and the detail with its latest screening."""

from __future__ import annotations

from screening.models import Region
from screening.screen import rescreen_projects
from tests.factories import ProjectFactory

PROJECTS = "/api/projects/"


def test_the_list_shows_my_regions_projects_with_their_verdict(api_for, agency_a):
    mine = ProjectFactory()
    ProjectFactory(
        region=Region.objects.get(code="410300"), project_code="2401-410300-04-01-000001"
    )
    rescreen_projects([mine])
    body = api_for(agency_a).get(PROJECTS).json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["project_code"] == mine.project_code and row["verdict"] == "COMPLIANT"
    assert row["url"].endswith(f"{PROJECTS}{mine.pk}/")


def test_the_filters_are_the_web_pages(api_for, agency_a):
    chemical = ProjectFactory()
    steel = ProjectFactory(sector="钢铁", stage="在建", name="炼钢项目")
    rescreen_projects([chemical, steel])
    api = api_for(agency_a)

    def codes(**query):
        return [r["project_code"] for r in api.get(PROJECTS, query).json()["results"]]

    assert codes(sector="钢铁") == [steel.project_code]
    assert codes(stage="拟建") == [chemical.project_code]
    assert codes(q="炼钢") == [steel.project_code]
    assert codes(ordering="-code") == sorted(
        [chemical.project_code, steel.project_code], reverse=True
    )
    assert set(codes(region="410100")) == {chemical.project_code, steel.project_code}


def test_a_bad_filter_value_is_a_400(api_for, agency_a):
    api = api_for(agency_a)
    assert api.get(PROJECTS, {"sector": "木材"}).status_code == 400
    assert api.get(PROJECTS, {"region": "410300"}).status_code == 400  # not one of mine


def test_removed_projects_show_only_when_asked(api_for, agency_a):
    ProjectFactory(status="removed")
    api = api_for(agency_a)
    assert api.get(PROJECTS).json()["count"] == 0
    assert api.get(PROJECTS, {"status": "removed"}).json()["count"] == 1


def test_pages_and_page_size(api_for, agency_a):
    for _ in range(3):
        ProjectFactory()
    body = api_for(agency_a).get(PROJECTS, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert api_for(agency_a).get(PROJECTS, {"page": 9}).status_code == 404


def test_the_list_does_not_query_per_project(api_for, agency_a, django_assert_max_num_queries):
    for _ in range(5):
        ProjectFactory()
    api = api_for(agency_a)
    with django_assert_max_num_queries(12):
        assert api.get(PROJECTS).json()["count"] == 5


def test_the_detail_has_every_field_the_screening_and_the_findings(api_for, agency_a):
    project = ProjectFactory(non_compliant=True)
    rescreen_projects([project])
    body = api_for(agency_a).get(f"{PROJECTS}{project.pk}/").json()
    assert body["uscc"] == project.uscc and body["policy_fit"] is False
    assert body["screening"]["verdict"] == "NON_COMPLIANT"
    assert body["screening"]["disposition"] == "REJECT"
    r13 = next(f for f in body["screening"]["findings"] if f["rule"] == "R13")
    assert r13["outcome"] == "FAIL" and r13["clause"] and r13["message"] == r13["message_en"]
    chinese = api_for(agency_a, language="zh-hans").get(f"{PROJECTS}{project.pk}/").json()
    r13 = next(f for f in chinese["screening"]["findings"] if f["rule"] == "R13")
    assert r13["message"] == r13["message_zh"]


def test_another_regions_project_does_not_exist_for_me(api_for, agency_b):
    project = ProjectFactory()
    response = api_for(agency_b).get(f"{PROJECTS}{project.pk}/")
    assert response.status_code == 404


def test_paging_through_a_sort_with_ties_shows_every_project_once(api_for, agency_a):
    """Sorted by name (all equal here) or energy, ties are broken by the project code, so
    the pages together hold each project exactly once, in one stable order."""
    made = sorted(ProjectFactory(name="同名项目").project_code for _ in range(25))
    api = api_for(agency_a)
    for ordering in ("name", "-energy", "verdict"):
        seen = []
        for page in (1, 2, 3):
            body = api.get(PROJECTS, {"ordering": ordering, "page_size": 10, "page": page}).json()
            seen += [row["project_code"] for row in body["results"]]
        assert seen == made, ordering
