"""Data for the scheduled-jobs tests: one month (2025-05) of alerts in city A (郑州) and city B
(洛阳), and a real SMTP server on loopback for the tests that deliver mail."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from tests.conftest import CITY_A, CITY_B
from tests.factories import ProjectFactory

MONTH = (2025, 5)
SEND_DAY = date(2025, 6, 2)  # a Monday: daily, weekly (2025-W23) and the report month 2025-05


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def r12_findings() -> list[dict]:
    return [
        {
            "rule": "R01",
            "outcome": "INFO",
            "clause": "(三)",
            "message_zh": "两高项目",
            "message_en": "two-high project",
            "values": {},
        },
        {
            "rule": "R12",
            "outcome": "WARN",
            "clause": "(十)",
            "message_zh": "节能诊断已到期",
            "message_en": "energy diagnosis is due",
            "values": {},
        },
    ]


def failing_findings(name: str) -> list[dict]:
    return [
        {
            "rule": "R13",
            "outcome": "FAIL",
            "clause": "(四)3",
            "message_zh": f"{name}不符合产业政策",
            "message_en": f"{name} does not fit policy",
            "values": {},
        }
    ]


@dataclass
class MonthData:
    """What `month_data` made, by city."""

    projects: dict[str, list] = field(default_factory=dict)
    energy_rows: list = field(default_factory=list)


def make_project(region_code: str, name: str, **fields):
    from screening.models import Region

    defaults = {
        "in_scope": True,
        "verdict": "COMPLIANT",
        "disposition": "PROCEED",
        "findings": [
            {
                "rule": "R01",
                "outcome": "INFO",
                "clause": "(三)",
                "message_zh": "两高项目",
                "message_en": "two-high",
                "values": {},
            }
        ],
    }
    defaults.update(fields)
    return ProjectFactory(region=Region.objects.get(code=region_code), name=name, **defaults)


def publish_month(
    region_code: str, year: int, month: int, tier: str, published: datetime, **figures
):
    from screening.models import IndicatorMonth, Region

    return IndicatorMonth.objects.create(
        region=Region.objects.get(code=region_code),
        year=year,
        month=month,
        tier=tier,
        intensity_tier=tier,
        energy_tier=figures.pop("energy_tier", tier),
        coal_tier="",
        published_at=published,
        intensity_change_pct=Decimal("1.5"),
        intensity_target_pct=Decimal("-3.2"),
        **figures,
    )


@pytest.fixture
def month_data(db) -> MonthData:
    """May 2025 in two cities: 郑州 turned red (third red month: restriction), 洛阳 green;
    two-high projects in both, one non-compliant each, an R12 diagnosis due each, an energy
    warning each; names carry the city so a leak shows."""
    from screening.models import EscalationEvent, EscalationKind, ProjectEnergyMonth, Region

    data = MonthData()
    zz = Region.objects.get(code=CITY_A)
    published = at(date(2025, 6, 1), 9)
    for m, tier in ((1, "green"), (2, "yellow"), (3, "red"), (4, "red")):
        publish_month(CITY_A, 2025, m, tier, at(date(2025, m + 1, 3)))
        publish_month(CITY_B, 2025, m, "green", at(date(2025, m + 1, 3)))
    publish_month(CITY_A, 2025, 5, "red", published)
    publish_month(CITY_B, 2025, 5, "green", published)
    EscalationEvent.objects.create(
        region=zz,
        kind=EscalationKind.REMINDER,
        started_year=2025,
        started_month=4,
        months=["2025-03", "2025-04"],
        ended_year=2025,
        ended_month=5,
        end_reason="escalated",
    )
    restriction = EscalationEvent.objects.create(
        region=zz,
        kind=EscalationKind.RESTRICTION,
        started_year=2025,
        started_month=5,
        months=["2025-03", "2025-04", "2025-05"],
    )
    EscalationEvent.objects.filter(pk=restriction.pk).update(created_at=published)

    for code, city in ((CITY_A, "郑州"), (CITY_B, "洛阳")):
        rows = [
            make_project(code, f"{city}合规化工项目"),
            make_project(
                code,
                f"{city}违规钢铁项目",
                sector="钢铁",
                verdict="NON_COMPLIANT",
                disposition="REJECT",
                findings=failing_findings(city),
            ),
            make_project(
                code, f"{city}存量焦化项目", sector="焦化", stage="存量", findings=r12_findings()
            ),
            make_project(
                code,
                f"{city}非两高项目",
                in_scope=False,
                verdict="NOT_IN_SCOPE",
                disposition="NONE",
                findings=[],
                sector="其他",
            ),
        ]
        data.projects[code] = rows
        operating = rows[2]
        energy = ProjectEnergyMonth.objects.create(
            project=operating,
            year=2025,
            month=5,
            actual_tce=Decimal("2000"),
            cumulative_tce=Decimal("9500"),
            months_reported=5,
            approved_annual_tce=Decimal("20000"),
            tier="red",
        )
        ProjectEnergyMonth.objects.filter(pk=energy.pk).update(
            updated_at=at(SEND_DAY, 7) - timedelta(days=1)
        )
        data.energy_rows.append(energy)
    # Diagnoses became due with yesterday's screenings (the daily digest lists new ones only).
    from screening.models import Project

    Project.objects.update(updated_at=at(SEND_DAY - timedelta(days=1)))
    return data


# --- A real SMTP server on loopback -----------------------------------------------------------


class Mailbox:
    """What the SMTP server received: parsed messages, thread-safe."""

    def __init__(self, delay: float = 0.0):
        self.messages: list = []
        self.delay = delay
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((tuple(envelope.rcpt_tos), message))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def per_recipient(self) -> Counter:
        with self.lock:
            return Counter(r for rcpts, _m in self.messages for r in rcpts)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; yields (mailbox, port)."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
