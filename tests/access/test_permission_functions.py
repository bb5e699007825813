"""Every "may this user" lives in screening/permissions.py (issue 14): the decisions that used
to sit in views and services, asked for each role (SPEC §2)."""

from __future__ import annotations

from screening import permissions
from tests.conftest import CITY_A, COUNTY_DIRECT


def test_only_agencies_and_administrators_keep_ledgers_and_only_their_own(
    agency_a, agency_county, city_reviewer_a, provincial_reviewer, observer, administrator
):
    assert permissions.keeps_ledgers(agency_a) and permissions.keeps_ledgers(administrator)
    for user in (city_reviewer_a, provincial_reviewer, observer):
        assert not permissions.keeps_ledgers(user)
        assert permissions.uploadable_regions(user) == []
    codes = {r.code for r in permissions.uploadable_regions(agency_a)}
    assert CITY_A in codes and COUNTY_DIRECT not in codes  # 巩义 reports to the province
    assert {r.code for r in permissions.uploadable_regions(agency_county)} == {COUNTY_DIRECT}


def test_only_administrators_and_provincial_reviewers_roll_back_uploads(
    agency_a, city_reviewer_a, provincial_reviewer, observer, administrator
):
    assert permissions.may_roll_back(administrator)
    assert permissions.may_roll_back(provincial_reviewer)
    for user in (agency_a, city_reviewer_a, observer):
        assert not permissions.may_roll_back(user)


def test_project_energy_is_uploaded_by_the_province_and_agencies(
    agency_a, city_reviewer_a, provincial_reviewer, observer
):
    """SPEC §6: the provincial reviewer, and agencies for their own projects."""
    assert permissions.can_upload_project_energy(provincial_reviewer)
    assert permissions.can_upload_project_energy(agency_a)
    assert not permissions.can_upload_project_energy(city_reviewer_a)
    assert not permissions.can_upload_project_energy(observer)


def test_job_runs_are_for_administrators_and_the_province_reads_them(
    administrator, provincial_reviewer, city_reviewer_a, agency_a
):
    """Issue 15: the provincial reviewer reads the job page (read-only); nobody else does."""
    assert permissions.can_view_job_runs(administrator)
    assert permissions.can_view_job_runs(provincial_reviewer)
    assert not permissions.can_view_job_runs(city_reviewer_a)
    assert not permissions.can_view_job_runs(agency_a)


def test_registry_entry_regions_follow_the_edit_right(agency_a, provincial_reviewer, observer):
    assert {r.code for r in permissions.registry_editable_regions(agency_a)} >= {CITY_A}
    assert COUNTY_DIRECT not in {r.code for r in permissions.registry_editable_regions(agency_a)}
    assert COUNTY_DIRECT in {
        r.code for r in permissions.registry_editable_regions(provincial_reviewer)
    }
    assert permissions.registry_editable_regions(observer) == []
