"""The pure composition of a briefing (screening/briefing.py, issue 16): which sections a role
reads, their order by weight, what a limit may cut, tier moves, the headline and the subject.
No database; English texts (the msgids)."""

from __future__ import annotations

import pytest
from django.utils import translation

from screening import briefing
from screening.briefing import Entry, Facts, PublishedMonth


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def entries(section: str, count: int, region: str = "A") -> list[Entry]:
    return [Entry(section, region, f"{section}-{i}", "", f"/x/{i}", (i,)) for i in range(count)]


def titles(detail) -> list[str]:
    return [section.key for section in detail.sections]


def shown(detail, key: str) -> int:
    return next((s.shown for s in detail.sections if s.key == key), 0)


def test_sections_come_in_order_of_weight_whatever_order_they_arrive_in():
    mixed = (
        entries("diagnoses", 1)
        + entries("tiers", 1)
        + entries("energy_yellow", 1)
        + entries("queue", 1)
        + entries("non_compliant", 1)
        + entries("energy_red", 1)
        + entries("overdue", 1)
        + entries("escalations", 1)
    )
    detail = briefing.compose(mixed, "provincial_reviewer", 100)
    assert titles(detail) == [
        "escalations",
        "overdue",
        "energy_red",
        "queue",
        "non_compliant",
        "tiers",
        "energy_yellow",
        "diagnoses",
    ]


@pytest.mark.parametrize(
    "role, has, lacks",
    [
        ("agency", {"queue", "uploads", "escalations", "energy_red"}, {"tiers"}),
        ("city_reviewer", {"queue", "tiers", "escalations"}, {"uploads"}),
        ("provincial_reviewer", {"queue", "tiers", "escalations"}, {"uploads"}),
        ("observer", {"tiers", "escalations", "overdue"}, {"queue", "uploads"}),
    ],
)
def test_the_role_decides_which_sections_it_reads(role, has, lacks):
    every = [e for spec in briefing.SECTIONS for e in entries(spec.key, 1)]
    keys = set(titles(briefing.compose(every, role, 100)))
    assert has <= keys and not (lacks & keys)


@pytest.mark.parametrize("limit", [0, 1, 7, 30])
def test_critical_sections_are_never_cut_whatever_the_limit(limit):
    detail = briefing.compose(
        entries("escalations", 40)
        + entries("overdue", 50)
        + entries("energy_red", 60)
        + entries("diagnoses", 500),
        "observer",
        limit,
    )
    assert (
        shown(detail, "escalations"),
        shown(detail, "overdue"),
        shown(detail, "energy_red"),
    ) == (40, 50, 60)
    assert shown(detail, "diagnoses") == min(limit, 500)
    assert detail.tail == 500 - min(limit, 500)
    assert detail.total == 650


def test_the_limit_is_shared_by_the_routine_sections_in_order_and_the_tail_is_counted():
    detail = briefing.compose(
        entries("queue", 3)
        + entries("non_compliant", 4)
        + entries("energy_yellow", 5)
        + entries("diagnoses", 6),
        "city_reviewer",
        5,
    )
    assert (shown(detail, "queue"), shown(detail, "non_compliant")) == (3, 2)
    assert "energy_yellow" not in titles(detail)  # wholly cut: counted in the tail only
    assert detail.tail == 2 + 5 + 6
    assert detail.tail_summary == (
        "New non-compliant projects 2, Projects near their approved "
        "energy (yellow) 5, Energy diagnoses due 6"
    )
    assert next(s for s in detail.sections if s.key == "non_compliant").total == 4


def test_items_are_grouped_by_region_in_the_order_regions_first_appear():
    mixed = [
        Entry("overdue", "B", "b1", "", "", (2,)),
        Entry("overdue", "A", "a1", "", "", (1,)),
        Entry("overdue", "B", "b0", "", "", (1,)),
    ]
    detail = briefing.compose(mixed, "observer", 10)
    groups = detail.sections[0].groups
    assert [(g.region, [e.title for e in g.items]) for g in groups] == [
        ("B", ["b0", "b1"]),
        ("A", ["a1"]),
    ]


def month(region, m, tier, before):
    return PublishedMonth(region, f"/r/{region}", 2025, m, tier, before)


def test_a_tier_that_ends_where_it_started_is_no_move():
    assert briefing.tier_moves([month("A", 5, "red", "red")]) == []
    assert (
        briefing.tier_moves([month("A", 4, "red", "yellow"), month("A", 5, "yellow", "red")]) == []
    )


def test_a_first_publication_is_news_only_when_it_warns():
    moves = briefing.tier_moves(
        [
            month("G", 5, "green", None),
            month("Y", 5, "yellow", None),
            month("R", 5, "red", None),
            month("N", 5, "", None),
        ]
    )
    assert [(m.region, m.tier, m.before) for m in moves] == [
        ("Y", "yellow", None),
        ("R", "red", None),
    ]


def test_a_backlog_of_months_is_one_line_per_region():
    moves = briefing.tier_moves(
        [
            month("X", m, t, b)
            for m, t, b in (
                (3, "red", "yellow"),
                (1, "green", None),
                (2, "yellow", "green"),
                (5, "yellow", "red"),
            )
        ]
    )
    assert len(moves) == 1
    assert (moves[0].first_month, moves[0].last_month, moves[0].tier, moves[0].before) == (
        "2025-01",
        "2025-05",
        "yellow",
        None,
    )


def test_losing_the_data_is_a_move():
    (move,) = briefing.tier_moves([month("A", 5, "", "red")])
    assert (move.tier, move.before) == ("", "red")


LINKS = {
    key: f"/{key}/"
    for key in ("restrictions", "reminders", "non_compliant", "waiting", "overdue", "energy")
}


def test_the_headline_has_a_line_per_figure_in_the_issues_order():
    facts = Facts(
        restrictions_new=("安阳市",),
        restrictions_in_force=("安阳市", "鹤壁市"),
        reminders_in_force=("新乡市",),
        non_compliant_new=3,
        dispositions=(("Do not approve", 2), ("Defer approval", 1)),
        waiting=2,
        waiting_overdue=1,
        overdue=5,
        overdue_max_days=12,
        energy_red=1,
        energy_yellow=1_204,
    )
    lines = briefing.headline(facts, LINKS)
    assert [(line.key, line.text, line.url, line.critical) for line in lines] == [
        (
            "restrictions",
            "Regional energy-assessment restriction (限批): 1 region new this period "
            "(安阳市); 2 regions in force (安阳市, 鹤壁市)",
            "/restrictions/",
            True,
        ),
        ("reminders", "Reminders (提醒): 1 region in force (新乡市)", "/reminders/", False),
        (
            "non_compliant",
            "3 new non-compliant projects (Do not approve 2, Defer approval 1)",
            "/non_compliant/",
            False,
        ),
        ("waiting", "2 cases waiting for you (1 of them overdue)", "/waiting/", False),
        ("overdue", "5 cases overdue, up to 12 working days", "/overdue/", True),
        ("energy", "Projects over their approved energy: 1 red, 1,204 yellow", "/energy/", True),
    ]


def test_overdue_by_less_than_a_working_day_is_said_so():
    (line,) = briefing.headline(Facts(overdue=2, overdue_max_days=0), LINKS)
    assert line.text == "2 cases overdue, less than a working day"


def test_a_quiet_period_has_no_headline_and_a_role_without_a_queue_no_queue_line():
    assert briefing.headline(Facts(), LINKS) == []
    assert briefing.headline(Facts(waiting=0), LINKS) == []


def test_the_change_from_last_month_is_given_when_last_month_is_known():
    now = Facts(
        restrictions_in_force=("A", "B"),
        overdue=3,
        overdue_max_days=2,
        energy_red=2,
        energy_yellow=5,
    )
    before = Facts(restrictions_in_force=("A",), overdue=None, energy_red=4, energy_yellow=5)
    texts = [line.text for line in briefing.headline(now, {}, before)]
    assert texts == [
        "Regional energy-assessment restriction (限批): 2 regions in force (A, B) "
        "(+1 on last month)",
        "3 cases overdue, up to 2 working days",  # last month's figure unknown: no change
        "Projects over their approved energy: 2 red (−2 on last month), 5 yellow "
        "(unchanged on last month)",
    ]


def test_many_regions_are_named_up_to_six():
    regions = tuple(f"R{i}" for i in range(9))
    (line,) = briefing.headline(Facts(restrictions_in_force=regions), {})
    assert line.text.endswith("(R0, R1, R2, R3, R4, R5 and 3 more)")


def test_the_subject_names_the_scope_and_the_heaviest_news_first():
    facts = Facts(
        non_compliant_new=1,
        waiting=3,
        overdue=2,
        overdue_max_days=4,
        energy_red=1,
        restrictions_in_force=("郑州市",),
    )
    lines = briefing.headline(facts, LINKS)
    assert briefing.subject("Zhengzhou", lines, "fallback") == (
        "Zhengzhou: 2 cases overdue, 1 project in red energy warning, 1 region under restriction"
    )
    assert briefing.subject("Zhengzhou", [], "Two-high digest") == "Zhengzhou: Two-high digest"
