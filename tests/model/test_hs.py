"""HS codes as text: the Python and engine normalisers agree, and mangled codes come back."""

from __future__ import annotations

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diversion.model.hs import TOTAL, hs6, normalize_hs, normalize_hs_expr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("8542.31", "854231"),
        ("8542 31", "854231"),
        ("8542310000.0", "8542310000"),
        ("854231", "854231"),
        ("10121", "010121"),  # a spreadsheet dropped the leading zero of 010121
        ("'0101210000", "0101210000"),
        ("8703", "8703"),
        ("9702.00", "970200"),
        ("TOTAL", TOTAL),
        ("Всего", TOTAL),
        ("88 06 22", "880622"),
        ("abc", None),
        ("", None),
        ("00123456", None),  # chapter 00 does not exist
        ("12345678901", None),
    ],
)
def test_normalize_hs(raw: str, expected: str | None) -> None:
    assert normalize_hs(raw) == expected


def test_hs6_keeps_headings_and_cuts_national_codes() -> None:
    assert hs6("8542310000") == "854231"
    assert hs6("8703") == "8703"
    assert hs6(TOTAL) == TOTAL


codes = st.one_of(
    st.text(max_size=14),
    st.from_regex(r"\A[0-9]{1,10}(\.0)?\Z"),
    st.from_regex(r"\A[0-9]{4}[. ][0-9]{2}\Z"),
)


@given(codes)
def test_normalized_codes_are_even_digit_strings(raw: str) -> None:
    code = normalize_hs(raw)
    assert code is None or code == TOTAL or (code.isdigit() and len(code) in (2, 4, 6, 8, 10))


@settings(max_examples=30, deadline=None)
@given(st.lists(codes, min_size=1, max_size=40))
def test_engine_agrees_with_python(raws: list[str]) -> None:
    table = ibis.memtable({"raw": raws})
    got = table.select(code=normalize_hs_expr(table.raw)).to_pyarrow().column("code").to_pylist()
    assert got == [normalize_hs(raw) for raw in raws]
