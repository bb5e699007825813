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
    IssuingOffice.objects.create(region=Region.objects.get(code="410000"),
                                 name=PROVINCE_OFFICE, number_prefix=PREFIX,
                                 copy_to="河南省生态环境厅\n河南省工业和信息化厅")
    IssuingOffice.objects.create(region=Region.objects.get(code="410100"), name=CITY_OFFICE)


def number(serial: int, year: int | None = None) -> str:
    return f"{PREFIX}〔{year or date.today().year}〕{serial}号"


def read_back(record) -> tuple[docx.document.Document, str]:
    """The stored file opened with python-docx, and its whole text (body and footer)."""
    with record.file.open("rb") as handle:
        opened = docx.Document(io.BytesIO(handle.read()))
    text = "\n".join(p.text for p in opened.paragraphs)
    return opened, text
