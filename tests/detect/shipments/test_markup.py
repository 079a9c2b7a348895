"""shipments.markup: a hub firm sells to Russia far above the unit value other sellers charge."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import ibis
import pytest

from diversion.detect.base import fetch
from diversion.detect.entities.common import with_params
from diversion.detect.shipments import common, markup
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

AREV, AREV_TIN = "«Арев Наири Плюс» ՍՊԸ", "02634571"  # the Armenian intermediary (CASES.md case 5)
REGION = "АО «Регион-11»"
REGION_INN = inn_of(REGION)
MAKER, MAKER_ID = "Hanbit Semiconductor Co., Ltd.", "KR1208712345"
DALA = "ТОО «Дала Чип»"  # a Kazakh chip seller to Russia at the market price
DALA_BIN = bin_of(DALA, date(2016, 3, 1))
SUNKAR = "ТОО «Сункар Электроникс»"  # sells the same chips declared by weight
SUNKAR_BIN = bin_of(SUNKAR, date(2018, 5, 1))
ALATOO = "ОсОО «Ала-Тоо Трейд»"  # one consignment at three times the price
ALATOO_INN = kg_inn_of(ALATOO, date(2019, 2, 1))
KZ_BUYER = "ТОО «Алматы Компонент»"
KZ_BUYER_BIN = bin_of(KZ_BUYER, date(2012, 1, 1))
TYRES_CN = "Shandong Hengfeng Tyre Co., Ltd."
SHINA = "ТОО «Шина Трейд»"  # tyre sellers to Russia during the shortage
SHINA_BIN = bin_of(SHINA, date(2014, 6, 1))
DONGOLOK = "ОсОО «Дөңгөлөк»"
DONGOLOK_INN = kg_inn_of(DONGOLOK, date(2015, 9, 1))
AUTO = "ООО «Автошина Центр»"
AUTO_INN = inn_of(AUTO)

CHIP_KG = 0.002  # net weight of one chip, packaging included: $4.70 a piece is $2,350 a kg
PARTY = {
    AREV: (AREV_TIN, "AM"),
    REGION: (REGION_INN, "RU"),
    MAKER: (MAKER_ID, "KR"),
    DALA: (DALA_BIN, "KZ"),
    SUNKAR: (SUNKAR_BIN, "KZ"),
    ALATOO: (ALATOO_INN, "KG"),
    KZ_BUYER: (KZ_BUYER_BIN, "KZ"),
    TYRES_CN: ("CN91370000123456", "CN"),
    SHINA: (SHINA_BIN, "KZ"),
    DONGOLOK: (DONGOLOK_INN, "KG"),
    AUTO: (AUTO_INN, "RU"),
}


def sale(n: int, day: str, seller: str, buyer: str, qty: int, price: float, **more: object) -> dict[str, str]:
    """One declaration line of chips (8542.31 made in Korea, in pieces unless told), declared by the seller's
    country as an export (or by ``declaring_country``)."""
    (sid, scountry), (bid, bcountry) = PARTY[seller], PARTY[buyer]
    declaring = str(more.pop("declaring_country", scountry))
    row: dict[str, object] = {
        "declaration_id": f"{declaring}-{n}", "date": day, "declaring_country": declaring,
        "direction": "export" if declaring == scountry else "import",
        "exporter_name": seller, "exporter_id": sid, "exporter_country": scountry,
        "importer_name": buyer, "importer_id": bid, "importer_country": bcountry,
        "origin_country": "KR", "dispatch_country": scountry, "destination_country": bcountry,
        "hs_code": "854231", "description": "Схемы интегральные: процессоры", "brand": "", "model": "",
        "quantity": qty, "unit": "pcs", "net_kg": round(qty * CHIP_KG, 3),
        "value": round(qty * price, 2), "value_usd": round(qty * price, 2),
    }  # fmt: skip
    row.update(more)
    return decl(**row)


def tyres(n: int, day: str, seller: str, buyer: str, qty: int, price: float) -> dict[str, str]:
    """New car tyres (4011.10, made in China), 8 kg each."""
    return sale(n, day, seller, buyer, qty, price, hs_code="401110", origin_country="CN",
                description="Шины пневматические новые", net_kg=qty * 8)  # fmt: skip


MARKET = [  # Other sellers' chips: a median of $4.70 a piece in each quarter, from Korea.
    sale(1, "2022-07-05", MAKER, AREV, 80_000, 4.60),  # the intermediary's own purchase
    sale(2, "2022-07-12", MAKER, KZ_BUYER, 10_000, 4.50),
    sale(3, "2022-08-02", MAKER, KZ_BUYER, 10_000, 4.70),
    sale(4, "2022-08-22", MAKER, REGION, 10_000, 4.80),
    sale(5, "2022-09-09", MAKER, KZ_BUYER, 10_000, 4.90),
    sale(6, "2022-08-15", DALA, REGION, 10_000, 4.60),
    sale(7, "2022-09-20", DALA, REGION, 10_000, 4.70),
    sale(8, "2022-10-04", MAKER, KZ_BUYER, 10_000, 4.50),
    sale(9, "2022-10-18", MAKER, REGION, 10_000, 4.60),
    sale(10, "2022-11-08", MAKER, KZ_BUYER, 10_000, 4.70),
    sale(11, "2022-11-29", MAKER, KZ_BUYER, 10_000, 4.80),
    sale(12, "2022-12-12", MAKER, REGION, 10_000, 4.90),
    sale(13, "2022-10-25", DALA, REGION, 10_000, 4.70),
]
MARKUP = [  # The Armenian intermediary: $14.10 a piece, three times the market, over four consignments.
    sale(20, "2022-08-10", AREV, REGION, 20_000, 14.10),
    sale(21, "2022-08-10", AREV, REGION, 20_000, 14.10, declaring_country="RU"),  # the same consignment
    sale(22, "2022-09-15", AREV, REGION, 20_000, 14.10),
    sale(23, "2022-10-20", AREV, REGION, 20_000, 14.10, unit="ШТ."),
    sale(24, "2022-11-25", AREV, REGION, 20_000, 14.10, unit="796"),
    sale(25, "2022-09-01", ALATOO, REGION, 5_000, 14.10),  # one consignment only
]
BY_WEIGHT = [  # Chips declared in kilograms: $2,350 a kg is the market price, $500 per "unit" naively.
    sale(30, "2022-08-05", SUNKAR, REGION, 20, 2_350.0, unit="кг", net_kg=20),
    sale(31, "2022-09-05", SUNKAR, REGION, 30, 2_350.0, unit="166", net_kg=30),
]
SHORTAGE = [  # Tyres: every seller asks about 1.8x the $70 of other quarters from April to June 2022.
    tyres(40, "2022-01-20", TYRES_CN, SHINA, 1_000, 70.0),
    tyres(41, "2022-02-10", TYRES_CN, AUTO, 1_000, 71.0),
    tyres(42, "2022-04-06", TYRES_CN, SHINA, 1_000, 124.0),
    tyres(43, "2022-04-27", TYRES_CN, AUTO, 1_000, 126.0),
    tyres(44, "2022-05-11", TYRES_CN, DONGOLOK, 1_000, 128.0),
    tyres(45, "2022-05-30", TYRES_CN, AUTO, 1_000, 125.0),
    tyres(46, "2022-06-14", TYRES_CN, SHINA, 1_000, 127.0),
    tyres(47, "2022-04-20", SHINA, AUTO, 500, 125.0),
    tyres(48, "2022-05-18", SHINA, AUTO, 500, 127.0),
    tyres(49, "2022-06-21", SHINA, AUTO, 500, 126.0),
    tyres(50, "2022-04-29", DONGOLOK, AUTO, 400, 128.0),
    tyres(51, "2022-06-02", DONGOLOK, AUTO, 400, 124.0),
    tyres(52, "2022-06-28", DONGOLOK, AUTO, 400, 129.0),
    tyres(53, "2022-08-16", TYRES_CN, AUTO, 1_000, 70.0),
]


def row_numbers(rows: list[dict[str, str]], first: int) -> dict[str, str]:
    """The record (line number in the declarations file) of each row, by the number in its declaration id."""
    return {row["declaration_id"].split("-")[1]: str(first + i) for i, row in enumerate(rows)}


MARKET_ROWS, MARKUP_ROWS = row_numbers(MARKET, 1), row_numbers(MARKUP, 1 + len(MARKET))


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    decls = [*MARKET, *MARKUP, *BY_WEIGHT, *SHORTAGE]
    yield from scenario(tmp_path_factory.mktemp("markup"), decls=decls)


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[str, dict[str, Any]]:
    return by_name(run(ws))


def run(ws: Workspace, **changes: object) -> list[dict[str, Any]]:
    """The detector's findings (defaults, with some parameters changed), as dicts."""
    return fetch(markup.run(ws, with_params(markup.Params(), **changes)))


def member(name: str) -> str:
    party_id, country = PARTY[name]
    return declared(name, party_id, country)


def test_the_armenian_intermediary_charges_three_times_the_market(
    ws: Workspace, found: dict[str, Any]
) -> None:
    arev = found[AREV]
    assert (arev["subject_id"], arev["country"]) == (entity_of(ws, member(AREV)), "AM")
    assert (arev["partner"], arev["hs_code"], arev["period"]) == ("RU", "854231", "2022-Q3..2022-Q4")
    assert arev["related"] == [entity_of(ws, member(REGION))]
    m = arev["metrics"]
    assert m["ratio"] == pytest.approx(3.0, rel=0.05)
    assert m["unit_value"] == pytest.approx(14.10)
    assert m["reference_median"] == pytest.approx(4.70, rel=0.03)
    assert m["lines"] == 4.0  # the consignment declared in Armenia and in Russia counts once
    assert m["value_usd"] == pytest.approx(4 * 282_000.0)
    assert m["robust_z"] > 5.0
    # Its own purchase from the Korean maker in July: $4.60 a piece, sold on at 3.07 times that.
    assert m["own_purchase_unit_value"] == pytest.approx(4.60)
    assert m["resale_markup"] == pytest.approx(14.10 / 4.60)
    assert 0.6 <= arev["score"] <= 0.85
    assert arev["explanation"].startswith(
        f"{AREV} sold HS 8542.31 to {REGION} at $14.10 a piece, 3.0x the $4.70 median other sellers charged "
        "in the same quarters (4 consignments, $1.1M)"
    )
    assert "bought them at $4.60 a piece" in arev["explanation"]
    # Every declaration line of the flagged consignments (both of the doubly declared one), then the purchase.
    assert sorted(records(arev, "declarations.csv")[:5]) == sorted(
        MARKUP_ROWS[i] for i in ("20", "21", "22", "23", "24")
    )
    assert records(arev, "declarations.csv")[5:] == [MARKET_ROWS["1"]]


def test_market_sellers_shortage_sellers_and_weight_declarations_are_silent(found: dict[str, Any]) -> None:
    assert set(found) == {AREV}
    assert not any(f["hs_code"] == "401110" for f in found.values())


def test_the_shortage_quarter_is_its_own_reference(ws: Workspace) -> None:
    judged = sales_judged(ws)
    shortage = [j for j in judged if j["hs6"] == "401110"]
    assert {j["quarter"] for j in shortage} == {date(2022, 4, 1)}
    assert len(shortage) == 6
    # Each hub seller's $124-$129 against the other sellers' same-quarter prices: no markup at all.
    assert all(0.95 < j["ratio"] < 1.05 and not j["flagged"] for j in shortage)


def test_a_reference_is_drawn_from_at_most_reference_sample_consignments(ws: Workspace) -> None:
    p = markup.Params()
    lines = markup.priced(ws)
    sales = lines.filter(lines.exporter_country.isin(list(p.hubs)) & (lines.importer_country == "RU"))
    base = ["hs6", "basis", "quarter"]
    whole = markup.reference(sales, lines, base).to_pyarrow().to_pylist()
    drawn = markup.reference(sales, lines, base, sample=3).to_pyarrow().to_pylist()
    assert max(r["n"] for r in whole) > 3  # the fixture's groups are larger than the draw
    assert len(drawn) == len(whole) and all(r["n"] <= 3 for r in drawn)
    # The default draw leaves the fixture's groups whole: the Armenian finding above is unchanged by it.
    assert sorted(r["n"] for r in whole) == sorted(
        r["n"]
        for r in markup.reference(sales, lines, base, sample=p.reference_sample).to_pyarrow().to_pylist()
    )


def test_a_line_in_kilograms_is_priced_per_kilogram_against_every_line_s_weight(ws: Workspace) -> None:
    weighed = [j for j in sales_judged(ws) if j["exporter_entity"] == entity_of(ws, member(SUNKAR))]
    assert [j["basis"] for j in weighed] == ["kg", "kg"]
    assert all(j["ratio"] == pytest.approx(1.0, rel=0.05) and not j["flagged"] for j in weighed)


def test_units_are_normalised() -> None:
    probe = ["PCS", " шт. ", "796", "u", "кг", "166", "KGM", "l"]
    words = [common.normalize_unit(ibis.literal(u)).execute() for u in probe]
    assert words == ["pcs", "шт", "796", "u", "кг", "166", "kgm", "l"]
    assert {w for w in words if w in common.COUNT_UNITS} == {"pcs", "шт", "796", "u"}
    assert {w for w in words if w in common.WEIGHT_UNITS} == {"кг", "166", "kgm"}


def test_one_consignment_is_below_min_lines(ws: Workspace, found: dict[str, Any]) -> None:
    assert ALATOO not in found
    lowered = by_name(run(ws, min_lines=1))
    assert set(lowered) == {AREV, ALATOO}
    assert lowered[ALATOO]["metrics"]["lines"] == 1.0
    assert "own_purchase_unit_value" not in lowered[ALATOO]["metrics"]
    assert by_name(run(ws, min_lines=4)).keys() == {AREV}
    assert by_name(run(ws, min_lines=5)) == {}


def test_min_ratio_both_sides(ws: Workspace) -> None:
    assert by_name(run(ws, min_ratio=2.9)).keys() == {AREV}
    assert by_name(run(ws, min_ratio=3.1)) == {}


def test_a_reference_needs_min_reference_other_consignments(ws: Workspace) -> None:
    # Other sellers' chips in pieces: 8 consignments in Q3, 6 in Q4; by weight, Q3 also has the 2 in kg.
    q3_only = by_name(run(ws, min_reference=7, wide_quarters=0))[AREV]
    assert (q3_only["period"], q3_only["metrics"]["lines"]) == ("2022-Q3", 2.0)
    by_weight = by_name(run(ws, min_reference=10, wide_quarters=0))[AREV]
    assert by_weight["metrics"]["lines"] == 2.0
    assert by_weight["metrics"]["ratio"] == pytest.approx(3.0, rel=0.05)
    assert by_weight["metrics"]["unit_value"] == pytest.approx(14.10 / CHIP_KG)
    assert "a kg" in by_weight["explanation"]
    assert by_name(run(ws, min_reference=11, wide_quarters=0)) == {}


def test_a_thin_quarter_borrows_the_quarters_around_it(ws: Workspace) -> None:
    # Q4's 6 other consignments are too few for 7; with Q3 beside them they are 14.
    widened = by_name(run(ws, min_reference=7))[AREV]
    assert (widened["period"], widened["metrics"]["lines"]) == ("2022-Q3..2022-Q4", 4.0)
    assert widened["metrics"]["ratio"] == pytest.approx(3.0, rel=0.05)


def test_evidence_is_capped(ws: Workspace) -> None:
    capped = by_name(run(ws, evidence_lines=3))
    assert len(capped[AREV]["evidence"]) == 3


def sales_judged(ws: Workspace) -> list[dict[str, Any]]:
    """Every hub firm's sale to Russia on its reference, as dicts."""
    p = markup.Params()
    lines = markup.priced(ws)
    sales = lines.filter(lines.exporter_country.isin(list(p.hubs)) & (lines.importer_country == "RU"))
    judged = markup.judge(sales, lines, p).drop("lines")
    rows: list[dict[str, Any]] = judged.to_pyarrow().to_pylist()
    return rows


@pytest.mark.parametrize(
    ("by", "quarters", "sample"),
    [
        (["hs6", "basis", "quarter", "origin_country"], 0, 2000),
        (["hs6", "basis", "quarter"], 0, 2000),
        (["hs6", "basis", "quarter"], 1, 2000),
        (["hs6", "basis", "quarter"], 1, 3),
    ],
)
def test_reference_sizes_counted_alone_equal_the_pools_the_medians_are_taken_over(
    ws: Workspace, by: list[str], quarters: int, sample: int
) -> None:
    # judge picks each sale's level from these counts and computes medians only for that level.
    p = markup.Params()
    lines = markup.priced(ws)
    sales = lines.filter(lines.exporter_country.isin(list(p.hubs)) & (lines.importer_country == "RU"))
    keys = sales.select(*by, seller=sales.exporter_entity).distinct()
    pooled = markup.reference(sales, lines, by, quarters, sample).to_pyarrow().to_pylist()
    counted = markup.reference_sizes(keys, lines, by, quarters, sample).to_pyarrow().to_pylist()

    def sizes(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], int]:
        return {tuple(r[k] for k in [*by, "seller"]): r["n"] for r in rows if r["n"]}

    assert sizes(pooled) and sizes(counted) == sizes(pooled)
