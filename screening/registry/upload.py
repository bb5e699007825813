"""Registry uploads: receive → validate → preview → apply in one transaction (or an annotated
file with every error). Applying re-validates the stored file against the registry as it is
then, inside the transaction, and goes through the same services as the web forms."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from screening import permissions
from screening.ledger.uploads import limits_from_settings
from screening.ledger.xlsx import cleaning
from screening.ledger.xlsx.annotate import write_annotated_workbook
from screening.ledger.xlsx.safety import UnsafeWorkbook
from screening.models import (
    CapacitySource,
    Region,
    RegistryUpload,
    RegistryUploadKind,
    RegistryUploadStatus,
    ReplacementPlan,
)
from screening.registry import services
from screening.registry.checks import source_number
from screening.registry.queries import replacement_families
from screening.registry.workbook import (
    RegistryReference,
    RegistryValidation,
    SourceInfo,
    group_plans,
    validate_plans,
    validate_sources,
)
from screening.rules.text import jnum

if TYPE_CHECKING:
    from accounts.models import User

ERRORS_KEPT = 500


def reference_for(user: User) -> RegistryReference:
    """Regions the user may enter, families, and the sources they may draw from."""
    regions: dict[str, str] = {}
    all_regions: dict[str, str] = {}
    for region in Region.objects.filter(is_project_region=True):
        keys = {region.code, region.name, *(region.aliases or ())}
        target = regions if permissions.can_edit_registry(user, region) else all_regions
        for text in keys:
            target[cleaning.fold(text).strip()] = region.code
            all_regions[cleaning.fold(text).strip()] = region.code
    stored = CapacitySource.objects.values_list(
        "id", "region__code", "region_id", "family", "capacity_unit", "capacity", "drawn"
    )
    sources = {
        pk: SourceInfo(pk, code, family, unit, capacity - drawn)
        for pk, code, region_id, family, unit, capacity, drawn in stored
        if permissions.can_edit_registry(user, region_id)
    }
    return RegistryReference(
        regions=regions,
        all_regions=all_regions,
        families=replacement_families(),
        sources=sources,
        registered_units=set(CapacitySource.objects.values_list("uscc", "equipment")),
        registered_plans=set(ReplacementPlan.objects.values_list("ref_key", flat=True)),
    )


def _validate(kind: str, path: str | Path, user: User) -> RegistryValidation:
    reference = reference_for(user)
    check = validate_sources if kind == RegistryUploadKind.SOURCES else validate_plans
    return check(path, reference, limits_from_settings())


def receive(user: User, kind: str, uploaded: File, name: str, lang: str) -> RegistryUpload:
    """Store the file, validate it, and keep either its errors (with the annotated file) or
    the preview of what confirming it would register. Nothing is registered yet."""
    upload = RegistryUpload(
        kind=kind, uploaded_by=user, original_name=name[:255], status=RegistryUploadStatus.PREVIEW
    )
    upload.file.save("registry.xlsx", uploaded, save=False)
    path = upload.file.path
    try:
        result = _validate(kind, path, user)
    except UnsafeWorkbook as refusal:
        upload.status = RegistryUploadStatus.REFUSED
        upload.message = refusal.message(lang)
        upload.save()
        return upload
    upload.data_rows = result.data_rows
    if not result.ok:
        upload.status = RegistryUploadStatus.INVALID
        upload.errors = [
            {
                "row": e.row,
                "column": e.column,
                "value": e.value,
                "message_zh": e.message_zh,
                "message_en": e.message_en,
            }
            for e in result.all_errors[:ERRORS_KEPT]
        ]
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "annotated.xlsx"
            write_annotated_workbook(path, result, out, lang)
            upload.annotated_file.save("annotated.xlsx", ContentFile(out.read_bytes()), save=False)
    else:
        upload.preview = _preview(kind, result)
    upload.save()
    return upload


def _preview(kind: str, result: RegistryValidation) -> dict:
    if kind == RegistryUploadKind.SOURCES:
        return {
            "sources": [
                {
                    "row": row,
                    "region": r["region"],
                    "enterprise": r["enterprise"],
                    "family": r["family"],
                    "capacity": jnum(r["capacity"]),
                    "capacity_unit": r["capacity_unit"],
                    "equipment": r["equipment"],
                }
                for row, r in result.records
            ]
        }
    return {
        "plans": [
            {
                "rows": plan["rows"],
                "ref": plan["ref"],
                "region": plan["region"],
                "family": plan["family"],
                "new_capacity": jnum(plan["new_capacity"]),
                "capacity_unit": plan["capacity_unit"],
                "project_codes": plan["project_codes"],
                "draws": [[source_number(s), jnum(a)] for s, a in plan["draws"]],
            }
            for plan in group_plans(result.records)
        ]
    }


class ApplyRefused(Exception):
    """Confirming the upload was refused; nothing was registered."""


def apply(upload: RegistryUpload, user: User, lang: str) -> dict:
    """Register everything the upload previewed, in one transaction, or nothing."""
    if upload.uploaded_by_id != user.pk:
        raise ApplyRefused(_("Only the person who uploaded the file may confirm it."))
    with transaction.atomic():
        locked = RegistryUpload.objects.select_for_update().get(pk=upload.pk)
        if locked.status != RegistryUploadStatus.PREVIEW:
            raise ApplyRefused(_("This upload is not waiting for confirmation."))
        result = _validate(locked.kind, locked.file.path, user)
        if not result.ok:
            raise ApplyRefused(
                _(
                    "The registry changed since the preview and the file no longer fits it: "
                    "upload it again for a fresh preview."
                )
            )
        regions = {r.code: r for r in Region.objects.all()}
        try:
            summary = _register(locked.kind, result, regions, user)
        except services.RegistryRefused as refusal:
            raise ApplyRefused(str(refusal)) from None
        locked.status = RegistryUploadStatus.APPLIED
        locked.applied_at = timezone.now()
        locked.preview = {**locked.preview, "summary": summary}
        locked.save(update_fields=["status", "applied_at", "preview"])
    upload.refresh_from_db()
    return summary


def _register(kind: str, result: RegistryValidation, regions: dict, user: User) -> dict:
    if kind == RegistryUploadKind.SOURCES:
        for _row, r in result.records:
            services.register_source(
                services.SourceData(
                    region=regions[r["region"]],
                    enterprise=r["enterprise"],
                    uscc=r["uscc"],
                    family=r["family"],
                    capacity=r["capacity"],
                    capacity_unit=r["capacity_unit"],
                    equipment=r["equipment"],
                    shutdown_date=r.get("shutdown_date"),
                    dismantled_date=r.get("dismantled_date"),
                    verification_ref=r.get("verification_ref") or "",
                    verification_date=r.get("verification_date"),
                    verifier=r.get("verifier") or "",
                    subsidised=r["subsidised"],
                    mandatory_elimination=r["mandatory_elimination"],
                    eligibility_notes=r.get("eligibility_notes") or "",
                ),
                user=user,
            )
        return {"sources": len(result.records)}
    plans = group_plans(result.records)
    draws = 0
    for plan in plans:
        registered = services.register_plan(
            services.PlanData(
                region=regions[plan["region"]],
                ref=plan["ref"],
                plan_date=plan["plan_date"],
                enterprise=plan["enterprise"],
                uscc=plan["uscc"],
                family=plan["family"],
                new_capacity=plan["new_capacity"],
                capacity_unit=plan["capacity_unit"],
                project_codes=tuple(plan["project_codes"] or ()),
            ),
            user=user,
        )
        for source_id, amount in plan["draws"]:
            services.draw(registered, CapacitySource(pk=source_id), amount, user=user)
            draws += 1
    return {"plans": len(plans), "draws": draws}
