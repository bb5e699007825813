"""The load fixes of issue 9 keep the pages' answers: the dashboard's one grouped count, the
project search (trigram indexes on PostgreSQL), and the province flag cached with the scope."""

import pytest
from django.db import connection
from django.urls import reverse

from screening import permissions
from screening.models import Project, Region
from tests.conftest import CITY_A, CITY_B, PROVINCE, need
from tests.screening.early_warning.projects import make_project

pytestmark = pytest.mark.django_db


def test_the_province_dashboard_counts_every_city_in_one_query(
    client, observer, django_assert_max_num_queries
):
    make_project(CITY_A, verdict="NON_COMPLIANT", disposition="RECTIFY")
    make_project(CITY_A, verdict="COMPLIANT", disposition="PROCEED", sector="焦化")
    make_project(CITY_B, verdict="NON_COMPLIANT", disposition="RECTIFY")
    make_project(CITY_B, in_scope=False, verdict="NOT_IN_SCOPE", disposition="NONE")
    make_project(CITY_B, status="removed")
    client.force_login(observer)
    client.get(reverse("screening:dashboard"))  # sessions and caches warm
    with django_assert_max_num_queries(20):
        context = client.get(reverse("screening:dashboard")).context
    assert context["total_projects"] == 3
    assert {c["code"]: c["count"] for c in context["by_region"]} == {CITY_A: 2, CITY_B: 1}
    assert {c["value"]: c["count"] for c in context["by_verdict"]} == {
        "NON_COMPLIANT": 2,
        "COMPLIANT": 1,
    }
    assert {c["value"]: c["count"] for c in context["by_sector"]} == {"钢铁": 2, "焦化": 1}


def test_a_city_dashboard_counts_only_its_own_projects(client, city_reviewer_a):
    make_project(CITY_A, verdict="NON_COMPLIANT", disposition="RECTIFY")
    make_project(CITY_B, verdict="NON_COMPLIANT", disposition="RECTIFY")
    make_project(CITY_B, verdict="COMPLIANT", disposition="PROCEED")
    client.force_login(city_reviewer_a)
    context = client.get(reverse("screening:dashboard")).context
    assert context["total_projects"] == 1
    assert [c["code"] for c in context["by_region"]] == [CITY_A]


def _listed(client, query: str) -> set[str]:
    page = client.get(reverse("screening:projects") + query).context["page"]
    return {p.project_code for p in page}


def test_the_search_finds_code_name_and_enterprise_in_any_case_within_scope(client, agency_a):
    own = make_project(CITY_A, name="Coking Upgrade 焦化升级")
    other = make_project(CITY_B, name="Coking Upgrade 焦化升级")
    Project.objects.filter(pk__in=[own.pk, other.pk]).update(enterprise="河南示例焦化有限公司")
    client.force_login(agency_a)
    for query in (
        "?q=coking",
        "?q=焦化升级",
        "?q=示例焦化",
        f"?q={own.project_code[-9:]}",
        "?q=UPGRADE",
    ):
        assert _listed(client, query) == {own.project_code}, query
    assert _listed(client, f"?q={other.project_code}") == set()
    assert _listed(client, "?q=cO") == {own.project_code}  # shorter than a trigram: scanned


def test_postgresql_has_the_trigram_indexes_of_the_search():
    need(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://…)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'screening_project'"
        )
        indexes = dict(cursor.fetchall())
    for column in ("project_code", "name", "enterprise"):
        definition = indexes[f"project_{column}_trgm"]
        assert "gin_trgm_ops" in definition and f"upper(({column})::text)" in definition


def test_the_province_flag_is_cached_with_the_scope_and_cleared_with_it(city_reviewer_a):
    permissions.scope_region_ids(city_reviewer_a)
    assert permissions.is_province_user(city_reviewer_a) is False
    city_reviewer_a.regions.add(Region.objects.get(code=PROVINCE))
    assert permissions.is_province_user(city_reviewer_a) is False  # cached for the request
    city_reviewer_a._scope_region_ids = None  # what clears the scope clears the flag
    permissions.scope_region_ids(city_reviewer_a)
    assert permissions.is_province_user(city_reviewer_a) is True
