"""Countries from codes and names in several languages; aggregates flagged; unknowns not guessed."""

from __future__ import annotations

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diversion.model.countries import Country, fold, fold_expr, normalize_country


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("KZ", "KZ"),
        ("kaz", "KZ"),
        ("398", "KZ"),
        ("Kyrgyz Republic", "KG"),
        ("Киргизия", "KG"),
        ("Российская Федерация", "RU"),
        ("Russian Federation (Russia)", "RU"),
        ("Korea, Rep.", "KR"),
        ("Корея, Республика", "KR"),
        ("EL", "GR"),
        ("251", "FR"),  # Comtrade's France
        ("  united   states ", "US"),
    ],
)
def test_countries(raw: str, code: str) -> None:
    assert normalize_country(raw) == Country(code, True)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("World", "world"),
        ("0", "world"),
        ("Всего", "world"),
        ("EU27_2020", "eu27"),
        ("490", "other_asia_nes"),
    ],
)
def test_aggregates_are_not_countries(raw: str, code: str) -> None:
    assert normalize_country(raw) == Country(code, False)


@pytest.mark.parametrize("raw", ["Narnia", "", "XX", "Sky Chariot"])
def test_unknown_is_none(raw: str) -> None:
    assert normalize_country(raw) is None


@given(st.text(max_size=30))
def test_fold_is_idempotent(raw: str) -> None:
    assert fold(fold(raw)) == fold(raw)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("abcXYZ ёЁйқӘ-,.()'’ 12"), max_size=20), min_size=1, max_size=30
    )
)
def test_engine_fold_agrees_with_python(raws: list[str]) -> None:
    table = ibis.memtable({"raw": raws})
    got = table.select(key=fold_expr(table.raw)).to_pyarrow().column("key").to_pylist()
    assert got == [fold(raw) for raw in raws]
