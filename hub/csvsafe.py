"""Cells for the hub's CSV and XLSX downloads that a spreadsheet program shows as text.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some programs skip before looking) is read by Excel, LibreOffice and
Google Sheets as a formula, so a name typed into the hub could run as one on the
computer of whoever opens the download. Such text is given a leading apostrophe, the
spreadsheet convention for "this is text"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """`value`, with a leading apostrophe if it is text a spreadsheet would read as a
    formula; anything that is not text (numbers, dates, None) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_safe_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of `row` through `csv_safe`."""
    return [csv_safe(value) for value in row]
