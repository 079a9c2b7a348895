"""OFAC's 50 percent rule (FAQ 401) over a simulated world's links, for checking what the key says."""

from __future__ import annotations

from collections import defaultdict

from diversion.simulate.world import World

RULE = 50.0


def blocked(world: World) -> set[str]:
    """Listed parties and every entity they own 50% or more of in aggregate, directly or through
    entities blocked the same way (each blocked owner's whole stake counts)."""
    owns = [r for r in world.relations if r.kind == "ownership" and r.share is not None]
    found = {listing.party_id for listing in world.listings}
    while True:
        held: dict[str, float] = defaultdict(float)
        for r in owns:
            if r.subject_id in found:
                held[r.object_id] += r.share or 0.0
        more = {party for party, share in held.items() if share >= RULE} - found
        if not more:
            return found
        found |= more


def aggregate(world: World, firm_id: str, blocked_ids: set[str]) -> float:
    """What blocked parties own of ``firm_id`` under the rule: the sum of their direct stakes."""
    return sum(
        r.share or 0.0
        for r in world.relations
        if r.kind == "ownership" and r.object_id == firm_id and r.subject_id in blocked_ids
    )
