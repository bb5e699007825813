"""The review workflow's actions: one service function per transition (SPEC §5).

Every change of a case goes through these functions (views, API, commands and tests alike).
Each one checks the action is allowed now (state, role and region, guards, inputs), runs the
transition, saves (refused when someone else moved the case meanwhile), writes the audit event
with the screening snapshot and the attachments, and after commit notifies the people the case
now waits for. Any refusal is a TransitionRefused carrying a translated reason.

The steps every action shares (the checks, the screening frozen on the case, saving with the
audit event) are `acting`'s; the rectification loop's services are `rectification`'s (listed
in SERVICES here with the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from screening import permissions
from screening.cases import acting, evidence
from screening.cases.guards import guards_of, refusal_of
from screening.cases.rectification import (
    order_rectification,
    reject_rectification,
    submit_rectification,
    verify_rectification,
)
from screening.cases.refusals import TransitionRefused
from screening.models import (
    FINAL_STATES,
    CaseEvent,
    EvaluationKind,
    Project,
    ProjectStatus,
    ReviewCase,
)
from screening.screen import (
    findings_for_storage,
)

if TYPE_CHECKING:
    from accounts.models import User


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
    acting.check(case, name, acting_user, expected_state)
    text = acting.need_text(text, what)
    types = evidence.check_files(files)
    from_state = case.state
    getattr(case, name)(by=acting_user)
    acting.record(case, name, acting_user, from_state, comment=text, files=files, types=types)
    return case


# --- Opening a case (not a transition: the case begins in draft) -------------------------


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
    acting.check(case, "submit", acting_user, expected_state)
    types = evidence.check_files(files)
    screening, rule_set, snapshot = acting.screen_now(case.project)
    from_state = case.state
    case.submit(
        by=acting_user,
        screening=screening,
        rule_set=rule_set,
        snapshot=snapshot,
        findings=findings_for_storage(screening),
        straight_to_province=permissions.skips_city_review(case.region),
    )
    acting.record(
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
    acting.check(case, "request_evaluation", acting_user, expected_state)
    if kind not in EvaluationKind.values:
        raise TransitionRefused(_("Choose window guidance or a third-party evaluation."), "invalid")
    scope = acting.need_text(scope, _("What is to be evaluated"))
    types = evidence.check_files(files)
    from_state = case.state
    case.request_evaluation(by=acting_user, kind=kind)
    acting.record(
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
    acting.check(case, "complete_evaluation", acting_user, expected_state)
    result = acting.need_text(result, _("The evaluation result"))
    types = evidence.check_files(files, required=True)
    from_state = case.state
    case.complete_evaluation(by=acting_user)
    acting.record(
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
    acting.check(case, "approve", acting_user, expected_state)
    types = evidence.check_files(files)
    from_state = case.state
    case.approve(by=acting_user)
    acting.record(
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
        if acting.transition_of(case, name) is None or not permissions.may_take_transition(
            case, user, name
        ):
            continue
        for condition in guards_of(name):
            if not condition(case):
                blocked.append((name, refusal_of(condition, case)))
                break
    return blocked
