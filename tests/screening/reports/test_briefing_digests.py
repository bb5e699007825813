"""Each role's digest rendered from one fixed data set (issue 16): the headline lines, the
order by weight (限批 and reminders before tier changes), nothing of weight cut however long
the routine tail, one line per region for a first publication, the subject, and the same
content in the HTML and the plain-text part."""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail

from screening.reports import digests
from tests.screening.reports.briefing_data import (
    DIAGNOSES_A,
    RED_A,
    RED_B,
    SEND_DAY,
    YELLOW_A,
    make_briefing_data,
)


@pytest.fixture
def data(db, agency_a, city_reviewer_a):
    return make_briefing_data(agency_a, city_reviewer_a)


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def digest_of(user, frequency="daily"):
    digests.set_frequency(user, frequency)
    digests.send_digests(frequency, SEND_DAY, user_ids=[user.pk])
    found = [m for m in mail.outbox if m.to == [user.email]]
    assert len(found) == 1
    message = found[0]
    page = next(content for content, kind in message.alternatives if kind == "text/html")
    return message, message.body, page


def headline_of(body: str) -> list[str]:
    """The headline block of the plain-text part: its lines, without the links."""
    block = body.split("At a glance\n", 1)[1].split("\n==", 1)[0]
    return [line[2:] for line in block.splitlines() if line[:2] in ("! ", "* ")]


def section_titles(body: str) -> list[str]:
    return re.findall(r"^== (.+) \(\d+\) ==$", body, flags=re.M)


def section(body: str, title: str) -> str:
    return body.split(f"== {title} (", 1)[1].split("\n==", 1)[0].split("\n… and", 1)[0]


# --- The headline, per role -------------------------------------------------------------------


def test_the_agency_headline(data, agency_a, english):
    _message, body, _html = digest_of(agency_a)
    assert headline_of(body) == [
        "Regional energy-assessment restriction (限批): 1 region new this period (Zhengzhou)",
        "3 new non-compliant projects (Stop work and rectify 1, Do not approve 2)",
        "1 case waiting for you",
        "4 cases overdue, up to 3 working days",
        f"Projects over their approved energy: {RED_A} red, {YELLOW_A} yellow",
    ]


def test_the_city_reviewer_headline(data, city_reviewer_a, english):
    _message, body, _html = digest_of(city_reviewer_a)
    assert headline_of(body)[2:4] == [
        "4 cases waiting for you (4 of them overdue)",
        "4 cases overdue, up to 3 working days",
    ]
    assert "Luoyang" not in body  # another city's reminder is not this reviewer's


def test_the_province_headline_counts_the_whole_province(data, provincial_reviewer, english):
    _message, body, _html = digest_of(provincial_reviewer)
    assert headline_of(body) == [
        "Regional energy-assessment restriction (限批): 1 region new this period (Zhengzhou)",
        "Reminders (提醒): 1 region new this period (Luoyang)",
        "4 new non-compliant projects (Stop work and rectify 1, Do not approve 3)",
        "1 case waiting for you",
        "4 cases overdue, up to 3 working days",
        f"Projects over their approved energy: {RED_A + RED_B} red, {YELLOW_A} yellow",
    ]
    assert data.forwarded_code in section(body, "Cases waiting for you")


def test_the_observer_reads_the_province_without_a_queue(
    data, observer, provincial_reviewer, english
):
    _message, observer_body, _html = digest_of(observer)
    _message, province_body, _html = digest_of(provincial_reviewer)
    assert headline_of(observer_body) == [
        line for line in headline_of(province_body) if line != "1 case waiting for you"
    ]
    assert "Cases waiting for you" not in observer_body
    assert section_titles(observer_body) == [
        title for title in section_titles(province_body) if title != "Cases waiting for you"
    ]


def test_each_headline_line_links_to_its_filtered_list(data, city_reviewer_a, english):
    _message, body, page = digest_of(city_reviewer_a)
    links = re.findall(r"^[!*] .+\n  (\S+)$", body, flags=re.M)
    assert links == [
        "http://127.0.0.1:8000/warnings/alerts/",
        "http://127.0.0.1:8000/ledger/projects/?in_scope=true&verdict=NON_COMPLIANT&status=active",
        "http://127.0.0.1:8000/cases/queue/",
        "http://127.0.0.1:8000/cases/?overdue=on",
        "http://127.0.0.1:8000/warnings/project-energy/",
    ]
    for link in links:
        assert f'href="{html.escape(link)}"' in page


# --- The detail: order, relevance, cutting ----------------------------------------------------


def test_restrictions_and_reminders_come_before_everything_else(data, provincial_reviewer, english):
    _message, body, _html = digest_of(provincial_reviewer)
    assert section_titles(body) == [
        "Regional restrictions and reminders",
        "Overdue cases",
        "Projects over their approved energy (red)",
        "Cases waiting for you",
        "New non-compliant projects",
        "Barometer tiers that moved",
        "Projects near their approved energy (yellow)",
    ]
    escalations = section(body, "Regional restrictions and reminders")
    assert escalations.index("[Zhengzhou]") < escalations.index("[Luoyang]")
    assert body.index("At a glance") < body.index("== Regional restrictions")


@pytest.mark.parametrize(
    "persona, sections",
    [
        (
            "agency_a",
            [
                "Regional restrictions and reminders",
                "Overdue cases",
                "Projects over their approved energy (red)",
                "Cases waiting for you",
                "Your uploads with errors",
                "New non-compliant projects",
                "Projects near their approved energy (yellow)",
                "Energy diagnoses due",
            ],
        ),
        # The reviewer's four waiting cases are all overdue: listed once, under "Overdue cases".
        (
            "city_reviewer_a",
            [
                "Regional restrictions and reminders",
                "Overdue cases",
                "Projects over their approved energy (red)",
                "New non-compliant projects",
                "Projects near their approved energy (yellow)",
                "Energy diagnoses due",
            ],
        ),  # 郑州's tier did not move: no tier line
    ],
)
def test_the_role_decides_what_is_relevant(data, persona, sections, request, settings, english):
    """Every section of the role shown (a limit the data set does not reach)."""
    settings.DIGEST_ROUTINE_LIMIT = 500
    user = request.getfixturevalue(persona)
    _message, body, _html = digest_of(user)
    assert section_titles(body) == sections


def test_the_agency_reads_its_returned_case_and_its_upload_errors(data, agency_a, english):
    _message, body, _html = digest_of(agency_a)
    queue = section(body, "Cases waiting for you")
    assert data.returned_code in queue and "Returned for information · due 2025-06-12" in queue
    overdue = section(body, "Overdue cases")
    assert (
        "Review time limit passed: due 2025-05-30, overdue by less than a working day" in overdue
    )  # a Friday before the 端午 holiday
    assert "due 2025-05-27, 3 working days overdue" in overdue
    assert (
        "郑州台账-2025-06.xlsx\n  17 errors in the file\n  http://127.0.0.1:8000/ledger/"
        "uploads/" in section(body, "Your uploads with errors")
    )


def test_nothing_of_weight_is_cut_however_long_the_tail(
    data, provincial_reviewer, settings, english
):
    settings.DIGEST_ROUTINE_LIMIT = 5
    _message, body, page = digest_of(provincial_reviewer)
    for code in data.red_codes + data.overdue_codes:
        assert code in body and code in page
    assert (
        len(
            re.findall(
                r"^- ", section(body, "Projects over their approved energy (red)"), flags=re.M
            )
        )
        == RED_A + RED_B
    )
    assert "[Zhengzhou]" in section(body, "Regional restrictions and reminders")
    assert "[Luoyang]" in section(body, "Regional restrictions and reminders")
    # Routine: 1 case waiting, 4 new non-compliant projects, 3 tier lines, 30 yellow, 40
    # diagnoses; 5 shown.
    routine = 1 + 4 + 3 + YELLOW_A + DIAGNOSES_A
    tail = (
        f"… and {routine - 5} more routine changes (Barometer tiers that moved 3, "
        f"Projects near their approved energy (yellow) {YELLOW_A}, Energy diagnoses due "
        f"{DIAGNOSES_A}), see all"
    )
    assert f"{tail}\n  http://127.0.0.1:8000/warnings/alerts/" in body
    assert tail in html.unescape(page)
    assert len(re.findall(r"^- ", section(body, "New non-compliant projects"), flags=re.M)) == 4
    assert section_titles(body)[-1] == "New non-compliant projects"


def test_the_limit_never_drops_a_red_warning_even_at_zero(data, city_reviewer_a, settings, english):
    settings.DIGEST_ROUTINE_LIMIT = 0
    _message, body, _html = digest_of(city_reviewer_a)
    assert section_titles(body) == [
        "Regional restrictions and reminders",
        "Overdue cases",
        "Projects over their approved energy (red)",
    ]
    assert (
        "more routine changes (New non-compliant projects 3, Projects near their approved "
        f"energy (yellow) {YELLOW_A}, Energy diagnoses due {DIAGNOSES_A}), see all" in body
    )


def test_a_first_publication_is_one_line_per_region_and_only_when_it_warns(
    data, provincial_reviewer, english
):
    _message, body, _html = digest_of(provincial_reviewer)
    tiers = section(body, "Barometer tiers that moved")
    assert re.findall(r"^\[(.+)\]$", tiers, flags=re.M) == ["Kaifeng", "Hebi", "Xinxiang"]
    assert "(before: Red)" not in body  # 郑州 and 洛阳: red again is not a move
    assert "2025-05: tier Yellow (before: Green)" in tiers  # 开封
    assert "2025-05: tier Yellow (first publication)" in tiers  # 鹤壁
    assert "2025-01 – 2025-05: tier Yellow (first publication)" in tiers  # 新乡: one line
    assert tiers.count("\n- ") == 3
    assert "Green (first publication)" not in body and "before: none" not in body


# --- Subject, parts, languages ----------------------------------------------------------------


def test_the_subject_carries_the_headline(data, city_reviewer_a, agency_a, english):
    message, body, _html = digest_of(city_reviewer_a)
    assert message.subject == (
        "Zhengzhou: 1 region newly under restriction, 4 cases overdue, "
        f"{RED_A} projects in red energy warning"
    )
    assert body.startswith(message.subject + "\n")


def test_the_chinese_subject_reads_like_a_briefing(data, city_reviewer_a):
    message, body, page = digest_of(city_reviewer_a)
    assert message.subject == (
        f"郑州市：1个地区新进入区域节能评估限批，4个案件超期，{RED_A}个项目用能红色预警"
    )
    assert "本期要点" in body and "本期要点" in page


def test_html_and_text_say_the_same(data, provincial_reviewer, english):
    """Every line of the plain-text part up to its footer is in the HTML part: texts as
    text, links as links."""
    _message, body, page = digest_of(provincial_reviewer)
    text_of_page = html.unescape(re.sub(r"<[^>]+>", "\n", page))
    content_part = body.split("\n--\n", 1)[0]
    lines = [line.strip() for line in content_part.splitlines() if line.strip()]
    assert len(lines) > 40
    for line in lines:
        content = line.lstrip("!*- ").strip("[]")
        if content.startswith("http"):
            assert f'href="{html.escape(content)}"' in page, content
        elif content.startswith("== "):
            assert content.strip("= ") in text_of_page, content
        else:
            assert content in text_of_page, content


def test_the_html_part_is_safe_for_mail_clients(data, city_reviewer_a, english):
    _message, _body, page = digest_of(city_reviewer_a)
    assert "<img" not in page and "<link" not in page and "<script" not in page
    assert "<style" not in page and "class=" not in page  # inline styles only
    assert 'role="presentation"' in page  # table layout
    assert not re.search(r'(src|href)="(?!http://127\.0\.0\.1:8000/)', page)


def test_the_digest_follows_the_persons_language(data, city_reviewer_a):
    city_reviewer_a.language = "en"
    city_reviewer_a.save(update_fields=["language"])
    message, body, _html = digest_of(city_reviewer_a)
    assert message.subject.startswith("Zhengzhou: ")
    assert "At a glance" in body and "本期要点" not in body


def test_a_restriction_still_in_force_is_not_news_on_its_own(db, city_reviewer_a):
    from screening.models import EscalationEvent, EscalationKind, Region

    EscalationEvent.objects.create(
        region=Region.objects.get(code="410100"),
        kind=EscalationKind.RESTRICTION,
        started_year=2025,
        started_month=3,
        months=["2025-01", "2025-02", "2025-03"],
    )
    counts = digests.send_digests("daily", SEND_DAY)
    assert counts.get("empty") == 1 and mail.outbox == []


def test_people_of_one_scope_each_read_their_own_language(data, provincial_reviewer, observer):
    """One run builds a scope's lines once per language: before, the first reader's language
    was served to everyone of the scope."""
    observer.language = "en"
    observer.save(update_fields=["language"])
    digests.set_frequency(observer, "daily")
    digests.set_frequency(provincial_reviewer, "daily")
    digests.send_digests("daily", SEND_DAY)
    by_user = {m.to[0]: m.body for m in mail.outbox}
    assert "自 2025-05 起（红色月份" in by_user[provincial_reviewer.email]
    assert "From 2025-05 (red months" in by_user[observer.email]
    assert "自 2025-05 起" not in by_user[observer.email]
