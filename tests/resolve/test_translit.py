"""Spellings of one name by different romanisation standards reach one skeleton."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rigour.text import ascii_text

from diversion.resolve.legal_forms import words
from diversion.resolve.translit import _romanize_cjk, romanize, skeleton


@pytest.mark.parametrize(
    ("spellings", "expected"),
    [
        (["Небесная механика", "Nebesnaya Mekhanika", "Nebesnaâ mehanika", "Nebesnaia mekhanika"],
         ["nebesnaia", "mehanika"]),
        (["Жанибек Касымов", "Zhanibek Kasymov", "Janybek Qasymov", "Žanibek Kasymov"], ["janibek", "kasimov"]),
        (["Щукин", "Shchukin", "Shhukin", "Ŝukin"], ["shukin"]),
        (["Цветков", "Tsvetkov", "Czvetkov"], ["tsvetkov"]),
        (["Сергеев Юрий", "Sergeyev Yuriy", "Sergeev Iurii"], ["sergev", "iuri"]),
        (["Әлем Бүркіт", "Alem Burkit", "Älem Bürkit"], ["alem", "burkit"]),
        (["Александр", "Aleksandr", "Alexandr"], ["alexandr"]),
    ],
)  # fmt: skip
def test_standards_meet(spellings: list[str], expected: list[str]) -> None:
    for spelling in spellings:
        assert words(spelling) == expected, spelling


def test_other_scripts_are_romanised() -> None:
    assert words("«Ախուրյան Աղբյուր Մարկետ» ՍՊԸ")[:3] == ["ahurian", "agbiur", "market"]
    assert words("შპს „იმედი მოტორსი“") == ["shps", "imedi", "motors"]
    assert words("深圳市大疆创新科技有限公司") == [
        "shenjen",
        "dajiang",
        "inovation",
        "technologi",
        "ko",
        "ltd",
    ]


@given(st.text(max_size=60))
def test_any_text_romanises_to_plain_latin(text: str) -> None:
    for word in words(text):
        assert word and word.isascii() and word.isalnum() and word == word.lower()


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=30))
def test_skeleton_is_stable(word: str) -> None:
    once = skeleton(word)
    assert once.isascii()
    assert romanize(word) == word  # plain lower-case Latin is already romanised


ARMENIAN_AND_GEORGIAN = (
    "".join(map(chr, range(0x531, 0x557)))
    + "".join(map(chr, range(0x561, 0x588)))
    + "".join(map(chr, range(0x10D0, 0x10F1)))
)


@given(st.text(alphabet=ARMENIAN_AND_GEORGIAN + " -«»„“", max_size=40))
def test_scripts_romanised_word_by_word_as_whole(text: str) -> None:
    # each word is romanised apart (and remembered): the result must be what the whole text gives
    assert _romanize_cjk(text) == ascii_text(text).lower()
