"""The case page's content, built once for every page that shows a case (the case views and
the document preview): transition labels from the machine itself, the stage's clock and the
context of the case page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from screening import permissions
from screening.cases import deadlines
from screening.cases import services as workflow
from screening.cases.forms import (
    DISPOSITION_LABELS,
    VERDICT_LABELS,
    CaseActionForm,
    form_for,
    initial_for,
)
from screening.models import (
    FINAL_STATES,
    CaseAttachment,
    CaseEvent,
    CaseState,
    EvaluationKind,
    ReviewCase,
)
from screening.rules.types import Outcome, Stage

if TYPE_CHECKING:
    from accounts.models import User


@cache
def transition_meta() -> dict[str, dict]:
    """Each transition's label, who takes it and what it needs, from the machine itself."""
    meta: dict[str, dict] = {}
    for t in ReviewCase._meta.get_field("state").get_all_transitions(ReviewCase):
        entry = meta.setdefault(
            t.name,
            {
                "name": t.name,
                "label": t.custom["label"],
                "who": [],
                "needs": t.custom["needs"],
                "edges": [],
            },
        )
        if t.custom["who"] not in entry["who"]:
            entry["who"].append(t.custom["who"])
        targets = getattr(t.target, "allowed_states", None) or [t.target]
        for target in targets:
            entry["edges"].append((str(t.source), str(target)))
    return meta


def transition_label(name: str) -> str:
    return str(transition_meta()[name]["label"]) if name in transition_meta() else name


@dataclass
class Clock:
    """The current stage's deadline as shown: due date, working days left, overdue."""

    due: object
    days_left: int
    overdue: bool
    estimated: bool


def clock_of(case: ReviewCase, today=None) -> Clock | None:
    if case.due_date is None or case.state in FINAL_STATES:
        return None
    today = today or timezone.localdate()
    left = deadlines.days_left(case.due_date, today)
    return Clock(
        due=case.due_date,
        days_left=abs(left),
        overdue=case.due_date < today,
        estimated=not deadlines.calendar_is_known(case.due_date),
    )


def finding_message(finding: dict) -> str:
    """A stored finding's message in the active language."""
    english = (get_language() or "").startswith("en")
    return finding.get("message_en" if english else "message_zh") or finding.get("message_zh", "")


def case_page_context(
    user: User,
    case: ReviewCase,
    *,
    posted: tuple[str, CaseActionForm] | None = None,
    stale: bool = False,
) -> dict:
    """What the case page shows to this user: one form per transition they may take now (the
    posted one with its input; a stale one kept with the current state), the timeline, the
    frozen findings, what blocks an action, documents and the region's standing."""
    available = workflow.available_transitions(case, user)
    forms = []
    stale_form = None
    for name in available:
        if posted and posted[0] == name and not stale:
            form = posted[1]
        else:
            form = form_for(name, case, initial=initial_for(name, case), prefix=name)
        forms.append({"name": name, "label": transition_label(name), "form": form})
    if posted and (stale or posted[0] not in available):
        # Keep what the user typed, with the case's current state to act on again.
        data = posted[1].data.copy()
        data[f"{posted[0]}-expected_state"] = case.state
        stale_form = {
            "name": posted[0],
            "label": transition_label(posted[0]),
            "form": form_for(posted[0], case, data, prefix=posted[0]),
            "still_available": posted[0] in available,
        }
        if stale_form["still_available"]:
            forms = [f for f in forms if f["name"] != posted[0]]
    events = (
        CaseEvent.objects.filter(case=case)
        .select_related("actor")
        .prefetch_related(
            Prefetch("attachments", queryset=CaseAttachment.objects.order_by("id")), "documents"
        )
    )
    timeline = [
        {
            "event": e,
            "label": (_("Opened") if e.transition == "open" else transition_label(e.transition)),
            "from_label": CaseState(e.from_state).label if e.from_state else "",
            "to_label": CaseState(e.to_state).label,
            "deadline": e.data.get("deadline"),
            "disposition": DISPOSITION_LABELS.get(e.data.get("disposition", ""), ""),
            "kind": (
                EvaluationKind(e.data["kind"]).label
                if e.data.get("kind") in EvaluationKind.values
                else ""
            ),
        }
        for e in events
    ]
    findings = [
        {**f, "message": finding_message(f)}
        for f in case.findings
        if f.get("outcome") != Outcome.NA
    ]
    # Actions a guard refuses stay on the page, disabled, with the refusal beside them (issue 15).
    blocked = [
        {"name": n, "label": transition_label(n), "why": why}
        for n, why in workflow.blocked_transitions(case, user)
    ]
    from screening.documents.services import DOCUMENT_TRANSITIONS
    from screening.early_warning.budgets import budget_impact
    from screening.early_warning.escalations import restriction_in_force
    from screening.rules.headroom import committed_in_view

    budget = budget_impact(case.project) if case.project.stage == Stage.PLANNED else None
    return {
        # Decision documents (issue 18): the case's documents and which forms can preview one.
        "documents": case.documents.select_related("correction").order_by("issued_at", "id"),
        "document_transitions": DOCUMENT_TRANSITIONS,
        # On a planned project: the region's 限批 if any, and what approving would do to the
        # region's energy headroom for the year (SPEC §6, issue 13).
        "restriction": restriction_in_force(case.region),
        "budget": budget,
        "budget_view": (
            committed_in_view(budget.headroom, set(permissions.scope_region_ids(user)))
            if budget
            else None
        ),
        "case": case,
        "project": case.project,
        "state_label": CaseState(case.state).label,
        "findings": findings,
        "timeline": timeline,
        "forms": forms,
        "blocked": blocked,
        "stale_form": stale_form,
        "clock": clock_of(case),
        "verdict_label": VERDICT_LABELS.get(case.verdict, ""),
        "disposition_label": DISPOSITION_LABELS.get(case.disposition, ""),
        "ordered_disposition_label": DISPOSITION_LABELS.get(case.ordered_disposition, ""),
        "attachments": CaseAttachment.objects.filter(case=case).select_related("uploaded_by"),
        "read_only": permissions.is_read_only(user),
        "title": f"{case.project.project_code} · {_('review cycle')} {case.cycle}",
    }
