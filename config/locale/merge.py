"""Merge every translation table under config/locale/zh/ into the zh_Hans catalogue.

Usage (developer tool): `make messages` — refreshes the catalogue from the code, fills it from
the tables, compiles it and lists what is still untranslated.
"""

import runpy
import sys
from pathlib import Path

import polib

HERE = Path(__file__).parent
CATALOGUE = HERE / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main() -> int:
    table: dict[str, str] = {}
    for path in sorted((HERE / "zh").glob("*.py")):
        table.update(runpy.run_path(str(path)).get("T", {}))
    po = polib.pofile(str(CATALOGUE))
    for entry in po:
        text = table.get(entry.msgid)
        if text is None and "%%" in entry.msgid:
            # {% blocktranslate %} doubles a literal percent sign in its msgid.
            single = table.get(entry.msgid.replace("%%", "%"))
            text = single.replace("%", "%%") if single is not None else None
        if text is not None:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: text}
            else:
                entry.msgstr = text
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            # msgmerge's guess of an earlier msgid goes with the fuzzy flag.
            entry.previous_msgid = entry.previous_msgid_plural = None
    po.save()
    # A fuzzy entry is not compiled: it is as untranslated as an empty one.
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries() if e.msgid]
    for msgid in missing:
        print("untranslated:", repr(msgid))
    print(f"{len(table)} translations; {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
