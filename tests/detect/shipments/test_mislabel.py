"""shipments.mislabel: drones declared as sprayers, by make and model, by words, and by their import leg."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from diversion.detect.base import FINDINGS, fetch
from diversion.detect.entities.common import with_params
from diversion.detect.shipments import mislabel
from diversion.detect.shipments.mislabel import COVER_CHAPTERS
from diversion.store import Workspace
from tests.detect.entities.fixtures import by_name, declared, entity_of, records, scenario
from tests.factory import decl

EASY, EASY_ID = "ОсОО «Соода Мотор»", "01503202310011"  # DJI Agras T30 declared as sprayers
MEDIUM, MEDIUM_ID = "ОсОО «Талас Агро»", "01503202310022"  # "беспилотный T30", no make, no model
HARD, HARD_ID = "ОсОО «Чуй Трейд»", "01503202310033"  # "опрыскивания" on export, drones on import
SPRAYERS, SPRAYERS_ID = "ОсОО «Бак Сад»", "01503202310044"  # a genuine knapsack sprayer
DRONES, DRONES_ID = "ОсОО «Ак Дрон»", "01503202310055"  # a drone declared as a drone
CHIPS, CHIPS_ID = "ОсОО «Чип Сервис»", "01503202310066"  # amplifiers declared as amplifiers
SHIRTS, SHIRTS_ID = "ОсОО «Ала-Тоо Импэкс»", "01503202310077"  # imports drones, exports T-shirts
STOCKIST, STOCKIST_ID = "ОсОО «Агро Склад»", "01503202310088"  # sells the sprayers it imported itself
BUYER, BUYER_ID = "ООО «АгроТехСнаб»", "7701234567"
SHOP, SHOP_ID = "ООО «Электрон Маркет»", "7707654321"
DJI, DJI_ID = "SZ DJI Technology Co., Ltd.", "91440300695569931X"

SPRAYER_CODE, DRONE_CODE = "8424490000", "8806240000"
UAV_TEXT = "БЕСПИЛОТНЫЕ ЛЕТАТЕЛЬНЫЕ АППАРАТЫ С ДИСТАНЦИОННЫМ УПРАВЛЕНИЕМ"


def _line(
    n: int,
    day: str,
    seller: tuple[str, str, str],
    buyer: tuple[str, str, str],
    hs: str,
    text: str,
    qty: int,
    usd: float,
    **more: object,
) -> dict[str, str]:
    """One line declared in Kyrgyzstan: an export when the seller is Kyrgyz, else an import."""
    export = seller[2] == "KG"
    return decl(declaration_id=f"KG-{n}", date=day, declaring_country="KG",
                direction="export" if export else "import", exporter_name=seller[0], exporter_id=seller[1],
                exporter_country=seller[2], importer_name=buyer[0], importer_id=buyer[1],
                importer_country=buyer[2], origin_country="CN", dispatch_country=seller[2],
                destination_country=buyer[2], hs_code=hs, description=text, quantity=qty, value=usd,
                value_usd=usd, **{"brand": "", "model": "", **more})  # fmt: skip


def _to_russia(
    n: int,
    day: str,
    firm: str,
    firm_id: str,
    hs: str,
    text: str,
    qty: int,
    usd: float,
    *,
    buyer: tuple[str, str] = (BUYER, BUYER_ID),
    **more: object,
) -> dict[str, str]:
    return _line(n, day, (firm, firm_id, "KG"), (*buyer, "RU"), hs, text, qty, usd, **more)


def _from_china(
    n: int, day: str, firm: str, firm_id: str, hs: str, text: str, qty: int, usd: float, **more: object
) -> dict[str, str]:
    return _line(n, day, (DJI, DJI_ID, "CN"), (firm, firm_id, "KG"), hs, text, qty, usd, **more)


EASY_TEXT = "Опрыскиватель сельскохозяйственный DJI Agras T30"
MEDIUM_TEXT = "Опрыскиватель сельскохозяйственный беспилотный T30"
HARD_TEXT = "Оборудование для опрыскивания сельскохозяйственных культур"
DECLS = [
    # Easy: three consignments of Agras T30 under 8424.49 after the cut-off, one before (the baseline).
    _to_russia(
        1, "2023-05-16", EASY, EASY_ID, SPRAYER_CODE, EASY_TEXT, 40, 672_000, brand="DJI", model="Agras T30"
    ),
    _to_russia(
        2, "2023-07-03", EASY, EASY_ID, SPRAYER_CODE, EASY_TEXT, 40, 672_000, brand="DJI", model="Agras T30"
    ),
    _to_russia(
        3, "2023-10-02", EASY, EASY_ID, SPRAYER_CODE, EASY_TEXT, 39, 655_200, brand="DJI", model="Agras T30"
    ),
    _to_russia(
        4, "2021-11-01", EASY, EASY_ID, SPRAYER_CODE, EASY_TEXT, 5, 84_000, brand="DJI", model="Agras T30"
    ),
    # Medium: no make, no model; "беспилотный" beside an Agras number. Its import leg corroborates.
    _from_china(5, "2023-05-10", MEDIUM, MEDIUM_ID, DRONE_CODE, UAV_TEXT, 20, 280_000, net_kg=1540),
    _to_russia(6, "2023-06-01", MEDIUM, MEDIUM_ID, SPRAYER_CODE, MEDIUM_TEXT, 20, 336_000, net_kg=1540),
    # Hard: nothing in the words; 30 drones imported, exported as 12 + 18 "spraying equipment".
    _from_china(7, "2023-03-01", HARD, HARD_ID, DRONE_CODE, UAV_TEXT, 30, 420_000, net_kg=2310),
    _to_russia(8, "2023-03-20", HARD, HARD_ID, SPRAYER_CODE, HARD_TEXT, 12, 201_600, net_kg=924),
    _to_russia(9, "2023-04-10", HARD, HARD_ID, SPRAYER_CODE, HARD_TEXT, 18, 302_400, net_kg=1386),
    # Legitimate: a knapsack sprayer, a camera drone as a drone, amplifiers as amplifiers.
    _to_russia(
        10,
        "2023-06-01",
        SPRAYERS,
        SPRAYERS_ID,
        "8424410000",
        "Опрыскиватель садовый ранцевый",
        200,
        30_000,
        brand="Solo",
        model="425",
    ),
    _to_russia(
        11,
        "2023-06-01",
        DRONES,
        DRONES_ID,
        "8806220000",
        "Квадрокоптер DJI Mavic 3",
        50,
        125_000,
        brand="DJI",
        model="Mavic 3",
    ),
    _to_russia(
        12,
        "2023-06-01",
        CHIPS,
        CHIPS_ID,
        "8542330000",
        "Схемы интегральные электронные: усилители",
        10_000,
        25_000,
        buyer=(SHOP, SHOP_ID),
        brand="Texas Instruments",
        model="LM358DR",
    ),
    # Same quantity in and out, but 50 drones weigh 45 kg and 50 T-shirts 10 kg: other goods.
    _from_china(
        13,
        "2023-01-10",
        SHIRTS,
        SHIRTS_ID,
        "8806220000",
        "Квадрокоптер DJI Mavic 3",
        50,
        125_000,
        net_kg=45,
        brand="DJI",
        model="Mavic 3",
    ),
    _to_russia(
        14,
        "2023-02-01",
        SHIRTS,
        SHIRTS_ID,
        "6109100000",
        "Футболки хлопчатобумажные",
        50,
        500,
        buyer=(SHOP, SHOP_ID),
        net_kg=10,
    ),
    # A dealer in sprayers: 40 in, then 25 drones in, then 25 sprayers out. Its own stock explains the sale.
    _from_china(15, "2023-08-01", STOCKIST, STOCKIST_ID, SPRAYER_CODE, HARD_TEXT, 40, 400_000),
    _from_china(16, "2023-08-20", STOCKIST, STOCKIST_ID, DRONE_CODE, UAV_TEXT, 25, 350_000),
    _to_russia(17, "2023-09-25", STOCKIST, STOCKIST_ID, SPRAYER_CODE, HARD_TEXT, 25, 420_000),
]


def run(ws: Workspace, **changes: object) -> list[dict[str, Any]]:
    params = with_params(mislabel.Params(), **changes)
    return fetch(mislabel.run(ws, params))


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from scenario(tmp_path_factory.mktemp("mislabel"), decls=DECLS)


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[str, dict[str, Any]]:
    return by_name(run(ws))


def test_the_output_has_the_findings_shape(ws: Workspace) -> None:
    assert mislabel.run(ws, mislabel.Params()).schema() == FINDINGS


def test_only_the_three_hub_firms_that_hid_drones_are_flagged(found: dict[str, Any]) -> None:
    assert set(found) == {EASY, MEDIUM, HARD}
    for finding in found.values():
        assert (finding["detector"], finding["subject_kind"], finding["country"]) == (
            mislabel.NAME,
            "company",
            "KG",
        )
        assert (finding["hs_code"], finding["partner"]) == ("842449", "RU")


def test_easy_agras_t30_named_on_sprayer_lines(ws: Workspace, found: dict[str, Any]) -> None:
    easy = found[EASY]
    assert easy["metrics"] == {
        "quantity": 119.0, "value_usd": 1_999_200.0, "consignments": 3.0, "by_line": 3.0, "by_legs": 0.0,
    }  # fmt: skip
    assert easy["score"] == pytest.approx(0.9)
    assert easy["period"] == "2023-05/2023-10"
    assert easy["explanation"] == (
        "ОсОО «Соода Мотор» declared 119 DJI Agras T30 (drones, HS 8806) as agricultural or horticultural "
        "sprayers under HS 8424.49 in 3 consignments to Russia worth $2.0M, May–Oct 2023"
    )
    # The three lines after the cut-off, the largest first, then the reference row naming the Agras.
    assert records(easy, "declarations.csv") == ["1", "2", "3"]
    assert easy["evidence"][-1] == {"source": "diversion:data/dual_use_models.csv", "record": "24"}
    assert easy["related"] == [entity_of(ws, declared(BUYER, BUYER_ID, "RU"))]
    assert easy["subject_id"] == entity_of(ws, declared(EASY, EASY_ID, "KG"))


def test_medium_unmanned_beside_an_agras_number_and_its_import_leg(
    ws: Workspace, found: dict[str, Any]
) -> None:
    medium = found[MEDIUM]
    assert medium["metrics"] == {
        "quantity": 20.0, "value_usd": 336_000.0, "consignments": 1.0, "by_line": 1.0, "by_legs": 1.0,
    }  # fmt: skip
    assert medium["score"] == pytest.approx(1 - 0.15 * 0.25)  # a model number in context, and both legs
    assert medium["explanation"] == (
        "ОсОО «Талас Агро» declared 20 DJI T30 (drones, HS 8806) as agricultural or horticultural sprayers "
        "under HS 8424.49 in 1 consignment to Russia worth $336k, Jun 2023; the same quantities had come in "
        "under HS 8806.24"
    )
    assert records(medium, "declarations.csv") == ["6", "5"]  # the export, then the import it carries on
    assert set(medium["related"]) == {
        entity_of(ws, declared(BUYER, BUYER_ID, "RU")),
        entity_of(ws, declared(DJI, DJI_ID, "CN")),
    }


def test_hard_no_words_but_drones_in_and_spraying_equipment_out(ws: Workspace, found: dict[str, Any]) -> None:
    hard = found[HARD]
    assert hard["metrics"] == {
        "quantity": 30.0, "value_usd": 504_000.0, "consignments": 2.0, "by_line": 0.0, "by_legs": 2.0,
    }  # fmt: skip
    assert hard["score"] == pytest.approx(0.75)
    assert hard["period"] == "2023-03/2023-04"
    assert hard["explanation"] == (
        "ОсОО «Чуй Трейд» imported 30 units under HS 8806.24 and sent the same quantities on to Russia within "
        "90 days declared as agricultural or horticultural sprayers under HS 8424.49 («Оборудование для "
        "опрыскивания сельскохозяйственных культур») in 2 consignments to Russia worth $504k, Mar–Apr 2023"
    )
    assert records(hard, "declarations.csv") == ["9", "8", "7"]
    assert entity_of(ws, declared(DJI, DJI_ID, "CN")) in hard["related"]


def test_the_hard_variant_needs_the_whole_run_of_exports_within_the_window(ws: Workspace) -> None:
    # 19 days after the import only the first export (12 of 30) has left: no run adds up to 30.
    assert HARD not in by_name(run(ws, window_days=19))
    assert HARD in by_name(run(ws, window_days=40))


def test_same_quantity_of_other_goods_is_no_match_even_when_weights_and_values_are_ignored(
    ws: Workspace,
) -> None:
    assert SHIRTS not in by_name(run(ws))
    assert SHIRTS not in by_name(run(ws, weight_tolerance=10.0))  # $125k of drones sold on for $500
    assert SHIRTS not in by_name(run(ws, min_markup=0.0))  # 45 kg of drones, 10 kg of T-shirts
    # T-shirts (chapter 61) are no cover for drones: a cover code is other machinery or apparatus.
    assert SHIRTS not in by_name(run(ws, weight_tolerance=10.0, min_markup=0.0))
    assert "61" not in COVER_CHAPTERS and {"84", "85", "88", "90"} <= set(COVER_CHAPTERS)


def test_exports_the_firm_had_imported_under_their_own_code_are_its_stock_not_a_cover(ws: Workspace) -> None:
    assert STOCKIST not in by_name(run(ws))
    # 40 days back from the sale the sprayers bought 55 days before are out of sight: the legs match again.
    stockist = by_name(run(ws, window_days=40))[STOCKIST]
    assert stockist["metrics"]["by_legs"] == 1.0
    assert records(stockist, "declarations.csv") == ["17", "16"]


def test_exports_sold_on_at_more_than_max_markup_are_other_goods(ws: Workspace) -> None:
    # The hard variant's drones cost $14,000 each and were sold on at $16,800: a markup of 1.2.
    assert HARD not in by_name(run(ws, max_markup=1.19))
    assert HARD in by_name(run(ws, max_markup=1.21))


def test_import_legs_under_min_leg_quantity_are_not_matched(ws: Workspace) -> None:
    assert HARD not in by_name(run(ws, min_leg_quantity=31.0))
    medium = by_name(run(ws, min_leg_quantity=31.0))[MEDIUM]
    assert medium["metrics"]["by_legs"] == 0.0 and medium["score"] == pytest.approx(0.85)


def test_lines_before_the_cutoff_are_the_baseline(ws: Workspace) -> None:
    later = by_name(run(ws, cutoff_date=date(2023, 6, 1)))
    assert later[EASY]["metrics"]["quantity"] == 79.0  # the May consignment left before
    assert HARD not in later


def test_evidence_is_capped(ws: Workspace) -> None:
    easy = by_name(run(ws, evidence_lines=2))[EASY]
    assert records(easy, "declarations.csv") == ["1", "2"]


def test_legit_goods_are_silent(found: dict[str, Any]) -> None:
    assert SPRAYERS not in found  # a knapsack sprayer is a sprayer
    assert DRONES not in found  # a Mavic declared under 8806.22
    assert CHIPS not in found  # TI amplifiers under 8542.33


def test_goods_declared_under_another_controlled_code_only_when_hidden_only_is_off(ws: Workspace) -> None:
    # Nothing here is declared under a listed code, so the switch changes nothing in this world.
    assert set(by_name(run(ws, hidden_only=False))) >= {EASY, MEDIUM, HARD}
