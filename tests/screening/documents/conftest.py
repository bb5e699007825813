"""Helpers of the decision-document tests: the offices' settings and reading a stored .docx
back with python-docx."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from screening.models import IssuingOffice, Region

PROVINCE_OFFICE = "河南省发展和改革委员会"
PREFIX = "豫发改环资"
CITY_OFFICE = "郑州市发展和改革委员会"


@pytest.fixture
def offices(db):
    """The province issues as 河南省发展和改革委员会 (豫发改环资); 郑州's office is addressed."""
    IssuingOffice.objects.create(
        region=Region.objects.get(code="410000"),
        name=PROVINCE_OFFICE,
        number_prefix=PREFIX,
        copy_to="河南省生态环境厅\n河南省工业和信息化厅",
    )
    IssuingOffice.objects.create(region=Region.objects.get(code="410100"), name=CITY_OFFICE)


def number(serial: int, year: int | None = None) -> str:
    return f"{PREFIX}〔{year or date.today().year}〕{serial}号"


def read_back(record) -> tuple[docx.document.Document, str]:
    """The stored file opened with python-docx, and its whole text (body and footer)."""
    with record.file.open("rb") as handle:
        opened = docx.Document(io.BytesIO(handle.read()))
    text = "\n".join(p.text for p in opened.paragraphs)
    return opened, text


@pytest.fixture
def people(agency_a, city_reviewer_a, provincial_reviewer):
    """The personas who move a 郑州 case through the workflow."""
    return {"agency": agency_a, "city": city_reviewer_a, "province": provincial_reviewer}


@pytest.fixture(autouse=True)
def english_reasons():
    """Refusal reasons in their English msgids, whatever the catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield


def in_review(people, **project_fields):
    from screening.models import CaseState
    from tests.factories import case_in_state

    return case_in_state(
        CaseState.PROVINCIAL_REVIEW, agency=people["agency"], city=people["city"], **project_fields
    )


def evaluated(case, province):
    """Window guidance requested and completed ((十一): before any approval of a 拟建 case)."""
    from screening.cases import services as workflow
    from tests.factories import pdf_upload

    workflow.request_evaluation(
        case, acting_user=province, kind="window_guidance", scope="能效水平和产能置换"
    )
    workflow.complete_evaluation(
        case,
        acting_user=province,
        result="符合窗口指导要求",
        files=[pdf_upload("窗口指导意见.pdf")],
    )
    return case
