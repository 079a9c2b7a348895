"""shipments.route: supplier -> hub firm -> consignee chains, with their quantities and dates."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from diversion.detect.base import fetch
from diversion.detect.entities.common import with_params
from diversion.detect.shipments import route
from diversion.store import Workspace
from tests.detect.entities.fixtures import (
    bin_of,
    declared,
    entity_of,
    inn_of,
    kg_inn_of,
    records,
    scenario,
)
from tests.factory import decl

MAKER = "Hanbit Semiconductor Co., Ltd."  # Korean chip maker
HUAQIANG = "Shenzhen Huaqiang Components Co., Ltd."  # Chinese chip wholesaler
SOUSS = "Fruits du Souss SARL"  # Moroccan orange grower
RADIANT = "ООО «Радиант Комплект»"  # Russian consignees
MIKROTEKH = "ООО «Микротех Снаб»"
FRUKTY = "ООО «Фрукты Юга»"
ASPAN = "ТОО «Аспан Чип»"  # the chain: 5,000 chips from the maker, sent on to Radiant in two halves
FORK = "ОсОО «Бишкек Чип»"  # one purchase, two consignees
MIXED = "ТОО «Тараз Микро»"  # two suppliers, each lot sent on before the next arrives
LOCAL = "ОсОО «Ысык-Көл Электроника»"  # imports chips and sells them to a Kazakh firm only
KZ_BUYER = "ТОО «Алматы Компонент»"
ORPHAN = "ТОО «Кокшетау Трейд»"  # sends chips to Russia without a declared purchase
SMALL = "ОсОО «Чолпон Сервис»"  # 200 chips, $10,000
FRUIT = "ТОО «Алма Фрукт»"  # oranges in, oranges out

PARTY = {
    MAKER: ("KR1208712345", "KR"),
    HUAQIANG: ("CN91440300MA5F8XYZ1Q", "CN"),
    SOUSS: ("MA001234567000089", "MA"),
    RADIANT: (inn_of(RADIANT), "RU"),
    MIKROTEKH: (inn_of(MIKROTEKH), "RU"),
    FRUKTY: (inn_of(FRUKTY), "RU"),
    ASPAN: (bin_of(ASPAN, date(2021, 11, 1)), "KZ"),
    FORK: (kg_inn_of(FORK, date(2022, 4, 19)), "KG"),
    MIXED: (bin_of(MIXED, date(2018, 3, 1)), "KZ"),
    LOCAL: (kg_inn_of(LOCAL, date(2014, 6, 3)), "KG"),
    KZ_BUYER: (bin_of(KZ_BUYER, date(2012, 1, 1)), "KZ"),
    ORPHAN: (bin_of(ORPHAN, date(2020, 2, 1)), "KZ"),
    SMALL: (kg_inn_of(SMALL, date(2017, 10, 30)), "KG"),
    FRUIT: (bin_of(FRUIT, date(2011, 5, 1)), "KZ"),
}


def line(n: int, day: str, seller: str, buyer: str, qty: int, price: float, **more: object) -> dict[str, str]:
    """One declaration line of processors (8542.31 made in Korea, in pieces) at ``price`` dollars a piece,
    declared by the seller's country as an export when it is a hub (else by the buyer's, as an import), or by
    ``declaring_country``."""
    (sid, scountry), (bid, bcountry) = PARTY[seller], PARTY[buyer]
    default = scountry if scountry in ("KZ", "KG") else bcountry
    declaring = str(more.pop("declaring_country", default))
    row: dict[str, object] = {
        "declaration_id": f"{declaring}-{n}", "date": day, "declaring_country": declaring,
        "direction": "export" if declaring == scountry else "import",
        "exporter_name": seller, "exporter_id": sid, "exporter_country": scountry,
        "importer_name": buyer, "importer_id": bid, "importer_country": bcountry,
        "origin_country": "KR", "dispatch_country": scountry, "destination_country": bcountry,
        "hs_code": "854231", "description": "Схемы интегральные: процессоры", "brand": "", "model": "",
        "quantity": qty, "unit": "pcs", "net_kg": round(qty * 0.002, 3),
        "value": round(qty * price, 2), "value_usd": round(qty * price, 2),
    }  # fmt: skip
    row.update(more)
    return decl(**row)


ORANGES = {"hs_code": "080510", "description": "Апельсины свежие", "origin_country": "MA", "unit": "kg"}
DECLS = [
    # The chain: 5,000 chips at $4 on 3 April; 2,500 at $9 to Radiant on 20 April and 2,500 on 5 May,
    # the second declared in Kazakhstan and again in Russia.
    line(1, "2023-04-03", MAKER, ASPAN, 5_000, 4.0),
    line(2, "2023-04-20", ASPAN, RADIANT, 2_500, 9.0),
    line(3, "2023-05-05", ASPAN, RADIANT, 2_500, 9.0),
    line(4, "2023-05-05", ASPAN, RADIANT, 2_500, 9.0, declaring_country="RU"),
    # One purchase of 6,000, half to each of two Russian consignees.
    line(5, "2023-06-01", HUAQIANG, FORK, 6_000, 5.0),
    line(6, "2023-06-15", FORK, RADIANT, 3_000, 10.0),
    line(7, "2023-06-22", FORK, MIKROTEKH, 3_000, 10.0),
    # 3,000 from the maker sent on, then 3,000 from the wholesaler sent on.
    line(8, "2023-08-01", MAKER, MIXED, 3_000, 5.0),
    line(9, "2023-08-10", MIXED, MIKROTEKH, 3_000, 10.0),
    line(10, "2023-08-20", HUAQIANG, MIXED, 3_000, 5.0),
    line(11, "2023-08-30", MIXED, MIKROTEKH, 3_000, 10.0),
    # A Kyrgyz firm that sells the chips it imports to a Kazakh firm, never to Russia.
    line(12, "2023-04-10", MAKER, LOCAL, 8_000, 5.0),
    line(13, "2023-04-25", LOCAL, KZ_BUYER, 8_000, 9.0),
    # Chips to Russia with no purchase declared before them.
    line(14, "2023-05-10", ORPHAN, RADIANT, 5_000, 9.0),
    # 200 chips in, 200 out: $10,000.
    line(15, "2023-07-03", MAKER, SMALL, 200, 40.0),
    line(16, "2023-07-17", SMALL, RADIANT, 200, 50.0),
    # Oranges are on no list.
    line(17, "2023-09-04", SOUSS, FRUIT, 20_000, 1.5, **ORANGES),
    line(18, "2023-09-18", FRUIT, FRUKTY, 20_000, 2.0, **ORANGES),
]
ROW = {int(row["declaration_id"].split("-")[1]): str(1 + i) for i, row in enumerate(DECLS)}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from scenario(tmp_path_factory.mktemp("route"), decls=DECLS)


def run(ws: Workspace, **changes: object) -> list[dict[str, Any]]:
    """The detector's findings (defaults, with some parameters changed), as dicts."""
    return fetch(route.run(ws, with_params(route.Params(), **changes)))


def entity(ws: Workspace, name: str) -> str:
    party_id, country = PARTY[name]
    return entity_of(ws, declared(name, party_id, country))


def chain(ws: Workspace, supplier: str, firm: str, consignee: str) -> str:
    """The subject id of a route."""
    return ">".join(entity(ws, name) for name in (supplier, firm, consignee))


def by_chain(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    routes = {f["subject_id"]: f for f in found}
    assert len(routes) == len(found), [f["subject_name"] for f in found]
    return routes


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[str, dict[str, Any]]:
    return by_chain(run(ws))


def test_the_routes_found(ws: Workspace, found: dict[str, Any]) -> None:
    assert set(found) == {
        chain(ws, MAKER, ASPAN, RADIANT),
        chain(ws, HUAQIANG, FORK, RADIANT),
        chain(ws, HUAQIANG, FORK, MIKROTEKH),
        chain(ws, MAKER, MIXED, MIKROTEKH),
        chain(ws, HUAQIANG, MIXED, MIKROTEKH),
    }


def test_the_kazakh_chain_with_its_quantities_and_dates(ws: Workspace, found: dict[str, Any]) -> None:
    r = found[chain(ws, MAKER, ASPAN, RADIANT)]
    assert (r["detector"], r["subject_kind"], r["view"]) == ("shipments.route", "route", "declarations")
    assert r["subject_name"] == f"{MAKER} (KR) → {ASPAN} (KZ) → {RADIANT} (RU)"
    assert (r["country"], r["partner"], r["hs_code"], r["period"]) == ("KZ", "RU", "8542", "2023-04..2023-05")
    # The hub firm first, then the supplier and the consignee.
    assert r["related"] == [entity(ws, ASPAN), entity(ws, MAKER), entity(ws, RADIANT)]
    m = r["metrics"]
    assert (m["quantity_in"], m["quantity_out"], m["value_out"]) == (5_000.0, 5_000.0, 45_000.0)
    # The consignment declared at both ends is one export.
    assert (m["imports"], m["exports"]) == (1.0, 2.0)
    assert r["explanation"] == (
        f"HS 8542 goods bought from {MAKER} by {ASPAN} (1 import, 5000 units) went on to {RADIANT} in RU "
        "(2 consignments, 5000 units, $45k), 2023-04-03 to 2023-05-05"
    )
    # Every line of both legs, each once (the import is cited by both exports' pairs).
    assert sorted(records(r, "declarations.csv")) == sorted(ROW[n] for n in (1, 2, 3, 4))
    assert len(r["evidence"]) == 4
    assert 0.3 <= r["score"] <= 0.65


def test_one_purchase_sent_to_two_consignees_is_two_routes(ws: Workspace, found: dict[str, Any]) -> None:
    radiant = found[chain(ws, HUAQIANG, FORK, RADIANT)]
    mikrotekh = found[chain(ws, HUAQIANG, FORK, MIKROTEKH)]
    assert radiant["country"] == mikrotekh["country"] == "KG"
    # Each route carries half, against the whole purchase from the supplier.
    for r, day, row in ((radiant, "2023-06-15", 6), (mikrotekh, "2023-06-22", 7)):
        m = r["metrics"]
        assert (m["quantity_in"], m["quantity_out"], m["value_out"]) == (6_000.0, 3_000.0, 30_000.0)
        assert r["explanation"].endswith(f"(1 consignment, 3000 units, $30k), 2023-06-01 to {day}")
        assert sorted(records(r, "declarations.csv")) == sorted([ROW[5], ROW[row]])


def test_each_export_goes_with_the_supplier_of_the_latest_lot(ws: Workspace, found: dict[str, Any]) -> None:
    first = found[chain(ws, MAKER, MIXED, MIKROTEKH)]
    second = found[chain(ws, HUAQIANG, MIXED, MIKROTEKH)]
    assert (first["metrics"]["quantity_in"], first["metrics"]["quantity_out"]) == (3_000.0, 3_000.0)
    assert (second["metrics"]["quantity_in"], second["metrics"]["quantity_out"]) == (3_000.0, 3_000.0)
    assert sorted(records(first, "declarations.csv")) == sorted([ROW[8], ROW[9]])
    assert sorted(records(second, "declarations.csv")) == sorted([ROW[10], ROW[11]])
    assert first["explanation"].endswith("2023-08-01 to 2023-08-10")
    assert second["explanation"].endswith("2023-08-20 to 2023-08-30")


def test_local_sellers_orphans_small_chains_and_oranges_are_on_none(ws: Workspace, found: Any) -> None:
    silent = {entity(ws, name) for name in (LOCAL, KZ_BUYER, ORPHAN, SMALL, FRUIT)}
    assert not any(silent & set(r["related"]) for r in found.values())
    assert not any(f["hs_code"] == "0805" for f in found.values())


def test_min_value_decides_a_small_chain(ws: Workspace) -> None:
    assert chain(ws, MAKER, SMALL, RADIANT) not in by_chain(run(ws, min_value=10_001.0))
    small = by_chain(run(ws, min_value=10_000.0))[chain(ws, MAKER, SMALL, RADIANT)]
    assert (small["metrics"]["quantity_out"], small["metrics"]["value_out"]) == (200.0, 10_000.0)
    # However low the bar, a firm that never sent anything to Russia is on no route.
    assert not any(entity(ws, LOCAL) in r["related"] for r in run(ws, min_value=0.0))


def test_the_window_cuts_a_chain_short(ws: Workspace) -> None:
    # 17 and 32 days after the purchase: a 17-day window keeps the first half only, a 16-day one neither.
    r = by_chain(run(ws, window_days=17))[chain(ws, MAKER, ASPAN, RADIANT)]
    m = r["metrics"]
    assert (m["quantity_in"], m["quantity_out"], m["value_out"]) == (5_000.0, 2_500.0, 22_500.0)
    assert m["exports"] == 1.0
    assert r["period"] == "2023-04..2023-04"
    assert sorted(records(r, "declarations.csv")) == sorted([ROW[1], ROW[2]])
    assert chain(ws, MAKER, ASPAN, RADIANT) not in by_chain(run(ws, window_days=16))


def test_a_closer_match_and_more_value_score_higher(ws: Workspace, found: dict[str, Any]) -> None:
    # Aspan sent on all 5,000 it bought ($45k); each half of the fork is half the purchase ($30k).
    whole, half = found[chain(ws, MAKER, ASPAN, RADIANT)], found[chain(ws, HUAQIANG, FORK, RADIANT)]
    assert whole["score"] > half["score"]
