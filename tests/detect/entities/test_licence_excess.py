"""entities.licence_excess: a hub firm licensed or declaring imports far above its whole country's imports."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from diversion.store import Workspace
from tests.detect.entities.fixtures import (
    bin_of,
    comtrade_row,
    declared,
    entity_of,
    kg_inn_of,
    party,
    records,
    relation,
    run,
    scenario,
)
from tests.factory import decl

ASPAN = "ТОО «Аспан Арба»"
ASPAN_BIN = bin_of(ASPAN, date(2022, 4, 12))
ASMAN = "ОсОО «Асман Дрон»"  # the same licence in Kyrgyzstan, whose statistics are not loaded
ASMAN_INN = kg_inn_of(ASMAN, date(2022, 3, 3))
OPTIKA = "ТОО «Оптика Импорт»"  # licensed for a product Kazakhstan did not import in 2021
OPTIKA_BIN = bin_of(OPTIKA, date(2021, 9, 1))
MODEST = "ТОО «Шағын Лицензия»"  # a licence under min_value
MODEST_BIN = bin_of(MODEST, date(2021, 10, 1))
EARLY = "ТОО «Ескі Лицензия»"  # a licence of 2019, before the cut-off
EARLY_BIN = bin_of(EARLY, date(2018, 1, 1))
UNDATED = "ТОО «Күнсіз Лицензия»"  # a licence without a date
UNDATED_BIN = bin_of(UNDATED, date(2018, 2, 1))

DRONES = "import licences for 18,000 DJI drones (HS 8806)"
PARTIES = [
    party("kz-ministry", "Министерство индустрии и инфраструктурного развития РК", "KZ", kind="organization"),
    party("kg-ministry", "Министерство экономики и коммерции КР", "KG", kind="organization"),
    party("kz-aspan", ASPAN, "KZ", bin=ASPAN_BIN, incorporation_date="2022-04-12"),
    party("kg-asman", ASMAN, "KG", kg_inn=ASMAN_INN),
    party("kz-optika", OPTIKA, "KZ", bin=OPTIKA_BIN),
    party("kz-modest", MODEST, "KZ", bin=MODEST_BIN),
    party("kz-early", EARLY, "KZ", bin=EARLY_BIN),
    party("kz-undated", UNDATED, "KZ", bin=UNDATED_BIN),
]


def _licence(
    n: int, ministry: str, firm: str, amount: int, description: str, day: str = ""
) -> dict[str, str]:
    return relation(f"lic-{n}", "licence", ministry, firm, amount=amount, currency="USD", start_date=day,
                    description=description)  # fmt: skip


RELATIONS = [
    _licence(1, "kz-ministry", "kz-aspan", 45_000_000, DRONES, "2022-06-01"),
    _licence(2, "kg-ministry", "kg-asman", 45_000_000, DRONES, "2022-06-01"),
    _licence(3, "kz-ministry", "kz-optika", 500_000, "rifle scopes, HS 9013.10", "2022-07-01"),
    _licence(4, "kz-ministry", "kz-modest", 240_000, DRONES, "2022-07-01"),
    _licence(5, "kz-ministry", "kz-early", 45_000_000, DRONES, "2019-06-01"),
    _licence(6, "kz-ministry", "kz-undated", 45_000_000, DRONES),
]
FLOWS = [
    comtrade_row(2021, "KAZ", "CHN", "M", "880220", 18_000),  # HS 2017 drones
    comtrade_row(2021, "KAZ", "DEU", "M", "870323", 50_000_000),  # cars: Kazakhstan's 2021 imports are loaded
]
DECLS = [decl(importer_name=ASPAN, importer_id=ASPAN_BIN)]  # 500 drones, $1.25M, 2022-05-12


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from scenario(
        tmp_path_factory.mktemp("licence_excess"),
        parties=PARTIES,
        relations=RELATIONS,
        flows=FLOWS,
        decls=DECLS,
    )


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[tuple[str, str], dict[str, Any]]:
    """Findings by (subject name, claimed HS code)."""
    rows = run(ws, "entities.licence_excess")
    keyed = {(f["subject_name"], f["hs_code"]): f for f in rows}
    assert len(keyed) == len(rows)
    return keyed


def test_the_declared_importer_is_the_licensee(ws: Workspace) -> None:
    assert entity_of(ws, "kz-aspan", declared(ASPAN, ASPAN_BIN, "KZ")) == "kz-aspan"


def test_licences_for_45m_of_drones_against_18k_of_imports_in_2021(found: dict[Any, Any]) -> None:
    licence = found[(ASPAN, "8806")]
    assert (licence["subject_id"], licence["country"], licence["period"]) == ("kz-aspan", "KZ", "2022")
    assert licence["approximate"] is True  # a four-digit claim
    assert licence["view"] == "flows: the hub's imports, as reported, year 2021"
    assert licence["metrics"] == {"value": 45_000_000.0, "market": 18_000.0, "ratio": 2500.0}
    assert licence["score"] == pytest.approx(0.5 + 0.1 * math.log10(2500))
    assert licence["explanation"] == (
        "ТОО «Аспан Арба» holds import licences for $45.0M of HS 8806 (2022), x2500 its whole country's "
        "imports in 2021 ($18k, HS 2017 counterparts included)"
    )
    assert records(licence, "relations.csv") == ["1"]
    assert records(licence, "comtrade.csv") == ["1"]  # the drones, not the cars


def test_declared_drone_imports_against_the_same_market(found: dict[Any, Any]) -> None:
    imports = found[(ASPAN, "880622")]
    assert imports["approximate"] is False
    assert imports["metrics"] == {
        "value": 1_250_000.0,
        "market": 18_000.0,
        "ratio": pytest.approx(1_250_000 / 18_000),
    }
    assert imports["explanation"] == (
        "ТОО «Аспан Арба» declared imports of $1.3M of HS 880622 (2022), x69 its whole country's imports "
        "in 2021 ($18k, HS 2017 counterparts included)"
    )
    assert records(imports, "declarations.csv") == ["1"]


def test_a_product_never_imported_counts_as_the_market_floor(found: dict[Any, Any]) -> None:
    scopes = found[(OPTIKA, "901310")]
    assert scopes["metrics"] == {"value": 500_000.0, "market": 0.0, "ratio": 50.0}  # 500k / 10k floor
    assert scopes["explanation"] == (
        "ТОО «Оптика Импорт» holds import licences for $500k of HS 901310 (2022), "
        "while its country recorded no imports of it in 2021"
    )
    assert records(scopes, "relations.csv") == ["3"]
    assert records(scopes, "comtrade.csv") == []


def test_a_country_without_2021_import_statistics_is_not_judged(found: dict[Any, Any]) -> None:
    assert not any(name == ASMAN for name, _ in found)


def test_a_licence_under_min_value_is_no_finding(found: dict[Any, Any]) -> None:
    assert not any(name == MODEST for name, _ in found)  # $240k < $250k, though x24 the market


def test_a_licence_issued_before_the_cutoff_is_no_claim(found: dict[Any, Any]) -> None:
    assert not any(name == EARLY for name, _ in found)


def test_every_finding_has_an_explanation(found: dict[Any, Any]) -> None:
    assert all(f["explanation"] is not None for f in found.values())
