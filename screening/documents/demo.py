"""Demo settings of the issuing offices (demo only: an administrator sets the real ones in the
admin, under each region)."""

from __future__ import annotations

from screening.models import IssuingOffice, Region

DEMO_OFFICES = {
    "410000": ("河南省发展和改革委员会", "豫发改环资", "河南省生态环境厅\n河南省工业和信息化厅"),
    "410100": ("郑州市发展和改革委员会", "", ""),
    "410300": ("洛阳市发展和改革委员会", "", ""),
    "410500": ("安阳市发展和改革委员会", "", ""),
    "410181": ("巩义市发展和改革委员会", "", ""),
}


def seed_demo_offices() -> int:
    """Office names and number prefixes of the demo regions (kept if already set)."""
    created = 0
    for code, (name, prefix, copy_to) in DEMO_OFFICES.items():
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        _office, new = IssuingOffice.objects.get_or_create(
            region=region, defaults={"name": name, "number_prefix": prefix, "copy_to": copy_to}
        )
        created += new
    return created
