"""What apply writes for a row: its ledger values and its screening as stored, and the
unchanged rows whose stored screening is stale, screened again and written only if it moved
(issue 19). Part of `engine_code_digest`: how a screening is stored keys it."""

from __future__ import annotations

from screening.ledger.bulk import update_rows
from screening.ledger.diff import LEDGER_FIELDS, LedgerDiff, ledger_values, normalise
from screening.ledger.spool import DECIMAL_FIELDS, ENUM_FIELDS
from screening.models import Project
from screening.rules.types import ProjectInput
from screening.screen import SCREENING_FIELDS, screening_values

# Only numbers and enumerations change when stored (normalise); the other values go as they are.
_NORMALISED_AT = tuple(
    index
    for index, name in enumerate(LEDGER_FIELDS)
    if name in DECIMAL_FIELDS or name in ENUM_FIELDS
)


_NORMALISED: dict = {}  # value → normalise(value): ledger numbers and enums repeat a lot


def project_values(row: ProjectInput, region_id: int) -> dict:
    values = list(ledger_values(row))
    normalised = _NORMALISED
    for index in _NORMALISED_AT:
        value = values[index]
        if value is not None:
            found = normalised.get(value)
            if found is None:
                found = normalise(value)
                if value == value:  # never NaN (unequal to itself) as a key
                    if len(normalised) >= 65_536:
                        normalised.clear()
                    normalised[value] = found
            values[index] = found
    stored = dict(zip(LEDGER_FIELDS, values, strict=True))
    stored["region_id"] = region_id
    return stored


def stale_screenings(diff: LedgerDiff, key_of) -> list[tuple[int, ProjectInput]]:
    """The unchanged rows whose stored screening is not this upload's (or whose digest is to
    be stored): screened again on apply."""
    return [
        (pk, row)
        for pk, row in diff.unchanged
        if diff.screening_keys[pk] != key_of(row.region) or pk in diff.digests_to_store
    ]


_STORED_SCREENING = ["in_scope", "verdict", "disposition", "screened_rule_set", "findings"]
FINGERPRINTS = ["row_digest", "screening_key"]


def rescreen_unchanged(
    batch: list[tuple[int, ProjectInput]], screen_one, key_of, digests: dict[str, str]
) -> None:
    stored = {
        pk: values
        for pk, *values in Project.objects.filter(pk__in_array=[pk for pk, _r in batch])
        .order_by()
        .values_list("pk", *_STORED_SCREENING)
    }
    moved, kept = [], []
    for pk, row in batch:
        values = screening_values(screen_one(row))
        fingerprints = {
            "row_digest": digests[row.project_code],
            "screening_key": key_of(row.region),
        }
        if [values[name] for name in _STORED_SCREENING] != stored[pk]:
            moved.append(Project(pk=pk, **values, **fingerprints))
        else:
            kept.append(Project(pk=pk, **fingerprints))
    update_rows(Project, moved, [*SCREENING_FIELDS, *FINGERPRINTS])
    update_rows(Project, kept, FINGERPRINTS)
