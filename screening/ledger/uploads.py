"""What every upload of a workbook shares: the limits from the settings and the form field."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from screening.ledger.xlsx.safety import Limits


def limits_from_settings() -> Limits:
    """The upload limits of the settings (SPEC §9), for the ledger and the indicators alike."""
    return Limits(
        max_file_bytes=settings.LEDGER_MAX_FILE_BYTES,
        max_members=settings.LEDGER_MAX_MEMBERS,
        max_total_uncompressed_bytes=settings.LEDGER_MAX_UNCOMPRESSED_BYTES,
        max_member_ratio=settings.LEDGER_MAX_RATIO,
        max_data_rows=settings.LEDGER_MAX_ROWS,
        max_header_columns=settings.LEDGER_MAX_COLUMNS,
        xml_check_in_child_from=settings.LEDGER_XML_CHILD_FROM_BYTES,
    )


class WorkbookField(forms.FileField):
    """An uploaded .xlsx: refused at once when empty or over the size limit (the contents are
    checked later by the safe reader)."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload is None:
            return upload
        if upload.size > settings.LEDGER_MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.")
                % {"mb": settings.LEDGER_MAX_FILE_BYTES // 1_000_000}
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload
