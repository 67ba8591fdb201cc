from __future__ import annotations

import datetime as dt

import pytest

from hub.csvsafe import csv_safe, csv_safe_row


@pytest.mark.parametrize("text", ["=1+1", "+44 1632", "-2", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_read_as_a_formula_gets_a_leading_apostrophe(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize(
    "value", ["Kent", "", "P-1A2B", "2025-03", "a=b", -2, 3.5, None, dt.date(2025, 3, 1)]
)
def test_other_text_and_values_that_are_not_text_are_left_as_they_are(value):
    assert csv_safe(value) == value


def test_a_row_is_made_safe_cell_by_cell():
    assert csv_safe_row(("=cmd", 4, "Kent")) == ["'=cmd", 4, "Kent"]
