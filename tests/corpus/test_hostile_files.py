"""Every file of the hostile corpus, through the screening service and through the upload page.

For each file: the expected outcome (refused with its own reason, the expected cell errors, or
the rows accepted), a message in the user's language, nothing stored (the data fingerprint is
unchanged), no server error, bounded time and memory, and no external reference ever fetched
(a loopback listener stands where the files' DTDs and entities point). Figures per file are
written to var/reliability/corpus.json for `make reliability`.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import socket
import tempfile
from datetime import date
from pathlib import Path

import orjson
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from screening.ledger.batch import EXIT_INVALID, EXIT_OK, EXIT_UNREADABLE, screen_ledger_file
from screening.ledger.services import ledger_reference
from screening.ledger.uploads import limits_from_settings
from screening.ledger.xlsx.safety import _REFUSALS, UnsafeWorkbook
from screening.ledger.xlsx.validate import validate_workbook
from screening.models import LedgerUpload, Project, UploadStatus
from screening.screen import rule_set_for
from tests.corpus.fingerprint import data_fingerprint
from tests.corpus.generate import build
from tests.corpus.measure import measure

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 30)
HUGE = os.environ.get("TWO_HIGH_CORPUS_HUGE") == "1"  # the 50 MB import: make reliability
MAX_SECONDS = float(os.environ.get("TWO_HIGH_CORPUS_MAX_SECONDS", "20"))
MAX_GROWTH_BYTES = 600 * 1_000_000  # resident memory a single file may add while handled
FIGURES_DIR = Path(
    os.environ.get(
        "TWO_HIGH_FIGURES_DIR", Path(__file__).resolve().parents[2] / "var" / "reliability"
    )
)

# Where the corpus's external DTDs and entities point: if anything fetched one, it would
# connect here.
_canary = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
_canary.bind(("127.0.0.1", 0))
_canary.listen(8)
_canary.setblocking(False)
CANARY_PORT = _canary.getsockname()[1]

_folder = Path(tempfile.mkdtemp(prefix="two-high-corpus-"))
atexit.register(shutil.rmtree, _folder, True)
ENTRIES = build(_folder, huge=HUGE, canary_port=CANARY_PORT)
FIGURES: dict[str, dict] = {}


def canary_connections() -> int:
    count = 0
    while True:
        try:
            connection, _address = _canary.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def refusal_pattern(code: str, lang: str) -> re.Pattern:
    """The refusal's message template as a pattern (its parameters match anything)."""
    zh, en = _REFUSALS[code]
    template = en if lang == "en" else zh
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile(".+?".join(re.escape(part) for part in parts) + "$", re.DOTALL)


def in_language(text: str, lang: str) -> bool:
    has_chinese = re.search(r"[\u4e00-\u9fff]", text) is not None
    return (
        has_chinese
        if lang == "zh"
        else text.isascii() or not has_chinese or re.match(r"[A-Za-z]", text) is not None
    )


def record(entry, channel: str, lang: str, took, outcome_ok: bool, status: int | None = None):
    FIGURES[f"{entry.name}/{channel}/{lang}"] = {
        "file": entry.name,
        "channel": channel,
        "lang": lang,
        "expected": entry.outcome,
        "code": entry.code,
        "seconds": round(took.seconds, 3),
        "peak_growth_mb": round(took.peak_growth / 1e6, 1),
        "ok": outcome_ok,
        "http_status": status,
        "bytes": entry.path.stat().st_size,
    }


@pytest.fixture(scope="module", autouse=True)
def _write_figures():
    yield
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    (FIGURES_DIR / "corpus.json").write_text(
        json.dumps(
            {
                "canary_connections": canary_connections(),
                "files": len(ENTRIES),
                "results": list(FIGURES.values()),
            },
            ensure_ascii=False,
            indent=1,
        )
    )


def ids(entry) -> str:
    return entry.name


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("entry", ENTRIES, ids=ids)
def test_the_screening_service_handles_it(entry, lang):
    before = data_fingerprint()
    with measure() as took:
        result = screen_ledger_file(entry.path, AS_OF, lang=lang)
    assert data_fingerprint() == before, "screen_ledger must never store anything"
    assert canary_connections() == 0, "an external reference was fetched"
    if entry.outcome == "refused":
        assert result.exit_status == EXIT_UNREADABLE, result.refusal
        assert refusal_pattern(entry.code, lang).match(result.refusal), result.refusal
        assert in_language(result.refusal, lang)
    else:
        document = orjson.loads(_output(result))
        if entry.outcome == "errors":
            assert result.exit_status == EXIT_INVALID
            found = {(e["row"], e["column"]) for e in document["errors"]}
            assert set(entry.errors) <= found, document["errors"]
            for error in document["errors"]:
                assert error["message"].startswith(
                    f"第{error['row']}行" if lang == "zh" else f"Row {error['row']}"
                )
        else:
            assert result.exit_status == EXIT_OK, document["errors"][:5]
            assert len(document["results"]) == entry.rows
            if "project_code" in entry.values:
                assert document["results"][0]["project_code"] == entry.values["project_code"]
    if entry.values:
        _check_values(entry)
    assert took.seconds < MAX_SECONDS * (10 if entry.huge else 1), took
    assert took.peak_growth < MAX_GROWTH_BYTES * (3 if entry.huge else 1), took
    record(entry, "service", lang, took, True)


def _output(result) -> bytes:
    assert result.output is not None, result.refusal
    result.output.seek(0)
    return result.output.read()


def _check_values(entry) -> None:
    """Cleaned values of the first data row (the invisible characters are gone)."""
    validation = validate_workbook(
        entry.path, ledger_reference(rule_set_for(AS_OF)), limits_from_settings()
    )
    row = validation.rows[0][1]
    for key, expected in entry.values.items():
        assert getattr(row, key) == expected, key


def refusal_code(entry) -> str:
    try:
        validate_workbook(entry.path, ledger_reference(rule_set_for(AS_OF)), limits_from_settings())
    except UnsafeWorkbook as refusal:
        return refusal.code
    return ""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.outcome == "refused"], ids=ids)
def test_each_refusal_has_its_own_reason(entry, lang):
    assert refusal_code(entry) == entry.code


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("entry", ENTRIES, ids=ids)
def test_the_upload_page_handles_it(
    entry, lang, client, agency_a, django_capture_on_commit_callbacks
):
    client.force_login(agency_a)
    client.cookies["django_language"] = "en" if lang == "en" else "zh-hans"  # the switch
    accept = {}
    before, uploads_before = data_fingerprint(), LedgerUpload.objects.count()
    with measure() as took, django_capture_on_commit_callbacks(execute=True):
        with entry.path.open("rb") as handle:
            response = client.post(
                reverse("screening:ledger"), {"region": "410100", "file": handle}, **accept
            )
    assert response.status_code < 500
    assert data_fingerprint() == before, "nothing may be stored before the user confirms"
    assert canary_connections() == 0, "an external reference was fetched"
    if entry.web_form:
        assert response.status_code == 200
        with translation.override("en" if lang == "en" else "zh-hans"):
            message = translation.gettext(entry.web_form)
        assert escape(message) in response.content.decode()
        assert LedgerUpload.objects.count() == uploads_before
        record(entry, "web", lang, took, True, response.status_code)
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    upload = LedgerUpload.objects.latest("pk")
    page_response = client.get(response.url, **accept)
    assert page_response.status_code == 200
    page = page_response.content.decode()
    if entry.outcome == "refused":
        assert upload.status == UploadStatus.REFUSED
        shown = upload.errors[0]["message_en" if lang == "en" else "message_zh"]
        assert refusal_pattern(entry.code, lang).match(shown)
        assert escape(shown) in page
        other = upload.errors[0]["message_zh" if lang == "en" else "message_en"]
        assert escape(other) not in page, "the refusal is shown in the other language too"
    elif entry.outcome == "errors":
        assert upload.status == UploadStatus.INVALID
        found = {(e["row"], e["column"]) for e in upload.errors}
        assert set(entry.errors) <= found
        for error in upload.errors:
            assert escape(error["message_en" if lang == "en" else "message_zh"]) in page
    else:
        assert upload.status == UploadStatus.PREVIEW, upload.errors[:3]
        assert upload.preview["counts"]["new"] == entry.rows
        assert f'id="count-new">{entry.rows}<' in page
        if entry.huge:  # the valid 50 MB file must import, not only validate
            with measure() as applied, django_capture_on_commit_callbacks(execute=True):
                client.post(reverse("screening:upload_confirm", args=[upload.pk]), **accept)
            upload.refresh_from_db()
            assert upload.status == UploadStatus.APPLIED, upload.message
            assert Project.objects.filter(last_upload=upload).count() == entry.rows
            took.seconds += applied.seconds
            took.peak_rss = max(took.peak_rss, applied.peak_rss)
    assert took.seconds < MAX_SECONDS * (10 if entry.huge else 1), took
    record(entry, "web", lang, took, True, response.status_code)


def test_formula_looking_text_is_exported_as_text(
    client, agency_a, tmp_path, django_capture_on_commit_callbacks
):
    """Accepted as text, and written back as text (never a formula) in the export."""
    import io

    from openpyxl import load_workbook

    entry = next(e for e in ENTRIES if e.name == "formula_looking_text")
    client.force_login(agency_a)
    with entry.path.open("rb") as handle:
        response = client.post(reverse("screening:ledger"), {"region": "410100", "file": handle})
    upload = LedgerUpload.objects.latest("pk")
    assert client.post(reverse("screening:upload_confirm", args=[upload.pk])).status_code == 302
    upload.refresh_from_db()
    assert upload.status == UploadStatus.APPLIED, response
    export = client.get(reverse("screening:ledger_export"))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    names = {
        sheet.cell(row, 2).value: sheet.cell(row, 2).data_type
        for row in range(2, sheet.max_row + 1)
    }
    assert names['=HYPERLINK("http://127.0.0.1:9/x","点击")'] == "s"
    assert names["=cmd|' /C calc'!A0"] == "s"
    assert all(kind == "s" for kind in names.values())


def test_no_external_reference_was_ever_fetched():
    assert canary_connections() == 0
