"""shipments.pass_through: a hub firm imports controlled goods and sends about as many on to Russia within
weeks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from diversion.detect.base import fetch
from diversion.detect.entities.common import with_params
from diversion.detect.shipments import pass_through
from diversion.store import Workspace
from tests.detect.entities.fixtures import (
    bin_of,
    by_name,
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
AUTOHAUS = "Autohaus Stuttgart GmbH"
SOUSS = "Fruits du Souss SARL"  # Moroccan orange grower
RADIANT = "ООО «Радиант Комплект»"  # Russian buyers
MIKROTEKH = "ООО «Микротех Снаб»"
FRUKTY = "ООО «Фрукты Юга»"
AVTOIMPORT = "ООО «Автоимпорт Восток»"
RELAY = "ОсОО «Кыргыз Чип Трейд»"  # 10,000 chips in, 9,900 out to Russia 19 days later
SPLIT = "ТОО «Жетысу Компонент»"  # one lot of amplifiers sent on in three consignments
MERGED = "ОсОО «Нарын Электроникс»"  # two lots sent on in one consignment
LOTS = "ТОО «Каспий Микро»"  # two lots, each sent on before or after the next arrives
TWICE = "ТОО «Есиль Трейдинг»"  # its export declared in Kazakhstan and again in Russia
CARS = "«Арарат Авто» ՍՊԸ"  # 40 cars in, 40 out: a relay of goods under an economic ban only
DISTRIBUTOR = "ТОО «Астана Электроника»"  # sends 15% of its chips on, sells the rest at home
LATE = "ОсОО «Ош Импорт»"  # sends its chips on five months later
EARLY = "ТОО «Шымкент Техно»"  # sent its chips on before the invasion
FRUIT = "ТОО «Алма Фрукт»"  # oranges in, oranges out
TINY = "ОсОО «Талас Сервис»"  # 100 chips, $5,000
NEAR = "ТОО «Балхаш Системс»"  # sends 85% on
DRIFT = "ОсОО «Токмок Электрон»"  # one lot sent on whole, the next only in part
TRADER = "ТОО «Павлодар Снаб»"  # one lot sent on whole, then two and a half times what it bought

PARTY = {
    MAKER: ("KR1208712345", "KR"),
    HUAQIANG: ("CN91440300MA5F8XYZ1Q", "CN"),
    AUTOHAUS: ("DE811234567", "DE"),
    SOUSS: ("MA001234567000089", "MA"),
    RADIANT: (inn_of(RADIANT), "RU"),
    MIKROTEKH: (inn_of(MIKROTEKH), "RU"),
    FRUKTY: (inn_of(FRUKTY), "RU"),
    AVTOIMPORT: (inn_of(AVTOIMPORT), "RU"),
    RELAY: (kg_inn_of(RELAY, date(2022, 6, 14)), "KG"),
    SPLIT: (bin_of(SPLIT, date(2019, 4, 1)), "KZ"),
    MERGED: (kg_inn_of(MERGED, date(2021, 3, 2)), "KG"),
    LOTS: (bin_of(LOTS, date(2020, 10, 1)), "KZ"),
    TWICE: (bin_of(TWICE, date(2017, 2, 1)), "KZ"),
    CARS: ("02571246", "AM"),
    DISTRIBUTOR: (bin_of(DISTRIBUTOR, date(2008, 9, 1)), "KZ"),
    LATE: (kg_inn_of(LATE, date(2018, 11, 20)), "KG"),
    EARLY: (bin_of(EARLY, date(2015, 7, 1)), "KZ"),
    FRUIT: (bin_of(FRUIT, date(2011, 5, 1)), "KZ"),
    TINY: (kg_inn_of(TINY, date(2016, 1, 12)), "KG"),
    NEAR: (bin_of(NEAR, date(2013, 8, 1)), "KZ"),
    DRIFT: (kg_inn_of(DRIFT, date(2020, 7, 7)), "KG"),
    TRADER: (bin_of(TRADER, date(2010, 12, 1)), "KZ"),
}


def line(n: int, day: str, seller: str, buyer: str, qty: int, price: float, **more: object) -> dict[str, str]:
    """One declaration line of processors (8542.31 made in Korea, in pieces) at ``price`` dollars a piece,
    declared by the seller's country as an export unless it is not a hub (then the buyer's, as an import),
    or by ``declaring_country``."""
    (sid, scountry), (bid, bcountry) = PARTY[seller], PARTY[buyer]
    default = scountry if scountry in ("KZ", "KG", "AM") else bcountry
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


AMPLIFIERS = {"hs_code": "854233", "description": "Схемы интегральные: усилители", "origin_country": "TW"}
OTHER_ICS = {"hs_code": "854239", "description": "Схемы интегральные прочие", "origin_country": "TW"}
CAR = {"hs_code": "870323", "description": "Автомобили легковые", "origin_country": "DE", "net_kg": 62_000}
ORANGES = {"hs_code": "080510", "description": "Апельсины свежие", "origin_country": "MA", "unit": "kg"}

RELAYED = [
    # The Kyrgyz relay of CASES.md: 10,000 processors at $5, 9,900 sent on at $7 nineteen days later.
    line(1, "2023-02-01", MAKER, RELAY, 10_000, 5.0),
    line(2, "2023-02-20", RELAY, RADIANT, 9_900, 7.0),
    # One lot of 6,000 amplifiers sent on as 2,000 + 2,000 (declared 8542.39) + 2,000 after 9, 19 and 35 days.
    line(3, "2023-03-01", HUAQIANG, SPLIT, 6_000, 6.0, **AMPLIFIERS),
    line(4, "2023-03-10", SPLIT, MIKROTEKH, 2_000, 10.0, **AMPLIFIERS),
    line(5, "2023-03-20", SPLIT, MIKROTEKH, 2_000, 10.0, **OTHER_ICS),
    line(6, "2023-04-05", SPLIT, MIKROTEKH, 2_000, 10.0, **AMPLIFIERS),
    # Two lots of 4,000 (from two suppliers) leave together: 8,000 sixteen days after the second arrived.
    line(7, "2023-05-02", MAKER, MERGED, 4_000, 5.0),
    line(8, "2023-05-16", HUAQIANG, MERGED, 4_000, 5.0),
    line(9, "2023-06-01", MERGED, RADIANT, 8_000, 8.0),
    # Lot A (5,000) leaves in two halves before lot B (3,000) arrives; B leaves whole, two weeks later.
    line(10, "2023-01-10", MAKER, LOTS, 5_000, 5.0),
    line(11, "2023-01-25", LOTS, RADIANT, 2_500, 8.0),
    line(12, "2023-02-10", LOTS, RADIANT, 2_500, 8.0),
    line(13, "2023-03-01", MAKER, LOTS, 3_000, 5.0),
    line(14, "2023-03-15", LOTS, RADIANT, 3_000, 8.0),
    # 5,000 in, 5,000 out: the export declared by Kazakh customs (FOB) and by Russian customs (CIF).
    line(15, "2023-07-03", MAKER, TWICE, 5_000, 5.0),
    line(16, "2023-07-24", TWICE, MIKROTEKH, 5_000, 8.0),
    line(17, "2023-07-24", TWICE, MIKROTEKH, 5_000, 8.2, declaring_country="RU"),
    # 40 cars at $60,000 sent on at $70,000 two weeks later.
    line(18, "2023-03-06", AUTOHAUS, CARS, 40, 60_000.0, **CAR),
    line(19, "2023-03-20", CARS, AVTOIMPORT, 40, 70_000.0, **CAR),
    # Lot A (5,000) sent on whole after 10 days; of lot B (5,000) only 2,000 after 10 days.
    line(20, "2023-09-01", MAKER, DRIFT, 5_000, 5.0),
    line(21, "2023-09-11", DRIFT, RADIANT, 5_000, 8.0),
    line(22, "2023-10-02", MAKER, DRIFT, 5_000, 5.0),
    line(23, "2023-10-12", DRIFT, RADIANT, 2_000, 8.0),
]
SILENT = [
    # A distributor: 10,000 chips in, 1,500 ($30,000) to Russia, the rest sold at home.
    line(30, "2023-04-03", MAKER, DISTRIBUTOR, 10_000, 5.0),
    line(31, "2023-04-24", DISTRIBUTOR, RADIANT, 1_500, 20.0),
    # The same quantity out, but 142 days after it came in.
    line(32, "2023-01-10", MAKER, LATE, 10_000, 5.0),
    line(33, "2023-06-01", LATE, RADIANT, 10_000, 7.0),
    # The same quantity out 36 days later, before 24 February 2022.
    line(34, "2022-01-05", MAKER, EARLY, 10_000, 5.0),
    line(35, "2022-02-10", EARLY, RADIANT, 10_000, 7.0),
    # Oranges are on no list.
    line(36, "2023-09-04", SOUSS, FRUIT, 20_000, 1.5, **ORANGES),
    line(37, "2023-09-18", FRUIT, FRUKTY, 20_000, 2.0, **ORANGES),
    # 100 chips in, 100 out ($5,000) after 12 days.
    line(38, "2023-05-03", MAKER, TINY, 100, 40.0),
    line(39, "2023-05-15", TINY, RADIANT, 100, 50.0),
    # 10,000 in, 8,500 ($68,000) out after 20 days: 15% short.
    line(40, "2023-08-01", MAKER, NEAR, 10_000, 5.0),
    line(41, "2023-08-21", NEAR, MIKROTEKH, 8_500, 8.0),
    # Lot A (1,000) sent on whole; after lot B (1,000), 4,000 sent on: it has other sources.
    line(42, "2023-09-01", MAKER, TRADER, 1_000, 5.0),
    line(43, "2023-09-10", TRADER, RADIANT, 1_000, 8.0),
    line(44, "2023-10-02", MAKER, TRADER, 1_000, 5.0),
    line(45, "2023-10-11", TRADER, RADIANT, 4_000, 8.0),
]


def row_numbers(rows: list[dict[str, str]], first: int) -> dict[int, str]:
    """The record (line number in the declarations file) of each row, by the number in its declaration id."""
    return {int(row["declaration_id"].split("-")[1]): str(first + i) for i, row in enumerate(rows)}


ROW = row_numbers([*RELAYED, *SILENT], 1)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from scenario(tmp_path_factory.mktemp("pass_through"), decls=[*RELAYED, *SILENT])


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[str, dict[str, Any]]:
    return by_name(run(ws))


def run(ws: Workspace, **changes: object) -> list[dict[str, Any]]:
    """The detector's findings (defaults, with some parameters changed), as dicts."""
    return fetch(pass_through.run(ws, with_params(pass_through.Params(), **changes)))


def entity(ws: Workspace, name: str) -> str:
    party_id, country = PARTY[name]
    return entity_of(ws, declared(name, party_id, country))


def test_only_the_relays_are_flagged(found: dict[str, Any]) -> None:
    assert set(found) == {RELAY, SPLIT, MERGED, LOTS, TWICE, CARS, DRIFT}


def test_the_kyrgyz_relay_sends_on_99_percent_after_19_days(ws: Workspace, found: dict[str, Any]) -> None:
    relay = found[RELAY]
    assert (relay["subject_id"], relay["country"]) == (entity(ws, RELAY), "KG")
    assert relay["subject_kind"] == "company"
    assert (relay["detector"], relay["view"]) == ("shipments.pass_through", "declarations")
    assert relay["approximate"] is False
    assert (relay["partner"], relay["hs_code"], relay["period"]) == ("RU", "8542", "2023-02..2023-02")
    m = relay["metrics"]
    assert (m["quantity_in"], m["quantity_out"]) == (10_000.0, 9_900.0)
    assert m["balance"] == pytest.approx(0.99)
    assert m["legs_matched_share"] == 1.0
    assert m["median_lag_days"] == 19.0
    assert (m["value_in"], m["value_out"]) == (50_000.0, 69_300.0)
    assert m["unit_markup"] == pytest.approx(7.0 / 5.0)
    assert m["priority"] == 1.0  # CHPL tier 1
    # The consignee first, then the supplier.
    assert relay["related"] == [entity(ws, RADIANT), entity(ws, MAKER)]
    # The import line, then the export line.
    assert records(relay, "declarations.csv") == [ROW[1], ROW[2]]
    assert relay["explanation"] == (
        f"{RELAY} imported 10000 units of HS 8542 in 1 consignment and sent 9900 (99%) on to RU in 1 "
        "consignment worth $69k, a median 19 days after import, 2023-02-01 to 2023-02-20"
    )
    assert 0.8 <= relay["score"] <= 1.0


def test_one_lot_split_over_three_exports_adds_up(ws: Workspace, found: dict[str, Any]) -> None:
    split = found[SPLIT]
    assert (split["hs_code"], split["period"]) == ("8542", "2023-03..2023-04")  # 8542.33 and .39: one heading
    m = split["metrics"]
    assert (m["quantity_in"], m["quantity_out"], m["balance"]) == (6_000.0, 6_000.0, 1.0)
    assert m["legs_matched_share"] == 1.0  # all three exports attributed to the one import
    assert m["median_lag_days"] == 19.0  # 9, 19 and 35 days
    assert m["value_out"] == 60_000.0
    assert split["related"] == [entity(ws, MIKROTEKH), entity(ws, HUAQIANG)]
    assert records(split, "declarations.csv")[0] == ROW[3]
    assert sorted(records(split, "declarations.csv")[1:]) == sorted([ROW[4], ROW[5], ROW[6]])
    assert (
        "in 1 consignment and sent 6000 (100%) on to RU in 3 consignments worth $60k" in split["explanation"]
    )
    assert split["explanation"].endswith("a median 19 days after import, 2023-03-01 to 2023-04-05")


def test_two_lots_that_leave_together_balance_in_total(ws: Workspace, found: dict[str, Any]) -> None:
    merged = found[MERGED]
    m = merged["metrics"]
    assert (m["quantity_in"], m["quantity_out"], m["balance"]) == (8_000.0, 8_000.0, 1.0)
    # The 8,000 are attributed to the second lot, twice its size: no lot matches on its own.
    assert m["legs_matched_share"] == 0.0
    assert m["median_lag_days"] == 16.0  # from the lot it is attributed to
    assert merged["related"][0] == entity(ws, RADIANT)
    assert sorted(merged["related"][1:]) == sorted([entity(ws, MAKER), entity(ws, HUAQIANG)])
    assert sorted(records(merged, "declarations.csv")) == sorted([ROW[7], ROW[8], ROW[9]])
    assert "imported 8000 units of HS 8542 in 2 consignments and sent 8000 (100%)" in merged["explanation"]


def test_an_export_is_attributed_to_the_latest_import_before_it(found: dict[str, Any]) -> None:
    m = found[LOTS]["metrics"]
    assert (m["quantity_in"], m["quantity_out"]) == (8_000.0, 8_000.0)
    # The 15 March export is within 90 days of both lots but counts against lot B (14 days), not A (64):
    # A is matched by its two halves (15 and 31 days), B by its one export.
    assert m["legs_matched_share"] == 1.0
    assert m["median_lag_days"] == 15.0


def test_a_consignment_declared_at_both_ends_counts_once(found: dict[str, Any]) -> None:
    twice = found[TWICE]
    m = twice["metrics"]
    assert (m["quantity_in"], m["quantity_out"], m["balance"]) == (5_000.0, 5_000.0, 1.0)
    assert m["legs_matched_share"] == 1.0
    assert m["value_out"] == 41_000.0  # the larger (Russian, CIF) value of the two lines
    assert "in 1 consignment worth $41k" in twice["explanation"]
    # Both lines of the consignment are its evidence.
    assert records(twice, "declarations.csv")[0] == ROW[15]
    assert sorted(records(twice, "declarations.csv")[1:]) == sorted([ROW[16], ROW[17]])


def test_lots_matched_one_by_one_count_though_the_totals_drift(found: dict[str, Any]) -> None:
    m = found[DRIFT]["metrics"]
    assert (m["quantity_in"], m["quantity_out"]) == (10_000.0, 7_000.0)
    assert m["balance"] == pytest.approx(0.7)  # outside the tolerance: it is the matched lot that flags it
    assert m["legs_matched_share"] == 0.5
    assert m["median_lag_days"] == 10.0


def test_half_the_lots_matched_do_not_count_for_a_firm_sending_on_more_than_twice_what_it_bought(
    ws: Workspace, found: dict[str, Any]
) -> None:
    assert TRADER not in found
    # Its legs pair, lot A matched and lot B not (4,000 out of 1,000): only a tolerance of 150% takes in
    # its 2,000 bought and 5,000 sent on.
    assert TRADER not in by_name(run(ws, tolerance=1.4))
    lenient = by_name(run(ws, tolerance=1.5))[TRADER]
    assert (lenient["metrics"]["quantity_in"], lenient["metrics"]["quantity_out"]) == (2_000.0, 5_000.0)
    assert lenient["metrics"]["balance"] == 2.5
    assert lenient["metrics"]["legs_matched_share"] == 0.5


def test_a_car_relay_counts_for_half_a_chip_relay(found: dict[str, Any]) -> None:
    cars = found[CARS]
    assert (cars["country"], cars["hs_code"]) == ("AM", "8703")
    assert cars["metrics"]["priority"] == 0.5  # reported goods, luxury
    assert cars["metrics"]["balance"] == 1.0
    assert cars["score"] <= 0.5 < found[RELAY]["score"]


def test_a_distributor_late_early_oranges_tiny_and_short_sellers_are_silent(found: dict[str, Any]) -> None:
    assert not {DISTRIBUTOR, LATE, EARLY, FRUIT, TINY, NEAR, TRADER} & set(found)
    assert not any(f["hs_code"] == "0805" for f in found.values())


def test_the_distributor_is_paired_but_sends_on_too_little(ws: Workspace) -> None:
    # Its legs do pair up, and its $30,000 clear min_value: the 85% it keeps is what leaves it out.
    assert DISTRIBUTOR not in by_name(run(ws, tolerance=0.84))
    lenient = by_name(run(ws, tolerance=0.86))[DISTRIBUTOR]
    assert lenient["metrics"]["balance"] == pytest.approx(0.15)
    assert lenient["metrics"]["value_out"] == 30_000.0


def test_the_window_decides_a_late_export(ws: Workspace) -> None:
    assert LATE not in by_name(run(ws, window_days=141))
    late = by_name(run(ws, window_days=142))[LATE]
    assert late["metrics"]["median_lag_days"] == 142.0
    assert late["metrics"]["balance"] == 1.0
    # A window shorter than the relay's 19 days loses it too.
    narrow = by_name(run(ws, window_days=18))
    assert RELAY not in narrow
    assert RELAY in by_name(run(ws, window_days=19))


def test_the_cutoff_decides_an_early_export(ws: Workspace) -> None:
    early = by_name(run(ws, cutoff_date=date(2022, 1, 1)))[EARLY]
    assert early["period"] == "2022-01..2022-02"
    assert early["metrics"]["median_lag_days"] == 36.0


def test_the_tolerance_decides_a_short_export(ws: Workspace) -> None:
    assert NEAR not in by_name(run(ws, tolerance=0.14))
    near = by_name(run(ws, tolerance=0.15))[NEAR]
    assert near["metrics"]["balance"] == pytest.approx(0.85)
    assert near["metrics"]["legs_matched_share"] == 1.0


def test_min_value_decides_a_tiny_relay(ws: Workspace, found: dict[str, Any]) -> None:
    assert TINY not in by_name(run(ws, min_value=5_001.0))
    tiny = by_name(run(ws, min_value=5_000.0))[TINY]
    assert tiny["metrics"]["value_out"] == 5_000.0
    assert tiny["metrics"]["median_lag_days"] == 12.0
    assert tiny["score"] < found[RELAY]["score"]


def test_oranges_never_pair(ws: Workspace) -> None:
    lenient = by_name(run(ws, tolerance=1.0, min_value=0.0, window_days=365))
    assert FRUIT not in lenient


def test_another_destination_sees_none_of_this(ws: Workspace) -> None:
    assert run(ws, destination="BY") == []


def test_evidence_cites_both_legs_however_many_lots(ws: Workspace) -> None:
    capped = by_name(run(ws, evidence_lines=2))
    # One line of each side: the first is an import line, the second an export line.
    assert records(capped[SPLIT], "declarations.csv")[0] == ROW[3]
    assert records(capped[SPLIT], "declarations.csv")[1] in {ROW[4], ROW[5], ROW[6]}
    assert all(len(f["evidence"]) == 2 for f in capped.values())
