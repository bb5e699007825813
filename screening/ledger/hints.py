"""The texts of a ledger upload's hints (issue 15): orientation shown beside the errors of
SPEC §3, never instead of them. `validate` finds the hints (framework-free); this module words
them through gettext, in the active language or both stored languages."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from screening.ledger.xlsx.validate import HINT_TITLE_ROWS, HINT_TOTAL_ROW, Hint


def hint_text(hint: Hint) -> str:
    """The hint in the active language."""
    if hint.kind == HINT_TOTAL_ROW:
        return _("Row %(row)s: a total row (合计) is not part of the ledger: delete it") % {
            "row": hint.row
        }
    values = {"sheet": hint.sheet, "row": hint.row, "last": hint.row - 1}
    if hint.row == 2:
        if hint.title:
            return (
                _(
                    "Sheet “%(sheet)s”: the headers must be on row 1, but they are on row "
                    "%(row)s; row 1 looks like a title: delete it"
                )
                % values
            )
        return (
            _(
                "Sheet “%(sheet)s”: the headers must be on row 1, but they are on row "
                "%(row)s; row 1 is blank: delete it"
            )
            % values
        )
    if hint.title:
        return (
            _(
                "Sheet “%(sheet)s”: the headers must be on row 1, but they are on row "
                "%(row)s; rows 1–%(last)s look like a title: delete them"
            )
            % values
        )
    return (
        _(
            "Sheet “%(sheet)s”: the headers must be on row 1, but they are on row %(row)s; "
            "rows 1–%(last)s are blank: delete them"
        )
        % values
    )


def hint_to_dict(hint: Hint) -> dict:
    """The hint as kept on the upload: what it is about, and its text in both languages
    (shown in the reader's language, like the errors)."""
    texts = {}
    for code, key in (("zh-hans", "message_zh"), ("en", "message_en")):
        with translation.override(code):
            texts[key] = hint_text(hint)
    return {"kind": hint.kind, "row": hint.row, **texts}


def stored_hint_text(hint: dict, english: bool) -> str:
    """A stored hint's text in the reader's language."""
    if english:
        return hint.get("message_en") or hint.get("message_zh", "")
    return hint.get("message_zh") or hint.get("message_en", "")


def group_errors(
    errors: list[dict], hints: list[dict], english: bool
) -> tuple[list[dict], list[dict]]:
    """For the upload page: each stored hint with the errors it explains (the header errors,
    row 1, under a title-rows hint; a 合计 row's errors under its hint), and the other errors.
    Every error appears exactly once."""
    groups, claimed = [], set()
    for hint in hints:
        row = 1 if hint.get("kind") == HINT_TITLE_ROWS else hint.get("row")
        mine = [
            index
            for index, error in enumerate(errors)
            if error.get("row") == row and index not in claimed
        ]
        claimed.update(mine)
        groups.append(
            {
                "kind": hint.get("kind"),
                "row": hint.get("row"),
                "text": stored_hint_text(hint, english),
                "errors": [errors[index] for index in mine],
            }
        )
    rest = [error for index, error in enumerate(errors) if index not in claimed]
    return groups, rest


__all__ = [
    "HINT_TITLE_ROWS",
    "HINT_TOTAL_ROW",
    "group_errors",
    "hint_text",
    "hint_to_dict",
    "stored_hint_text",
]
