"""Forms of the ledger pages: the upload (region, file, what the upload does)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from screening.ledger.uploads import WorkbookField
from screening.models import RemovalReason, UploadScope


class UploadForm(forms.Form):
    region = forms.ChoiceField(label=gettext_lazy("Region"))
    file = WorkbookField(label=gettext_lazy("Ledger file (.xlsx)"))
    scope = forms.ChoiceField(
        label=gettext_lazy("What the upload does"),
        choices=UploadScope.choices,
        initial=UploadScope.FULL,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        self.regions = {r.code: r for r in regions}

    def clean_scope(self) -> str:
        return self.cleaned_data.get("scope") or UploadScope.FULL  # the default: a full ledger


def missing_reasons_from(post, missing: list[dict]) -> dict[str, tuple[str, str]]:
    """Each missing project's (reason, note): its own choice, else the one chosen for all
    ("apply this reason to all missing projects"); a blank reason stays blank (refused)."""
    reason_all = post.get("reason-all", "")
    note_all = post.get("note-all", "")[:500]
    reasons = {}
    for item in missing:
        code = item["code"]
        reason = post.get(f"reason-{code}", "")
        note = post.get(f"note-{code}", "")[:500]
        if reason not in RemovalReason.values and reason_all in RemovalReason.values:
            reason, note = reason_all, note or note_all
        reasons[code] = (reason, note)
    return reasons
