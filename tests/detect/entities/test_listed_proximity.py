"""entities.listed_proximity: a hub firm within a few links of a listed or defence-linked party."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from diversion.store import Workspace
from tests.detect.entities.fixtures import (
    bin_of,
    by_name,
    declared,
    entity_of,
    inn_of,
    kg_inn_of,
    party,
    records,
    relation,
    run,
    scenario,
)
from tests.factory import decl

RADIO = "АО «Радиозавод»"  # listed (a sanction topic)
RADIO_INN = inn_of(RADIO)
SHYGYS = "ТОО «Шығыс Электроникс»"  # exports chips to it
SHYGYS_BIN = bin_of(SHYGYS, date(2020, 3, 1))
NEBESNAYA = "ООО «Небесная механика»"  # paid by a defence-sector organisation
NEBESNAYA_INN = inn_of(NEBESNAYA)
FRONT = "Общероссийский народный фронт"  # defence topic
ASPAN = "ТОО «Аспан Арба»"  # exports drones to the payee
ASPAN_BIN = bin_of(ASPAN, date(2022, 4, 12))
VOLKOV = "Волков Игорь Семёнович"  # listed person, a shareholder
MINORITY = "ТОО «Аз Үлес»"  # 20% Volkov's
MINORITY_BIN = bin_of(MINORITY, date(2019, 1, 1))
MAJORITY = "ТОО «Көп Үлес»"  # 50% Volkov's
MAJORITY_BIN = bin_of(MAJORITY, date(2019, 2, 1))
DIRECTOR = "Кузнецов Олег Иванович"  # directs the listed firm and a Kazakh one
DIRECTED = "ТОО «Бағыт Сервис»"
DIRECTED_BIN = bin_of(DIRECTED, date(2018, 6, 1))
SHENZHEN = "Shenzhen Xinke Electronics Co., Ltd."  # supplies the exporter: two trade links away
BISHKEK = "ОсОО «Бишкек Компонент»"
BISHKEK_INN = kg_inn_of(BISHKEK, date(2019, 5, 5))

SANCTION = {"topics": "sanction", "dataset": "eu_sanctions"}
PARTIES = [
    party("ru-radio", RADIO, "RU", inn=RADIO_INN, **SANCTION),
    party("kz-shygys", SHYGYS, "KZ", bin=SHYGYS_BIN),
    party("ru-nebesnaya", NEBESNAYA, "RU", inn=NEBESNAYA_INN),
    party("org-front", FRONT, "RU", kind="organization", topics="mil", dataset="ru_defence"),
    party("kz-aspan", ASPAN, "KZ", bin=ASPAN_BIN),
    party("p-volkov", VOLKOV, "RU", kind="person", birth_date="1962-08-19", **SANCTION),
    party("kz-minority", MINORITY, "KZ", bin=MINORITY_BIN),
    party("kz-majority", MAJORITY, "KZ", bin=MAJORITY_BIN),
    party("p-director", DIRECTOR, "RU", kind="person", birth_date="1971-01-15"),
    party("kz-directed", DIRECTED, "KZ", bin=DIRECTED_BIN),
    party("kg-bishkek", BISHKEK, "KG", kg_inn=BISHKEK_INN),
]
RELATIONS = [
    relation(
        "pay-1",
        "payment",
        "org-front",
        "ru-nebesnaya",
        amount=1_500_000,
        currency="RUB",
        description="for a DJI Mavic 3 drone",
        start_date="2022-09-01",
    ),
    relation("own-1", "ownership", "p-volkov", "kz-minority", share=20),
    relation("own-2", "ownership", "p-volkov", "kz-majority", share=50),
    relation("dir-1", "directorship", "p-director", "ru-radio", role="director"),
    relation("dir-2", "directorship", "p-director", "kz-directed", role="director"),
]


def _to_ru(n: int, kz: str, bin_: str, ru: str, inn: str, hs: str, value: int) -> dict[str, str]:
    return decl(declaration_id=f"KZ-{n}", date="2022-10-01", direction="export", exporter_name=kz,
                exporter_id=bin_, exporter_country="KZ", importer_name=ru, importer_id=inn, importer_country="RU",
                destination_country="RU", hs_code=hs, value=value, value_usd=value)  # fmt: skip


DECLS = [
    _to_ru(1, SHYGYS, SHYGYS_BIN, RADIO, RADIO_INN, "854231", 300_000),
    _to_ru(2, ASPAN, ASPAN_BIN, NEBESNAYA, NEBESNAYA_INN, "880622", 400_000),
    decl(
        declaration_id="KZ-3",
        date="2022-09-01",
        exporter_name=SHENZHEN,
        exporter_country="CN",
        importer_name=SHYGYS,
        importer_id=SHYGYS_BIN,
        hs_code="854231",
        value=280_000,
        value_usd=280_000,
    ),
    decl(
        declaration_id="KZ-4",
        date="2022-09-05",
        exporter_name=BISHKEK,
        exporter_id=BISHKEK_INN,
        exporter_country="KG",
        importer_name=SHYGYS,
        importer_id=SHYGYS_BIN,
        hs_code="854231",
        value=50_000,
        value_usd=50_000,
    ),
]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from scenario(
        tmp_path_factory.mktemp("listed_proximity"), parties=PARTIES, relations=RELATIONS, decls=DECLS
    )


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[str, dict[str, Any]]:
    return by_name(run(ws, "entities.listed_proximity"))


def test_declared_parties_resolve_to_their_registry_records(ws: Workspace) -> None:
    assert entity_of(ws, "ru-radio", declared(RADIO, RADIO_INN, "RU")) == "ru-radio"
    assert entity_of(ws, "kz-shygys", declared(SHYGYS, SHYGYS_BIN, "KZ")) == "kz-shygys"
    assert entity_of(ws, "ru-nebesnaya", declared(NEBESNAYA, NEBESNAYA_INN, "RU")) == "ru-nebesnaya"
    assert entity_of(ws, "kg-bishkek", declared(BISHKEK, BISHKEK_INN, "KG")) == "kg-bishkek"


def test_an_exporter_to_a_listed_firm_is_one_link_away(found: dict[str, Any]) -> None:
    shygys = found[SHYGYS]
    assert (shygys["subject_id"], shygys["country"], shygys["partner"]) == ("kz-shygys", "KZ", "RU")
    assert shygys["metrics"] == {"hops": 1.0, "listed": 1.0}
    assert shygys["score"] == pytest.approx(0.8)
    assert shygys["explanation"] == (
        "ТОО «Шығыс Электроникс» is 1 link from АО «Радиозавод» (listed: eu_sanctions: sanction): "
        "ТОО «Шығыс Электроникс» exported HS 854231 goods ($300k) to АО «Радиозавод»"
    )
    assert records(shygys, "declarations.csv") == ["1"]  # the trade link
    assert records(shygys, "registry.csv") == ["1"]  # the listed party's record


def test_an_exporter_to_a_firm_paid_by_a_defence_organisation(found: dict[str, Any]) -> None:
    aspan = found[ASPAN]
    assert (aspan["subject_id"], aspan["partner"]) == ("kz-aspan", "RU")
    assert aspan["metrics"] == {"hops": 1.0, "listed": 0.0}
    assert aspan["score"] == pytest.approx(0.8 * 0.9)  # defence_factor
    assert aspan["explanation"] == (
        "ТОО «Аспан Арба» is 1 link from ООО «Небесная механика» (paid by Общероссийский народный фронт, "
        "defence sector, 1500000 RUB: for a DJI Mavic 3 drone): "
        "ТОО «Аспан Арба» exported HS 880622 goods ($400k) to ООО «Небесная механика»"
    )
    assert records(aspan, "declarations.csv") == ["2"]
    assert records(aspan, "relations.csv") == ["1"]  # the payment


def test_a_listed_minority_shareholder_is_no_link(ws: Workspace, found: dict[str, Any]) -> None:
    assert MINORITY not in found  # 20% < min_control_share (50)
    majority = found[MAJORITY]
    assert majority["metrics"] == {"hops": 1.0, "listed": 1.0}
    assert majority["explanation"].endswith(": ТОО «Көп Үлес» is 50% owned by Волков Игорь Семёнович")
    lowered = by_name(run(ws, "entities.listed_proximity", min_control_share=20.0))
    assert lowered[MINORITY]["metrics"]["hops"] == 1.0


def test_a_firm_sharing_a_director_with_a_listed_firm_is_two_links_away(found: dict[str, Any]) -> None:
    directed = found[DIRECTED]
    assert directed["metrics"] == {"hops": 2.0, "listed": 1.0}
    assert directed["score"] == pytest.approx(0.6)
    assert directed["explanation"].endswith(
        ": ТОО «Бағыт Сервис» has as director Кузнецов Олег Иванович is director of АО «Радиозавод»"
    )


def test_suppliers_two_trade_links_away_are_the_customers_concern(found: dict[str, Any]) -> None:
    assert SHENZHEN not in found  # Chinese, and two trade links away
    assert BISHKEK not in found  # a hub firm, but two trade links away


def test_exactly_the_expected_firms_are_flagged(found: dict[str, Any]) -> None:
    assert set(found) == {SHYGYS, ASPAN, MAJORITY, DIRECTED}
