"""`__in_array`: membership in a long list as one array parameter (screening/lookups.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from screening.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_it_selects_exactly_the_listed_codes_and_ids():
    projects = [ProjectFactory() for _ in range(4)]
    codes = [projects[0].project_code, projects[2].project_code, "2401-410100-04-01-999999"]
    found = Project.objects.filter(project_code__in_array=codes)
    assert sorted(p.pk for p in found) == sorted([projects[0].pk, projects[2].pk])
    by_id = Project.objects.filter(pk__in_array=[projects[1].pk, projects[3].pk])
    assert sorted(by_id.values_list("pk", flat=True)) == sorted([projects[1].pk, projects[3].pk])


def test_an_empty_list_matches_nothing_without_a_query():
    ProjectFactory()
    with CaptureQueriesContext(connection) as queries:
        assert list(Project.objects.filter(project_code__in_array=[])) == []
    assert len(queries) == 0


def test_thousands_of_codes_are_one_parameter_on_postgresql():
    project = ProjectFactory()
    codes = [f"2401-410100-04-01-{n:06d}" for n in range(900_000, 905_000)] + [project.project_code]
    with CaptureQueriesContext(connection) as queries:
        assert [p.pk for p in Project.objects.filter(project_code__in_array=codes)] == [project.pk]
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
    else:
        assert " IN (" in sql
