"""The scoring model of leads, in one place: how much each detector's finding counts towards a lead.

A lead's score is a noisy-OR over its findings: ``score = 1 - prod(1 - weight * finding_score)``, over the
best finding of each detector about the lead's subject (``weight`` = the detector's weight) and the best
finding of each supporting detector about an entity the subject's findings name (the consignee a hub firm
sold to is listed: ``weight`` = the detector's weight times ``SUPPORT``). Each finding in ``leads.jsonl``
carries the ``weight`` it was counted with (0 when a better finding of the same detector counted instead),
so any score can be recomputed from its findings. Independent red flags raise a lead faster than a
repetition of one: two detectors at 0.8 give 0.96, one detector twice still 0.8.

The weights rank what an investigator can act on: matched legs of a relay, goods declared under the wrong
code and shared control across the border are direct evidence of a scheme; a young firm or a first
controlled trade is context that many honest firms share; a country-level flow points at a market, not a
firm. They were set by reading the reference cases of CASES.md, not fitted to a synthetic world.
"""

from __future__ import annotations

from typing import Final

WEIGHTS: Final[dict[str, float]] = {
    # Declarations: the goods themselves.
    "shipments.pass_through": 0.9,
    "shipments.mislabel": 1.0,  # drones declared as sprayers are hidden on purpose
    "shipments.markup": 0.7,
    "shipments.route": 0.35,
    # Entities and links.
    "entities.shared_control": 0.85,
    "entities.fifty_percent": 0.9,
    "entities.licence_excess": 0.8,
    "entities.listed": 0.35,  # being listed is known; the lead is who trades with the listed party
    "entities.listed_proximity": 0.6,
    "entities.new_firm": 0.45,
    "entities.first_controlled_trade": 0.45,
    # Trade statistics: a market, not a firm.
    "flows.surge": 0.5,
    "flows.new_line": 0.5,
    "flows.mirror_gap": 0.8,  # exports the hub never booked (phantom trade, CEPR DP20097) name a route
    "flows.pass_through": 0.5,
    "flows.diversion_did": 0.3,
}
"""Weight of each detector's best finding in its subject's lead (0..1)."""

DEFAULT_WEIGHT: Final = 0.3
"""A detector not listed above (a plug-in) counts this much."""

SUPPORT: Final = 0.5
"""A finding about a related entity (the buyer, the shared owner) counts this share of its weight."""

SUPPORTING: Final = ("entities.listed", "entities.fifty_percent", "entities.listed_proximity")
"""Detectors whose findings about a related entity support a lead (a listed buyer makes a relay worse)."""

FLOW_LEADS: Final = 100
"""At most this many flow lines (one per flow of goods, ``detect.flows.ranked``) become leads."""

MIN_SCORE: Final = 0.05
"""Leads scoring less are left out of ``leads.jsonl`` (their findings stay in ``findings.parquet``)."""


def weight(detector: str) -> float:
    return WEIGHTS.get(detector, DEFAULT_WEIGHT)
