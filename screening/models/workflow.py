"""The review workflow (SPEC §5): a case per project and review cycle, moved by transitions.

The state field is protected: only the transitions below change it, and only the services in
`screening/cases/services.py` call them. A transition body only sets fields on the case from
what it is given; who may take it (screening/permissions.py), its conditions
(screening/cases/guards.py), screening, the review time limit, saving, the audit event and
notifications are the service's job. This module imports no service.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from screening.rules.types import Disposition, Stage, Verdict

if TYPE_CHECKING:
    from accounts.models import User
    from screening.rules.types import Screening


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted (city review)")
    RETURNED = "returned", _("Returned for information")
    PROVINCIAL_REVIEW = "provincial_review", _("Provincial review")
    EVALUATION = "evaluation", _("Under evaluation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RECTIFYING = "rectifying", _("Rectifying")
    RECTIFICATION_SUBMITTED = "rectification_submitted", _("Rectification submitted")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A case in one of these states is finished: the project may get a new review cycle.
FINAL_STATES = frozenset(
    {CaseState.APPROVED, CaseState.REJECTED, CaseState.CLOSED, CaseState.WITHDRAWN}
)
OPEN_STATES = frozenset(CaseState) - FINAL_STATES


class EvaluationKind(models.TextChoices):
    """What clause (十一) asks for before a capacity-replacement project is approved."""

    WINDOW_GUIDANCE = "window_guidance", _("Window guidance")
    THIRD_PARTY = "third_party", _("Third-party evaluation")


def _about(label: str, who: str, needs: str = "") -> dict:
    """Presentation of a transition for forms and the workflow diagram (custom metadata)."""
    return {"label": label, "who": who, "needs": needs}


class ReviewCase(ConcurrentTransitionMixin, models.Model):
    """One review cycle (审核) of one project, from the agency's draft to the decision."""

    project = models.ForeignKey(
        "screening.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    region = models.ForeignKey(
        "screening.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="cases"
    )
    cycle = models.PositiveSmallIntegerField(_("review cycle"))
    state = FSMField(
        _("state"),
        max_length=32,
        choices=CaseState.choices,
        default=CaseState.DRAFT,
        protected=True,
        db_index=True,
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The screening frozen at submit (and again when a rectification is verified).
    rule_set = models.ForeignKey(
        "screening.RuleSet",
        verbose_name=_("rule set"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    screened_as_of = models.DateField(null=True, blank=True)
    in_scope = models.BooleanField(null=True)
    verdict = models.CharField(
        _("verdict"),
        max_length=16,
        blank=True,
        db_index=True,
        choices=[(v.value, v.value) for v in Verdict],
    )
    disposition = models.CharField(
        _("recommended disposition"),
        max_length=24,
        blank=True,
        db_index=True,
        choices=[(d.value, d.value) for d in Disposition],
    )
    findings = models.JSONField(default=list, blank=True)
    project_snapshot = models.JSONField(default=dict, blank=True)  # ledger values screened
    # Decisions along the way.
    evaluation_kind = models.CharField(max_length=24, choices=EvaluationKind.choices, blank=True)
    evaluation_requested_at = models.DateTimeField(null=True, blank=True)
    evaluation_completed_at = models.DateTimeField(null=True, blank=True)
    ordered_disposition = models.CharField(
        _("ordered disposition"),
        max_length=24,
        blank=True,
        choices=[(d.value, d.value) for d in Disposition],
    )
    rectification_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The current stage's clock: review time limit or rectification deadline.
    state_entered_at = models.DateTimeField(default=timezone.now)
    due_date = models.DateField(_("due"), null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "cycle"], name="one_case_per_cycle"),
            # One open review per project at a time; a new cycle starts once it is finished.
            models.UniqueConstraint(
                fields=["project"],
                condition=~Q(state__in=sorted(s.value for s in FINAL_STATES)),
                name="one_open_case_per_project",
            ),
        ]
        indexes = [models.Index(fields=["region", "state"])]
        verbose_name = _("review case")
        verbose_name_plural = _("review cases")

    def __str__(self) -> str:
        return f"{self.project.project_code} #{self.cycle}"

    # --- Derived facts the guards read --------------------------------------------------------

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def is_livelihood(self) -> bool:
        """民生/基础设施 as screened (falls back to the ledger row before any screening)."""
        if "livelihood" in self.project_snapshot:
            return bool(self.project_snapshot["livelihood"])
        return bool(self.project.livelihood)

    @property
    def is_planned(self) -> bool:
        """拟建 as screened (falls back to the ledger row before any screening)."""
        stage = self.project_snapshot.get("stage", self.project.stage)
        return stage == Stage.PLANNED

    @property
    def capacity_replacement_applies(self) -> bool:
        """R03 applied to the frozen screening (any outcome but NA)."""
        return any(f.get("rule") == "R03" and f.get("outcome") != "NA" for f in self.findings)

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_date is not None and not self.is_final and self.due_date < timezone.localdate()
        )

    def forget_derived(self) -> None:
        """Drop cached facts (after a transition or when the data behind them changed)."""
        for name in ("_region_status", "_fresh_screening", "_fresh_rule_set"):
            self.__dict__.pop(name, None)

    def _freeze(self, screening: Screening, rule_set, snapshot: dict, findings: list[dict]) -> None:
        self.rule_set = rule_set
        self.screened_as_of = screening.as_of
        self.in_scope = screening.in_scope
        self.verdict = screening.verdict.value
        self.disposition = screening.disposition.value
        self.findings = findings
        self.project_snapshot = snapshot

    def _enter(self, state: str, *, due: date | None = None) -> None:
        """Start the new state's clock; the service sets the review time limit when no
        deadline is given (screening/cases/deadlines.py)."""
        self.state_entered_at = timezone.now()
        self.due_date = due

    # --- Transitions (SPEC §5) ----------------------------------------------------------------

    @transition(
        field=state,
        source=[CaseState.DRAFT, CaseState.RETURNED],
        target=RETURN_VALUE(CaseState.SUBMITTED, CaseState.PROVINCIAL_REVIEW),
        custom=_about(_("Submit"), _("Agency"), _("Required ledger fields present")),
    )
    def submit(
        self,
        *,
        by: User,
        screening: Screening,
        rule_set,
        snapshot: dict,
        findings: list[dict],
        straight_to_province: bool,
    ) -> str:
        self.submitted_by, self.submitted_at = by, timezone.now()
        self._freeze(screening, rule_set, snapshot, findings)
        # 济源, 航空港区 and the 省直管县 report to the province: no city review.
        target = CaseState.PROVINCIAL_REVIEW if straight_to_province else CaseState.SUBMITTED
        self._enter(target)
        return target

    @transition(
        field=state,
        source=[CaseState.DRAFT, CaseState.SUBMITTED, CaseState.RETURNED],
        target=CaseState.WITHDRAWN,
        custom=_about(_("Withdraw"), _("Agency"), _("Reason")),
    )
    def withdraw(self, *, by: User) -> None:
        self._enter(CaseState.WITHDRAWN)

    @transition(
        field=state,
        source=CaseState.SUBMITTED,
        target=CaseState.RETURNED,
        custom=_about(_("Return for information"), _("City reviewer"), _("Comment")),
    )
    @transition(
        field=state,
        source=CaseState.PROVINCIAL_REVIEW,
        target=CaseState.RETURNED,
        custom=_about(_("Return for information"), _("Provincial reviewer"), _("Comment")),
    )
    def return_for_info(self, *, by: User) -> None:
        self._enter(CaseState.RETURNED)

    @transition(
        field=state,
        source=CaseState.SUBMITTED,
        target=CaseState.PROVINCIAL_REVIEW,
        custom=_about(_("Forward to the province"), _("City reviewer"), _("City opinion")),
    )
    def forward(self, *, by: User) -> None:
        self._enter(CaseState.PROVINCIAL_REVIEW)

    @transition(
        field=state,
        source=CaseState.PROVINCIAL_REVIEW,
        target=CaseState.EVALUATION,
        custom=_about(
            _("Request an evaluation"), _("Provincial reviewer"), _("What is to be evaluated")
        ),
    )
    def request_evaluation(self, *, by: User, kind: str) -> None:
        self.evaluation_kind = kind
        self.evaluation_requested_at = timezone.now()
        self._enter(CaseState.EVALUATION)

    @transition(
        field=state,
        source=CaseState.EVALUATION,
        target=CaseState.PROVINCIAL_REVIEW,
        custom=_about(
            _("Complete the evaluation"), _("Provincial reviewer"), _("Result and attachment")
        ),
    )
    def complete_evaluation(self, *, by: User) -> None:
        self.evaluation_completed_at = timezone.now()
        self._enter(CaseState.PROVINCIAL_REVIEW)

    @transition(
        field=state,
        source=CaseState.PROVINCIAL_REVIEW,
        target=CaseState.APPROVED,
        custom=_about(
            _("Approve"),
            _("Provincial reviewer"),
            _(
                "Compliant screening; for a planned project: evaluation done, "
                "region not restricted, last year's targets met (dual control: "
                "or livelihood)"
            ),
        ),
    )
    def approve(self, *, by: User) -> None:
        self.decided_by, self.decided_at = by, timezone.now()
        self._enter(CaseState.APPROVED)

    @transition(
        field=state,
        source=CaseState.PROVINCIAL_REVIEW,
        target=CaseState.REJECTED,
        custom=_about(_("Reject"), _("Provincial reviewer"), _("Reason")),
    )
    def reject(self, *, by: User) -> None:
        self.decided_by, self.decided_at = by, timezone.now()
        self._enter(CaseState.REJECTED)

    @transition(
        field=state,
        source=CaseState.PROVINCIAL_REVIEW,
        target=CaseState.RECTIFYING,
        custom=_about(
            _("Order rectification"), _("Provincial reviewer"), _("Disposition and deadline")
        ),
    )
    def order_rectification(self, *, by: User, disposition: str, deadline: date) -> None:
        self.decided_by, self.decided_at = by, timezone.now()
        self.ordered_disposition = disposition
        self.rectification_deadline = deadline
        self._enter(CaseState.RECTIFYING, due=deadline)

    @transition(
        field=state,
        source=CaseState.RECTIFYING,
        target=CaseState.RECTIFICATION_SUBMITTED,
        custom=_about(_("Submit rectification evidence"), _("Agency"), _("Evidence (file)")),
    )
    def submit_rectification(self, *, by: User) -> None:
        self._enter(CaseState.RECTIFICATION_SUBMITTED)

    @transition(
        field=state,
        source=CaseState.RECTIFICATION_SUBMITTED,
        target=CaseState.APPROVED,
        custom=_about(
            _("Accept the rectification"),
            _("Provincial reviewer"),
            _("A fresh compliant screening"),
        ),
    )
    def verify_rectification(
        self, *, by: User, screening: Screening, rule_set, snapshot: dict, findings: list[dict]
    ) -> None:
        self.decided_by, self.decided_at = by, timezone.now()
        self._freeze(screening, rule_set, snapshot, findings)
        self._enter(CaseState.APPROVED)

    @transition(
        field=state,
        source=CaseState.RECTIFICATION_SUBMITTED,
        target=CaseState.RECTIFYING,
        custom=_about(
            _("Reject the rectification"),
            _("Provincial reviewer"),
            _("Comment; may move the deadline"),
        ),
    )
    def reject_rectification(self, *, by: User, deadline: date | None = None) -> None:
        if deadline is not None:
            self.rectification_deadline = deadline
        self._enter(CaseState.RECTIFYING, due=self.rectification_deadline)

    @transition(
        field=state,
        source=[CaseState.RECTIFYING, CaseState.RECTIFICATION_SUBMITTED],
        target=CaseState.CLOSED,
        custom=_about(_("Close the case"), _("Provincial reviewer"), _("Reason")),
    )
    def close(self, *, by: User) -> None:
        self.decided_by, self.decided_at = by, timezone.now()
        self._enter(CaseState.CLOSED)


class CaseEvent(models.Model):
    """One step of a case, kept for good: who, when, from, to, what they wrote, the screening."""

    case = models.ForeignKey(ReviewCase, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField(_("action"), max_length=32)  # "open" or a transition name
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_events"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    from_state = models.CharField(max_length=32, blank=True, choices=CaseState.choices)
    to_state = models.CharField(max_length=32, choices=CaseState.choices)
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)  # deadline, disposition, evaluation …
    screening = models.JSONField(default=dict, blank=True)  # the case's screening after it
    notified_at = models.DateTimeField(null=True, blank=True)  # claimed by the notify task

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.transition} {self.from_state}→{self.to_state}"


def attachment_path(instance: CaseAttachment, filename: str) -> str:
    # Never the uploader's file name on disk: a random name with the checked extension.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}{suffix}"


class CaseAttachment(models.Model):
    """An evidence file of a case (private storage; served only to users who see the case)."""

    case = models.ForeignKey(ReviewCase, on_delete=models.PROTECT, related_name="attachments")
    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")

    def __str__(self) -> str:
        return self.original_name
