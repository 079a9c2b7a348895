"""Property tests: parsers and normalisers fed arbitrary text never crash, and agree with their definitions."""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import ibis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diversion.ingest.encoding import detect_bytes_encoding
from diversion.ingest.run import ingest
from diversion.ingest.stage import parse_date, parse_number
from diversion.ingest.tabular import sniff_csv
from diversion.store import open_workspace
from tests.factory import csv_text, decl

ENCODINGS = {"utf-8", "utf-8-sig", "utf-16", "utf-8-mixed", "cp1251"}


@given(st.binary(max_size=400))
def test_encoding_detection_never_fails_and_decodes(data: bytes) -> None:
    encoding = detect_bytes_encoding(data)
    assert encoding in ENCODINGS
    if encoding != "utf-16":
        data.decode(encoding, errors="strict" if encoding == "utf-8-mixed" else "replace")


@given(st.text(max_size=300))
def test_csv_sniffing_never_fails(text: str) -> None:
    layout = sniff_csv(text)
    assert layout is None or layout.delimiter in ",;\t|"


def reference_number(text: str) -> float | None:
    """What parse_number promises, written plainly."""
    value = text.strip()
    if value.lower() in {
        "",
        "-",
        "--",
        "—",
        "–",
        "..",
        "...",
        "na",
        "n/a",
        "nan",
        "null",
        "none",
        "x",
        ":",
        "-0-",
    }:
        return None
    plain = r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?"
    if not re.fullmatch(plain, value):
        value = re.sub("[ \u00a0\u202f']", "", value)
        if re.fullmatch(r"-?[0-9]+,[0-9]+", value):
            value = value.replace(",", ".")
        elif re.fullmatch(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?", value):
            value = value.replace(",", "")
        if not re.fullmatch(plain, value):
            return None
    number = float(value)
    return number if math.isfinite(number) else None  # "1E309" is no number


numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(str),
    st.integers(-(10**9), 10**9).map(lambda n: f"{n:,}".replace(",", " ")),
    st.from_regex(r"\A-?[0-9]{1,4},[0-9]{1,3}\Z"),
    st.from_regex(r"\A[0-9]{1,3}(,[0-9]{3}){1,2}\.[0-9]{2}\Z"),
    st.sampled_from(["-", "n/a", "..", "abc", "1e5", "12,5", "1 234,5", "", "1E309", "-1e400"]),
    st.text(alphabet="0123456789., -eE", max_size=8),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(numbers, min_size=1, max_size=30))
def test_engine_numbers_follow_the_definition(raws: list[str]) -> None:
    table = ibis.memtable({"raw": raws})
    got = table.select(n=parse_number(table.raw)).to_pyarrow().column("n").to_pylist()
    for raw, value in zip(raws, got, strict=True):
        expected = reference_number(raw)
        assert (value is None) == (expected is None), raw
        if expected is not None and value is not None:
            assert abs(value - expected) <= 1e-9 * max(1.0, abs(expected)), raw


dates = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)).map(lambda d: d.isoformat()),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)).map(lambda d: d.strftime("%d.%m.%Y")),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
    st.text(alphabet="0123456789-./T:", max_size=12),
)


def reference_date(text: str) -> date | None:
    value = text.strip()
    match = re.fullmatch(r"([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4})", value)
    if match:
        value = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"
    elif re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T", value):
        value = value[:10]
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(dates, min_size=1, max_size=30))
def test_engine_dates_follow_the_definition(raws: list[str]) -> None:
    table = ibis.memtable({"raw": raws})
    got = table.select(d=parse_date(table.raw)).to_pyarrow().column("d").to_pylist()
    assert got == [reference_date(raw) for raw in raws]


cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.fixed_dictionaries({"quantity": cells, "origin_country": cells, "hs_code": cells, "date": cells}),
        max_size=6,
    )
)
def test_any_declarations_rows_reconcile(tmp_path: Path, rows: list[dict[str, str]]) -> None:
    path = tmp_path / "arbitrary.csv"
    path.write_text(
        csv_text([decl(declaration_id=f"D{i}", **row) for i, row in enumerate(rows)]), encoding="utf-8"
    )
    db = tmp_path / "work.duckdb"
    db.unlink(missing_ok=True)
    with open_workspace(db) as ws:
        report = ingest(ws, [path]).inputs[0]
        if report.error is None:
            assert report.rows_read == len(rows) == report.rows_accepted + report.rows_quarantined
            assert ws.count("declarations") == report.rows_accepted
            assert ws.count("quarantine") == report.rows_quarantined
