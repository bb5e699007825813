"""The review workflow drawn as SVG: a box per state, a curved arrow per transition.

The geometry is plain and pure (`layout`): boxes sit where `POSITIONS` puts them and are wide
enough for the longest state name in the active language; each arrow bends away from the boxes
it would otherwise cross; each label goes to the first place along its arrow where it covers
no box and no other label. `workflow_svg` only writes the result out.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from screening.models import CaseState

# Where each state sits (column, row): presentation only. States and arrows come from the
# machine; a state missing here is drawn on an extra row.
POSITIONS: dict[str, tuple[float, float]] = {
    CaseState.RETURNED: (1, 0),
    CaseState.EVALUATION: (2, 0),
    CaseState.REJECTED: (3, 0),
    CaseState.DRAFT: (0, 1),
    CaseState.SUBMITTED: (1, 1),
    CaseState.PROVINCIAL_REVIEW: (2, 1),
    CaseState.APPROVED: (3, 1),
    CaseState.WITHDRAWN: (0, 2),
    CaseState.CLOSED: (1, 2),
    CaseState.RECTIFYING: (2, 2),
    CaseState.RECTIFICATION_SUBMITTED: (3, 2),
}
STATE_FONT, LABEL_FONT = 14.0, 11.0
MIN_BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 170.0, 46.0, 150.0, 120.0, 30.0
CLEARANCE = 6.0  # how far an arrow or a label keeps from a box it does not belong to

Rect = tuple[float, float, float, float]  # left, top, right, bottom


def text_width(text: str, size: float) -> float:
    """A generous estimate of a line's width: full-width characters one em, others 0.62 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.62 * size for ch in text)


def overlap(a: Rect, b: Rect) -> float:
    """The area two rectangles share (0 when they only touch)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def grow(rect: Rect, by: float) -> Rect:
    return rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by


@dataclass(frozen=True)
class Box:
    state: str
    label: str
    cx: float
    cy: float
    w: float
    h: float

    @property
    def rect(self) -> Rect:
        half_w, half_h = self.w / 2, self.h / 2
        return self.cx - half_w, self.cy - half_h, self.cx + half_w, self.cy + half_h

    def exit_towards(self, x: float, y: float) -> tuple[float, float]:
        """Where the line from the box's centre towards (x, y) leaves the box."""
        dx, dy = x - self.cx, y - self.cy
        if dx == 0 and dy == 0:
            return self.cx, self.cy
        scale = min(
            (self.w / 2) / abs(dx) if dx else math.inf, (self.h / 2) / abs(dy) if dy else math.inf
        )
        return self.cx + dx * scale, self.cy + dy * scale


@dataclass(frozen=True)
class Arrow:
    name: str
    source: str
    target: str
    start: tuple[float, float]
    control: tuple[float, float]
    end: tuple[float, float]
    label: str
    label_rect: Rect

    def point(self, t: float) -> tuple[float, float]:
        (x1, y1), (cx, cy), (x2, y2) = self.start, self.control, self.end
        u = 1 - t
        return u * u * x1 + 2 * u * t * cx + t * t * x2, u * u * y1 + 2 * u * t * cy + t * t * y2


@dataclass(frozen=True)
class Diagram:
    width: float
    height: float
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]


def _curve(start_box: Box, end_box: Box, bend: float):
    """Start, control and end of the arrow between two boxes bent `bend` pixels sideways."""
    sx, sy, tx, ty = start_box.cx, start_box.cy, end_box.cx, end_box.cy
    length = math.hypot(tx - sx, ty - sy) or 1.0
    nx, ny = -(ty - sy) / length, (tx - sx) / length
    mx, my = (sx + tx) / 2 + nx * bend, (sy + ty) / 2 + ny * bend
    return start_box.exit_towards(mx, my), (mx, my), end_box.exit_towards(mx, my)


def _samples(start, control, end, count: int = 40) -> list[tuple[float, float]]:
    arrow = Arrow("", "", "", start, control, end, "", (0, 0, 0, 0))
    return [arrow.point(i / count) for i in range(1, count)]


def _crosses(points: Iterable[tuple[float, float]], rects: Iterable[Rect]) -> int:
    rects = list(rects)
    return sum(1 for x, y in points for r in rects if r[0] < x < r[2] and r[1] < y < r[3])


def _place_label(arrow_points, text: str, taken: list[Rect], bounds: Rect) -> Rect:
    """The first spot along the arrow (middle first, then beside it, then further out) where
    the label covers nothing already drawn; else the spot covering least."""
    w, h = text_width(text, LABEL_FONT) + 6, LABEL_FONT + 5
    best, best_cost = None, math.inf
    count = len(arrow_points)
    for fraction in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74):
        x, y = arrow_points[min(count - 1, int(fraction * count))]
        for dx, dy in (
            (0, 0),
            (0, -h * 0.8),
            (0, h * 0.8),
            (-w * 0.55, 0),
            (w * 0.55, 0),
            (0, -h * 1.6),
            (0, h * 1.6),
        ):
            rect = (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
            cost = sum(overlap(rect, other) for other in taken)
            outside = (
                max(0, bounds[0] - rect[0])
                + max(0, rect[2] - bounds[2])
                + max(0, bounds[1] - rect[1])
                + max(0, rect[3] - bounds[3])
            )
            cost += outside * h
            if cost == 0:
                return rect
            if cost < best_cost:
                best, best_cost = rect, cost
    return best


def layout(states: list[tuple[str, str]], edges: list[tuple[str, str, str, str]]) -> Diagram:
    """Boxes for `states` ((value, label)) and arrows for `edges` ((name, source, target,
    label)), with every label placed clear of the boxes and of each other where possible."""
    widest = max(text_width(label, STATE_FONT) * 1.1 + 24 for _value, label in states)
    box_w = max(MIN_BOX_W, widest)
    positions = {value: POSITIONS[value] for value, _label in states if value in POSITIONS}
    rows = int(max((r for _c, r in positions.values()), default=-1)) + 1
    for index, (value, _label) in enumerate(s for s in states if s[0] not in positions):
        positions[value] = (index % 4, rows + index // 4)
    boxes = {
        value: Box(
            value,
            label,
            MARGIN + c * (box_w + GAP_X) + box_w / 2,
            MARGIN + r * (BOX_H + GAP_Y) + BOX_H / 2,
            box_w,
            BOX_H,
        )
        for value, label in states
        for c, r in [positions[value]]
    }
    width = max(b.rect[2] for b in boxes.values()) + MARGIN
    height = max(b.rect[3] for b in boxes.values()) + MARGIN
    bounds = (0.0, 0.0, width, height)

    taken = [grow(b.rect, CLEARANCE / 2) for b in boxes.values()]
    pair_count: dict[frozenset, int] = {}
    arrows = []
    for name, source, target, label in edges:
        start_box, end_box = boxes[source], boxes[target]
        others = [grow(b.rect, CLEARANCE) for v, b in boxes.items() if v not in (source, target)]
        k = pair_count.get(frozenset((source, target)), 0)
        pair_count[frozenset((source, target))] = k + 1
        # Arrows between the same two boxes bend further each time (so they do not overlap);
        # an arrow that would cross another box bends further, to whichever side is clear.
        first = 18.0 + 26.0 * k
        chosen = None
        for bend in (
            first,
            first + 40,
            -first - 40,
            first + 80,
            -first - 80,
            first + 130,
            -first - 130,
        ):
            curve = _curve(start_box, end_box, bend)
            hits = _crosses(_samples(*curve), others)
            if chosen is None or hits < chosen[0]:
                chosen = (hits, curve)
            if hits == 0:
                break
        start, control, end = chosen[1]
        rect = _place_label(_samples(start, control, end), label, taken, bounds)
        taken.append(rect)
        arrows.append(Arrow(name, source, target, start, control, end, label, rect))
    return Diagram(width, height, tuple(boxes.values()), tuple(arrows))


def workflow_svg(meta: dict[str, dict]) -> SafeString:
    """The state machine (transition metadata by name, as the case views build it) as SVG."""
    diagram = layout(
        [(s.value, str(s.label)) for s in CaseState],
        [
            (entry["name"], source, target, str(entry["label"]))
            for entry in meta.values()
            for source, target in entry["edges"]
        ],
    )
    boxes = format_html_join(
        "",
        '<g class="state {}"><rect x="{}" y="{}" width="{}" height="{}" rx="8"/>'
        '<text x="{}" y="{}">{}</text></g>',
        (
            (
                b.state,
                f"{b.rect[0]:.0f}",
                f"{b.rect[1]:.0f}",
                f"{b.w:.0f}",
                f"{b.h:.0f}",
                f"{b.cx:.0f}",
                f"{b.cy + 5:.0f}",
                b.label,
            )
            for b in diagram.boxes
        ),
    )
    paths = format_html_join(
        "",
        '<path class="edge {}" d="M{} {} Q{} {} {} {}" marker-end="url(#arrow)"/>',
        (
            (a.name, *(f"{v:.0f}" for point in (a.start, a.control, a.end) for v in point))
            for a in diagram.arrows
        ),
    )
    texts = format_html_join(
        "",
        '<text class="edge-label" x="{}" y="{}">{}</text>',
        (
            (
                f"{(a.label_rect[0] + a.label_rect[2]) / 2:.0f}",
                f"{a.label_rect[3] - 4.5:.0f}",
                a.label,
            )
            for a in diagram.arrows
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" class="workflow">'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker>'
        "</defs>{}{}{}</svg>",
        f"{diagram.width:.0f}",
        f"{diagram.height:.0f}",
        _("Review workflow"),
        paths,
        boxes,
        texts,
    )
