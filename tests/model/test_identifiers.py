"""Identifiers cleaned and checked by their schemes' check digits."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from diversion.model.identifiers import SCHEMES, clean_identifier
from diversion.simulate import identifiers as make


def test_valid_numbers_pass_and_one_changed_digit_fails() -> None:
    rng = random.Random(3)
    for scheme, number in (("inn", make.ru_inn(rng)), ("bin", make.kz_bin(rng)), ("ogrn", make.ru_ogrn(rng))):
        assert clean_identifier(scheme, f" {number} ") == number
        changed = number[:-1] + str((int(number[-1]) + 1) % 10)
        assert clean_identifier(scheme, changed) is None


def test_shapes() -> None:
    assert clean_identifier("inn", "77-07-083893") == "7707083893"
    assert clean_identifier("inn", "ИНН 7707083893") is None
    assert clean_identifier("vat", "de 123.456.789") == "DE123456789"
    assert clean_identifier("kg_inn", "01605200600502") == "01605200600502"
    assert clean_identifier("kg_inn", "01632200600502") is None  # 32nd day


@given(st.sampled_from(SCHEMES), st.text(max_size=30))
def test_any_text_is_an_identifier_or_none(scheme: str, text: str) -> None:
    value = clean_identifier(scheme, text)
    assert value is None or (value.isalnum() and value.isascii())
