"""Cells of every Excel export: text a user typed is written as text, never as a formula that runs."""

from __future__ import annotations

import re
from typing import Any

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number typed as text ("-5", "+2,5%") cannot run anything: it is left as the user wrote it.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def safe_cell(value: Any) -> Any:
    """`value` as an export cell: text that starts like a formula gets a leading apostrophe, so Excel
    and openpyxl keep it as a literal string; numbers, dates and empty values are returned untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: list[Any]) -> list[Any]:
    """A row for `Worksheet.append`, every cell through `safe_cell`."""
    return [safe_cell(value) for value in values]
