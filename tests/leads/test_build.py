"""Findings -> leads on hand-built findings: grouping, the noisy-OR score and its weights, support from a
listed buyer, folding, routes under their hub firm."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from diversion.leads.build import build, lead_id
from diversion.leads.summary import summarise, who
from diversion.leads.weights import SUPPORT, weight

CUTOFF = date(2022, 2, 24)
NAMES = {
    "hub": ("ТОО «Дала Чип»", "KZ", "company"),
    "buyer": ("ООО «Радиокомплект»", "RU", "company"),
    "supplier": ("Shenzhen Chips Co", "CN", "company"),
}


def finding(detector: str, subject: str, score: float, **extra: Any) -> dict[str, Any]:
    name, country, kind = NAMES.get(subject, (subject, None, "company"))
    return {
        "detector": detector,
        "subject_kind": extra.pop("kind", kind),
        "subject_id": subject,
        "subject_name": extra.pop("name", name),
        "country": country,
        "score": score,
        "explanation": extra.pop("explanation", f"{name} did something"),
        "metrics": extra.pop("metrics", {}),
        "evidence": [{"source": "d.csv", "record": "1"}],
        "related": extra.pop("related", []),
        **extra,
    }


def test_a_relay_by_a_new_firm_to_a_listed_buyer_is_one_lead_scored_from_its_findings() -> None:
    relay = finding(
        "shipments.pass_through", "hub", 0.9, related=["buyer", "supplier"],
        explanation="ТОО «Дала Чип» imported 10000 units of HS 8542 and sent 9900 (99%) on to RU",
    )  # fmt: skip
    young = finding("entities.new_firm", "hub", 0.8, metrics={"days_after_cutoff": 47.0})
    older = finding("entities.new_firm", "hub", 0.6)  # a weaker finding of the same detector: not counted
    route = finding(
        "shipments.route", "supplier>hub>buyer", 0.5, kind="route", related=["hub", "supplier", "buyer"]
    )
    listed = finding("entities.listed", "buyer", 1.0)
    leads = build([relay, young, older, route, listed], NAMES)

    assert [lead.subject_id for lead in leads] == ["hub"]  # the buyer's listing is folded into the relay
    (lead,) = leads
    assert lead.folded == ["buyer"]
    assert [f["detector"] for f in lead.own] == [
        "shipments.pass_through", "entities.new_firm", "entities.new_firm", "shipments.route"
    ]  # fmt: skip
    expected = 1.0 - (
        (1 - weight("shipments.pass_through") * 0.9)
        * (1 - weight("entities.new_firm") * 0.8)
        * (1 - weight("shipments.route") * 0.5)
        * (1 - weight("entities.listed") * SUPPORT * 1.0)
    )
    assert lead.score == pytest.approx(expected)
    assert lead.weight_of(older) == 0.0 and lead.weight_of(young) == weight("entities.new_firm")
    # The score is recomputed from the findings and the weights they were counted with.
    recomputed = 1.0
    for f in lead.own + lead.support:
        recomputed *= 1.0 - lead.weight_of(f) * f["score"]
    assert 1.0 - recomputed == pytest.approx(lead.score)
    summary = summarise(lead, CUTOFF)
    assert summary.startswith("Kazakh firm ТОО «Дала Чип», founded in April 2022, imported 10000 units")
    assert "a party it deals with is on a sanctions list" in summary


def test_independent_findings_rank_above_one_repeated_and_unrelated_subjects_stay_apart() -> None:
    two = [finding("shipments.pass_through", "a", 0.8), finding("entities.shared_control", "a", 0.8)]
    one = [finding("shipments.pass_through", "b", 0.8), finding("shipments.pass_through", "b", 0.8)]
    leads = build(two + one, {})
    assert [lead.subject_id for lead in leads] == ["a", "b"]
    assert leads[1].score == pytest.approx(weight("shipments.pass_through") * 0.8)
    assert lead_id(leads[0]) != lead_id(leads[1]) and len(lead_id(leads[0])) == 12


def test_a_listed_party_that_supports_no_lead_is_a_lead_of_its_own() -> None:
    leads = build([finding("entities.listed", "buyer", 1.0)], NAMES)
    assert [(lead.subject_id, lead.kind) for lead in leads] == [("buyer", "company")]
    assert leads[0].score == pytest.approx(weight("entities.listed"))


def test_countries_name_firms_and_people() -> None:
    assert who("company", "X", "KG") == "Kyrgyz firm X"
    assert who("person", "Y", "RU") == "Russian person Y"
    assert who("company", "Z", "ZZ") == "firm Z (ZZ)"
    assert who("company", "Z", None) == "firm Z"
