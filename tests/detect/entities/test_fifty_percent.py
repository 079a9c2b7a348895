"""entities.fifty_percent: owned 50% or more in aggregate by listed parties (OFAC's 50 percent rule)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from diversion.store import Workspace
from tests.detect.entities.fixtures import (
    by_name,
    inn_of,
    party,
    records,
    relation,
    run,
    scenario,
    target,
)

PETROV = "Петров Пётр Петрович"  # listed by a sanction topic in a registry
KAMA = "LLC Kama-16"  # listed on the OFAC SDN list (targets.simple.csv)
HAMRIYAH = "Hamriyah Al Majd Electronics Trading LLC"
BASTAU = "ТОО «Бастау Электроникс»"
EKINSHI = "ТОО «Екінші Жол»"
BELGISIZ = "ТОО «Белгісіз Үлес»"
ALGASHQY = "ТОО «Алғашқы Холдинг»"
BEKET = "ТОО «Бекет Трейд»"

PARTIES = [
    party(
        "p-petrov",
        PETROV,
        "RU",
        kind="person",
        birth_date="1965-01-02",
        topics="sanction",
        dataset="eu_sanctions",
    ),
    party("ae-hamriyah", HAMRIYAH, "AE"),
    party("kz-bastau", BASTAU, "KZ"),
    party("kz-ekinshi", EKINSHI, "KZ"),
    party("kz-belgisiz", BELGISIZ, "KZ"),
    party("kz-algashqy", ALGASHQY, "KZ"),
    party("kz-beket", BEKET, "KZ"),
]
TARGETS = [target("NK-kama", KAMA, identifiers=inn_of(KAMA))]
RELATIONS = [
    relation("own-1", "ownership", "p-petrov", "kz-bastau", share=30),
    relation("own-2", "ownership", "NK-kama", "ae-hamriyah", share=60),
    relation("own-3", "ownership", "ae-hamriyah", "kz-bastau", share=20),
    # The same, with 19.9% from the holding: 49.9% in all.
    relation("own-4", "ownership", "p-petrov", "kz-ekinshi", share=30),
    relation("own-5", "ownership", "ae-hamriyah", "kz-ekinshi", share=19.9),
    # A listed owner's share the source does not give.
    relation("own-6", "ownership", "p-petrov", "kz-belgisiz"),
    # 45% of a firm that is not blocked, which owns 100% of another; 10% of that one directly.
    relation("own-7", "ownership", "p-petrov", "kz-algashqy", share=45),
    relation("own-8", "ownership", "kz-algashqy", "kz-beket", share=100),
    relation("own-9", "ownership", "p-petrov", "kz-beket", share=10),
]


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    yield from scenario(
        tmp_path_factory.mktemp("fifty_percent"), parties=PARTIES, targets=TARGETS, relations=RELATIONS
    )


@pytest.fixture(scope="module")
def found(ws: Workspace) -> dict[str, dict[str, Any]]:
    return by_name(run(ws, "entities.fifty_percent"))


def test_30_percent_listed_plus_20_percent_from_a_blocked_holding_is_50(found: dict[str, Any]) -> None:
    bastau = found[BASTAU]
    assert (bastau["subject_id"], bastau["country"], bastau["score"]) == ("kz-bastau", "KZ", 0.9)
    assert bastau["metrics"] == {
        "blocked_share": 50.0,
        "look_through_share": 42.0,  # 30 + 60% x 20: what the rule does not use
        "unknown_shares": 0.0,
        "blocked_owners": 2.0,
    }
    assert bastau["explanation"] == (
        "ТОО «Бастау Электроникс» is owned 50% by listed parties under OFAC's 50% rule: "
        "30% by Петров Пётр Петрович (listed); "
        "20% by a blocked owner: LLC Kama-16 (listed) -60%-> Hamriyah Al Majd Electronics Trading LLC"
    )
    assert sorted(records(bastau, "relations.csv")) == ["1", "3"]  # collected in no fixed order


def test_the_holding_owned_60_percent_is_blocked_itself(found: dict[str, Any]) -> None:
    holding = found[HAMRIYAH]
    assert (holding["country"], holding["score"]) == ("AE", 0.9)
    assert holding["metrics"]["blocked_share"] == 60.0
    assert holding["explanation"] == (
        "Hamriyah Al Majd Electronics Trading LLC is owned 60% by listed parties under OFAC's 50% rule: "
        "60% by LLC Kama-16 (listed)"
    )
    assert records(holding, "relations.csv") == ["2"]


def test_listed_owners_are_not_findings_of_their_own(found: dict[str, Any]) -> None:
    assert PETROV not in found and KAMA not in found


def test_49_9_percent_is_not_blocked(found: dict[str, Any]) -> None:
    assert EKINSHI not in found


def test_a_listed_owner_of_an_unstated_share_leaves_the_rule_undetermined(found: dict[str, Any]) -> None:
    unknown = found[BELGISIZ]
    assert unknown["score"] == 0.5  # undetermined_score, under blocked_score
    assert unknown["metrics"] == {
        "blocked_share": 0.0,
        "look_through_share": 0.0,
        "unknown_shares": 1.0,
        "blocked_owners": 1.0,
    }
    assert unknown["explanation"] == (
        "ТОО «Белгісіз Үлес» is owned by listed parties in shares the sources do not all give "
        "(1 unknown; 0% known): an unknown share by Петров Пётр Петрович (listed)"
    )
    assert records(unknown, "relations.csv") == ["6"]


def test_55_percent_through_an_unblocked_firm_is_a_caution_not_a_block(found: dict[str, Any]) -> None:
    beket = found[BEKET]
    assert beket["score"] == 0.45  # caution_score
    assert beket["metrics"] == {
        "blocked_share": 10.0,  # only the listed owner's direct stake counts under the rule
        "look_through_share": 55.0,  # 45% x 100% + 10%
        "unknown_shares": 0.0,
        "blocked_owners": 1.0,
    }
    assert beket["explanation"].startswith(
        "ТОО «Бекет Трейд» is 55% owned by listed parties through firms that are not blocked themselves"
    )
    assert beket["explanation"].endswith("OFAC urges caution): 10% by Петров Пётр Петрович (listed)")
    assert ALGASHQY not in found  # 45%: neither blocked nor 50% looked through


@pytest.mark.xfail(
    strict=True,
    reason="src bug: a caution finding cites only the blocked owners' direct holdings (own-9), not the "
    "ownership records of the look-through path (own-7, own-8) that make up its 55%",
)
def test_a_caution_finding_cites_the_path_behind_its_look_through_share(found: dict[str, Any]) -> None:
    assert sorted(records(found[BEKET], "relations.csv")) == ["7", "8", "9"]


def test_exactly_the_expected_entities_are_flagged(found: dict[str, Any]) -> None:
    assert set(found) == {BASTAU, HAMRIYAH, BELGISIZ, BEKET}
