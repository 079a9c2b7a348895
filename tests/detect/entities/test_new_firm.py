"""entities.new_firm: a hub firm incorporated after the cut-off that trades controlled goods."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from diversion.detect.entities.common import controlled_codes
from diversion.store import Workspace
from tests.detect.entities.fixtures import (
    bin_of,
    by_name,
    declared,
    entity_of,
    inn_of,
    party,
    records,
    run,
    scenario,
)
from tests.factory import decl

ASPAN = "ТОО «Аспан Арба»"
ASPAN_BIN = bin_of(ASPAN, date(2022, 4, 12))
NEBESNAYA = "ООО «Небесная механика»"
NEBESNAYA_INN = inn_of(NEBESNAYA)
ORANGES = "ТОО «Жас Өркен»"
ORANGES_BIN = bin_of(ORANGES, date(2022, 5, 1))
OLD = "ТОО «Казэлектроника»"
OLD_BIN = bin_of(OLD, date(2015, 3, 10))
GERMAN, GERMAN_HRB = "Halbleiter Handel GmbH", "HRB 245871"
LATE = "ТОО «Дала Чип»"
LATE_BIN = bin_of(LATE, date(2024, 2, 1))
LATER = "ТОО «Шекара Логистик»"
LATER_BIN = bin_of(LATER, date(2024, 2, 1))
SMALL = "ТОО «Микро Сауда»"
SMALL_BIN = bin_of(SMALL, date(2022, 9, 1))

PARTIES = [
    party("kz-aspan", ASPAN, "KZ", bin=ASPAN_BIN, incorporation_date="2022-04-12"),
    party("kz-oranges", ORANGES, "KZ", bin=ORANGES_BIN, incorporation_date="2022-05-01"),
    party("kz-old", OLD, "KZ", bin=OLD_BIN, incorporation_date="2015-03-10"),
    party("de-halbleiter", GERMAN, "DE", registration_number=GERMAN_HRB, incorporation_date="2022-06-01"),
    party("kz-late", LATE, "KZ", bin=LATE_BIN, incorporation_date="2024-02-24"),  # 730 days after
    party("kz-later", LATER, "KZ", bin=LATER_BIN, incorporation_date="2024-02-25"),  # 731 days after
    party("kz-small", SMALL, "KZ", bin=SMALL_BIN, incorporation_date="2022-09-15"),
]


def _import(n: int, name: str, bin_: str, hs: str, value: int, day: str, **more: object) -> dict[str, str]:
    return decl(declaration_id=f"KZ-{n}", date=day, importer_name=name, importer_id=bin_, hs_code=hs,
                value=value, value_usd=value, **more)  # fmt: skip


def _export_to_ru(n: int, name: str, bin_: str, hs: str, value: int, day: str) -> dict[str, str]:
    return decl(declaration_id=f"KZ-{n}", date=day, direction="export", exporter_name=name, exporter_id=bin_,
                exporter_country="KZ", importer_name=NEBESNAYA, importer_id=NEBESNAYA_INN, importer_country="RU",
                destination_country="RU", hs_code=hs, value=value, value_usd=value)  # fmt: skip


FROM_GERMANY = {"exporter_name": GERMAN, "exporter_id": GERMAN_HRB, "exporter_country": "DE"}
DECLS = [
    _import(1, ASPAN, ASPAN_BIN, "880622", 1_250_000, "2022-05-12"),  # 500 DJI drones from the Netherlands
    _export_to_ru(2, ASPAN, ASPAN_BIN, "880622", 400_000, "2022-06-01"),
    _export_to_ru(3, ORANGES, ORANGES_BIN, "080510", 900_000, "2022-07-01"),  # oranges: on no list
    _import(4, OLD, OLD_BIN, "854231", 2_000_000, "2022-08-01", **FROM_GERMANY),
    _import(5, LATE, LATE_BIN, "854231", 300_000, "2024-03-01"),
    _import(6, LATER, LATER_BIN, "854231", 300_000, "2024-03-01"),
    _import(7, SMALL, SMALL_BIN, "854231", 9_999, "2022-10-01"),
]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from scenario(tmp_path_factory.mktemp("new_firm"), parties=PARTIES, decls=DECLS)


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[str, dict[str, Any]]:
    return by_name(run(ws, "entities.new_firm"))


def test_the_goods_are_on_the_shipped_lists_and_oranges_are_not(ws: Workspace) -> None:
    codes = set(controlled_codes(ws))
    assert {"880622", "854231"} <= codes
    assert "080510" not in codes


def test_declared_parties_resolve_to_their_registry_records(ws: Workspace) -> None:
    assert entity_of(ws, "kz-aspan", declared(ASPAN, ASPAN_BIN, "KZ")) == "kz-aspan"
    assert entity_of(ws, "kz-old", declared(OLD, OLD_BIN, "KZ")) == "kz-old"
    assert entity_of(ws, "de-halbleiter", declared(GERMAN, GERMAN_HRB, "DE")) == "de-halbleiter"


def test_a_firm_founded_47_days_after_the_cutoff_trading_drones_to_russia(found: dict[str, Any]) -> None:
    aspan = found[ASPAN]
    assert (aspan["subject_id"], aspan["subject_kind"], aspan["country"]) == ("kz-aspan", "company", "KZ")
    assert aspan["metrics"] == {
        "days_after_cutoff": 47.0,
        "controlled_value": 1_650_000.0,
        "to_destination": 400_000.0,
        "lines": 2.0,
    }
    size = (math.log10(1_650_000) - 4.0) / 3.0
    assert aspan["score"] == pytest.approx(0.45 + 0.3 * size + 0.15)
    assert aspan["explanation"] == (
        "ТОО «Аспан Арба» was incorporated on 2022-04-12 (47 days after the cut-off) and has since traded "
        "$1.7M of controlled goods (HS 880622), $400k of it exported to RU"
    )
    # The registry record giving the date first, then the declaration lines, the largest first.
    assert records(aspan, "registry.csv") == ["1"]
    assert aspan["evidence"][0]["source"].endswith("registry.csv")
    assert records(aspan, "declarations.csv") == ["1", "2"]


def test_new_food_exporter_old_chip_importer_and_german_newcomer_are_silent(found: dict[str, Any]) -> None:
    assert ORANGES not in found  # new, but oranges are on no list
    assert OLD not in found  # chips, but incorporated in 2015
    assert GERMAN not in found  # new and chips, but Germany is no diversion hub


def test_the_german_newcomer_is_silent_only_because_germany_is_no_hub(ws: Workspace) -> None:
    widened = by_name(run(ws, "entities.new_firm", hubs=("KZ", "DE")))
    assert widened[GERMAN]["country"] == "DE"
    assert widened[GERMAN]["metrics"]["days_after_cutoff"] == 97.0
    assert widened[GERMAN]["metrics"]["controlled_value"] == 2_000_000.0


def test_max_age_days_730_is_the_last_day_counted(found: dict[str, Any]) -> None:
    late = found[LATE]
    assert late["metrics"]["days_after_cutoff"] == 730.0
    assert late["metrics"]["to_destination"] == 0.0
    assert late["score"] == pytest.approx(0.45 + 0.3 * (math.log10(300_000) - 4.0) / 3.0)
    assert late["explanation"].endswith("has since traded $300k of controlled goods (HS 854231)")
    assert LATER not in found  # 731 days


def test_controlled_trade_under_min_value_is_no_finding(ws: Workspace, found: dict[str, Any]) -> None:
    assert SMALL not in found
    lowered = by_name(run(ws, "entities.new_firm", min_value=9_999.0))
    assert lowered[SMALL]["metrics"]["controlled_value"] == 9_999.0
    assert set(lowered) == {ASPAN, LATE, SMALL}
