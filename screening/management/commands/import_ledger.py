"""The upload path without the web UI: validate, preview and (unless --dry-run) apply."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accounts.models import User
from screening.ledger.services import UploadRefused, apply_upload, receive_upload, validate_upload
from screening.models import Region, RemovalReason, UploadScope, UploadStatus
from screening.screen import NoRuleSetInForce


class Command(BaseCommand):
    help = (
        "Import a ledger file for a region as a user, through the same services as the web "
        "upload. Projects missing from the file are recorded with --missing-reason, unless "
        "--add-or-update-only (rows are created or updated, nothing is removed). "
        "Exit status: 0 applied (or valid with --dry-run), 1 the file has errors, "
        "2 the file was refused or the import cannot go on."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--region", required=True, help="6-digit region code")
        parser.add_argument("--user", required=True, help="user name of the uploader")
        parser.add_argument("--dry-run", action="store_true", help="validate and preview only")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument(
            "--missing-reason",
            choices=RemovalReason.values,
            help="reason recorded for every project missing from the file",
        )
        parser.add_argument(
            "--add-or-update-only",
            action="store_true",
            help="create or update the file's rows; no project leaves the "
            "ledger (default: the file is the region's whole ledger)",
        )
        parser.add_argument("--lang", choices=["zh", "en"], default="zh")

    def handle(self, *args, **options):
        translation.activate("en" if options["lang"] == "en" else "zh-hans")
        region = Region.objects.filter(code=options["region"]).first()
        user = User.objects.filter(username=options["user"]).first()
        if region is None:
            raise CommandError(f"no region with code {options['region']}")
        if user is None:
            raise CommandError(f"no user {options['user']}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            with path.open("rb") as handle:
                upload = receive_upload(
                    user,
                    region,
                    File(handle, name=path.name),
                    path.name,
                    scope=(
                        UploadScope.ADD_UPDATE
                        if options["add_or_update_only"]
                        else UploadScope.FULL
                    ),
                )
            upload = validate_upload(upload)
        except (UploadRefused, NoRuleSetInForce) as refusal:
            self._refuse(getattr(refusal, "message", None) or refusal.user_message())
        counts = (upload.preview or {}).get("counts", {})
        result = {
            "upload": upload.pk,
            "status": upload.status,
            "dry_run": options["dry_run"],
            "scope": upload.scope,
            "counts": {
                "created": counts.get("new", 0),
                "updated": counts.get("changed", 0),
                "unchanged": counts.get("unchanged", 0),
                "missing": counts.get("missing", 0),
            },
            "errors": upload.errors,
            "hints": upload.hints,
        }  # beside the errors, never instead of them
        if upload.scope == UploadScope.ADD_UPDATE:  # not in the file, left as they are
            result["counts"]["kept"] = counts.get("kept", 0)
        if upload.status == UploadStatus.REFUSED:
            self._refuse(upload.message)
        if upload.status == UploadStatus.PREVIEW and not options["dry_run"]:
            missing = [m["code"] for m in upload.preview.get("missing", [])]
            if missing and not options["missing_reason"]:
                self._refuse(
                    f"{len(missing)} project(s) of the ledger are missing from the file: "
                    "give --missing-reason"
                )
            reasons = {code: (options["missing_reason"], "import_ledger") for code in missing}
            try:
                upload = apply_upload(upload, user, reasons)
            except UploadRefused as refusal:
                self._refuse(refusal.message)
            result["status"] = upload.status
        self._print(result, options["format"])
        if upload.status == UploadStatus.INVALID:
            sys.exit(1)

    def _refuse(self, message: str):
        sys.stderr.write(message + "\n")
        sys.exit(2)

    def _print(self, result: dict, fmt: str) -> None:
        if fmt == "json":
            sys.stdout.buffer.write(orjson.dumps(result) + b"\n")
            return
        counts = result["counts"]
        self.stdout.write(f"upload {result['upload']}: {result['status']}")
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
        for error in result["errors"]:
            self.stdout.write(
                f"  row {error['row']} [{error['column']}] {error['value']!r}: "
                f"{error['message_zh']}"
            )
