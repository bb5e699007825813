"""The review workflow's actions: one service function per transition (SPEC §5).

Every change of a case goes through these functions (views, API, commands and tests alike).
Each one checks the action is allowed now (state, role and region, guards, inputs), runs the
transition, saves (refused when someone else moved the case meanwhile), writes the audit event
with the screening snapshot and the attachments, and after commit notifies the people the case
now waits for. Any refusal is a TransitionRefused carrying a translated reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from screening import date_limits, permissions
from screening.cases import deadlines, evidence
from screening.cases.guards import guards_of, refusal_of
from screening.cases.refusals import TransitionRefused
from screening.models import (
    FINAL_STATES,
    CaseAttachment,
    CaseEvent,
    CaseState,
    EvaluationKind,
    Project,
    ProjectStatus,
    ReviewCase,
)
from screening.rules.types import Disposition
from screening.screen import (
    NoRuleSetInForce,
    findings_for_storage,
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


def _transition_of(case: ReviewCase, name: str):
    meta = getattr(type(case), name)._django_fsm
    return meta.get_transition(case.state) if meta.has_transition(case.state) else None


def _check(
    case: ReviewCase, name: str, user: User, expected_state: str | None, guards: bool = True
) -> None:
    """State, permission and guards, in that order, each refusal with its own reason."""
    if expected_state is not None and str(expected_state) != case.state:
        raise TransitionRefused(conflict_message(case), "conflict")
    transition = _transition_of(case, name)
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


def _need_text(value: str, what: str) -> str:
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


def _screen_now(project: Project):
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


def _record(
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


# --- Opening a case (not a transition: the case begins in draft) -------------------------


def _act_with_text(
    case: ReviewCase,
    name: str,
    acting_user: User,
    text: str,
    what: str,
    files: Sequence[UploadedFile],
    expected_state: str | None,
) -> ReviewCase:
    """A transition whose only input is a required text (reason, comment, opinion) and
    optional evidence files: checked, taken and recorded the same way for each."""
    _check(case, name, acting_user, expected_state)
    text = _need_text(text, what)
    types = evidence.check_files(files)
    from_state = case.state
    getattr(case, name)(by=acting_user)
    _record(case, name, acting_user, from_state, comment=text, files=files, types=types)
    return case


def open_case_refusal(project: Project, user: User) -> TransitionRefused | None:
    """Why `user` may not open a review case for the project now, or None when they may.
    The service and every page that offers the action ask this one function."""
    if not permissions.can_open_case(user, project):
        return TransitionRefused(_("You may not open a review case for this project."), "forbidden")
    if project.status != ProjectStatus.ACTIVE:
        return TransitionRefused(
            _("The project has left the ledger; it cannot be submitted for review."), "guard"
        )
    open_case_ = project.cases.exclude(state__in=FINAL_STATES).first()
    if open_case_ is not None:
        return TransitionRefused(
            _("This project already has an open review case (cycle %(cycle)s).")
            % {"cycle": open_case_.cycle},
            "conflict",
        )
    return None


def open_case(project: Project, *, acting_user: User) -> ReviewCase:
    """Open a new review cycle of a project of the agency's ledger, as a draft."""
    refusal = open_case_refusal(project, acting_user)
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic():
            cycle = (project.cases.aggregate(n=Max("cycle"))["n"] or 0) + 1
            case = ReviewCase.objects.create(
                project=project, region=project.region, cycle=cycle, opened_by=acting_user
            )
            CaseEvent.objects.create(
                case=case, transition="open", actor=acting_user, from_state="", to_state=case.state
            )
    except IntegrityError as exc:  # another agency user opened one at the same moment
        raise TransitionRefused(
            _("This project already has an open review case."), "conflict"
        ) from exc
    return case


# --- One service per transition ----------------------------------------------------------


@transaction.atomic
def submit_case(
    case: ReviewCase,
    *,
    acting_user: User,
    comment: str = "",
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """Submit a draft or returned case: screen the project now and freeze the result on it.

    Regions reporting to the province go straight to provincial review.
    """
    _check(case, "submit", acting_user, expected_state)
    types = evidence.check_files(files)
    screening, rule_set, snapshot = _screen_now(case.project)
    from_state = case.state
    case.submit(
        by=acting_user,
        screening=screening,
        rule_set=rule_set,
        snapshot=snapshot,
        findings=findings_for_storage(screening),
        straight_to_province=permissions.skips_city_review(case.region),
    )
    _record(
        case, "submit", acting_user, from_state, comment=comment.strip(), files=files, types=types
    )
    return case


@transaction.atomic
def withdraw_case(
    case: ReviewCase,
    *,
    acting_user: User,
    reason: str,
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """The agency withdraws its case before the province has it (a reason is required)."""
    return _act_with_text(
        case, "withdraw", acting_user, reason, _("A reason"), files, expected_state
    )


@transaction.atomic
def return_case(
    case: ReviewCase,
    *,
    acting_user: User,
    comment: str,
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """Return a case to the agency for information (退回补充材料), saying what is missing."""
    return _act_with_text(
        case,
        "return_for_info",
        acting_user,
        comment,
        _("A comment saying what is missing"),
        files,
        expected_state,
    )


@transaction.atomic
def forward_case(
    case: ReviewCase,
    *,
    acting_user: User,
    opinion: str,
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """The city reviewer forwards the case to provincial review with the city's opinion."""
    return _act_with_text(
        case, "forward", acting_user, opinion, _("The city opinion"), files, expected_state
    )


@transaction.atomic
def request_evaluation(
    case: ReviewCase,
    *,
    acting_user: User,
    kind: str,
    scope: str,
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """Ask for window guidance or a third-party evaluation (窗口指导/第三方评估, (十一))."""
    _check(case, "request_evaluation", acting_user, expected_state)
    if kind not in EvaluationKind.values:
        raise TransitionRefused(_("Choose window guidance or a third-party evaluation."), "invalid")
    scope = _need_text(scope, _("What is to be evaluated"))
    types = evidence.check_files(files)
    from_state = case.state
    case.request_evaluation(by=acting_user, kind=kind)
    _record(
        case,
        "request_evaluation",
        acting_user,
        from_state,
        comment=scope,
        data={"kind": kind},
        files=files,
        types=types,
    )
    return case


@transaction.atomic
def complete_evaluation(
    case: ReviewCase,
    *,
    acting_user: User,
    result: str,
    files: Sequence[UploadedFile],
    expected_state: str | None = None,
) -> ReviewCase:
    """Record the evaluation's result with its report attached; the case returns to review."""
    _check(case, "complete_evaluation", acting_user, expected_state)
    result = _need_text(result, _("The evaluation result"))
    types = evidence.check_files(files, required=True)
    from_state = case.state
    case.complete_evaluation(by=acting_user)
    _record(
        case,
        "complete_evaluation",
        acting_user,
        from_state,
        comment=result,
        data={"kind": case.evaluation_kind},
        files=files,
        types=types,
    )
    return case


@transaction.atomic
def approve_case(
    case: ReviewCase,
    *,
    acting_user: User,
    comment: str = "",
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """Approve: only a COMPLIANT case; a planned (拟建) one only after its evaluation, in a
    region not restricted today and that met last year's targets (dual control: unless
    livelihood)."""
    case.forget_derived()  # the guards read the region's standing now
    _check(case, "approve", acting_user, expected_state)
    types = evidence.check_files(files)
    from_state = case.state
    case.approve(by=acting_user)
    _record(
        case, "approve", acting_user, from_state, comment=comment.strip(), files=files, types=types
    )
    return case


@transaction.atomic
def reject_case(
    case: ReviewCase,
    *,
    acting_user: User,
    reason: str,
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """Reject the case (不予通过), with the reason."""
    return _act_with_text(case, "reject", acting_user, reason, _("A reason"), files, expected_state)


def _check_deadline(deadline: date | None, required: bool) -> date | None:
    if deadline is None:
        if required:
            raise TransitionRefused(_("A deadline is required."), "invalid")
        return None
    problem = date_limits.deadline_problem(deadline, timezone.localdate())
    if problem:
        raise TransitionRefused(problem, "invalid")
    return deadline


@transaction.atomic
def order_rectification(
    case: ReviewCase,
    *,
    acting_user: User,
    disposition: str,
    deadline: date | None,
    comment: str = "",
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """Order the project rectified (限期整改) under a disposition, by a deadline."""
    _check(case, "order_rectification", acting_user, expected_state)
    from screening.rules.engine import dispositions_for_stage

    if disposition not in {d.value for d in Disposition} - {Disposition.NONE.value}:
        raise TransitionRefused(_("Choose a disposition."), "invalid")
    if disposition not in {d.value for d in dispositions_for_stage(case.project.stage)}:
        raise TransitionRefused(
            _(
                "This disposition does not fit a project at stage %(stage)s (SPEC §4 "
                "disposition table)."
            )
            % {"stage": case.project.stage},
            "invalid",
        )
    deadline = _check_deadline(deadline, required=True)
    types = evidence.check_files(files)
    from_state = case.state
    case.order_rectification(by=acting_user, disposition=disposition, deadline=deadline)
    _record(
        case,
        "order_rectification",
        acting_user,
        from_state,
        comment=comment.strip(),
        data={"disposition": disposition, "deadline": deadline.isoformat()},
        files=files,
        types=types,
    )
    return case


@transaction.atomic
def submit_rectification(
    case: ReviewCase,
    *,
    acting_user: User,
    files: Sequence[UploadedFile],
    comment: str = "",
    expected_state: str | None = None,
) -> ReviewCase:
    """The agency submits its rectification evidence (at least one file)."""
    _check(case, "submit_rectification", acting_user, expected_state)
    types = evidence.check_files(files, required=True)
    from_state = case.state
    case.submit_rectification(by=acting_user)
    _record(
        case,
        "submit_rectification",
        acting_user,
        from_state,
        comment=comment.strip(),
        files=files,
        types=types,
    )
    return case


@transaction.atomic
def verify_rectification(
    case: ReviewCase,
    *,
    acting_user: User,
    comment: str = "",
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """Accept the rectification: a fresh screening must be COMPLIANT, and it is frozen."""
    case.forget_derived()
    _check(case, "verify_rectification", acting_user, expected_state, guards=False)
    screening, rule_set, snapshot = _screen_now(case.project)
    case._fresh_screening, case._fresh_rule_set = screening, rule_set
    _check(case, "verify_rectification", acting_user, expected_state)
    types = evidence.check_files(files)
    from_state = case.state
    case.verify_rectification(
        by=acting_user,
        screening=screening,
        rule_set=rule_set,
        snapshot=snapshot,
        findings=findings_for_storage(screening),
    )
    _record(
        case,
        "verify_rectification",
        acting_user,
        from_state,
        comment=comment.strip(),
        files=files,
        types=types,
    )
    return case


@transaction.atomic
def reject_rectification(
    case: ReviewCase,
    *,
    acting_user: User,
    comment: str,
    deadline: date | None = None,
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """Send the rectification back (not sufficient), optionally with a new deadline."""
    _check(case, "reject_rectification", acting_user, expected_state)
    comment = _need_text(comment, _("A comment"))
    deadline = _check_deadline(deadline, required=False)
    types = evidence.check_files(files)
    from_state = case.state
    case.reject_rectification(by=acting_user, deadline=deadline)
    data = {"deadline": deadline.isoformat()} if deadline else {}
    _record(
        case,
        "reject_rectification",
        acting_user,
        from_state,
        comment=comment,
        data=data,
        files=files,
        types=types,
    )
    return case


@transaction.atomic
def close_case(
    case: ReviewCase,
    *,
    acting_user: User,
    reason: str,
    files: Sequence[UploadedFile] = (),
    expected_state: str | None = None,
) -> ReviewCase:
    """Close a case under rectification (e.g. the project was shut down), with the reason."""
    return _act_with_text(case, "close", acting_user, reason, _("A reason"), files, expected_state)


# The service of each transition, for views and commands that act by name.
SERVICES = {
    "submit": submit_case,
    "withdraw": withdraw_case,
    "return_for_info": return_case,
    "forward": forward_case,
    "request_evaluation": request_evaluation,
    "complete_evaluation": complete_evaluation,
    "approve": approve_case,
    "reject": reject_case,
    "order_rectification": order_rectification,
    "submit_rectification": submit_rectification,
    "verify_rectification": verify_rectification,
    "reject_rectification": reject_rectification,
    "close": close_case,
}


def available_transitions(case: ReviewCase, user: User) -> list[str]:
    """Names of the transitions this user may take on the case now (guards met)."""
    return sorted(
        {
            t.name
            for t in case.get_available_state_transitions()
            if permissions.may_take_transition(case, user, t.name)
            and all(condition(case) for condition in guards_of(t.name))
        }
    )


def blocked_transitions(case: ReviewCase, user: User) -> list[tuple[str, str]]:
    """Transitions this user could take in this state but whose guards refuse: (name, why)."""
    blocked = []
    for name in sorted({t.name for t in case.get_all_state_transitions()}):
        if _transition_of(case, name) is None or not permissions.may_take_transition(
            case, user, name
        ):
            continue
        for condition in guards_of(name):
            if not condition(case):
                blocked.append((name, refusal_of(condition, case)))
                break
    return blocked
