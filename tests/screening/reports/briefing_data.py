"""A fixed data set for the briefing tests (issue 16): one day, 2025-06-01, as the daily
digest of 2025-06-02 sees it, with far more routine news than a digest lists.

- 郑州 (city A): its third red month was published: 区域节能评估限批 begins.
- 洛阳 (city B): its second red month was published: a reminder (提醒) begins.
- 新乡 publishes January to May at once (its first months: one line, not five); 鹤壁 publishes
  its first month, yellow; 开封 turns from green to yellow; nine other cities publish their
  first month, green (not news).
- 郑州: 12 operating projects over their approved energy (red), 30 near it (yellow), 40
  energy diagnoses due, 3 projects entered the ledger non-compliant (2 不予审批, 1 停工整改),
  4 cases overdue at city review, 1 case returned to the agency, 1 case in provincial review,
  one upload with errors.
- 洛阳: 2 projects in red energy warning, 1 new non-compliant project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from tests.conftest import CITY_A, CITY_B
from tests.factories import case_in_state
from tests.screening.reports.conftest import at, make_project, publish_month, r12_findings

SEND_DAY = date(2025, 6, 2)
NEWS_DAY = SEND_DAY - timedelta(days=1)
EARLIER = date(2025, 4, 3)

RED_A, YELLOW_A, DIAGNOSES_A, RED_B = 12, 30, 40, 2
FIRST_GREEN = (
    "410400",
    "410800",
    "410900",
    "411000",
    "411100",
    "411200",
    "411300",
    "411400",
    "411500",
)


@dataclass
class BriefingData:
    red_codes: list[str] = field(default_factory=list)
    overdue_codes: list[str] = field(default_factory=list)
    returned_code: str = ""
    forwarded_code: str = ""
    non_compliant_codes: list[str] = field(default_factory=list)


def _energy(project, tier: str, cumulative: str) -> None:
    from screening.models import ProjectEnergyMonth

    row = ProjectEnergyMonth.objects.create(
        project=project,
        year=2025,
        month=5,
        actual_tce=Decimal("2000"),
        cumulative_tce=Decimal(cumulative),
        months_reported=5,
        approved_annual_tce=Decimal("20000"),
        tier=tier,
    )
    ProjectEnergyMonth.objects.filter(pk=row.pk).update(updated_at=at(NEWS_DAY, 15))


def make_briefing_data(agency_a, city_reviewer_a) -> BriefingData:
    from screening.models import (
        ChangeKind,
        EscalationEvent,
        EscalationKind,
        LedgerUpload,
        Project,
        ProjectChange,
        Region,
        UploadStatus,
    )

    data = BriefingData()
    news = at(NEWS_DAY, 9)
    zz, ly = Region.objects.get(code=CITY_A), Region.objects.get(code=CITY_B)

    # The barometer.
    for m, tier in ((1, "green"), (2, "yellow"), (3, "red"), (4, "red")):
        publish_month(CITY_A, 2025, m, tier, at(date(2025, m + 1, 3)))
    publish_month(CITY_A, 2025, 5, "red", news)
    for m, tier in ((1, "green"), (2, "green"), (3, "green"), (4, "red")):
        publish_month(CITY_B, 2025, m, tier, at(date(2025, m + 1, 3)))
    publish_month(CITY_B, 2025, 5, "red", news)
    for m, tier in ((1, "green"), (2, "yellow"), (3, "yellow"), (4, "red"), (5, "yellow")):
        publish_month("410700", 2025, m, tier, news)  # 新乡: a backlog published at once
    publish_month("410600", 2025, 5, "yellow", news)  # 鹤壁: first month, yellow
    publish_month("410200", 2025, 4, "green", at(date(2025, 5, 3)))
    publish_month("410200", 2025, 5, "yellow", news)  # 开封: green to yellow
    for code in FIRST_GREEN:
        publish_month(code, 2025, 5, "green", news)
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
    for region, kind, months in (
        (zz, EscalationKind.RESTRICTION, ["2025-03", "2025-04", "2025-05"]),
        (ly, EscalationKind.REMINDER, ["2025-04", "2025-05"]),
    ):
        event = EscalationEvent.objects.create(
            region=region, kind=kind, started_year=2025, started_month=5, months=months
        )
        EscalationEvent.objects.filter(pk=event.pk).update(created_at=news)
    EscalationEvent.objects.filter(end_reason="escalated").update(
        created_at=at(EARLIER), ended_at=news
    )

    # Operating projects: energy warnings and diagnoses due.
    for i in range(RED_A):
        project = make_project(
            CITY_A, f"郑州超批复用能项目{i + 1:02d}", sector="焦化", stage="存量"
        )
        _energy(project, "red", str(11000 + 100 * i))
        data.red_codes.append(project.project_code)
    for i in range(YELLOW_A):
        _energy(
            make_project(CITY_A, f"郑州接近批复用能项目{i + 1:02d}", sector="钢铁", stage="存量"),
            "yellow",
            "7800",
        )
    for i in range(RED_B):
        project = make_project(
            CITY_B, f"洛阳超批复用能项目{i + 1:02d}", sector="焦化", stage="存量"
        )
        _energy(project, "red", "9000")
        data.red_codes.append(project.project_code)
    for i in range(DIAGNOSES_A):
        make_project(
            CITY_A,
            f"郑州节能诊断到期项目{i + 1:02d}",
            sector="建材",
            stage="存量",
            findings=r12_findings(),
        )

    # Projects that entered the ledger non-compliant yesterday.
    for code, name, disposition in (
        (CITY_A, "郑州新增违规项目一", "REJECT"),
        (CITY_A, "郑州新增违规项目二", "REJECT"),
        (CITY_A, "郑州新增在建违规项目", "STOP_AND_RECTIFY"),
        (CITY_B, "洛阳新增违规项目", "REJECT"),
    ):
        project = make_project(code, name, verdict="NON_COMPLIANT", disposition=disposition)
        change = ProjectChange.objects.create(
            project=project, kind=ChangeKind.CREATED, changed_by=agency_a
        )
        ProjectChange.objects.filter(pk=change.pk).update(changed_at=news)
        data.non_compliant_codes.append(project.project_code)
    Project.objects.update(updated_at=news)

    # Cases: four overdue at city review, one returned to the agency.
    for i in range(4):
        project = make_project(CITY_A, f"郑州超期审查项目{i + 1}")
        case = case_in_state("submitted", agency=agency_a, project=project)
        type(case).objects.filter(pk=case.pk).update(due_date=SEND_DAY - timedelta(days=3 + i))
        data.overdue_codes.append(project.project_code)
    returned = make_project(CITY_A, "郑州退回补充材料项目")
    case = case_in_state("returned", agency=agency_a, city=city_reviewer_a, project=returned)
    type(case).objects.filter(pk=case.pk).update(due_date=SEND_DAY + timedelta(days=10))
    data.returned_code = returned.project_code

    forwarded = make_project(CITY_A, "郑州待省级审查项目")
    case = case_in_state(
        "provincial_review", agency=agency_a, city=city_reviewer_a, project=forwarded
    )
    type(case).objects.filter(pk=case.pk).update(due_date=SEND_DAY + timedelta(days=15))
    data.forwarded_code = forwarded.project_code

    upload = LedgerUpload.objects.create(
        region=zz,
        uploaded_by=agency_a,
        original_name="郑州台账-2025-06.xlsx",
        sha256="0" * 64,
        status=UploadStatus.INVALID,
        error_count=17,
    )
    LedgerUpload.objects.filter(pk=upload.pk).update(created_at=at(NEWS_DAY, 16))
    return data
