"""Evidence files: size and type limits, judged by content, stored under a random name."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from screening.cases import evidence
from screening.cases import services as workflow
from screening.cases.refusals import TransitionRefused
from screening.models import CaseState
from tests.factories import case_in_state, pdf_upload


def ooxml(name: str, part: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    "upload",
    [
        lambda: pdf_upload("a.pdf"),
        lambda: SimpleUploadedFile("photo.JPG", b"\xff\xd8\xff\xe0" + b"0" * 20),
        lambda: SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
        lambda: ooxml("report.docx", "word/document.xml"),
        lambda: ooxml("table.xlsx", "xl/workbook.xml"),
    ],
)
def test_accepted_types(upload):
    assert evidence.check_evidence_file(upload())


@pytest.mark.parametrize(
    "upload,why",
    [
        (lambda: SimpleUploadedFile("evil.html", b"<script>"), "only PDF"),
        (lambda: SimpleUploadedFile("fake.pdf", b"<html>not a pdf"), "not a real PDF"),
        (lambda: ooxml("macro.docx", "xl/workbook.xml"), "not a real DOCX"),
        (lambda: SimpleUploadedFile("empty.pdf", b""), "empty"),
        (lambda: pdf_upload("big.pdf", size=20_000_001), "larger than 20 MB"),
    ],
)
def test_refused_files(upload, why):
    with pytest.raises(TransitionRefused) as refused:
        evidence.check_evidence_file(upload())
    assert why in refused.value.reason and refused.value.code == "invalid"


def test_a_refused_file_refuses_the_whole_action(people):
    case = case_in_state(
        CaseState.RECTIFYING,
        agency=people["agency"],
        city=people["city"],
        province=people["province"],
    )
    with pytest.raises(TransitionRefused):
        workflow.submit_rectification(
            case, acting_user=people["agency"], files=[SimpleUploadedFile("x.exe", b"MZ")]
        )
    case.refresh_from_db()
    assert case.state == CaseState.RECTIFYING and not case.attachments.exists()


def test_files_are_stored_privately_under_a_random_name(people, settings):
    case = case_in_state(
        CaseState.RECTIFICATION_SUBMITTED,
        agency=people["agency"],
        city=people["city"],
        province=people["province"],
    )
    attachment = case.attachments.get()
    assert attachment.original_name == "整改报告.pdf"
    assert attachment.file.name.startswith(f"cases/{case.pk}/")
    assert "整改" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert attachment.size > 0 and len(attachment.sha256) == 64
