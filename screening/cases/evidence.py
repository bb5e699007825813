"""Evidence files attached to a case action: what is accepted, how many, and their checksum.

A file is judged by its extension and its own signature, never by what the browser claims;
any refusal is a TransitionRefused (code "invalid") with a translated reason.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Sequence
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from screening.cases.refusals import TransitionRefused

# Evidence files: size limit (MB = 1,000,000 bytes) and accepted types with their signatures.
CASE_FILE_MAX_BYTES: int = settings.CASE_FILE_MAX_BYTES
CASE_FILE_MAX_COUNT: int = settings.CASE_FILE_MAX_COUNT
CASE_FILE_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_OOXML_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def check_evidence_file(upload: UploadedFile) -> str:
    """Refuse a file that is too large or not one of the accepted types; return its MIME type.

    The type is judged by the extension and the file's own signature, never by what the
    browser claims.
    """
    name = upload.name or ""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in CASE_FILE_TYPES:
        raise TransitionRefused(
            _("“%(name)s”: only PDF, JPG, PNG, DOCX and XLSX files are accepted.") % {"name": name},
            "invalid",
        )
    if upload.size is None or upload.size > CASE_FILE_MAX_BYTES:
        raise TransitionRefused(
            _("“%(name)s” is larger than %(mb)s MB.")
            % {"name": name, "mb": CASE_FILE_MAX_BYTES // 1_000_000},
            "invalid",
        )
    if upload.size == 0:
        raise TransitionRefused(_("“%(name)s” is empty.") % {"name": name}, "invalid")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    ok = {
        ".pdf": head.startswith(b"%PDF-"),
        ".jpg": head.startswith(b"\xff\xd8\xff"),
        ".jpeg": head.startswith(b"\xff\xd8\xff"),
        ".png": head.startswith(b"\x89PNG\r\n\x1a\n"),
    }.get(suffix)
    if suffix in _OOXML_PART:
        ok = False
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(upload) as archive:  # the directory only, nothing extracted
                    ok = _OOXML_PART[suffix] in archive.namelist()
            except (zipfile.BadZipFile, OSError, ValueError):
                ok = False
            upload.seek(0)
    if not ok:
        raise TransitionRefused(
            _("“%(name)s” is not a real %(type)s file.")
            % {"name": name, "type": suffix[1:].upper()},
            "invalid",
        )
    return CASE_FILE_TYPES[suffix]


def check_files(files: Sequence[UploadedFile], required: bool = False) -> list[str]:
    if required and not files:
        raise TransitionRefused(_("Attach at least one evidence file."), "invalid")
    if len(files) > CASE_FILE_MAX_COUNT:
        raise TransitionRefused(
            _("At most %(n)s files per action.") % {"n": CASE_FILE_MAX_COUNT}, "invalid"
        )
    return [check_evidence_file(f) for f in files]


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
