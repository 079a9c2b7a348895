"""The text model of goods descriptions: normalising, the heading words point to, the dual-use models named."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from diversion.detect.shipments import hs_text
from diversion.detect.shipments.hs_text import (
    best_heading,
    classify_goods,
    clean,
    heading_scores,
    match_model,
    normalise,
)

DESCRIPTIONS = [
    "Квадрокоптер DJI Mavic 3",
    "Схемы интегральные электронные: усилители",
    "Опрыскиватель садовый ранцевый",
    "Опрыскиватель сельскохозяйственный беспилотный T30",
    "Оборудование для опрыскивания сельскохозяйственных культур",
    "Части беспилотных летательных аппаратов",
    "Прицел тепловизионный Pulsar Thermion 2",
    "unmanned aerial vehicle",
    "Integrated circuits: processors and controllers",
    "Футболки хлопчатобумажные",
]
words = st.sampled_from(DESCRIPTIONS)
noise = st.text(alphabet=" \t\n.,;:-_/()«»\"'!", max_size=3)


def _shuffle_case(text: str, flips: list[bool]) -> str:
    return "".join(
        ch.upper() if flip else ch.lower()
        for ch, flip in zip(text, flips + [False] * len(text), strict=False)
    )


@pytest.mark.parametrize(
    ("description", "heading"),
    [
        ("Квадрокоптер DJI Mavic 3", "8806"),
        ("Схемы интегральные электронные", "8542"),
        ("Опрыскиватель ранцевый", "8424"),
        ("unmanned aerial vehicle", "8806"),
        ("БЕСПИЛОТНЫЕ ЛЕТАТЕЛЬНЫЕ АППАРАТЫ С ДИСТАНЦИОННЫМ УПРАВЛЕНИЕМ", "8806"),
        ("Опрыскиватель сельскохозяйственный беспилотный", "8806"),  # an unmanned sprayer is a drone
        ("Оборудование для опрыскивания сельскохозяйственных культур", "8424"),
        ("Части беспилотных летательных аппаратов", "8807"),  # parts, not drones
        ("Прицел тепловизионный", "9013"),  # a thermal sight is a sight, not a camera
        ("Тепловизор", "8525"),
        ("Electronic integrated circuits; memories", "8542"),
        ("Ball bearings", "8482"),
        # What follows "для" / "for" is what the goods serve: tyres for cars, batteries for drones.
        ("Шины пневматические новые для легковых автомобилей", "4011"),
        ("Аккумуляторы для квадрокоптеров", "8507"),
    ],
)
def test_examples(description: str, heading: str) -> None:
    assert best_heading(description) == heading


def test_words_it_knows_nothing_about_point_nowhere() -> None:
    assert best_heading("") is None
    assert best_heading(None) is None
    assert heading_scores("Оборудование прочее") == {}


def test_a_toy_drone_points_both_ways() -> None:
    scores = heading_scores("Квадрокоптер игрушечный")
    assert scores == {"8806": 2.0, "9503": 2.0}


@pytest.mark.parametrize(
    ("brand", "model", "description", "named", "heading", "basis"),
    [
        ("DJI", "Agras T30", "Опрыскиватель сельскохозяйственный", "DJI Agras T30", "8806", "model"),
        ("", "", "ОПРЫСКИВАТЕЛИ СЕЛЬСКОХОЗЯЙСТВЕННЫЕ DJI AGRAS T30", "DJI AGRAS T30", "8806", "model"),
        ("", "", "Опрыскиватель сельскохозяйственный беспилотный T30", "DJI T30", "8806", "context"),
        ("DJI", "", "Опрыскиватель сельскохозяйственный T40", "DJI T40", "8806", "brand"),
        (
            "Texas Instruments",
            "TMS320F28335",
            "Схемы интегральные",
            "Texas Instruments TMS320F28335",
            "8542",
            "model",
        ),
        ("", "", "Микросхема STM32F407VGT6", "STMicroelectronics STM32F407VGT6", "8542", "model"),
        ("u-blox", "NEO-M8N", "Модуль навигационный", "u-blox NEO M8N", "8526", "brand"),
        ("Pulsar", "Thermion 2 LRF XP50", "Прицел", "Pulsar Thermion 2 LRF XP50", "9013", "brand"),
    ],
)
def test_dual_use_models(
    brand: str, model: str, description: str, named: str, heading: str, basis: str
) -> None:
    found = match_model(brand, model, description)
    assert found is not None
    assert (found.named, found.rule.headings[0], found.basis) == (named, heading, basis)


@pytest.mark.parametrize(
    ("brand", "model", "description"),
    [
        ("", "", "Опрыскиватель сельскохозяйственный T30"),  # a bare T30 without drone words or DJI
        ("Stihl", "SR 450", "Опрыскиватель ранцевый"),
        ("", "Mini 3", "Холодильник"),  # "mini" needs DJI
        ("Lada", "Evo", "Автомобиль легковой"),  # "evo" needs Autel
    ],
)
def test_common_words_and_other_makes_name_no_dual_use_model(
    brand: str, model: str, description: str
) -> None:
    assert match_model(brand, model, description) is None


def test_every_shipped_heading_is_a_real_hs2022_heading() -> None:
    real = hs_text.headings()
    assert {t.heading for t in hs_text.vocabulary()} <= real
    for rule in hs_text.model_rules():
        assert set(rule.headings) <= real, rule
        assert rule.proper.replace(".", "")[:4] == rule.headings[0], rule
        for pattern in (rule.brand_pattern, rule.model_pattern, rule.requires):
            re.compile(pattern)


def test_classify_goods_answers_one_row_per_tuple_with_the_declared_heading_support() -> None:
    goods = pa.table(
        {
            "description": [
                "Опрыскиватель сельскохозяйственный DJI Agras T30",
                "Опрыскиватель садовый ранцевый",
                None,
            ],
            "brand": ["DJI", "", None],
            "model": ["Agras T30", "", None],
            "hs4": ["8424", "8424", None],
        }
    )
    rows = classify_goods(goods).to_pylist()
    assert [r["model_heading"] for r in rows] == ["8806", None, None]
    assert rows[0]["model_headings"] == ["8806", "8807"]
    assert rows[0]["model_named"] == "DJI Agras T30"
    assert rows[0]["model_record"] == "24"  # the Agras line of dual_use_models.csv
    assert [r["text_heading"] for r in rows] == ["8424", "8424", None]
    assert [r["declared_score"] for r in rows] == [1.0, 1.0, 0.0]


@given(words, st.lists(st.booleans(), max_size=80), noise, noise)
def test_normalise_ignores_case_punctuation_and_spacing(
    text: str, flips: list[bool], before: str, after: str
) -> None:
    varied = before + _shuffle_case(text, flips).replace(" ", " " + after + " ") + after
    assert normalise(varied) == normalise(text)


@given(words, st.lists(st.booleans(), max_size=80), noise)
def test_the_heading_does_not_depend_on_case_or_punctuation(text: str, flips: list[bool], extra: str) -> None:
    assert best_heading(extra + _shuffle_case(text, flips) + extra) == best_heading(text)


@given(st.text(max_size=60))
def test_any_text_gets_a_real_heading_or_none(text: str) -> None:
    found = best_heading(text)
    assert found is None or (re.fullmatch(r"\d{4}", found) and found in hs_text.headings())
    assert all(score > 0 for score in heading_scores(text).values())


@given(st.text(max_size=60))
def test_normalised_text_is_lower_case_words_single_spaced(text: str) -> None:
    out = normalise(text)
    assert out == normalise(out)
    assert "  " not in out and out == out.strip()
    assert clean(text).casefold() == out
