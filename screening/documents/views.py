"""Pages of decision documents: download, the document as a page with its versions, a
corrected version, and the preview of a transition's document on the case page.

Thin: permissions decides who sees and corrects; services build and store.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from screening import permissions
from screening.cases import services as workflow
from screening.documents import services
from screening.models import DecisionDocument


class CorrectionForm(forms.Form):
    """What a correction may change; the rest is rebuilt from the facts of the first version."""

    addressee = forms.CharField(label=gettext_lazy("Addressee"), max_length=200, required=False)
    opinion = forms.CharField(
        label=gettext_lazy("Opinion text"), widget=forms.Textarea, max_length=4000, required=False
    )
    copy_to = forms.CharField(
        label=gettext_lazy("Copy to (one office per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "addressee": data["addressee"].strip(),
            "opinion": data["opinion"].strip(),
            "copy_to": [line.strip() for line in data["copy_to"].splitlines() if line.strip()],
        }


def _initial(document: DecisionDocument) -> dict:
    facts = document.facts
    office_copy = (facts.get("office") or {}).get("copy_to") or []
    return {
        "addressee": facts.get("addressee", ""),
        "opinion": facts.get("opinion", ""),
        "copy_to": "\n".join(facts.get("copy_to") or office_copy),
    }


def _versions(document: DecisionDocument):
    return (
        DecisionDocument.objects.filter(
            issuing_region=document.issuing_region_id, year=document.year, serial=document.serial
        )
        .select_related("issued_by")
        .order_by("version")
    )


def _page(
    request: HttpRequest,
    document: DecisionDocument,
    form: CorrectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    versions = list(_versions(document))
    current = versions[-1].pk == document.pk
    may_correct = current and permissions.may_correct_document(request.user, document)
    if may_correct and form is None:
        form = CorrectionForm(initial=_initial(document))
    return render(
        request,
        "screening/documents/document.html",
        {
            "record": document,
            "doc": services.read_document(document),
            "versions": versions,
            "current": current,
            "form": form if may_correct else None,
            "title": f"{document.number} {document.title}",
        },
        status=status,
    )


@login_required
def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The document as issued, laid out as a page, with its versions."""
    return _page(request, permissions.get_document_for_user(request.user, pk))


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """The .docx as issued (always a download)."""
    document = permissions.get_document_for_user(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=document.download_name, content_type=services.DOCX_TYPE
    )


@login_required
@require_POST
def document_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a corrected version (same number, version + 1); the earlier one is kept."""
    document = permissions.get_document_for_user(request.user, pk)
    if not permissions.may_correct_document(request.user, document):
        messages.error(request, _("You may not correct this document."))
        return _page(request, document, status=403)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return _page(request, document, form, status=400)
    try:
        corrected = services.correct_document(
            document,
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
            changes=form.changes(),
        )
    except services.DocumentRefused as refusal:
        messages.error(request, refusal.reason)
        return _page(request, document, form, status=409)
    messages.success(
        request,
        _("Version %(version)s of %(number)s was issued.")
        % {"version": corrected.version, "number": corrected.number},
    )
    return redirect("screening:document", pk=corrected.pk)


@login_required
@require_POST
def transition_preview(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """The case page again with the document the transition would issue, built from the
    form's input; nothing is saved and the input stays in the form."""
    from screening.cases.forms import FORMS
    from screening.cases.page import case_page_context, transition_label

    if name not in services.DOCUMENT_TRANSITIONS:
        raise Http404
    case = permissions.get_case_for_user(request.user, pk)
    form = FORMS[name](request.POST, request.FILES, prefix=name)
    if name not in workflow.available_transitions(case, request.user):
        messages.error(
            request,
            _("You may not “%(action)s” on this case.") % {"action": transition_label(name)},
        )
        return render(
            request,
            "screening/cases/detail.html",
            case_page_context(request.user, case),
            status=403,
        )
    context = case_page_context(request.user, case, posted=(name, form))
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return render(request, "screening/cases/detail.html", context, status=400)
    data = form.cleaned_data
    text = next((data[k] for k in ("comment", "reason", "opinion") if data.get(k)), "")
    values = {
        k: data[k].isoformat() if hasattr(data.get(k), "isoformat") else data.get(k)
        for k in ("disposition", "deadline")
        if data.get(k)
    }
    preview = services.preview_for(
        case, name, comment=text, data=values, attachments=[f.name for f in data.get("files") or []]
    )
    context["preview"] = {"name": name, "doc": preview, "files_again": bool(data.get("files"))}
    return render(request, "screening/cases/detail.html", context)
