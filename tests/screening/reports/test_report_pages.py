"""Report, subscription, unsubscribe and job pages: scoped, attachments only, no login needed
to unsubscribe, administrators only on the job page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from screening.models import Region, Report
from screening.reports import digests
from screening.reports import monthly as reports
from tests.conftest import CITY_A, CITY_B
from tests.screening.reports.conftest import MONTH


@pytest.fixture
def city_a_report(month_data):
    return reports.generate_monthly_report(Region.objects.get(code=CITY_A), *MONTH)


def test_a_city_user_lists_and_downloads_the_citys_report(client, city_reviewer_a, city_a_report):
    client.force_login(city_reviewer_a)
    page = client.get(reverse("screening:reports"))
    assert page.status_code == 200
    url = reverse("screening:report_download", args=[city_a_report.pk])
    assert url.encode() in page.content
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"".join(response.streaming_content)[:2] == b"PK"


@pytest.mark.parametrize("persona", ["city_reviewer_b", "agency_b"])
def test_another_citys_user_can_neither_list_nor_download_it(
    client, request, persona, city_a_report
):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("screening:report_download", args=[city_a_report.pk])
    assert url.encode() not in client.get(reverse("screening:reports")).content
    assert client.get(url).status_code == 404


def test_the_province_sees_the_citys_report_too(client, provincial_reviewer, city_a_report):
    client.force_login(provincial_reviewer)
    url = reverse("screening:report_download", args=[city_a_report.pk])
    assert client.get(url).status_code == 200


def test_anonymous_users_are_sent_to_sign_in(client, city_a_report):
    url = reverse("screening:report_download", args=[city_a_report.pk])
    assert client.get(url).status_code == 302


def test_generating_on_demand_is_limited_to_visible_scopes(
    client, city_reviewer_a, month_data, django_capture_on_commit_callbacks
):
    client.force_login(city_reviewer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("screening:report_generate"),
            {"kind": "monthly_report", "region": CITY_B, "month": "2025-05"},
        )
    assert not Report.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(
            reverse("screening:report_generate"),
            {"kind": "monthly_report", "region": CITY_A, "month": "2025-05"},
        )
    assert len(callbacks) == 1
    assert Report.objects.get().region.code == CITY_A


def test_the_subscription_page_saves_the_choice(client, agency_a):
    client.force_login(agency_a)
    url = reverse("screening:digest_subscription")
    assert client.get(url).status_code == 200
    client.post(url, {"frequency": "monthly"})
    agency_a.refresh_from_db()
    assert agency_a.digest_frequency == "monthly" and agency_a.language == ""
    client.post(url, {"frequency": "weekly", "language": "en"})
    agency_a.refresh_from_db()
    assert (agency_a.digest_frequency, agency_a.language) == ("weekly", "en")


def test_one_click_unsubscribe_works_without_login(client, agency_a):
    url = reverse("screening:digest_unsubscribe", args=[digests.unsubscribe_token(agency_a)])
    assert client.get(url).status_code == 200
    agency_a.refresh_from_db()
    assert agency_a.digest_frequency == "weekly"  # a GET (link scanner) changes nothing
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    agency_a.refresh_from_db()
    assert agency_a.digest_frequency == "off"


def test_a_tampered_unsubscribe_link_is_refused(client, agency_a, agency_b):
    token = digests.unsubscribe_token(agency_a)
    forged = token.replace(token.split(":")[0], digests.unsubscribe_token(agency_b).split(":")[0])
    response = client.post(reverse("screening:digest_unsubscribe", args=[forged]))
    assert response.status_code == 400
    agency_a.refresh_from_db()
    agency_b.refresh_from_db()
    assert agency_a.digest_frequency == agency_b.digest_frequency == "weekly"


@pytest.mark.parametrize(
    "persona,status", [("administrator", 200), ("provincial_reviewer", 200), ("agency_a", 403)]
)
def test_the_job_page_is_for_administrators_and_the_province(db, client, request, persona, status):
    """Issue 15: the provincial reviewer reads the job page (read-only), in words."""
    from screening.reports.schedules import ensure_schedules

    ensure_schedules()
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("screening:job_runs"))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "每周摘要邮件" in page and "digest-weekly" not in page
        assert "每周一 08:30" in page  # the crontab in words, not "30 8 * * 1"
        assert ("periodictask" in page) == (persona == "administrator")
