"""Tables of text: ragged spreadsheet rows and record numbers."""

from __future__ import annotations

from diversion.ingest.tabular import RECORD, overlong_rows, rows_to_arrow


def test_rows_with_a_value_past_the_header_are_found() -> None:
    rows = [["a", "b"], ["a", "b", ""], ["a", "b", "note"], ["a"]]
    assert overlong_rows(["x", "y"], rows) == {2}


def test_rows_keep_the_numbers_given_and_short_rows_are_padded() -> None:
    table = rows_to_arrow(["x", "y"], [["1", "2"], ["3"]], [1, 3])
    assert table.to_pylist() == [{"x": "1", "y": "2", RECORD: 1}, {"x": "3", "y": "", RECORD: 3}]
