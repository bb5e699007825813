"""The rectification loop of the review workflow (SPEC §5): ordering a rectification with a
deadline, the enterprise's evidence, and the verification that closes or re-opens it. One
service per transition, as in `services`, around the steps of `acting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from screening import date_limits
from screening.cases import acting, evidence
from screening.cases.refusals import TransitionRefused
from screening.models import (
    ReviewCase,
)
from screening.rules.types import Disposition
from screening.screen import (
    findings_for_storage,
)

if TYPE_CHECKING:
    from accounts.models import User


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
    acting.check(case, "order_rectification", acting_user, expected_state)
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
    acting.record(
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
    acting.check(case, "submit_rectification", acting_user, expected_state)
    types = evidence.check_files(files, required=True)
    from_state = case.state
    case.submit_rectification(by=acting_user)
    acting.record(
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
    acting.check(case, "verify_rectification", acting_user, expected_state, guards=False)
    screening, rule_set, snapshot = acting.screen_now(case.project)
    case._fresh_screening, case._fresh_rule_set = screening, rule_set
    acting.check(case, "verify_rectification", acting_user, expected_state)
    types = evidence.check_files(files)
    from_state = case.state
    case.verify_rectification(
        by=acting_user,
        screening=screening,
        rule_set=rule_set,
        snapshot=snapshot,
        findings=findings_for_storage(screening),
    )
    acting.record(
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
    acting.check(case, "reject_rectification", acting_user, expected_state)
    comment = acting.need_text(comment, _("A comment"))
    deadline = _check_deadline(deadline, required=False)
    types = evidence.check_files(files)
    from_state = case.state
    case.reject_rectification(by=acting_user, deadline=deadline)
    data = {"deadline": deadline.isoformat()} if deadline else {}
    acting.record(
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
