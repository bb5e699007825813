"""History keeps its publication dates: `load_indicators --publish --published-on` and the
upload form's field (SPEC §8, Revision 4; issue 13.8). Real .xlsx files, the real database."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from screening.context import ContextResolver
from screening.models import EscalationEvent, IndicatorMonth
from tests.screening.early_warning.conftest import ANYANG

pytestmark = pytest.mark.django_db

HEADERS = [
    "地区",
    "月份",
    "能耗强度累计变化(%)",
    "年度能耗强度下降目标(%)",
    "累计能源消费总量(吨标准煤)",
    "年度能源消费总量预算(吨标准煤)",
    "累计煤炭消费量(吨)",
    "年度煤炭消费上限(吨)",
]
RED_MONTHS = [["安阳市", f"2023-{m:02d}", 0.5, 3] for m in (1, 2, 3)]


@pytest.fixture(autouse=True)
def _keep_the_language():
    """Commands with --lang and requests with Accept-Language activate a language in this
    thread; later tests (the browser tests compare labels) must not inherit it."""
    language = translation.get_language()
    yield
    translation.activate(language)


def xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "indicators.xlsx"
    return out


def load(tmp_path, rows, *args):
    """(exit status, stdout, stderr) of load_indicators on a file of `rows`."""
    path = tmp_path / "history.xlsx"
    path.write_bytes(xlsx(rows).getvalue())
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("load_indicators", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def published_days() -> list[date]:
    return [
        timezone.localtime(m.published_at).date()
        for m in IndicatorMonth.objects.order_by("year", "month")
    ]


def counted(as_of: date) -> list[tuple[int, int]]:
    """The 安阳 barometer months a screening as of `as_of` counts."""
    return [(m.year, m.month) for m in ContextResolver(as_of).for_region(ANYANG).barometer]


def test_every_month_is_recorded_as_published_on_the_date_given(tmp_path):
    status, out, _err = load(tmp_path, RED_MONTHS, "--publish", "--published-on", "2023-04-10")
    assert status == 0, out
    assert published_days() == [date(2023, 4, 10)] * 3
    # A screening as of a past date counts only the months published by then (SPEC §8).
    assert counted(date(2023, 4, 9)) == []
    assert counted(date(2023, 4, 10)) == [(2023, 1), (2023, 2), (2023, 3)]
    # The escalations are derived from the series as published.
    assert EscalationEvent.objects.filter(region__code=ANYANG, kind="restriction").exists()


def test_without_a_date_the_months_are_published_today(tmp_path):
    assert load(tmp_path, RED_MONTHS, "--publish")[0] == 0
    assert published_days() == [timezone.localdate()] * 3


@pytest.mark.parametrize(
    ("published_on", "ok"),
    [
        ("2023-03-31", False),  # the last day of March: March had not ended
        ("2023-04-01", True),  # the first day it counts: the earliest it can be published
    ],
)
def test_a_month_that_had_not_ended_is_an_error_for_its_row(tmp_path, published_on, ok):
    status, out, _err = load(
        tmp_path, RED_MONTHS, "--publish", "--published-on", published_on, "--lang", "en"
    )
    if ok:
        assert status == 0, out
        return
    assert status == 1
    assert "Row 4, 月份" in out and "had not ended on 2023-03-31" in out
    assert "Row 2" not in out and "Row 3" not in out
    assert "nothing was stored" in out
    assert IndicatorMonth.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--publish", "--published-on", (date.today() + timedelta(days=2)).isoformat()], "future"),
        (["--publish", "--published-on", "1999-12-31"], "2000-01-01"),
        (["--publish", "--published-on", "2023-13-01"], "YYYY-MM-DD"),
        (["--published-on", "2023-04-10"], "only with --publish"),
    ],
)
def test_a_date_out_of_bounds_is_refused_and_nothing_is_stored(tmp_path, args, says):
    with pytest.raises(CommandError, match=says):
        load(tmp_path, RED_MONTHS, *args, "--lang", "en")
    assert IndicatorMonth.objects.count() == 0


def test_a_month_published_later_moves_back_to_the_history_date_never_forward(tmp_path):
    assert load(tmp_path, RED_MONTHS[:1], "--publish")[0] == 0  # January, published today
    assert load(tmp_path, RED_MONTHS, "--publish", "--published-on", "2023-04-10")[0] == 0
    assert published_days() == [date(2023, 4, 10)] * 3
    assert load(tmp_path, RED_MONTHS, "--publish", "--published-on", "2023-06-01")[0] == 0
    assert published_days() == [date(2023, 4, 10)] * 3


def test_the_upload_form_records_the_date(client, provincial_reviewer):
    client.force_login(provincial_reviewer)
    response = client.post(
        reverse("screening:indicator_upload"),
        {"file": xlsx(RED_MONTHS), "publish": "on", "published_on": "2023-04-10"},
    )
    assert response.status_code == 200
    assert response.context["summary"].published == 3
    assert published_days() == [date(2023, 4, 10)] * 3
    assert all(m.published_by == provincial_reviewer for m in IndicatorMonth.objects.all())


def test_the_upload_form_lists_months_not_ended_and_stores_nothing(client, provincial_reviewer):
    client.force_login(provincial_reviewer)
    client.cookies["django_language"] = "en"  # the switch, not the browser (issue 15)
    response = client.post(
        reverse("screening:indicator_upload"),
        {"file": xlsx(RED_MONTHS), "publish": "on", "published_on": "2023-03-15"},
    )
    assert response.status_code == 200
    errors = response.context["errors"]
    assert [(e.row, e.column) for e in errors] == [(4, "月份")]
    assert "had not ended" in response.content.decode()
    assert IndicatorMonth.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        (
            {"publish": "on", "published_on": (date.today() + timedelta(days=1)).isoformat()},
            "must not be in the future",
        ),
        ({"published_on": "2023-04-10"}, "only with publishing"),
    ],
)
def test_the_upload_form_refuses_a_date_it_cannot_record(client, provincial_reviewer, fields, says):
    client.force_login(provincial_reviewer)
    client.cookies["django_language"] = "en"  # the switch, not the browser (issue 15)
    response = client.post(
        reverse("screening:indicator_upload"), {"file": xlsx(RED_MONTHS), **fields}
    )
    assert response.status_code == 200
    assert says in " ".join(response.context["form"].errors["published_on"])
    assert IndicatorMonth.objects.count() == 0
