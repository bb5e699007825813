"""Upload limits of a workbook (SPEC §9), all configurable."""

from __future__ import annotations

from dataclasses import dataclass, field

MB = 1_000_000
CHUNK = 1 << 20
XML_CHECK_IN_CHILD_FROM = 8 * MB
NARROW = 100  # a reference the wide-ref pattern does not match is within column CV


@dataclass(frozen=True)
class Limits:
    """Upload limits, all configurable (SPEC §9; MB = 1,000,000 bytes)."""

    max_file_bytes: int = 50 * MB
    max_members: int = 1_000
    max_total_uncompressed_bytes: int = 500 * MB
    max_member_ratio: float = 100.0
    max_data_rows: int = 200_000  # non-blank rows below the header
    max_header_columns: int = 100  # the last non-blank header cell must be within these
    # Used area (last used row × widest column) the reader may allocate; by default what the
    # two limits above allow: (max_data_rows + 1) × max(max_header_columns, 100).
    max_sheet_cells: int | None = None
    # Not a limit: parts whose declared size is at least this many bytes are checked for
    # well-formedness in a child process, on another core (wellformed.py); negative: none.
    # It changes no verdict, so it is left out of the repr (the identical-file key) and of
    # comparisons.
    xml_check_in_child_from: int = field(default=XML_CHECK_IN_CHILD_FROM, repr=False, compare=False)

    @property
    def sheet_cells(self) -> int:
        if self.max_sheet_cells is not None:
            return self.max_sheet_cells
        return (self.max_data_rows + 1) * max(self.max_header_columns, NARROW)
