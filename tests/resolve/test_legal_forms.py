"""Legal forms in any script and written out in full are found, removed and classed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diversion.resolve.legal_forms import split_legal_form, words


@pytest.mark.parametrize(
    ("name", "form_class"),
    [
        ("ТОО «Аспан Арба»", "llp"),
        ("TOO ASPAN ARBA", "llp"),
        ("Aspan Arba LLP", "llp"),
        ("ЖШС «Аспан Арба»", "llp"),
        ("Товарищество с ограниченной ответственностью «Аспан Арба»", "llp"),
        ("«Аспан Арба» жауапкершілігі шектеулі серіктестігі", "llp"),
        ("ОсОО «Аспан Арба»", "llc"),
        ("ООО «Аспан Арба»", "llc"),
        ("Limited Liability Company Aspan Arba", "llc"),
        ("«Aspan Arba» Mas'uliyati cheklangan jamiyati", "llc"),
        ("«Ասպան Արբա» ՍՊԸ", "llc"),
        ("შპს „ასპან არბა“", "llc"),
        ("АО Аспан Арба", "jsc"),
        ("PJSC Aspan Arba", "pjsc"),
        ("Aspan Arba Co., Ltd.", "ltd"),
        ("Aspan Arba GmbH", "gmbh"),
    ],
)
def test_forms_are_classed_and_removed(name: str, form_class: str) -> None:
    rest, form = split_legal_form(words(name))
    assert form is not None and form.form_class == form_class
    assert rest == ["aspan", "arba"]


def test_a_name_that_is_only_a_form_keeps_its_words() -> None:
    assert split_legal_form(["too"]) == (["too"], split_legal_form(["too", "x"])[1])


def test_forms_inside_a_name_are_words() -> None:
    rest, form = split_legal_form(words("Trade Limited House Aspan"))
    assert form is None and rest == ["trade", "limited", "house", "aspan"]


@given(st.lists(st.text(alphabet="абвгдежзиклмнопрстуabcdefghij ", min_size=1, max_size=12), max_size=6))
def test_splitting_never_loses_a_name(parts: list[str]) -> None:
    tokens = words(" ".join(parts))
    rest, _ = split_legal_form(tokens)
    assert (not tokens and not rest) or (rest and all(t in tokens for t in rest))
