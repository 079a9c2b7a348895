"""entities.first_controlled_trade: a hub firm with a known, uncontrolled past that turns to controlled goods."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from diversion.store import Workspace
from tests.detect.entities.fixtures import (
    by_name,
    declared,
    entity_of,
    inn_of,
    kg_inn_of,
    party,
    records,
    run,
    scenario,
)
from tests.factory import decl

ALA_TOO = "ОсОО «Ала-Тоо Трейд»"
ALA_TOO_INN = kg_inn_of(ALA_TOO, date(2016, 5, 20))
CHIPS_BEFORE = "ОсОО «Чип Сервис»"
CHIPS_BEFORE_INN = kg_inn_of(CHIPS_BEFORE, date(2017, 8, 2))
THIN = "ОсОО «Нарын Агро»"
THIN_INN = kg_inn_of(THIN, date(2018, 3, 14))
SMALL = "ОсОО «Ош Маркет»"
SMALL_INN = kg_inn_of(SMALL, date(2019, 11, 5))
BUYER = "ООО «Вектор»"
BUYER_INN = inn_of(BUYER)


def _line(n: int, firm: str, inn: str, day: str, hs: str, value: int) -> dict[str, str]:
    """A Kyrgyz export to the Russian buyer."""
    return decl(declaration_id=f"KG-{n}", date=day, declaring_country="KG", direction="export",
                exporter_name=firm, exporter_id=inn, exporter_country="KG", importer_name=BUYER,
                importer_id=BUYER_INN, importer_country="RU", origin_country="KG", dispatch_country="KG",
                destination_country="RU", hs_code=hs, value=value, value_usd=value)  # fmt: skip


DECLS = [
    # Three lines of fruit juice before the cut-off, then $200k of chips.
    _line(1, ALA_TOO, ALA_TOO_INN, "2021-03-10", "200911", 20_000),
    _line(2, ALA_TOO, ALA_TOO_INN, "2021-07-15", "200911", 30_000),
    _line(3, ALA_TOO, ALA_TOO_INN, "2021-11-20", "200911", 50_000),
    _line(4, ALA_TOO, ALA_TOO_INN, "2022-06-01", "854231", 120_000),
    _line(5, ALA_TOO, ALA_TOO_INN, "2022-09-01", "854231", 80_000),
    # Chips before as well: nothing new.
    _line(6, CHIPS_BEFORE, CHIPS_BEFORE_INN, "2021-02-01", "200911", 20_000),
    _line(7, CHIPS_BEFORE, CHIPS_BEFORE_INN, "2021-05-01", "854231", 20_000),
    _line(8, CHIPS_BEFORE, CHIPS_BEFORE_INN, "2021-09-01", "200911", 20_000),
    _line(9, CHIPS_BEFORE, CHIPS_BEFORE_INN, "2022-06-01", "854231", 500_000),
    # Two lines before: too little to know the firm.
    _line(10, THIN, THIN_INN, "2021-04-01", "080810", 10_000),
    _line(11, THIN, THIN_INN, "2021-10-01", "080810", 15_000),
    _line(12, THIN, THIN_INN, "2022-07-01", "854231", 300_000),
    # Three lines before, but only $49,999 of chips after.
    _line(13, SMALL, SMALL_INN, "2021-01-10", "200911", 5_000),
    _line(14, SMALL, SMALL_INN, "2021-02-10", "200911", 5_000),
    _line(15, SMALL, SMALL_INN, "2021-03-10", "200911", 5_000),
    _line(16, SMALL, SMALL_INN, "2022-04-10", "854231", 49_999),
]
PARTIES = [party("kg-alatoo", ALA_TOO, "KG", kg_inn=ALA_TOO_INN, incorporation_date="2016-05-20")]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from scenario(tmp_path_factory.mktemp("first_controlled"), parties=PARTIES, decls=DECLS)


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[str, dict[str, Any]]:
    return by_name(run(ws, "entities.first_controlled_trade"))


def test_the_declared_firm_is_its_registry_record(ws: Workspace) -> None:
    assert entity_of(ws, "kg-alatoo", declared(ALA_TOO, ALA_TOO_INN, "KG")) == "kg-alatoo"


def test_a_juice_exporter_turned_chip_exporter_is_flagged(found: dict[str, Any]) -> None:
    firm = found[ALA_TOO]
    assert (firm["subject_id"], firm["country"]) == ("kg-alatoo", "KG")
    assert firm["metrics"] == {
        "value_before": 100_000.0,
        "lines_before": 3.0,
        "controlled_value": 200_000.0,
        "to_destination": 200_000.0,
    }
    size = (math.log10(200_000) - 4.0) / 3.0
    assert firm["score"] == pytest.approx(0.35 + 0.3 * size + 0.15 * 200 / 300 + 0.1)
    assert firm["explanation"] == (
        "ОсОО «Ала-Тоо Трейд» traded $100k in 3 declaration lines before the cut-off, none of it controlled, "
        "then $200k of controlled goods after (HS 854231), $200k of it to RU"
    )
    assert records(firm, "declarations.csv") == ["4", "5"]  # the controlled lines after, largest first


def test_a_firm_that_traded_chips_before_too_is_silent(found: dict[str, Any]) -> None:
    assert CHIPS_BEFORE not in found


def test_min_lines_before_three_are_needed_to_know_a_firm(ws: Workspace, found: dict[str, Any]) -> None:
    assert THIN not in found
    lowered = by_name(run(ws, "entities.first_controlled_trade", min_lines_before=2))
    assert lowered[THIN]["metrics"]["lines_before"] == 2.0
    assert lowered[THIN]["metrics"]["value_before"] == 25_000.0


def test_min_value_50k_of_controlled_goods_after(ws: Workspace, found: dict[str, Any]) -> None:
    assert SMALL not in found
    lowered = by_name(run(ws, "entities.first_controlled_trade", min_value=49_999.0))
    assert lowered[SMALL]["metrics"]["controlled_value"] == 49_999.0
    assert set(found) == {ALA_TOO}
