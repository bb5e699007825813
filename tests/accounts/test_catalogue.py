"""The Chinese catalogue is complete: a missing or fuzzy entry would show English to a
Chinese-speaking officer (fuzzy entries are not compiled)."""

import re
from pathlib import Path

import polib

CATALOGUE = (
    Path(__file__).resolve().parents[2]
    / "config"
    / "locale"
    / "zh_Hans"
    / "LC_MESSAGES"
    / "django.po"
)


def test_every_message_has_a_reviewed_chinese_translation():
    po = polib.pofile(str(CATALOGUE))
    fuzzy = [entry.msgid for entry in po.fuzzy_entries() if entry.msgid]
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    assert not fuzzy and not untranslated, (fuzzy, untranslated)


def test_placeholders_survive_translation():
    po = polib.pofile(str(CATALOGUE))
    placeholder = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
    broken = [
        entry.msgid
        for entry in po.translated_entries()
        if sorted(placeholder.findall(entry.msgid))
        != sorted(placeholder.findall(entry.msgstr or entry.msgstr_plural.get(0, "")))
    ]
    assert not broken, broken
