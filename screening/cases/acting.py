"""What every action of the review workflow does around its transition (SPEC §5): the
checks shared by every action (state, role and region, guards, inputs), the screening frozen
on the case, and the one place a case is saved after a transition, with its audit event, its
attachments and the notifications after commit. The actions themselves are `services` (and
`rectification` for the rectification loop).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from screening import permissions
from screening.cases import deadlines, evidence
from screening.cases.guards import guards_of, refusal_of
from screening.cases.refusals import TransitionRefused
from screening.models import (
    CaseAttachment,
    CaseEvent,
    CaseState,
    Project,
    ReviewCase,
)
from screening.screen import (
    NoRuleSetInForce,
    project_input,
    screen_inputs,
)

if TYPE_CHECKING:
    from accounts.models import User


def conflict_message(case: ReviewCase) -> str:
    current = ReviewCase.objects.filter(pk=case.pk).values_list("state", flat=True).first()
    label = CaseState(current).label if current else "—"
    return _(
        "This case was changed by someone else meanwhile (it is now: %(state)s). Nothing "
        "was saved; your input is kept below."
    ) % {"state": label}


# --- Checks shared by every action --------------------------------------------------------


def transition_of(case: ReviewCase, name: str):
    meta = getattr(type(case), name)._django_fsm
    return meta.get_transition(case.state) if meta.has_transition(case.state) else None


def check(
    case: ReviewCase, name: str, user: User, expected_state: str | None, guards: bool = True
) -> None:
    """State, permission and guards, in that order, each refusal with its own reason."""
    if expected_state is not None and str(expected_state) != case.state:
        raise TransitionRefused(conflict_message(case), "conflict")
    transition = transition_of(case, name)
    label = getattr(type(case), name)._django_fsm.transitions
    action = str(next(iter(label.values())).custom["label"])
    if transition is None:
        raise TransitionRefused(
            _("“%(action)s” is not possible while the case is “%(state)s”.")
            % {"action": action, "state": CaseState(case.state).label},
            "not_allowed",
        )
    if not permissions.may_take_transition(case, user, name):
        if permissions.is_submitter(case, user) and name not in permissions.AGENCY_TRANSITIONS:
            raise TransitionRefused(
                _("You submitted this case, so you may not review it."), "forbidden"
            )
        raise TransitionRefused(
            _("You may not “%(action)s” on this case.") % {"action": action}, "forbidden"
        )
    for condition in guards_of(name) if guards else ():
        if not condition(case):
            raise TransitionRefused(refusal_of(condition, case), "guard")


def need_text(value: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise TransitionRefused(_("%(what)s is required.") % {"what": what}, "invalid")
    return text


# --- Screening frozen on the case --------------------------------------------------------


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def screen_now(project: Project):
    """Screen the project as it stands today; refuse when no rule set is in force."""
    try:
        data = project_input(project)
        rule_set, (screening,) = screen_inputs([data], timezone.localdate())
    except NoRuleSetInForce as exc:
        raise TransitionRefused(exc.user_message(), "guard") from exc
    snapshot = {key: _jsonable(value) for key, value in asdict(data).items()}
    return screening, rule_set, snapshot


def screening_snapshot(case: ReviewCase) -> dict:
    """The case's frozen screening as kept on each audit event."""
    return {
        "rule_set": case.rule_set.name if case.rule_set_id else "",
        "as_of": case.screened_as_of.isoformat() if case.screened_as_of else None,
        "in_scope": case.in_scope,
        "verdict": case.verdict,
        "disposition": case.disposition,
        "findings": case.findings,
    }


# --- The one place a case is saved after a transition ------------------------------------


def record(
    case: ReviewCase,
    name: str,
    user: User,
    from_state: str,
    *,
    comment: str = "",
    data: dict | None = None,
    files: Sequence[UploadedFile] = (),
    types: Sequence[str] = (),
) -> CaseEvent:
    """Save the moved case, write its audit event and files, and notify after commit."""
    if case.due_date is None:  # the review time limit of the state the case entered
        case.due_date = deadlines.review_due_date(
            case.state, timezone.localdate(case.state_entered_at)
        )
    try:
        with transaction.atomic():  # a savepoint: after a conflict the transaction stays usable
            case.save()
    except ConcurrentTransition as exc:
        raise TransitionRefused(conflict_message(case), "conflict") from exc
    case.forget_derived()
    event = CaseEvent.objects.create(
        case=case,
        transition=name,
        actor=user,
        from_state=from_state,
        to_state=case.state,
        comment=comment,
        data=data or {},
        screening=screening_snapshot(case),
    )
    for upload, content_type in zip(files, types, strict=True):
        CaseAttachment.objects.create(
            case=case,
            event=event,
            file=upload,
            original_name=(upload.name or "")[:255],
            content_type=content_type,
            size=upload.size,
            sha256=evidence.sha256_of(upload),
            uploaded_by=user,
        )
    from screening.documents.services import issue_for_event

    issue_for_event(event)  # the decision document of this step, if it issues one (issue 18)
    from screening.cases import tasks

    # robust: a mail or broker failure is logged and never undoes or hides the committed step.
    transaction.on_commit(lambda: tasks.notify_case_event.delay(event.pk), robust=True)
    return event
