"""Digests with the locmem backend: scope, content, both parts, links, headers, the monthly
attachment, nothing sent when there is nothing to say, and exactly once per period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from screening.models import DigestDelivery, DigestStatus, ReviewCase
from screening.reports import digests
from tests.conftest import make_user
from tests.factories import case_in_state
from tests.screening.reports.conftest import SEND_DAY


@pytest.fixture
def english(settings):
    """Digest text in English, so assertions do not depend on the catalogue's state."""
    settings.LANGUAGE_CODE = "en"


def send(frequency="daily", on=SEND_DAY, **kwargs):
    return digests.send_digests(frequency, on, **kwargs)


def message_to(user):
    found = [m for m in mail.outbox if m.to == [user.email]]
    assert len(found) == 1, f"{len(found)} messages to {user.email}"
    return found[0]


def both_parts(message) -> tuple[str, str]:
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    return message.body, html


def test_periods_are_a_day_an_iso_week_and_the_month_before():
    assert digests.period_for("daily", SEND_DAY).key == "2025-06-02"
    assert digests.period_for("weekly", SEND_DAY).key == "2025-W23"
    monthly = digests.period_for("monthly", date(2025, 6, 1))
    assert monthly.key == "2025-05" and monthly.report_month == (2025, 5)
    assert digests.period_for("weekly", SEND_DAY + timedelta(days=3)).key == "2025-W23"


def test_roles_get_sensible_default_frequencies(
    agency_a, city_reviewer_a, observer, administrator, provincial_reviewer
):
    assert agency_a.digest_frequency == "weekly"
    assert city_reviewer_a.digest_frequency == "daily"
    assert provincial_reviewer.digest_frequency == "daily"
    assert observer.digest_frequency == "monthly"
    assert administrator.digest_frequency == "off"


def test_a_city_a_user_never_sees_city_b(month_data, city_reviewer_a):
    send()
    body, html = both_parts(message_to(city_reviewer_a))
    for part in (body, html):
        assert "郑州" in part
        assert "洛阳" not in part


def test_the_digest_lists_escalations_energy_warnings_and_diagnoses(
    month_data, city_reviewer_a, english
):
    send()
    body, html = both_parts(message_to(city_reviewer_a))
    assert "Regional restrictions and reminders (1)" in body
    assert "- Regional energy-assessment restriction\n  From 2025-05" in body
    assert "Projects over their approved energy (red) (1)" in body
    assert "2025-05: Red, 114 % of the approved energy to date" in body
    assert "Energy diagnoses due (1)" in body
    assert body.count("郑州存量焦化项目") == 2
    assert "Energy diagnoses due (1)" in html
    assert "郑州违规钢铁项目" not in body  # non-compliance is the report's, not the digest's


def test_each_item_links_to_its_page(month_data, city_reviewer_a, settings):
    settings.SITE_URL = "https://two-high.example.gov.cn"
    send()
    body, html = both_parts(message_to(city_reviewer_a))
    project = month_data.projects["410100"][2]
    assert f"https://two-high.example.gov.cn/ledger/projects/{project.pk}/" in body  # diagnosis
    assert f'href="https://two-high.example.gov.cn/ledger/projects/{project.pk}/"' in html
    energy = f"https://two-high.example.gov.cn/warnings/project-energy/{project.pk}/"
    assert energy in body and f'href="{energy}"' in html
    assert "https://two-high.example.gov.cn/warnings/regions/410100/" in body


def test_a_new_tier_is_listed_with_the_one_before(month_data, city_reviewer_b, english):
    from tests.screening.reports.conftest import at, publish_month

    publish_month("410300", 2025, 6, "yellow", at(SEND_DAY - timedelta(days=1)))
    send(on=SEND_DAY)
    body, _html = both_parts(message_to(city_reviewer_b))
    assert "2025-06: tier Yellow (before: Green)" in body


def test_cases_waiting_and_overdue_are_listed(month_data, agency_a, city_reviewer_a, english):
    case = case_in_state("submitted", agency=agency_a, project=month_data.projects["410100"][0])
    ReviewCase.objects.filter(pk=case.pk).update(due_date=SEND_DAY - timedelta(days=5))
    send()
    body, _html = both_parts(message_to(city_reviewer_a))
    assert f"/cases/{case.pk}/" in body
    assert "1 case waiting for you (1 of them overdue)" in body
    assert "Overdue cases (1)" in body  # listed once, among the overdue cases
    assert "Cases waiting for you (" not in body
    assert "Review time limit passed: due 2025-05-28" in body


def test_unsubscribe_link_and_headers(month_data, city_reviewer_a):
    send()
    message = message_to(city_reviewer_a)
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert digests.user_for_unsubscribe_token(token) == city_reviewer_a


def test_nothing_is_sent_when_there_is_nothing_to_say(db, city_reviewer_a):
    counts = send()
    assert mail.outbox == []
    assert counts["empty"] == 1
    delivery = DigestDelivery.objects.get(user=city_reviewer_a)
    assert delivery.status == DigestStatus.EMPTY


def test_a_digest_is_sent_once_per_period_however_often_the_job_runs(month_data, city_reviewer_a):
    send()
    send()
    call_command("send_digests", "--frequency", "daily", "--date", SEND_DAY.isoformat())
    assert len([m for m in mail.outbox if m.to == [city_reviewer_a.email]]) == 1
    assert DigestDelivery.objects.get(user=city_reviewer_a).status == DigestStatus.SENT
    send(on=SEND_DAY + timedelta(days=1))  # the next day is another period, claimed anew
    assert DigestDelivery.objects.filter(user=city_reviewer_a).count() == 2


def test_users_without_email_or_switched_off_get_nothing(month_data, city_reviewer_a):
    city_reviewer_a.email = ""
    city_reviewer_a.save()
    make_user("city_a_off", "city_reviewer", "410100", digest_frequency="off")
    send()
    assert mail.outbox == []


def test_a_live_claim_elsewhere_is_left_alone_and_an_expired_one_taken_over(
    month_data, city_reviewer_a
):
    period = digests.period_for("daily", SEND_DAY)
    assert digests.claim_digest(city_reviewer_a, period) is not None
    send()
    assert mail.outbox == []  # the other worker holds a live lease
    DigestDelivery.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    send()
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.get().attempts == 2


def test_a_send_interrupted_at_the_smtp_server_is_never_repeated(month_data, city_reviewer_a):
    period = digests.period_for("daily", SEND_DAY)
    digests.claim_digest(city_reviewer_a, period)
    DigestDelivery.objects.update(
        status=DigestStatus.SENDING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    counts = send()
    assert mail.outbox == []
    assert counts["uncertain"] == 1
    assert DigestDelivery.objects.get().status == DigestStatus.UNCERTAIN


def test_a_refused_send_is_retried_by_the_next_run(month_data, city_reviewer_a, monkeypatch):
    import smtplib

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        assert send()["failed"] == 1
    assert DigestDelivery.objects.get().status == DigestStatus.FAILED
    assert send()["sent"] == 1
    assert len(mail.outbox) == 1


def test_the_monthly_digest_attaches_the_users_own_scope_report(month_data, observer_a):
    counts = send("monthly", date(2025, 6, 1))
    assert counts["sent"] == 1
    message = message_to(observer_a)
    assert len(message.attachments) == 1
    name, data, mimetype = message.attachments[0]
    assert name.endswith("-2025-05.xlsx") and "郑州" in name
    assert mimetype.startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(data))
    names = [row[1] for row in wb.worksheets[3].iter_rows(min_row=2, values_only=True)]
    assert names and all("郑州" in n for n in names)


@pytest.mark.parametrize("frequency", ["daily", "weekly", "monthly"])
def test_the_command_runs_each_frequency(db, frequency, capsys):
    call_command("send_digests", "--frequency", frequency, "--date", "2025-06-02")
    assert f"frequency={frequency}" in capsys.readouterr().out


def test_the_digest_is_written_in_the_language_the_person_chose(
    month_data, agency_a, city_reviewer_a
):
    """The site is in Chinese; the reviewer chose English for their e-mails."""
    case_in_state("submitted", agency=agency_a, project=month_data.projects["410100"][0])
    city_reviewer_a.language = "en"
    city_reviewer_a.save(update_fields=["language"])
    send()
    body, html = both_parts(message_to(city_reviewer_a))
    assert "1 case waiting for you" in body and "1 case waiting for you" in html
