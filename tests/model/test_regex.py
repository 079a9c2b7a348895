"""Engine-neutral rewriting: the same result as Python's re.sub, without engine-specific back-references."""

from __future__ import annotations

import re
from pathlib import Path

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diversion.model.regex import BLANKS, has_text, strip, substitute
from diversion.store import open_workspace

CASES = (
    (r"^([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4})$", r"\3-\2-\1"),
    (r"^([0-9]{4})-([0-9])-(.*)$", r"\1-0\2-\3"),
    (r"^([^,]+), (.+)$", r"\2 \1"),
    (r"^([0-9]{5,})\.0+$", r"\1"),
)
CON = ibis.duckdb.connect()


def _engine(texts: list[str], pattern: str, template: str) -> list[str]:
    table = ibis.memtable({"text": texts})
    return list(CON.execute(table.select(out=substitute(table.text, pattern, template))).out)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="0123456789./-, abZ", max_size=14), min_size=1, max_size=20))
def test_substitute_agrees_with_python(texts: list[str]) -> None:
    for pattern, template in CASES:
        assert _engine(texts, pattern, template) == [re.sub(pattern, template, t, count=1) for t in texts]


def test_known_rewrites() -> None:
    assert _engine(["15.03.2022", "2022-3-05", "PETROV, Ivan"], CASES[0][0], CASES[0][1])[0] == "2022-03-15"
    assert _engine(["PETROV, Ivan"], *CASES[2]) == ["Ivan PETROV"]
    assert _engine(["8542310000.0"], *CASES[3]) == ["8542310000"]


def test_an_unanchored_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="anchored"):
        substitute(ibis.literal("x"), "a(b)", r"\1")


STRIPPED = ["family", " Kyiv\t", "\n fvf \r", "", "  ", "ф ", "vif"]


def _stripped(con: object, texts: list[str]) -> tuple[list[str], list[bool]]:
    table = ibis.memtable({"text": texts})
    out = con.execute(table.select(out=strip(table.text), any=has_text(table.text)))  # type: ignore[attr-defined]
    return list(out.out), [bool(x) for x in out["any"]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=" \t\n\rfvaб\u00a0", max_size=8), min_size=1, max_size=20))
def test_strip_removes_blanks_at_both_ends_and_nothing_else(texts: list[str]) -> None:
    out, present = _stripped(CON, texts)
    assert out == [t.strip(BLANKS) for t in texts]
    assert present == [bool(t.strip(BLANKS)) for t in texts]


@pytest.mark.spark
def test_strip_keeps_the_letters_f_and_v_on_spark(tmp_path: Path) -> None:
    """Ibis' own strip() compiles for Spark into a TRIM that also removes the letters f and v."""
    pytest.importorskip("pyspark")
    ws = open_workspace(tmp_path / "w.duckdb", "spark")
    out, present = _stripped(ws.con, STRIPPED)
    assert out == ["family", "Kyiv", "fvf", "", "", "ф", "vif"]
    assert present == [True, True, True, False, False, True, True]
