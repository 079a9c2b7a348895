"""entities.shared_control: trading partners in controlled goods across a border, steered by the same people."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from diversion.resolve.features import contact_keys
from diversion.store import Workspace
from tests.detect.entities.fixtures import (
    bin_of,
    by_name,
    declared,
    entity_of,
    inn_of,
    party,
    records,
    relation,
    run,
    scenario,
)
from tests.factory import decl

# One owner of a Kazakh firm and of its Russian customer (CASES.md, Aspan Arba / Nebesnaya Mekhanika).
ASPAN = "ТОО «Аспан Арба»"
ASPAN_BIN = bin_of(ASPAN, date(2022, 4, 12))
NEBESNAYA = "ООО «Небесная механика»"
NEBESNAYA_INN = inn_of(NEBESNAYA)
IVANOV = "Иванов Алексей Викторович"
# A German firm of a Russian couple supplying their son's Kazakh firm.
GMBH, GMBH_HRB = "Smirnov Elektronik GmbH", "HRB 731245"
ZHETISU = "ТОО «Жетісу Чип»"
ZHETISU_BIN = bin_of(ZHETISU, date(2022, 6, 1))
# Partners that share only the address of a business centre (6 firms), or only a phone (2 firms).
NURLY = "ТОО «Нурлы Трейд»"
NURLY_BIN = bin_of(NURLY, date(2020, 2, 1))
TAU = "ООО «Тау Компонент»"
TAU_INN = inn_of(TAU)
PHONE_KZ = "ТОО «Байланыс Плюс»"
PHONE_KZ_BIN = bin_of(PHONE_KZ, date(2021, 5, 1))
PHONE_RU = "ООО «Связь Импорт»"
PHONE_RU_INN = inn_of(PHONE_RU)
# One owner, oranges only.
FRUIT_KZ = "ТОО «Алма Жеміс»"
FRUIT_KZ_BIN = bin_of(FRUIT_KZ, date(2019, 9, 1))
FRUIT_RU = "ООО «Фрукт Опт»"
FRUIT_RU_INN = inn_of(FRUIT_RU)
# One owner of 52 firms: a registration agent, not a link.
AGENT = "Сидоров Сергей Николаевич"
BUSY_KZ = "ТОО «Көп Тарап»"
BUSY_KZ_BIN = bin_of(BUSY_KZ, date(2021, 1, 1))
BUSY_RU = "ООО «Многоцентр»"
BUSY_RU_INN = inn_of(BUSY_RU)
NOMINEES = [f"ТОО «Номинал {i:02d}»" for i in range(50)]

CENTRE = "г. Алматы, пр. Аль-Фараби, 77, БЦ «Нурлы Тау»"
PARTIES = [
    party("kz-aspan", ASPAN, "KZ", bin=ASPAN_BIN),
    party("ru-nebesnaya", NEBESNAYA, "RU", inn=NEBESNAYA_INN),
    party("p-ivanov", IVANOV, "RU", kind="person", birth_date="1979-03-14"),
    party("p-smirnov-f", "Смирнов Игорь Петрович", "RU", kind="person", birth_date="1958-02-11"),
    party("p-smirnova-m", "Смирнова Ольга Андреевна", "RU", kind="person", birth_date="1961-07-30"),
    party("p-smirnov-s", "Смирнов Павел Игоревич", "RU", kind="person", birth_date="1990-10-05"),
    party("de-gmbh", GMBH, "DE", registration_number=GMBH_HRB),
    party("kz-zhetisu", ZHETISU, "KZ", bin=ZHETISU_BIN),
    party("kz-nurly", NURLY, "KZ", bin=NURLY_BIN, address=CENTRE),
    party("ru-tau", TAU, "RU", inn=TAU_INN, address=CENTRE),
    *[
        party(
            f"kz-centre-{i}", f"ТОО «Офис {name}»", "KZ", bin=bin_of(name, date(2020, 1, 1)), address=CENTRE
        )
        for i, name in enumerate(("Альфа", "Бета", "Гамма", "Дельта"))
    ],
    party("kz-phone", PHONE_KZ, "KZ", bin=PHONE_KZ_BIN, phone="+7 701 555 12 34"),
    party("ru-phone", PHONE_RU, "RU", inn=PHONE_RU_INN, phone="+7 (701) 555-12-34"),
    party("kz-fruit", FRUIT_KZ, "KZ", bin=FRUIT_KZ_BIN),
    party("ru-fruit", FRUIT_RU, "RU", inn=FRUIT_RU_INN),
    party("p-fruit", "Ахметов Ерлан Болатович", "KZ", kind="person", birth_date="1970-04-04"),
    party("p-agent", AGENT, "RU", kind="person", birth_date="1966-12-12"),
    party("kz-busy", BUSY_KZ, "KZ", bin=BUSY_KZ_BIN),
    party("ru-busy", BUSY_RU, "RU", inn=BUSY_RU_INN),
    *[
        party(f"kz-nominee-{i}", name, "KZ", bin=bin_of(name, date(2021, 6, 1)))
        for i, name in enumerate(NOMINEES)
    ],
]
RELATIONS = [
    relation("own-1", "ownership", "p-ivanov", "kz-aspan", share=100),
    relation("own-2", "ownership", "p-ivanov", "ru-nebesnaya", share=100),
    relation("own-3", "ownership", "p-smirnov-f", "de-gmbh", share=50),
    relation("own-4", "ownership", "p-smirnova-m", "de-gmbh", share=50),
    relation("own-5", "ownership", "p-smirnov-s", "kz-zhetisu", share=100),
    relation("fam-1", "family", "p-smirnov-f", "p-smirnov-s", role="parent"),
    relation("fam-2", "family", "p-smirnova-m", "p-smirnov-s", role="parent"),
    relation("own-6", "ownership", "p-fruit", "kz-fruit", share=100),
    relation("own-7", "ownership", "p-fruit", "ru-fruit", share=100),
    relation("own-8", "ownership", "p-agent", "kz-busy", share=100),
    relation("own-9", "ownership", "p-agent", "ru-busy", share=100),
    *[relation(f"own-n{i}", "ownership", "p-agent", f"kz-nominee-{i}", share=100) for i in range(50)],
]


def _kz_to_ru(n: int, kz: str, bin_: str, ru: str, inn: str, hs: str, value: int) -> dict[str, str]:
    return decl(declaration_id=f"KZ-{n}", date="2022-08-01", direction="export", exporter_name=kz,
                exporter_id=bin_, exporter_country="KZ", importer_name=ru, importer_id=inn, importer_country="RU",
                destination_country="RU", hs_code=hs, value=value, value_usd=value)  # fmt: skip


DECLS = [
    _kz_to_ru(1, ASPAN, ASPAN_BIN, NEBESNAYA, NEBESNAYA_INN, "854231", 600_000),
    decl(
        declaration_id="KZ-2",
        date="2022-09-01",
        exporter_name=GMBH,
        exporter_id=GMBH_HRB,
        exporter_country="DE",
        importer_name=ZHETISU,
        importer_id=ZHETISU_BIN,
        hs_code="854231",
        value=250_000,
        value_usd=250_000,
    ),
    _kz_to_ru(3, NURLY, NURLY_BIN, TAU, TAU_INN, "854231", 300_000),
    _kz_to_ru(4, PHONE_KZ, PHONE_KZ_BIN, PHONE_RU, PHONE_RU_INN, "854231", 200_000),
    _kz_to_ru(5, FRUIT_KZ, FRUIT_KZ_BIN, FRUIT_RU, FRUIT_RU_INN, "080510", 900_000),
    _kz_to_ru(6, BUSY_KZ, BUSY_KZ_BIN, BUSY_RU, BUSY_RU_INN, "854231", 400_000),
]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from scenario(
        tmp_path_factory.mktemp("shared_control"), parties=PARTIES, relations=RELATIONS, decls=DECLS
    )


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[str, dict[str, Any]]:
    return by_name(run(ws, "entities.shared_control"))


def test_declared_partners_resolve_to_their_registry_records(ws: Workspace) -> None:
    assert entity_of(ws, "kz-aspan", declared(ASPAN, ASPAN_BIN, "KZ")) == "kz-aspan"
    assert entity_of(ws, "ru-nebesnaya", declared(NEBESNAYA, NEBESNAYA_INN, "RU")) == "ru-nebesnaya"
    assert entity_of(ws, "de-gmbh", declared(GMBH, GMBH_HRB, "DE")) == "de-gmbh"
    assert entity_of(ws, "kz-zhetisu", declared(ZHETISU, ZHETISU_BIN, "KZ")) == "kz-zhetisu"
    assert entity_of(ws, "kz-busy", declared(BUSY_KZ, BUSY_KZ_BIN, "KZ")) == "kz-busy"


def test_one_owner_of_the_kazakh_exporter_and_its_russian_customer(found: dict[str, Any]) -> None:
    aspan = found[ASPAN]
    assert (aspan["subject_id"], aspan["country"], aspan["partner"]) == ("kz-aspan", "KZ", "RU")
    assert aspan["metrics"] == {"hops": 2.0, "value": 600_000.0, "lines": 1.0}
    assert aspan["score"] == pytest.approx(0.9)
    assert aspan["explanation"] == (
        "ТОО «Аспан Арба» and its trading partner ООО «Небесная механика» ($600k of controlled goods, HS 854231) "
        "are linked in 2 steps: ТОО «Аспан Арба» is 100% owned by Иванов Алексей Викторович owns 100% of "
        "ООО «Небесная механика»"
    )
    assert sorted(records(aspan, "relations.csv")) == ["1", "2"]
    assert len(aspan["evidence"]) == 2


def test_a_couples_german_firm_supplying_their_sons_kazakh_firm(found: dict[str, Any]) -> None:
    son = found[ZHETISU]
    assert (son["subject_id"], son["country"], son["partner"]) == ("kz-zhetisu", "KZ", "DE")
    assert son["metrics"] == {"hops": 3.0, "value": 250_000.0, "lines": 1.0}
    assert son["score"] == pytest.approx(0.85 * (1 - 0.1))  # a family tie on the path, one link beyond two
    assert (
        "are linked in 3 steps: ТОО «Жетісу Чип» is 100% owned by Смирнов Павел Игоревич has as parent "
        in (son["explanation"])
    )
    assert son["explanation"].endswith("owns 50% of Smirnov Elektronik GmbH")
    assert len(records(son, "relations.csv")) == 3  # the son's stake, one parent link, that parent's stake


def test_a_business_centre_address_links_nobody(ws: Workspace, found: dict[str, Any]) -> None:
    parties = ws.table("parties")
    keys = contact_keys(parties.phone, parties.address)
    addresses = ws.to_arrow(parties.select(address=keys["address"])).column("address").to_pylist()
    assert list(Counter(a for a in addresses if a is not None).values()) == [6]  # one address, six firms
    links = ws.table("links")
    assert ws.count_rows(links.filter(links.kind == "address")) == 0  # 6 > max_shared_contact (4)
    assert NURLY not in found


def test_a_phone_only_two_firms_share_is_a_weak_link(found: dict[str, Any]) -> None:
    phone = found[PHONE_KZ]
    assert phone["metrics"]["hops"] == 1.0
    assert phone["score"] == pytest.approx(0.9 * 0.6)  # contact_only
    assert phone["explanation"].endswith(
        "are linked in 1 step: ТОО «Байланыс Плюс» shares the phone 77015551234 with ООО «Связь Импорт»"
    )
    assert sorted(records(phone, "registry.csv")) == ["15", "16"]


def test_one_owner_trading_only_oranges_is_no_finding(found: dict[str, Any]) -> None:
    assert FRUIT_KZ not in found


def test_an_owner_of_52_firms_is_never_passed_through(ws: Workspace, found: dict[str, Any]) -> None:
    # paths.py: entities with more than max_degree (50) links are path ends only.
    assert BUSY_KZ not in found
    widened = by_name(run(ws, "entities.shared_control", max_degree=60))
    assert widened[BUSY_KZ]["metrics"]["hops"] == 2.0
    assert AGENT in widened[BUSY_KZ]["explanation"]


def test_exactly_the_expected_firms_are_flagged(found: dict[str, Any]) -> None:
    assert set(found) == {ASPAN, ZHETISU, PHONE_KZ}
