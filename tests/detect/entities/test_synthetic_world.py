"""On the shipped demo world (seed 2022, with its answer key): every planted control and 50%-rule scheme is
found by the entity detectors, with the exact path for the reconstructed reference cases, and no decoy (a
business centre, a legitimate holding, a 49.9% holding, a namesake owner) is flagged as controlled."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from diversion.detect import DETECTORS
from diversion.detect.base import fetch
from diversion.scan import ScanResult
from diversion.store import Workspace
from tests.conftest import DEMO

CONTROL = ("entities.shared_control", "entities.fifty_percent")


@pytest.fixture(scope="module")
def world(
    demo_scan: tuple[Workspace, ScanResult],
) -> Iterator[tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]]:
    ws, _ = demo_scan  # ingested, resolved and the graph built by the scan
    entity_of = {r["member_id"]: r["entity_id"] for r in ws.table("entity_members").to_pyarrow().to_pylist()}
    by_entity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for detector in DETECTORS:
        if detector.name.startswith("entities."):
            for row in fetch(detector.run(ws, detector.defaults())):
                by_entity[row["subject_id"]].append(row)
    truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    plans = {p["id"]: p for p in truth["schemes"] + truth["decoys"]}
    for plan in plans.values():
        for member in plan["members"]:
            member["entity_id"] = entity_of.get(member["party_id"])
    yield plans, by_entity


def _member(plan: dict[str, Any], role: str) -> str:
    found = [m["entity_id"] for m in plan["members"] if m["role"] == role]
    assert found and found[0] is not None, (plan["id"], role)
    return str(found[0])


def _findings(by_entity: dict[str, list[dict[str, Any]]], entity: str, detector: str) -> list[dict[str, Any]]:
    return [f for f in by_entity.get(entity, []) if f["detector"] == detector]


def test_every_planted_shared_control_scheme_is_found(world: Any) -> None:
    plans, by_entity = world
    planted = [p for p in plans.values() if p["type"] in ("same_owner", "family_route") and not p["innocent"]]
    assert len(planted) == 4  # one generated of each type, and reference cases 1 and 2
    for plan in planted:
        found = _findings(by_entity, _member(plan, "hub firm"), "entities.shared_control")
        assert found, plan["id"]
        assert found[0]["score"] >= 0.75


def test_the_reference_cases_are_found_with_their_exact_paths(world: Any) -> None:
    plans, by_entity = world
    aspan = _member(plans["case-1-sky-chariot"], "hub firm")
    (shared,) = _findings(by_entity, aspan, "entities.shared_control")
    assert shared["explanation"].endswith(
        "are linked in 2 steps: ТОО «Аспан Арба» is 100% owned by Aleksei Viktorovich Ivanov owns 100% of "
        "OOO Nebesnaya Mekhanika"
    )
    assert len(shared["evidence"]) == 2  # the two ownership records
    (proximity,) = _findings(by_entity, aspan, "entities.listed_proximity")
    assert (
        "paid by People's Front: Everything for Victory, defence sector, 799000 RUB"
        in proximity["explanation"]
    )
    licences = [f for f in _findings(by_entity, aspan, "entities.licence_excess") if f["hs_code"] == "8806"]
    assert licences and licences[0]["metrics"]["value"] == 45_000_000.0
    assert licences[0]["metrics"]["ratio"] == pytest.approx(2500.0)
    assert _findings(by_entity, aspan, "entities.new_firm")
    dala = _member(plans["case-2-family-chips"], "hub firm")
    (family,) = _findings(by_entity, dala, "entities.shared_control")
    assert family["explanation"].endswith(
        "are linked in 3 steps: ТОО «Дала Электроникс» is 100% owned by Dmitrii Viktorovich Sokolov has as parent "
        "Viktor Andreevich Sokolov owns 50% of Sokolow Elektronik Handel GmbH"
    )


def test_every_planted_fifty_percent_scheme_is_found(world: Any) -> None:
    plans, by_entity = world
    planted = [p for p in plans.values() if p["type"] == "fifty_percent"]
    assert planted
    for plan in planted:
        (found,) = _findings(by_entity, _member(plan, "owned firm"), "entities.fifty_percent")
        assert found["metrics"]["blocked_share"] >= 50.0 and found["score"] == 0.9


def test_listed_consignees_and_their_suppliers_are_found(world: Any) -> None:
    plans, by_entity = world
    for plan in (p for p in plans.values() if p["type"] == "listed_consignee"):
        assert _findings(by_entity, _member(plan, "listed consignee"), "entities.listed")
        assert _findings(by_entity, _member(plan, "hub firm"), "entities.listed_proximity")


def test_no_decoy_is_flagged_as_controlled(world: Any) -> None:
    plans, by_entity = world
    decoys = [p for p in plans.values() if p["innocent"]]
    kinds = {p["type"] for p in decoys}
    assert {"business_centre", "legit_holding", "near_fifty_percent", "namesake"} <= kinds
    for plan in decoys:
        for member in plan["members"]:
            if plan["type"] == "near_fifty_percent" and member["role"] == "holding":
                continue  # 60% owned by a listed firm: blocked under the rule, rightly (the decoy is its 49.9%)
            if member["role"].startswith("listed"):
                continue
            flagged = [
                f["detector"]
                for f in by_entity.get(member["entity_id"] or "", [])
                if f["detector"] in CONTROL
            ]
            assert not flagged, (plan["id"], plan["type"], member["role"], flagged)
