"""entities.listed: a party of the user's own data (a declaration, a registry record) is on a list."""

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
    party,
    records,
    run,
    scenario,
    target,
)
from tests.factory import decl

TANDEM = "ТОО «Тандем Экспорт»"
TANDEM_BIN = bin_of(TANDEM, date(2021, 3, 1))
NEBESNAYA = "ООО «Небесная механика»"
NEBESNAYA_INN = inn_of(NEBESNAYA)  # as the declarations write it
VOSTOK = "OOO VOSTOK MIKROELEKTRONIKA"  # declared without an INN
URAL = "АО «Уральский оптико-механический завод»"
URAL_INN = inn_of(URAL)  # only in the user's registry
FAR_INN = inn_of("Joint Stock Company Dalniy Zavod")

TARGETS = [
    target(
        "NK-neb",
        "Limited Liability Company Nebesnaya Mekhanika",
        aliases="OOO Nebesnaya Mekhanika",
        identifiers=NEBESNAYA_INN,
    ),
    target("NK-vostok", "Vostok Mikroelektronika OOO"),
    target("NK-ural", "JSC Uralskiy Optiko-Mekhanicheskiy Zavod", identifiers=URAL_INN),
    target("NK-far", "Joint Stock Company Dalniy Zavod", identifiers=FAR_INN),  # in no data of the user
]
PARTIES = [
    party("kz-tandem", TANDEM, "KZ", bin=TANDEM_BIN),
    party("ru-ural", URAL, "RU", inn=URAL_INN),
    party(
        "ru-topic",
        "ООО «Сибирский Щит»",
        "RU",
        inn=inn_of("ООО «Сибирский Щит»"),
        topics="sanction",
        dataset="eu_sanctions",
    ),
]


def _export(n: int, importer: str, inn: str, hs: str, value: int) -> dict[str, str]:
    return decl(declaration_id=f"KZ-{n}", date="2022-07-01", direction="export", exporter_name=TANDEM,
                exporter_id=TANDEM_BIN, exporter_country="KZ", importer_name=importer, importer_id=inn,
                importer_country="RU", destination_country="RU", hs_code=hs, value=value, value_usd=value)  # fmt: skip


DECLS = [
    _export(1, NEBESNAYA, NEBESNAYA_INN, "854231", 350_000),
    _export(2, NEBESNAYA, NEBESNAYA_INN, "080510", 5_000),  # oranges: a shipment, not controlled
    _export(3, VOSTOK, "", "854231", 70_000),
]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from scenario(tmp_path_factory.mktemp("listed"), parties=PARTIES, targets=TARGETS, decls=DECLS)


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[str, dict[str, Any]]:
    return by_name(run(ws, "entities.listed"))


def test_the_declared_importer_is_the_list_entry(ws: Workspace) -> None:
    assert entity_of(ws, "NK-neb", declared(NEBESNAYA, NEBESNAYA_INN, "RU")) == "NK-neb"
    assert entity_of(ws, "NK-ural", "ru-ural") == "NK-ural"


def test_a_listed_importer_of_chips_matched_by_its_inn(found: dict[str, Any]) -> None:
    neb = found[NEBESNAYA]
    assert (neb["subject_id"], neb["subject_kind"], neb["country"]) == ("NK-neb", "company", "RU")
    assert neb["metrics"] == {
        "match_score": 1.0,
        "lists": 1.0,
        "shipments": 2.0,
        "controlled_value": 350_000.0,
    }
    assert neb["score"] == pytest.approx(1.0)  # 0.6 + 0.15 x 1 + 0.25 for controlled goods
    assert neb["explanation"] == (
        "ООО «Небесная механика» is on US OFAC Specially Designated Nationals (SDN) List "
        "(Russia-related Designations) since 2023-02-24 (written in the data as: ООО «Небесная механика»); "
        "matched by its INN, shared with the list; it traded $350k of controlled goods"
    )
    assert records(neb, "targets.simple.csv") == ["1"]
    assert records(neb, "declarations.csv") == ["1"]  # the declaration that names it first


def test_a_listed_importer_declared_without_an_id_is_matched_by_name(found: dict[str, Any]) -> None:
    vostok = found["Vostok Mikroelektronika OOO"]
    assert vostok["metrics"]["controlled_value"] == 70_000.0
    assert vostok["metrics"]["shipments"] == 1.0
    assert (
        "(written in the data as: OOO VOSTOK MIKROELEKTRONIKA); matched to the list by name, score 1.0;"
        in (vostok["explanation"])
    )
    assert records(vostok, "declarations.csv") == ["3"]


def test_a_listed_firm_in_the_users_registry_without_trade(found: dict[str, Any]) -> None:
    ural = found[URAL]
    assert ural["metrics"] == {"match_score": 1.0, "lists": 1.0, "shipments": 0.0, "controlled_value": 0.0}
    assert ural["score"] == pytest.approx(0.75)
    assert ural["explanation"].endswith(
        f"(written in the data as: {URAL}); matched by its INN, shared with the list"
    )
    assert records(ural, "targets.simple.csv") == ["3"]
    assert records(ural, "registry.csv") == ["2"]


def test_a_list_read_on_its_own_flags_nothing(found: dict[str, Any]) -> None:
    # NK-far is on the list and nowhere else; ООО «Сибирский Щит» carries a sanction topic and is in no
    # declaration: both are list records only.
    assert set(found) == {NEBESNAYA, "Vostok Mikroelektronika OOO", URAL}
