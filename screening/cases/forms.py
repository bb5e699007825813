"""Forms of the review workflow: one per transition, each asking what SPEC §5 says it needs.

A form only collects input; the service in workflow.py decides whether the action is allowed.
Every form carries the state the user saw (`expected_state`) so that a case moved by someone
else meanwhile is refused as stale instead of acted on blindly.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening import date_limits
from screening.cases.evidence import CASE_FILE_MAX_BYTES
from screening.labels import DISPOSITION_LABELS, VERDICT_LABELS
from screening.models import CaseState, EvaluationKind
from screening.rules.types import Disposition

ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the list may be empty unless the field is required."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


def _files_help() -> str:
    return _("PDF, JPG, PNG, DOCX or XLSX, at most %(mb)s MB each.") % {
        "mb": CASE_FILE_MAX_BYTES // 1_000_000
    }


class CaseActionForm(forms.Form):
    """Common part: the state the user saw, and optional attachments."""

    expected_state = forms.ChoiceField(choices=CaseState.choices, widget=forms.HiddenInput)
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _files_help()
        if "deadline" in self.fields:
            self.fields["deadline"].widget = _deadline_input()
        # Keep the attachments last, after the action's own fields.
        self.order_fields([n for n in self.fields if n != "files"] + ["files"])

    def service_kwargs(self) -> dict:
        """The cleaned input, named as the service's keyword arguments."""
        return dict(self.cleaned_data)


class SubmitForm(CaseActionForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea, max_length=4000
    )


class WithdrawForm(CaseActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=4000)


class ReturnForm(CaseActionForm):
    comment = forms.CharField(label=_("What is missing"), widget=forms.Textarea, max_length=4000)


class ForwardForm(CaseActionForm):
    opinion = forms.CharField(label=_("City opinion"), widget=forms.Textarea, max_length=4000)


class RequestEvaluationForm(CaseActionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvaluationKind.choices)
    scope = forms.CharField(
        label=_("What is to be evaluated"), widget=forms.Textarea, max_length=4000
    )


class CompleteEvaluationForm(CaseActionForm):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea, max_length=4000)
    files = MultipleFileField(label=_("Evaluation report"), required=True)


class ApproveForm(CaseActionForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea, max_length=4000
    )


class RejectForm(CaseActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=4000)


def _after_today(value):
    problem = value and date_limits.deadline_problem(value, timezone.localdate())
    if problem:
        raise forms.ValidationError(problem)
    return value


def _deadline_input() -> forms.DateInput:
    """A date picker that offers only the days date_limits allows."""
    today = timezone.localdate()
    return forms.DateInput(
        attrs={
            "type": "date",
            "min": (today + timedelta(days=1)).isoformat(),
            "max": date_limits.latest_deadline(today).isoformat(),
        }
    )


DISPOSITION_CHOICES = [
    (d.value, DISPOSITION_LABELS[d.value]) for d in Disposition if d is not Disposition.NONE
]


class OrderRectificationForm(CaseActionForm):
    disposition = forms.ChoiceField(label=_("Disposition"), choices=DISPOSITION_CHOICES)
    deadline = forms.DateField(label=_("Deadline"))
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea, max_length=4000
    )

    def clean_deadline(self):
        return _after_today(self.cleaned_data.get("deadline"))

    def fit_to(self, case) -> None:
        """Offer only the dispositions that fit the project's stage (SPEC §4 table)."""
        from screening.rules.engine import dispositions_for_stage

        self.fields["disposition"].choices = [
            (d.value, DISPOSITION_LABELS[d.value])
            for d in dispositions_for_stage(case.project.stage)
        ]


class SubmitRectificationForm(CaseActionForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea, max_length=4000
    )
    files = MultipleFileField(label=_("Evidence"), required=True)


class VerifyRectificationForm(CaseActionForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea, max_length=4000
    )


class RejectRectificationForm(CaseActionForm):
    comment = forms.CharField(
        label=_("What is still wrong"), widget=forms.Textarea, max_length=4000
    )
    deadline = forms.DateField(
        label=_("New deadline"),
        required=False,
        help_text=_("Leave blank to keep the current deadline."),
    )

    def clean_deadline(self):
        return _after_today(self.cleaned_data.get("deadline"))


class CloseForm(CaseActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=4000)


FORMS: dict[str, type[CaseActionForm]] = {
    "submit": SubmitForm,
    "withdraw": WithdrawForm,
    "return_for_info": ReturnForm,
    "forward": ForwardForm,
    "request_evaluation": RequestEvaluationForm,
    "complete_evaluation": CompleteEvaluationForm,
    "approve": ApproveForm,
    "reject": RejectForm,
    "order_rectification": OrderRectificationForm,
    "submit_rectification": SubmitRectificationForm,
    "verify_rectification": VerifyRectificationForm,
    "reject_rectification": RejectRectificationForm,
    "close": CloseForm,
}


def form_for(name: str, case, *args, **kwargs) -> CaseActionForm:
    """The form of a transition on this case (choices fitted to the case where they depend
    on it)."""
    form = FORMS[name](*args, **kwargs)
    if hasattr(form, "fit_to"):
        form.fit_to(case)
    return form


def initial_for(name: str, case) -> dict:
    """Sensible starting values: the state seen, the recommended disposition, a deadline."""
    from screening.rules.engine import dispositions_for_stage

    initial: dict = {"expected_state": case.state}
    if name == "order_rectification":
        fitting = [d.value for d in dispositions_for_stage(case.project.stage)]
        recommended = (
            case.disposition if case.disposition in fitting else (fitting[-1] if fitting else "")
        )
        initial.update(disposition=recommended, deadline=timezone.localdate() + timedelta(days=90))
    return initial


class CaseFilterForm(forms.Form):
    """Filters of the case list; every field optional, bad values are simply not applied."""

    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All"))] + list(CaseState.choices)
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    verdict = forms.ChoiceField(label=_("Verdict"), required=False)
    disposition = forms.ChoiceField(label=_("Disposition"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        from screening.rules.types import Sector, Verdict

        super().__init__(*args, **kwargs)
        all_ = [("", _("All"))]
        self.fields["region"].choices = all_ + [(r.code, r.name) for r in regions]
        self.fields["sector"].choices = all_ + [(s.value, s.value) for s in Sector]
        self.fields["verdict"].choices = all_ + [
            (v.value, VERDICT_LABELS[v.value]) for v in Verdict
        ]
        self.fields["disposition"].choices = all_ + [
            (d.value, DISPOSITION_LABELS[d.value]) for d in Disposition
        ]
