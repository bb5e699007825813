"""Fill zh_Hans translations into the catalogue from a Python dict file (developer tool).

Usage: python config/locale/fill.py TRANSLATIONS.py  — the file defines T = {msgid: msgstr}.
Run `make messages` first so the catalogue lists every msgid.
"""

import runpy
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).parent / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main(path: str) -> None:
    table = runpy.run_path(path)["T"]
    po = polib.pofile(str(CATALOGUE))
    filled = 0
    for entry in po:
        if entry.msgid in table:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: table[entry.msgid]}
            else:
                entry.msgstr = table[entry.msgid]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            filled += 1
    po.save()
    missing = [e.msgid for e in po.untranslated_entries()]
    print(f"filled {filled}; untranslated {len(missing)}")
    for msgid in missing:
        print("  ", repr(msgid))


if __name__ == "__main__":
    main(sys.argv[1])
