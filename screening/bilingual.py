"""A message worded by the product (not one of the ledger's CellProblem codes) in both
languages at once: upload problems are kept and reported in Chinese and English, as the
ledger's are."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Bilingual:
    zh: str
    en: str


def both(message: str, **params: object) -> Bilingual:
    """`message` (a msgid) translated into Chinese and English, with `params` filled in."""
    with translation.override("zh-hans"):
        zh = _(message) % params if params else _(message)
    with translation.override("en"):
        en = _(message) % params if params else _(message)
    return Bilingual(zh, en)
