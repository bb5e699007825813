"""A hash of the stored data: what a refused or unconfirmed upload must leave unchanged."""

from __future__ import annotations

import hashlib

from django.apps import apps

# The ledger, its history, the cases and their audit trail, applied uploads, the barometer,
# reports and digests. Refused or pending uploads are records of the attempt, not data, and
# are counted separately by the tests.
MODELS = [
    "screening.Project",
    "screening.ProjectChange",
    "screening.ReviewCase",
    "screening.CaseEvent",
    "screening.CaseAttachment",
    "screening.IndicatorMonth",
    "screening.Report",
    "screening.DigestDelivery",
]


def data_fingerprint() -> str:
    digest = hashlib.sha256()
    for label in MODELS:
        model = apps.get_model(label)
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
        digest.update(label.encode())
    LedgerUpload = apps.get_model("screening.LedgerUpload")
    for row in (
        LedgerUpload.objects.filter(status="applied")
        .order_by("pk")
        .values_list("pk", "summary", "applied_at")
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()
