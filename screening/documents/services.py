"""Issuing and keeping decision documents (issue 18): facts from the case or the region,
a number from the office's counter, the .docx stored with the case event or the escalation.

Numbers (文号) are taken inside the transaction that issues the document, from a per office
and year counter row locked while it is taken: two documents issued at once get consecutive
numbers, and a transaction that rolls back gives its number back, so there are no gaps.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from screening.cases.guards import fresh_screening, region_status_today
from screening.documents import builders
from screening.documents.docx import render_docx
from screening.models import (
    CaseEvent,
    DecisionDocument,
    DocumentCounter,
    DocumentKind,
    EscalationEvent,
    EscalationKind,
    IssuingOffice,
    Region,
    ReviewCase,
)
from screening.rules.types import Outcome, Stage, Verdict

if TYPE_CHECKING:
    from accounts.models import User


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentRefused(Exception):
    """A document action was refused; `reason` is for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Transitions that issue a document: their forms get a preview button.
DOCUMENT_TRANSITIONS = (
    "approve",
    "reject",
    "order_rectification",
    "verify_rectification",
    "reject_rectification",
)


# --- Offices and numbers -------------------------------------------------------------------


def issuing_region_for(region: Region) -> Region:
    """The office that decides for a region: the top of its review line (the province)."""
    current, seen = region, {region.pk}
    while current.reports_to_id is not None and current.reports_to_id not in seen:
        current = current.reports_to
        seen.add(current.pk)
    return current


def office_of(region: Region) -> dict:
    """The region's document settings (blank when an administrator has not set them)."""
    office = IssuingOffice.objects.filter(region=region).first()
    if office is None:
        return {"name": "", "prefix": "", "copy_to": []}
    return {
        "name": office.name.strip(),
        "prefix": office.number_prefix.strip(),
        "copy_to": [line.strip() for line in office.copy_to.splitlines() if line.strip()],
    }


def take_serial(issuing_region: Region, year: int) -> int:
    """The office's next number of the year. Must run inside the issuing transaction."""
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(region=issuing_region, year=year)], ignore_conflicts=True
    )
    counter = DocumentCounter.objects.select_for_update().get(region=issuing_region, year=year)
    DocumentCounter.objects.filter(pk=counter.pk).update(last_serial=F("last_serial") + 1)
    return counter.last_serial + 1


def _store(
    facts: dict,
    *,
    region: Region,
    issuing_region: Region,
    user: User | None,
    case: ReviewCase | None = None,
    event: CaseEvent | None = None,
    escalation: EscalationEvent | None = None,
    previous: DecisionDocument | None = None,
    reason: str = "",
) -> DecisionDocument:
    """Number (or keep the number of `previous`), build, render and save one version."""
    if previous is not None:
        year, serial, version = previous.year, previous.serial, previous.version + 1
    else:
        year = date.fromisoformat(facts["issued_on"]).year
        serial, version = take_serial(issuing_region, year), 1
    facts = {**facts, "number": builders.document_number(facts["office"]["prefix"], year, serial)}
    document = builders.build(facts)
    content = render_docx(document)
    record = DecisionDocument(
        kind=facts["kind"],
        case=case,
        event=event,
        escalation=escalation,
        region=region,
        issuing_region=issuing_region,
        year=year,
        serial=serial,
        number=document.number,
        version=version,
        previous=previous,
        correction_reason=reason,
        title=document.title,
        facts=facts,
        content=document.as_dict(),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        issued_by=user,
    )
    record.file.save("document.docx", ContentFile(content), save=False)
    record.save()
    return record


@transaction.atomic
def issue_document(
    facts: dict,
    *,
    region: Region,
    user: User | None = None,
    case: ReviewCase | None = None,
    event: CaseEvent | None = None,
    escalation: EscalationEvent | None = None,
) -> DecisionDocument:
    """Number, build and store the first version of a document from its facts."""
    return _store(
        facts,
        region=region,
        issuing_region=issuing_region_for(region),
        user=user,
        case=case,
        event=event,
        escalation=escalation,
    )


def read_document(record: DecisionDocument) -> builders.Document:
    return builders.Document.from_dict(record.content)


# --- Facts of a case --------------------------------------------------------------------------


def _local_date(moment) -> str | None:
    return timezone.localdate(moment).isoformat() if moment else None


def _region_standing(case: ReviewCase) -> dict:
    """The region's 限批 and last year's targets as the approve guard reads them now."""
    from screening.context import ContextResolver
    from screening.early_warning.escalations import restriction_in_force

    context = ContextResolver(timezone.localdate()).for_region(case.region.code)
    restriction = restriction_in_force(case.region)
    return {
        "restricted": region_status_today(case).restricted,
        "red_months": list(restriction.red_months) if restriction else [],
        "missed_dual_control": bool(context.missed_dual_control_last_year),
        "missed_pollutant": bool(context.missed_pollutant_target_last_year),
        "livelihood": case.is_livelihood,
    }


def _region_blocks_approval(case: ReviewCase, standing: dict) -> bool:
    """A COMPLIANT 拟建 case that waits only for its region (SPEC §5, revision 4)."""
    stage = case.project_snapshot.get("stage", case.project.stage)
    if case.verdict != Verdict.COMPLIANT or stage != Stage.PLANNED:
        return False
    return (
        standing["restricted"]
        or standing["missed_pollutant"]
        or (standing["missed_dual_control"] and not standing["livelihood"])
    )


def _evaluation(case: ReviewCase) -> dict | None:
    event = case.events.filter(transition="complete_evaluation").order_by("-at", "-id").first()
    if event is None:
        return None
    return {
        "kind": event.data.get("kind", ""),
        "result": event.comment,
        "completed_on": _local_date(event.at),
    }


def _screening(case: ReviewCase, fresh: bool = False) -> dict:
    if fresh:
        from screening.screen import NoRuleSetInForce, findings_for_storage

        try:
            screening = fresh_screening(case)
        except NoRuleSetInForce:  # the verification will refuse; preview the frozen one
            return _screening(case)
        rule_set = getattr(case, "_fresh_rule_set", None)
        return {
            "rule_set": rule_set.name if rule_set else "",
            "as_of": screening.as_of.isoformat(),
            "verdict": screening.verdict.value,
            "disposition": screening.disposition.value,
            "findings": findings_for_storage(screening),
        }
    return {
        "rule_set": case.rule_set.name if case.rule_set_id else "",
        "as_of": case.screened_as_of.isoformat() if case.screened_as_of else None,
        "verdict": case.verdict,
        "disposition": case.disposition,
        "findings": [f for f in case.findings if f.get("outcome") != Outcome.NA],
    }


def case_facts(
    case: ReviewCase,
    *,
    transition: str,
    comment: str = "",
    data: dict | None = None,
    attachments: list[str] | None = None,
    issued_on: date | None = None,
    preview: bool = False,
) -> dict | None:
    """What a transition's document is built from, or None when it issues none.

    For a preview (`preview=True`) the case has not moved yet: the screening a verification
    would freeze is the fresh one.
    """
    data = data or {}
    standing = _region_standing(case) if transition == "reject" else {}
    kind = builders.kind_for_transition(
        transition,
        frozen_disposition=case.disposition,
        region_blocks_approval=bool(standing) and _region_blocks_approval(case, standing),
    )
    if kind is None:
        return None
    issued_on = issued_on or timezone.localdate()
    issuing = issuing_region_for(case.region)
    office = office_of(issuing)
    snapshot = dict(case.project_snapshot) or _project_values(case)
    facts: dict = {
        "kind": kind,
        "issued_on": issued_on.isoformat(),
        "office": office,
        "addressee": office_of(case.region)["name"],
        "region_name": case.region.name,
        "project": snapshot,
        "submitted_on": _local_date(case.submitted_at),
        "screening": _screening(case, fresh=preview and transition == "verify_rectification"),
        "opinion": comment.strip(),
        "attachments": list(attachments or []),
        "case": {"id": case.pk, "cycle": case.cycle},
    }
    if kind == DocumentKind.APPROVAL:
        facts["evaluation"] = _evaluation(case)
        facts["evaluation_required"] = (
            case.capacity_replacement_applies or snapshot.get("stage") == Stage.PLANNED
        )
    if kind == DocumentKind.DEFERRAL:
        facts["region_status"] = standing
    deadline = data.get("deadline")
    if kind == DocumentKind.RECTIFICATION_ORDER or (
        kind == DocumentKind.RECTIFICATION_ACCEPTANCE and transition == "reject_rectification"
    ):
        deadline = deadline or (
            case.rectification_deadline.isoformat() if case.rectification_deadline else None
        )
        facts["deadline"] = str(deadline) if deadline else None
        if deadline:
            from screening.cases.deadlines import working_days_between

            facts["deadline_working_days"] = working_days_between(
                issued_on, date.fromisoformat(str(deadline))
            )
    if kind == DocumentKind.RECTIFICATION_ORDER:
        facts["ordered_disposition"] = data.get("disposition") or case.ordered_disposition
    if kind == DocumentKind.RECTIFICATION_ACCEPTANCE:
        facts["accepted"] = transition == "verify_rectification"
        order = (
            DecisionDocument.objects.filter(case=case, kind=DocumentKind.RECTIFICATION_ORDER)
            .order_by("-issued_at", "-id")
            .first()
        )
        facts["order_number"] = order.number if order else ""
        evidence = (
            case.events.filter(transition="submit_rectification").order_by("-at", "-id").first()
        )
        facts["evidence_on"] = _local_date(evidence.at) if evidence else None
    return facts


def _project_values(case: ReviewCase) -> dict:
    project = case.project
    return {
        "project_code": project.project_code,
        "name": project.name,
        "enterprise": project.enterprise,
        "uscc": project.uscc,
        "sector": project.sector,
        "product": project.product,
        "construction_type": project.construction_type,
        "stage": project.stage,
        "annual_energy_tce": str(project.annual_energy_tce)
        if project.annual_energy_tce is not None
        else None,
    }


def issue_for_event(event: CaseEvent) -> DecisionDocument | None:
    """The document a case event's transition issues, numbered and stored with the event."""
    if builders.kind_for_transition(event.transition) is None:
        return None  # a step that decides nothing: no query, no document
    case = event.case
    facts = case_facts(
        case,
        transition=event.transition,
        comment=event.comment,
        data=event.data,
        attachments=[a.original_name for a in event.attachments.order_by("id")],
        issued_on=timezone.localdate(event.at),
    )
    if facts is None:
        return None
    return issue_document(facts, region=case.region, user=event.actor, case=case, event=event)


def preview_for(
    case: ReviewCase,
    transition: str,
    *,
    comment: str = "",
    data: dict | None = None,
    attachments: list[str] | None = None,
) -> builders.Document | None:
    """The document a transition would issue now, unnumbered; None when it issues none."""
    facts = case_facts(
        case,
        transition=transition,
        comment=comment,
        data=data,
        attachments=attachments,
        preview=True,
    )
    return builders.build(facts) if facts is not None else None


# --- Restriction notices ------------------------------------------------------------------


def _restriction_facts(escalation: EscalationEvent, kind: str, number: str = "") -> dict:
    region = escalation.region
    issuing = issuing_region_for(region)
    return {
        "kind": kind,
        "issued_on": timezone.localdate().isoformat(),
        "office": office_of(issuing),
        "addressee": office_of(region)["name"],
        "region_name": region.name,
        "opinion": "",
        "restriction": {
            "months": list(escalation.months),
            "started": escalation.started,
            "ended": escalation.ended,
            "end_reason": escalation.end_reason,
        },
        "restriction_number": number,
        "attachments": [],
    }


@transaction.atomic
def sync_restriction_notices(region: Region) -> list[DecisionDocument]:
    """Issue the notice of each 区域节能评估限批 of the region that is in force without one, and
    the lifting of each one that ended after its notice. Safe to run again."""
    issued = []
    escalations = (
        EscalationEvent.objects.select_for_update()
        .filter(region=region, kind=EscalationKind.RESTRICTION)
        .order_by("started_year", "started_month")
    )
    for escalation in escalations:
        kinds = dict(escalation.documents.values_list("kind", "number"))
        if escalation.in_force and DocumentKind.RESTRICTION not in kinds:
            facts = _restriction_facts(escalation, DocumentKind.RESTRICTION)
        elif (
            not escalation.in_force
            and DocumentKind.RESTRICTION in kinds
            and DocumentKind.RESTRICTION_LIFTED not in kinds
        ):
            facts = _restriction_facts(
                escalation, DocumentKind.RESTRICTION_LIFTED, kinds[DocumentKind.RESTRICTION]
            )
        else:
            continue
        issued.append(issue_document(facts, region=region, escalation=escalation))
    return issued


# --- Corrections --------------------------------------------------------------------------

CORRECTABLE = ("addressee", "opinion", "copy_to")


@transaction.atomic
def correct_document(
    record: DecisionDocument, *, acting_user: User, reason: str, changes: dict
) -> DecisionDocument:
    """A corrected version with the same number; the earlier version is kept as it was.

    `changes` may set the addressee (主送机关), the officer's opinion text and the copy-to
    list (抄送); everything else is rebuilt from the facts the first version used.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DocumentRefused(_("Say why the document is corrected."))
    locked = DecisionDocument.objects.select_for_update().get(pk=record.pk)
    if DecisionDocument.objects.filter(previous=locked).exists():
        raise DocumentRefused(_("This version was already corrected; correct the latest version."))
    facts = dict(locked.facts)
    for key in CORRECTABLE:
        if key in changes and changes[key] is not None:
            facts[key] = changes[key]
    facts["issued_on"] = timezone.localdate().isoformat()
    try:
        with transaction.atomic():
            return _store(
                facts,
                region=locked.region,
                issuing_region=locked.issuing_region,
                user=acting_user,
                case=locked.case,
                event=locked.event,
                escalation=locked.escalation,
                previous=locked,
                reason=reason,
            )
    except IntegrityError as exc:
        raise DocumentRefused(
            _("This version was already corrected; correct the latest version.")
        ) from exc
