"""A validated ledger file checked against the database (SPEC §3): rows of regions outside
the upload's ledger or the uploader's regions, codes registered in another region's ledger;
then, when no error is left, its diff with the stored ledger."""

from __future__ import annotations

from screening.ledger.diff import CHUNK, LedgerDiff, allowed_region_codes, compute_diff
from screening.ledger.xlsx.known_rows import KnownRow
from screening.ledger.xlsx.validate import CellError, LedgerValidation
from screening.models import LedgerUpload, Project
from screening.rules.types import ProjectInput


def region_errors(
    rows: list[tuple[int, ProjectInput | KnownRow]], upload: LedgerUpload
) -> list[CellError]:
    """Rows of regions outside the upload's ledger, and codes registered in another region."""
    allowed = allowed_region_codes(upload)
    errors: list[CellError] = []
    # A KnownRow is a project of this ledger (found there a moment ago; codes are unique), so
    # only the other rows' codes are looked up elsewhere.
    codes = [row.project_code for _n, row in rows if row.__class__ is not KnownRow]
    # Which region holds a code is never said: an agency could otherwise test codes by the
    # thousand to learn which projects exist in regions it may not see (issue 13 item 9).
    elsewhere: set[str] = set()
    for start in range(0, len(codes), CHUNK):
        elsewhere.update(
            Project.objects.filter(project_code__in_array=codes[start : start + CHUNK])
            .exclude(region__code__in=allowed)
            .order_by()
            .values_list("project_code", flat=True)
        )
    for row_number, row in rows:
        if row.region not in allowed:
            errors.append(
                CellError(
                    row=row_number,
                    column="所在地区",
                    value=row.region,
                    message_zh=f"该地区不属于本次上传的台账({upload.region.name})或您的管辖范围",
                    message_en=f"this region is not part of the ledger being uploaded "
                    f"({upload.region.name_en or upload.region.name}) or of your regions",
                )
            )
        elif row.project_code in elsewhere:
            errors.append(
                CellError(
                    row=row_number,
                    column="项目代码",
                    value=row.project_code,
                    message_zh="该项目代码已登记在其他地区的台账中",
                    message_en="this project code is registered in another region's ledger",
                )
            )
    return errors


def checked_diff(validation: LedgerValidation, upload: LedgerUpload) -> LedgerDiff | None:
    """Add the database's checks (regions, codes elsewhere) to the file's own; then, when no
    error is left, the diff with the stored ledger (None otherwise). ValuesNeeded: a known row
    is no longer the stored one (its project changed meanwhile)."""
    extra = region_errors(validation.rows, upload) if not validation.header_errors else []
    if extra:
        bad_rows = {e.row for e in extra}
        validation.errors = sorted([*validation.errors, *extra], key=lambda e: (e.row, e.column))
        validation.rows = [(n, r) for n, r in validation.rows if n not in bad_rows]
    if validation.header_errors or validation.errors:
        return None
    return compute_diff(upload.region, (row for _n, row in validation.rows))
