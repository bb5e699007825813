"""The access matrix (issue 9): every URL of the site × every persona × own region / other
region / province-direct county, GET and POST, generated from the URL resolver.

Expected scope is written here from SPEC §2, not read from permissions.py: a city sees itself
and the counties it reviews, never the 省直管县 inside its borders (巩义 reports to the
province); the province sees everything. For every cell: no server error; an object outside the
persona's scope answers 403 or 404 (anonymous users are sent to sign in, or get 401/403 from
the API); no page, JSON or download ever contains another region's project code or name;
downloads are attachments; HTML pages carry no inline script. Digests are checked the same way.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from openpyxl import Workbook

from screening.documents.services import case_facts, issue_document
from screening.models import (
    CaseAttachment,
    CaseState,
    IndicatorMonth,
    LedgerUpload,
    Region,
    UploadStatus,
)
from screening.models.jobs import Report, ReportKind, ReportStatus
from tests.access.urls import Route, can_reverse, every_route, sample_kwargs
from tests.conftest import make_user
from tests.factories import ProjectFactory, case_in_state

pytestmark = pytest.mark.django_db

CODES = {"410100": "郑州", "410300": "洛阳", "410181": "巩义"}
# persona → (role, region it belongs to, region codes of CODES it may see)
PERSONAS = {
    "agency_a": ("agency", "410100", {"410100"}),
    "city_a": ("city_reviewer", "410100", {"410100"}),
    "observer_a": ("observer", "410100", {"410100"}),
    "agency_b": ("agency", "410300", {"410300"}),
    "city_b": ("city_reviewer", "410300", {"410300"}),
    "agency_county": ("agency", "410181", {"410181"}),
    "province": ("provincial_reviewer", "410000", set(CODES)),
    "observer": ("observer", "410000", set(CODES)),
    "admin": ("admin", "410000", set(CODES)),
    "anonymous": (None, None, set()),
}
PUBLIC = {
    "accounts:login",
    "set_language",
    "api:schema",
    "api:docs",
    "api:redoc",
    "screening:digest_unsubscribe",
    "screening:registry_public",
}
SKIP = {
    "api:not_found": "catch-all 404 of the API",
    "accounts:logout": "would end the session under test (GET is still tried)",
}
LIST_FILTERS = ("region", "region_code")
FIGURES_DIR = Path(
    os.environ.get(
        "TWO_HIGH_FIGURES_DIR", Path(__file__).resolve().parents[2] / "var" / "reliability"
    )
)


@dataclass
class RegionObjects:
    code: str
    region: Region
    project: object
    upload: LedgerUpload
    case: object
    attachment: CaseAttachment
    indicator: IndicatorMonth
    report: Report
    document: object = None  # a decision document of the case (issue 18)

    @property
    def markers(self) -> tuple[str, str]:
        return self.project.project_code, self.project.name


def xlsx_with(*values: str) -> bytes:
    workbook = Workbook()
    for value in values:
        workbook.active.append([value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_objects(users: dict) -> dict[str, RegionObjects]:
    objects = {}
    agencies = {
        "410100": users["agency_a"],
        "410300": users["agency_b"],
        "410181": users["agency_county"],
    }
    for code in CODES:
        region = Region.objects.get(code=code)
        project = ProjectFactory(
            region=region, project_code=f"2401-{code}-04-01-777777", name=f"越权标记项目{code}"
        )
        agency = agencies[code]
        content = xlsx_with(project.project_code, project.name)
        upload = LedgerUpload.objects.create(
            region=region,
            uploaded_by=agency,
            original_name="台账.xlsx",
            sha256="0" * 64,
            size=len(content),
            status=UploadStatus.INVALID,
            errors=[
                {
                    "row": 2,
                    "column": "项目代码",
                    "value": project.project_code,
                    "message_zh": project.name,
                    "message_en": project.name,
                }
            ],
        )
        upload.file.save("u.xlsx", ContentFile(content), save=False)
        upload.annotated_file.save("a.xlsx", ContentFile(content), save=True)
        case = case_in_state(CaseState.SUBMITTED, agency=agency, project=project)
        event = case.events.order_by("-id").first()
        attachment = CaseAttachment(
            case=case,
            event=event,
            original_name="证明.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=agency,
        )
        attachment.file.save(
            "e.pdf", ContentFile(f"%PDF {project.project_code}".encode()), save=True
        )
        indicator = IndicatorMonth.objects.create(region=region, year=2024, month=5)
        report = Report(
            kind=ReportKind.MONTHLY_REPORT,
            region=region,
            year=2024,
            month=5,
            status=ReportStatus.READY,
        )
        report.file.save("r.xlsx", ContentFile(content), save=False)
        report.size = len(content)
        report.save()
        document = issue_document(
            case_facts(case, transition="reject", comment="越权"), region=region, case=case
        )
        objects[code] = RegionObjects(
            code, region, project, upload, case, attachment, indicator, report, document
        )
    return objects


def object_kwargs(route: Route, o: RegionObjects) -> list[dict] | None:
    """The ways to name region `o`'s object in this route, or None if it names none."""
    name = route.name.split(":", 1)[1] if ":" in route.name else route.name
    api = route.name.startswith("api:")
    table = {
        "region": [{"code": o.code}],
        "warning_region": [{"code": o.code}],
        "project": [{"pk" if api else "project_id": o.project.pk}],
        "project_energy_detail": [{"project_id": o.project.pk}],
        "indicator_edit": [{"pk": o.indicator.pk}],
        "report_download": [{"pk": o.report.pk}],
        "case": [{"pk": o.case.pk}],
        "case_transition": [{"pk": o.case.pk, "name": n} for n in ("forward", "approve")],
        "case_file": [{"pk": o.case.pk, "file_id": o.attachment.pk}],
        "case_documents": [{"pk": o.case.pk}],
        "case_document_preview": [{"pk": o.case.pk, "name": "reject"}],
        "document": [{"pk": o.document.pk}],
        "document_file": [{"pk": o.document.pk}],
        "document_correct": [{"pk": o.document.pk}],
    }
    for key in (
        "upload",
        "upload_status",
        "upload_confirm",
        "upload_rollback",
        "upload_apply",
        "upload_original",
        "upload_annotated",
    ):
        table[key] = [{"upload_id" if not api else "pk": o.upload.pk}]
    table["upload_file"] = [
        {"upload_id": o.upload.pk, "which": w} for w in ("original", "annotated")
    ]
    found = table.get(name)
    if found is None:
        return None
    return [sample_kwargs(route, **kwargs) for kwargs in found]


def body_text(response) -> str:
    """Everything a response shows: text, or the XML inside a downloaded workbook."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                return "".join(
                    archive.read(n).decode("utf-8", "replace")
                    for n in archive.namelist()
                    if n.endswith(".xml")
                )
        except zipfile.BadZipFile:
            pass
    return raw.decode("utf-8", "replace")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


@dataclass
class Cell:
    route: str
    persona: str
    relation: str  # own / other / county / none
    method: str
    url: str
    status: int
    problem: str = ""


def relation_of(persona: str, code: str | None) -> str:
    if code is None:
        return "none"
    own_region = PERSONAS[persona][1]
    if code in PERSONAS[persona][2]:
        return "own" if own_region == code else "in-scope"
    return "county" if code == "410181" else "other"


def check(
    cell: Cell, response, persona: str, route: Route, in_scope: bool | None, foreign: list[str]
) -> str:
    """Set cell.problem if the answer is wrong; returns the body shown (for 200s)."""
    status = response.status_code
    if status >= 500:
        cell.problem = "server error"
        return ""
    anonymous = persona == "anonymous"
    if anonymous and route.name not in PUBLIC:
        to_login = status == 302 and "login" in response.get("Location", "")
        if not (to_login or status in (401, 403, 404, 405)):
            cell.problem = "anonymous not refused"
            return ""
    elif in_scope is False and status not in (403, 404, 405):
        cell.problem = f"out-of-scope object answered {status}"
        return ""
    if status != 200:
        return ""
    text = body_text(response)
    leaked = [m for m in foreign if m in text]
    if leaked:
        cell.problem = f"leak: {leaked[0]}"
        return text
    disposition = response.get("Content-Disposition", "")
    kind = response.get("Content-Type", "")
    if ("spreadsheet" in kind or "pdf" in kind or "octet" in kind) and not disposition.startswith(
        "attachment"
    ):
        cell.problem = "download not sent as an attachment"
        return text
    if (
        kind.startswith("text/html")
        and INLINE_SCRIPT.search(text)
        and route.name not in ("api:docs", "api:redoc")
    ):
        cell.problem = "inline script"
    return text


def test_the_access_matrix(django_capture_on_commit_callbacks):
    users = {
        name: make_user(
            name,
            role,
            region,
            **({"is_staff": True, "is_superuser": True} if role == "admin" else {}),
        )
        for name, (role, region, _scope) in PERSONAS.items()
        if role
    }
    objects = build_objects(users)
    markers = {code: o.markers for code, o in objects.items()}
    routes = [r for r in every_route() if r.name not in SKIP]
    cells: list[Cell] = []
    unreversible = []
    own_shown = 0
    for persona, (_role, _region, scope) in PERSONAS.items():
        client = Client()
        if persona != "anonymous":
            client.force_login(users[persona])
        foreign = [m for code, pair in markers.items() if code not in scope for m in pair]
        if persona == "anonymous":
            foreign = [m for pair in markers.values() for m in pair]
        for route in routes:
            per_object = [
                (code, kwargs)
                for code, o in objects.items()
                for kwargs in (object_kwargs(route, o) or [])
            ]
            if not per_object:
                kwargs = sample_kwargs(route)
                if not can_reverse(route, kwargs):
                    unreversible.append(route.name)
                    continue
                base = route.reverse(kwargs)
                targets = [(None, base)] + [
                    (code, f"{base}?{field}={code}")
                    for code in CODES
                    for field in LIST_FILTERS
                    if route.name.endswith(
                        ("s", "dashboard", "alerts", "export", "queue", "barometer")
                    )
                ]
            else:
                targets = [(code, route.reverse(kwargs)) for code, kwargs in per_object]
            for code, url in targets:
                in_scope = None if code is None or not per_object else code in scope
                for method in ("GET", "POST"):
                    if method == "POST" and "?" in url:
                        continue
                    with django_capture_on_commit_callbacks(execute=False):
                        response = client.get(url) if method == "GET" else client.post(url, {})
                    cell = Cell(
                        route.name,
                        persona,
                        relation_of(persona, code),
                        method,
                        url,
                        response.status_code,
                    )
                    text = check(cell, response, persona, route, in_scope, foreign)
                    if in_scope and method == "GET" and markers[code][0] in text:
                        own_shown += 1  # the detector sees a code where one may be shown
                    cells.append(cell)
    digest_cells = check_digests(users, markers)
    problems = [c for c in cells if c.problem] + [c for c in digest_cells if c.problem]
    leaks = [c for c in problems if c.problem.startswith(("leak", "out-of-scope", "anonymous"))]
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    (FIGURES_DIR / "access.json").write_text(
        json.dumps(
            {
                "cells": len(cells) + len(digest_cells),
                "routes": len(routes),
                "personas": len(PERSONAS),
                "leaks": len(leaks),
                "problems": len(problems),
                "unreversible": unreversible,
                "own_objects_shown": own_shown,
                "by_relation": {
                    rel: sum(1 for c in cells if c.relation == rel)
                    for rel in ("own", "in-scope", "other", "county", "none")
                },
            },
            ensure_ascii=False,
            indent=1,
        )
    )
    print(
        f"\naccess matrix: {len(cells) + len(digest_cells)} cells, {len(leaks)} leaks, "
        f"{len(problems)} problems"
    )
    assert not unreversible, unreversible
    assert not problems, [
        (c.route, c.persona, c.relation, c.method, c.url, c.status, c.problem)
        for c in problems[:40]
    ]
    assert len(cells) > 2000
    assert own_shown > 100, own_shown


def check_digests(users: dict, markers: dict) -> list[Cell]:
    """Each persona's digest (HTML and text) shows only its own regions."""
    from screening.reports import digests

    cells = []
    for persona, (_role, _region, scope) in PERSONAS.items():
        if persona == "anonymous":
            continue
        foreign = [m for code, pair in markers.items() if code not in scope for m in pair]
        for frequency in ("daily", "weekly", "monthly"):
            period = digests.period_for(frequency)
            content = digests.collect_digest(users[persona], period)
            message = digests.build_message(content)
            text = message.body + "".join(str(part[0]) for part in message.alternatives)
            cell = Cell("digest:" + frequency, persona, "none", "MAIL", "", 0)
            leaked = [m for m in foreign if m in text]
            if leaked:
                cell.problem = f"leak: {leaked[0]}"
            cells.append(cell)
    return cells
