"""What a briefing says and in what order (issue 16): the headline, the detail by weight, and
where a long tail of routine items is cut. The e-mail digest and the monthly report's headline
are both built from it.

Pure: plain data in, plain data out, no database. The callers gather the facts (counts, region
names, items with their links); this module decides which lines the headline has, which
sections a role reads, their order, and what may be cut. Texts go through Django's translation
machinery (English msgids, the zh-hans catalogue).

Weight: regional escalations (区域节能评估限批 and 提醒), overdue cases and red project energy
warnings are never cut; the rest is routine and shares one limit, after which a single line
says how many more there are, with a link to the full lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from screening.rules.types import Tier

# --- Sections, in the order a reader weighs them ----------------------------------------------


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: object  # a lazy translation
    critical: bool  # never cut


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("escalations", gettext_lazy("Regional restrictions and reminders"), True),
    SectionSpec("overdue", gettext_lazy("Overdue cases"), True),
    SectionSpec("energy_red", gettext_lazy("Projects over their approved energy (red)"), True),
    SectionSpec("queue", gettext_lazy("Cases waiting for you"), False),
    SectionSpec("uploads", gettext_lazy("Your uploads with errors"), False),
    SectionSpec("non_compliant", gettext_lazy("New non-compliant projects"), False),
    SectionSpec("tiers", gettext_lazy("Barometer tiers that moved"), False),
    SectionSpec(
        "energy_yellow", gettext_lazy("Projects near their approved energy (yellow)"), False
    ),
    SectionSpec("diagnoses", gettext_lazy("Energy diagnoses due"), False),
)
SECTION_BY_KEY = {spec.key: spec for spec in SECTIONS}

_EVERYONE = {"escalations", "overdue", "energy_red", "non_compliant", "energy_yellow", "diagnoses"}
# What each role reads (issue 16): an agency its uploads, its cases and its projects' warnings;
# a city reviewer its queue and its region's tiers; the province its queue and every tier;
# an observer what the province reads, without a queue (read-only).
ROLE_SECTIONS: dict[str, frozenset[str]] = {
    "agency": frozenset(_EVERYONE | {"queue", "uploads"}),
    "city_reviewer": frozenset(_EVERYONE | {"queue", "tiers"}),
    "provincial_reviewer": frozenset(_EVERYONE | {"queue", "tiers"}),
    "observer": frozenset(_EVERYONE | {"tiers"}),
    "admin": frozenset(_EVERYONE | {"tiers"}),
}


def sections_for(role: str) -> frozenset[str]:
    """The sections a role reads (an unknown role reads what an observer does)."""
    return ROLE_SECTIONS.get(role, ROLE_SECTIONS["observer"])


# --- Detail entries and their composition -----------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of the detail: what it is about, where to open it."""

    section: str
    region: str  # the region it is grouped under
    title: str
    detail: str
    url: str
    order: tuple = ()  # within its region: earlier first


@dataclass
class RegionGroup:
    region: str
    items: list[Entry] = field(default_factory=list)


@dataclass
class BriefSection:
    key: str
    title: str
    critical: bool
    groups: list[RegionGroup]
    total: int  # items of this section, shown or not

    @property
    def shown(self) -> int:
        return sum(len(group.items) for group in self.groups)

    @property
    def heading(self) -> str:
        """The title with the section's count: "超期案件（4）"."""
        return aside(self.title, number(self.total))


@dataclass
class Detail:
    sections: list[BriefSection]  # the sections with at least one line shown
    tail: int = 0  # routine items left out
    left_out: list[tuple[str, int]] = field(default_factory=list)  # (section title, items)
    total: int = 0  # items in all, shown or not

    @property
    def tail_summary(self) -> str:
        """What the routine tail holds, section by section: "Energy diagnoses due 40, …"."""
        return separator("names").join(f"{title} {number(count)}" for title, count in self.left_out)


def compose(entries: Iterable[Entry], role: str, routine_limit: int) -> Detail:
    """The detail of a briefing: the role's sections in order of weight, each grouped by
    region (regions in the order of their first entry), critical sections whole, routine ones
    sharing `routine_limit` lines in that order; what is left out is counted per section."""
    wanted = sections_for(role)
    by_section: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.section in wanted:
            by_section.setdefault(entry.section, []).append(entry)
    detail = Detail([])
    routine_left = max(routine_limit, 0)
    for spec in SECTIONS:
        found = by_section.get(spec.key)
        if not found:
            continue
        detail.total += len(found)
        ordered = _grouped(found)
        if spec.critical:
            kept = ordered
        else:
            kept = ordered[:routine_left]
            routine_left -= len(kept)
            if len(ordered) > len(kept):
                detail.tail += len(ordered) - len(kept)
                detail.left_out.append((str(spec.title), len(ordered) - len(kept)))
        if not kept:
            continue
        groups: list[RegionGroup] = []
        for entry in kept:
            if not groups or groups[-1].region != entry.region:
                groups.append(RegionGroup(entry.region))
            groups[-1].items.append(entry)
        detail.sections.append(
            BriefSection(spec.key, str(spec.title), spec.critical, groups, len(found))
        )
    return detail


def _grouped(entries: list[Entry]) -> list[Entry]:
    """Entries of one section, region by region (first appearance), each region's in order."""
    first: dict[str, int] = {}
    for index, entry in enumerate(entries):
        first.setdefault(entry.region, index)
    return sorted(entries, key=lambda e: (first[e.region], e.order))


# --- Barometer months: one line per region, only when the tier moved ---------------------------


@dataclass(frozen=True)
class PublishedMonth:
    """A barometer month of one region published in the period, with the tier of the region's
    published month before it (None: the region's first published month)."""

    region: str
    url: str
    year: int
    month: int
    tier: str  # "" = no tier
    previous_tier: str | None


@dataclass(frozen=True)
class TierMove:
    region: str
    url: str
    first_month: str  # YYYY-MM, the earliest month published in the period
    last_month: str  # YYYY-MM, the latest
    tier: str
    before: str | None  # None: first publication


def tier_moves(months: Iterable[PublishedMonth]) -> list[TierMove]:
    """Collapse the months published in a period to one line per region: the latest month's
    tier against the tier before the earliest one. Nothing when the tier ends where it
    started; a first publication only when it warns (red or yellow): "green, before: none" is
    not news."""
    by_region: dict[str, list[PublishedMonth]] = {}
    for month in months:
        by_region.setdefault(month.region, []).append(month)
    moves = []
    for region, rows in by_region.items():
        rows.sort(key=lambda m: (m.year, m.month))
        first, last = rows[0], rows[-1]
        before = first.previous_tier
        if before == last.tier or (before is None and last.tier not in (Tier.RED, Tier.YELLOW)):
            continue
        moves.append(
            TierMove(
                region,
                last.url,
                f"{first.year}-{first.month:02d}",
                f"{last.year}-{last.month:02d}",
                last.tier,
                before,
            )
        )
    return moves


# --- The headline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """The figures a headline is made of. `waiting` is None for a role without a queue."""

    restrictions_new: tuple[str, ...] = ()  # region names
    restrictions_in_force: tuple[str, ...] = ()
    reminders_new: tuple[str, ...] = ()
    reminders_in_force: tuple[str, ...] = ()
    non_compliant_new: int = 0
    dispositions: tuple[tuple[str, int], ...] = ()  # (label, count), most severe first
    waiting: int | None = None
    waiting_overdue: int = 0
    overdue: int | None = 0  # None: not known (last month's, when no report kept it)
    overdue_max_days: int = 0
    energy_red: int = 0
    energy_yellow: int = 0


@dataclass(frozen=True)
class HeadlineLine:
    key: str
    text: str
    url: str
    subject: str  # the short form for the subject line
    critical: bool


# Punctuation between the parts of a line, by the language being written.
_SEPARATORS = {"names": (", ", "、"), "figures": (", ", "，"), "clauses": ("; ", "；")}


def separator(kind: str) -> str:
    """ ", " or "、" between names, ", " or "，" between figures, "; " or "；" between clauses."""
    english, chinese = _SEPARATORS[kind]
    return chinese if (translation.get_language() or "").startswith("zh") else english


def number(value: int) -> str:
    """A count as the pages show it: thousands separated."""
    return f"{value:,}"


def names(regions: Sequence[str], at_most: int = 6) -> str:
    """Region names for a line: all of a few, else the first ones and how many more."""
    joiner = separator("names")
    if len(regions) <= at_most:
        return joiner.join(regions)
    rest = len(regions) - at_most
    return joiner.join(regions[:at_most]) + ngettext(
        " and %(count)s more", " and %(count)s more", rest
    ) % {"count": number(rest)}


def change(current: int, previous: int | None) -> str:
    """较上月: the change from last month, "" when last month is not known."""
    if previous is None:
        return ""
    delta = current - previous
    if delta == 0:
        return _("unchanged on last month")
    sign = "+" if delta > 0 else "−"
    return _("%(change)s on last month") % {"change": f"{sign}{number(abs(delta))}"}


def aside(text: str, inner: str) -> str:
    """`text (inner)`, with the parentheses of the language being written."""
    return _("%(text)s (%(aside)s)") % {"text": text, "aside": inner}


def _with_change(text: str, current: int, previous: int | None) -> str:
    moved = change(current, previous)
    return aside(text, moved) if moved else text


def _escalation_line(
    key: str,
    label: str,
    new: Sequence[str],
    in_force: Sequence[str],
    previous: int | None,
    url: str,
) -> HeadlineLine | None:
    if not new and not in_force:
        return None
    parts = []
    if new:
        parts.append(
            ngettext(
                "%(count)s region new this period (%(names)s)",
                "%(count)s regions new this period (%(names)s)",
                len(new),
            )
            % {"count": number(len(new)), "names": names(new)}
        )
    if in_force and set(in_force) != set(new):  # all of them new: "new" says it
        parts.append(
            ngettext(
                "%(count)s region in force (%(names)s)",
                "%(count)s regions in force (%(names)s)",
                len(in_force),
            )
            % {"count": number(len(in_force)), "names": names(in_force)}
        )
    text = _with_change(
        _("%(label)s: %(figures)s") % {"label": label, "figures": separator("clauses").join(parts)},
        len(in_force),
        previous,
    )
    if key == "restrictions":
        subject = (
            ngettext(
                "%(count)s region newly under restriction",
                "%(count)s regions newly under restriction",
                len(new),
            )
            if new
            else ngettext(
                "%(count)s region under restriction",
                "%(count)s regions under restriction",
                len(in_force),
            )
        )
    else:
        subject = (
            ngettext(
                "%(count)s region newly reminded", "%(count)s regions newly reminded", len(new)
            )
            if new
            else ""
        )
    count = len(new) if new else len(in_force)
    return HeadlineLine(
        key, text, url, subject % {"count": number(count)} if subject else "", bool(new)
    )


def headline(
    facts: Facts, links: dict[str, str], previous: Facts | None = None
) -> list[HeadlineLine]:
    """The headline's lines in the issue's order: restrictions, reminders, new non-compliant
    projects, cases waiting and overdue, project energy. Zero lines are left out; `previous`
    (last month's facts) adds the change from last month to each figure."""
    lines: list[HeadlineLine | None] = [
        _escalation_line(
            "restrictions",
            _("Regional energy-assessment restriction (限批)"),
            facts.restrictions_new,
            facts.restrictions_in_force,
            len(previous.restrictions_in_force) if previous else None,
            links.get("restrictions", ""),
        ),
        _escalation_line(
            "reminders",
            _("Reminders (提醒)"),
            facts.reminders_new,
            facts.reminders_in_force,
            len(previous.reminders_in_force) if previous else None,
            links.get("reminders", ""),
        ),
    ]
    if facts.non_compliant_new:
        short = ngettext(
            "%(count)s new non-compliant project",
            "%(count)s new non-compliant projects",
            facts.non_compliant_new,
        ) % {"count": number(facts.non_compliant_new)}
        text = short
        if facts.dispositions:
            text = aside(
                text,
                separator("names").join(
                    f"{label} {number(count)}" for label, count in facts.dispositions
                ),
            )
        lines.append(
            HeadlineLine(
                "non_compliant",
                _with_change(
                    text, facts.non_compliant_new, previous.non_compliant_new if previous else None
                ),
                links.get("non_compliant", ""),
                short,
                False,
            )
        )
    if facts.waiting:
        text = ngettext(
            "%(count)s case waiting for you", "%(count)s cases waiting for you", facts.waiting
        ) % {"count": number(facts.waiting)}
        if facts.waiting_overdue:
            text = aside(
                text, _("%(count)s of them overdue") % {"count": number(facts.waiting_overdue)}
            )
        lines.append(
            HeadlineLine(
                "waiting",
                text,
                links.get("waiting", ""),
                ngettext("%(count)s case waiting", "%(count)s cases waiting", facts.waiting)
                % {"count": number(facts.waiting)},
                False,
            )
        )
    if facts.overdue:
        short = ngettext("%(count)s case overdue", "%(count)s cases overdue", facts.overdue) % {
            "count": number(facts.overdue)
        }
        text = short + (
            ngettext(
                ", up to %(days)s working day",
                ", up to %(days)s working days",
                facts.overdue_max_days,
            )
            % {"days": number(facts.overdue_max_days)}
            if facts.overdue_max_days
            else _(", less than a working day")
        )
        lines.append(
            HeadlineLine(
                "overdue",
                _with_change(text, facts.overdue, previous.overdue if previous else None),
                links.get("overdue", ""),
                short,
                True,
            )
        )
    if facts.energy_red or facts.energy_yellow:
        text = _("Projects over their approved energy: %(red)s red, %(yellow)s yellow") % {
            "red": number(facts.energy_red),
            "yellow": number(facts.energy_yellow),
        }
        if previous is not None:
            text = _(
                "Projects over their approved energy: %(red)s red (%(red_change)s), "
                "%(yellow)s yellow (%(yellow_change)s)"
            ) % {
                "red": number(facts.energy_red),
                "yellow": number(facts.energy_yellow),
                "red_change": change(facts.energy_red, previous.energy_red),
                "yellow_change": change(facts.energy_yellow, previous.energy_yellow),
            }
        short = (
            ngettext(
                "%(count)s project in red energy warning",
                "%(count)s projects in red energy warning",
                facts.energy_red,
            )
            % {"count": number(facts.energy_red)}
            if facts.energy_red
            else ngettext(
                "%(count)s project in yellow energy warning",
                "%(count)s projects in yellow energy warning",
                facts.energy_yellow,
            )
            % {"count": number(facts.energy_yellow)}
        )
        lines.append(
            HeadlineLine("energy", text, links.get("energy", ""), short, bool(facts.energy_red))
        )
    return [line for line in lines if line is not None]


# The subject names the heaviest news first.
SUBJECT_ORDER = ("restrictions", "reminders", "overdue", "energy", "non_compliant", "waiting")


def subject(scope: str, lines: Sequence[HeadlineLine], fallback: str, at_most: int = 3) -> str:
    """The subject line: the scope, then the headline's heaviest short forms ("郑州市：2个案件
    超期，1个项目用能红色预警"); `fallback` when the headline has nothing to say."""
    ranked = sorted(
        (line for line in lines if line.subject),
        key=lambda line: (not line.critical, SUBJECT_ORDER.index(line.key)),
    )
    fragments = [line.subject for line in ranked[:at_most]]
    text = separator("figures").join(fragments) if fragments else fallback
    return _("%(scope)s: %(headline)s") % {"scope": scope, "headline": text}
