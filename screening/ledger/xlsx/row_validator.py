"""The rules of SPEC §3 within a row and across rows (required, required-if, product against
sector and unit, dates in order, duplicate codes), applied row by row (`RowValidator.validate`)
or to a run of rows column by column (`RowValidator.validate_batch`): each column's distinct
values are parsed once, each rule picks the rows it could concern over whole columns, and only
those rows are judged one by one, by the same code that words every error. The workbook around
the rows (headers, hints, known rows) is `validate`'s.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress, repeat
from operator import is_, itemgetter, ne

from screening.ledger.xlsx import template
from screening.ledger.xlsx.cleaning import (
    CellProblem,
    RawCell,
    cell_text,
    display_value,
    fold,
    normalise_header,
)
from screening.ledger.xlsx.parsers import Parser
from screening.ledger.xlsx.problems import CellError, cell_error, problem
from screening.ledger.xlsx.reference import (
    LedgerReference,
    Product,
    unit_lookup_key,
)
from screening.ledger.xlsx.template import COLUMNS, Column, RequiredIf
from screening.rules.types import ProjectInput, Sector

# ---------------------------------------------------------------------------- the rows


_CACHE_SIZE = 4096
_MISSING = object()
_new_object = object.__new__
_INPUT_SETTERS = tuple(getattr(ProjectInput, column.key).__set__ for column in COLUMNS)
_AT = {column.key: index for index, column in enumerate(COLUMNS)}  # key → template index
_PRODUCT, _SECTOR, _UNIT = _AT["product"], _AT["sector"], _AT["unit_energy_unit"]
_START, _OPERATION, _CODE = _AT["start_date"], _AT["operation_date"], _AT["project_code"]
_LIVELIHOOD = _AT["livelihood"]


@dataclass(frozen=True, slots=True)
class Plan:
    """One template column of this file: where its cells are and how they are parsed."""

    column: Column
    position: int  # index in the row's cell list
    sheet_column: int  # 1-based
    parse: Parser


# The conditional rules of SPEC §3: required columns (template indexes, and one itemgetter to
# tell at once whether any is blank), then required-if ones as (index, column, rule, triggers).
_REQUIRED = tuple(_AT[column.key] for column in COLUMNS if column.required)
_PICK_REQUIRED = itemgetter(*_REQUIRED)
_REQUIRED_IF = tuple(
    (
        _AT[column.key],
        column,
        column.required_if,
        tuple(_AT[key] for key in column.required_if_keys),
    )
    for column in COLUMNS
    if column.required_if and not column.required
)
_ALL_BLANK = (None,) * len(COLUMNS)
_ALL_BLANK_LIST = list(_ALL_BLANK)
TOTAL_LABELS = ("合计", "总计", "小计")  # a sum row below the projects: a hint (issue 15)


def _operation_before_start(start: object, operation: object) -> bool:
    """SPEC §3: 投产时间 earlier than 开工时间, both valid dates (the one place for the rule:
    the column-wise pick of suspect rows and the one-row check both ask it)."""
    return (
        start is not None
        and operation is not None
        and start.__class__ is not CellProblem
        and operation.__class__ is not CellProblem
        and operation < start
    )


@dataclass(slots=True)
class BatchOutcome:
    """What a run of rows gave, in row order: its count of data rows (blank rows left out),
    its valid rows as (sheet row, project), its invalid ones as (sheet row, errors in column
    order, the row's cells)."""

    data_rows: int
    valid: list[tuple[int, ProjectInput]] = field(default_factory=list)
    invalid: list[tuple[int, list[CellError], list[RawCell]]] = field(default_factory=list)


_consume = deque(maxlen=0).extend


def _projects(parsed: list[Sequence[object]]) -> list[ProjectInput]:
    """One ProjectInput per row of a run from its parsed columns, a field at a time (in C),
    exactly as `RowValidator._project` makes each: the product's key, a blank 民生 = 否.
    Rows with a problem get one too, left unused."""
    projects = list(map(_new_object, repeat(ProjectInput, len(parsed[0]))))
    for index, (setter, values) in enumerate(zip(_INPUT_SETTERS, parsed)):  # noqa: B905
        if index == _PRODUCT:
            values = [
                product.key if product.__class__ is Product else product for product in values
            ]
        elif index == _LIVELIHOOD and None in values:
            values = [False if value is None else value for value in values]
        _consume(map(setter, projects, values))
    return projects


class RowValidator:
    """Validates rows one by one; keeps the state that spans rows (duplicate codes).

    `plans` are the template's columns in order. A row's cells are picked in template order
    by one itemgetter; values are kept in a list in that order (ProjectInput's field order).
    Parsers are pure, so results for text and number cells are memoised per column (ledger
    columns repeat a lot: sectors, stages, regions, units, dates); a column whose first
    2 × _CACHE_SIZE rows fill its memo (mostly distinct values: names, codes) stops memoising.
    Bool cells are never memoised (True == 1.0 as dict keys).
    """

    def __init__(self, plans: list[Plan], reference: LedgerReference) -> None:
        if [plan.column for plan in plans] != list(COLUMNS):
            raise ValueError("one plan per template column, in template order")
        self.plans = plans
        self.parsers = tuple(plan.parse for plan in plans)
        self.memos: list[dict | None] = [{"": None} for _ in plans]
        # validate_batch's memos (raw → value; None once full: no more memo for that column)
        # and, for each, the raw cells it holds a CellProblem for, so a run whose cells are
        # all known to parse need not look for problems.
        self.batch_memos: list[dict | None] = [{"": None} for _ in plans]
        self.batch_problems: list[set] = [set() for _ in plans]
        self.positions = tuple(plan.position for plan in plans)
        self.pick = itemgetter(*self.positions)
        self.width = max(self.positions) + 1
        self.reference = reference
        self.first_row_of_code: dict[str, int] = {}
        self.sheet_columns = {plan.column.key: plan.sheet_column for plan in plans}
        self.unit_keys: dict[str, str] = {}
        self.rows_seen = 0

    def validate(
        self, row_number: int, cells: list[RawCell]
    ) -> tuple[bool, ProjectInput | None, list[CellError]]:
        """(blank?, the project or None, errors in column order) for one sheet row."""
        if len(cells) < self.width:
            cells = [*cells, *[""] * (self.width - len(cells))]
        self.rows_seen += 1
        if self.rows_seen == 2 * _CACHE_SIZE:
            self._stop_full_memos()
        values: list[object] = []
        append = values.append
        problems: list[tuple[int, CellProblem]] = []
        blank = True
        index = -1
        # The hot loop (36 cells × every row): kept inline on purpose.
        for raw, parse, memo in zip(self.pick(cells), self.parsers, self.memos):  # noqa: B905
            index += 1
            if raw == "":
                append(None)
                continue
            if memo is not None and (raw.__class__ is str or raw.__class__ is float):
                value = memo.get(raw, _MISSING)
                if value is _MISSING:
                    value = parse(raw)
                    if len(memo) < _CACHE_SIZE:
                        memo[raw] = value
            else:
                value = parse(raw)
            if value is not None:
                blank = False
                if value.__class__ is CellProblem:
                    problems.append((index, value))
            append(value)
        if blank:
            return True, None, []
        self._row_rules(row_number, values, cells, problems)
        if not problems:
            return False, self._project(values), []
        errors = [
            self._error(row_number, COLUMNS[index], cells[self.positions[index]], found)
            for index, found in problems
        ]
        errors.sort(key=lambda error: error.column_number)  # stable: keeps per-cell order
        return False, None, errors

    def validate_batch(self, batch: list[tuple[int, list[RawCell]]]) -> BatchOutcome:
        """`validate` for a run of rows, column by column: each column's distinct values are
        parsed once (memoised across runs up to _CACHE_SIZE) and mapped back in C, so the
        per-cell work is a dict lookup. The row rules are tested column by column too, each
        finding the rows it may concern (`_suspects`); the projects of the run are built a
        field at a time. Only rows holding a problem, or that a rule may concern, go through
        `validate`'s steps one by one (`_troubled_row`), which keep their errors, their order
        and their messages exactly as `validate` gives them."""
        if not batch:
            return BatchOutcome(0)
        width = self.width
        rows = [
            cells if len(cells) >= width else [*cells, *[""] * (width - len(cells))]
            for _, cells in batch
        ]
        numbers = [row_number for row_number, _ in batch]
        parsed: list[Sequence[object]] = []  # each column's values, in row order
        troubled: set[int] = set()  # batch indexes of rows to validate one by one
        count = len(rows)
        sheet_columns = list(zip(*rows))  # noqa: B905 (every row reaches `width`)
        for index, position in enumerate(self.positions):
            column_cells = sheet_columns[position]
            parse = self.parsers[index]
            memo = self.batch_memos[index]
            if memo is None:
                # A column of mostly distinct values (names, codes, amounts) whose memo filled
                # up: a memo does not pay. Every parser reads "" as None (blank), as a memo.
                values = list(map(parse, column_cells))
                distinct = None
            else:
                distinct = set(column_cells)
                if (True in distinct or False in distinct) and bool in set(map(type, column_cells)):
                    # Bools beside numbers (True == 1.0 as dict keys): no memo for this run.
                    values = list(map(parse, column_cells))
                    distinct = None
            if distinct is None:
                if CellProblem in set(map(type, values)):
                    troubled.update(
                        at for at, value in enumerate(values) if value.__class__ is CellProblem
                    )
            else:
                bad = self.batch_problems[index]
                new = distinct.difference(memo)
                if new:
                    if len(memo) + len(new) > _CACHE_SIZE:
                        self.batch_memos[index] = None  # from the next run on
                        memo = {"": None}
                        bad.clear()
                        new = distinct.difference(memo)
                    for raw in new:
                        value = memo[raw] = parse(raw)
                        if value.__class__ is CellProblem:
                            bad.add(raw)
                values = itemgetter(*column_cells)(memo) if count > 1 else [memo[column_cells[0]]]
                if bad and not bad.isdisjoint(distinct):
                    troubled.update(at for at, raw in enumerate(column_cells) if raw in bad)
            parsed.append(values)
        outcome = BatchOutcome(len(batch))
        self._suspects(parsed, rows, numbers, troubled)
        projects = _projects(parsed)
        valid = outcome.valid
        start = 0
        for at in sorted(troubled):
            if start < at:
                valid.extend(zip(numbers[start:at], projects[start:at], strict=True))
            start = at + 1
            self._troubled_row(numbers[at], [column[at] for column in parsed], rows[at], outcome)
        if start < len(numbers):
            valid.extend(zip(numbers[start:], projects[start:], strict=True))
        return outcome

    def _troubled_row(
        self, row_number: int, values: list[object], cells: list[RawCell], outcome: BatchOutcome
    ) -> None:
        """One row as `validate` takes it once its cells are parsed, into `outcome`."""
        if values == _ALL_BLANK_LIST:
            outcome.data_rows -= 1
            return
        problems = [
            (index, value) for index, value in enumerate(values) if value.__class__ is CellProblem
        ]
        self._row_rules(row_number, values, cells, problems)
        if not problems:
            outcome.valid.append((row_number, self._project(values)))
            return
        errors = [
            self._error(row_number, COLUMNS[index], cells[self.positions[index]], found)
            for index, found in problems
        ]
        errors.sort(key=lambda error: error.column_number)  # stable: keeps per-cell order
        outcome.invalid.append((row_number, errors, cells))

    def _suspects(
        self,
        parsed: list[Sequence[object]],
        rows: list[list[RawCell]],
        numbers: list[int],
        troubled: set[int],
    ) -> None:
        """Add to `troubled` every row of the run a rule of `_row_rules` may report (a
        superset: those rows are then judged one by one), and record the run's project codes
        for the duplicate rule, in row order, as `_row_rules` does."""
        count = len(numbers)
        indexes = range(count)
        for index in _REQUIRED:  # a blank row is blank here too: it is sorted out one by one
            column = parsed[index]
            if None in column:
                troubled.update(compress(indexes, map(is_, column, repeat(None))))
        for index, _column, required_if, triggers in _REQUIRED_IF:
            column = parsed[index]
            if None not in column:
                continue
            given = [parsed[at] for at in triggers]
            for at in compress(indexes, map(is_, column, repeat(None))):
                if required_if is RequiredIf.ALL_GIVEN:
                    if all(trigger[at] is not None for trigger in given):
                        troubled.add(at)
                elif any(_positive(trigger[at]) for trigger in given):
                    troubled.add(at)
        # Product against sector and unit, and the two dates: each distinct combination of
        # values (by identity: memoised values are shared) is tested once.
        products, sectors, units = parsed[_PRODUCT], parsed[_SECTOR], parsed[_UNIT]
        combinations = dict(
            zip(
                zip(map(id, products), map(id, sectors), map(id, units), strict=True),
                indexes,
                strict=True,
            )
        )
        for key, at in combinations.items():
            if self._product_suspect(products[at], sectors[at], units[at]):
                troubled.update(
                    other
                    for other, value in enumerate(
                        zip(map(id, products), map(id, sectors), map(id, units), strict=True)
                    )
                    if value == key
                )
        starts, operations = parsed[_START], parsed[_OPERATION]
        combinations = dict(
            zip(zip(map(id, starts), map(id, operations), strict=True), indexes, strict=True)
        )
        for key, at in combinations.items():
            if _operation_before_start(starts[at], operations[at]):
                troubled.update(
                    other
                    for other, value in enumerate(
                        zip(map(id, starts), map(id, operations), strict=True)
                    )
                    if value == key
                )
        # Duplicate codes: every code of the run is recorded now, in row order (the rows
        # judged one by one record theirs again: setdefault gives the same first row).
        codes = parsed[_CODE]
        setdefault = self.first_row_of_code.setdefault
        if set(map(type, codes)) == {str} and "" not in codes:
            firsts = list(map(setdefault, codes, numbers))
        else:
            firsts = []
            position = self.positions[_CODE]
            for at, code in enumerate(codes):
                if code is not None and code.__class__ is not str:
                    raw = rows[at][position]
                    code = fold(cell_text(raw, 10**9) or "") if isinstance(raw, str) else ""
                firsts.append(setdefault(code, numbers[at]) if code else numbers[at])
        if firsts != numbers:
            troubled.update(compress(indexes, map(ne, firsts, numbers)))

    def _product_suspect(self, product: object, sector: object, unit: object) -> bool:
        """Whether `_row_rules` reports the product against its sector or its unit."""
        if product.__class__ is not Product:
            return False
        if sector.__class__ is Sector and sector.value not in self.reference.family_sectors.get(
            product.family, ()
        ):
            return True
        return (
            unit.__class__ is str
            and product.unit is not None
            and self._unit_key(unit) != self._unit_key(product.unit)
        )

    def _stop_full_memos(self) -> None:
        for index, memo in enumerate(self.memos):
            if memo is not None and len(memo) >= _CACHE_SIZE:
                self.memos[index] = None

    @staticmethod
    def is_total_row(cells: list[RawCell]) -> bool:
        """A 合计/总计/小计 row: some text cell starts with the label (issue 15's hint)."""
        return any(
            raw.__class__ is str and normalise_header(raw).startswith(TOTAL_LABELS) for raw in cells
        )

    def raw_code(self, cells: list[RawCell]) -> RawCell:
        """The row's project-code cell as read."""
        return self._raw(cells, "project_code")

    def _raw(self, cells: list[RawCell], key: str) -> RawCell:
        position = self.positions[_AT[key]]
        return cells[position] if position < len(cells) else ""

    def _unit_key(self, unit: str) -> str:
        found = self.unit_keys.get(unit)
        if found is None:
            found = self.unit_keys[unit] = unit_lookup_key(unit)
        return found

    def _row_rules(
        self,
        row_number: int,
        values: list[object],
        cells: list[RawCell],
        problems: list[tuple[int, CellProblem]],
    ) -> None:
        """Required, required-if, cross-column and duplicate rules of SPEC §3."""
        if None in _PICK_REQUIRED(values):
            problems.extend(
                (index, problem("required")) for index in _REQUIRED if values[index] is None
            )
        for index, column, required_if, triggers in _REQUIRED_IF:
            if values[index] is not None:
                continue
            # Plain loops: generator expressions cost more than the one or two triggers.
            if required_if is RequiredIf.ALL_GIVEN:
                for at in triggers:
                    if values[at] is None:
                        break
                else:
                    problems.append(
                        (index, problem("required_if_given", triggers=_headers(column)))
                    )
            elif required_if is RequiredIf.ANY_POSITIVE:
                for at in triggers:
                    if _positive(values[at]):
                        problems.append(
                            (
                                index,
                                problem("required_if_positive", triggers=_headers(column, "或")),
                            )
                        )
                        break
        product, sector = values[_PRODUCT], values[_SECTOR]
        if product.__class__ is Product:
            if sector.__class__ is Sector and sector.value not in self.reference.family_sectors.get(
                product.family, ()
            ):
                sectors = self.reference.family_sectors.get(product.family, frozenset())
                problems.append(
                    (
                        _PRODUCT,
                        problem(
                            "product_sector",
                            product=product.key,
                            family=product.family,
                            sector=sector.value,
                            sectors="、".join(sorted(sectors)) or "—",
                        ),
                    )
                )
            # A unit given with a product must be its unit, even without 设计单位产品能耗.
            unit = values[_UNIT]
            if (
                unit.__class__ is str
                and product.unit is not None
                and self._unit_key(unit) != self._unit_key(product.unit)
            ):
                problems.append(
                    (_UNIT, problem("unit_mismatch", expected=product.unit, product=product.key))
                )
        start = values[_START]
        if _operation_before_start(start, values[_OPERATION]):
            problems.append(
                (_OPERATION, problem("operation_before_start", start=start.isoformat()))
            )
        # Duplicates are judged on the cleaned text, valid or not.
        code = values[_CODE]
        if code is not None and code.__class__ is not str:
            code_raw = self._raw(cells, "project_code")
            code = fold(cell_text(code_raw, 10**9) or "") if isinstance(code_raw, str) else ""
        if code:
            first = self.first_row_of_code.setdefault(code, row_number)
            if first != row_number:
                problems.append((_CODE, problem("project_code_duplicate", first_row=first)))

    @staticmethod
    def _project(values: list[object]) -> ProjectInput:
        product = values[_PRODUCT]
        if product is not None:
            values[_PRODUCT] = product.key
        if values[_LIVELIHOOD] is None:
            values[_LIVELIHOOD] = False  # blank = 否
        # Set through the slot descriptors: the same object as ProjectInput(*values) without
        # the frozen __init__'s per-field object.__setattr__ (the spool decoder does the same).
        project = _new_object(ProjectInput)
        for setter, value in zip(_INPUT_SETTERS, values):  # noqa: B905 (36 each)
            setter(project, value)
        return project

    def _error(
        self, row_number: int, column: Column, raw: RawCell, found: CellProblem
    ) -> CellError:
        return cell_error(
            row_number,
            column.header,
            column.label_en,
            display_value(raw),
            found,
            column_number=column.number,
            sheet_column=self.sheet_columns.get(column.key),
        )


def _positive(value: object) -> bool:
    return isinstance(value, Decimal) and value > 0


def _headers(column: Column, joiner: str = "、") -> str:
    return joiner.join(template.BY_KEY[key].header for key in column.required_if_keys)
