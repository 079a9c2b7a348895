"""Planted schemes: the fifty_percent structures are right under OFAC's 50 percent rule."""

from __future__ import annotations

import pytest

from diversion.simulate import params_for, planted_world
from diversion.simulate.schemes import FIFTY_AGGREGATES, NEAR_FIFTY, Planter, ofac_stakes
from tests.simulate.ownership import aggregate, blocked

SEED = 7


@pytest.fixture(scope="module")
def small() -> Planter:
    return planted_world(SEED, params_for("small", None))


@pytest.mark.parametrize("stated", [*FIFTY_AGGREGATES, NEAR_FIFTY])
def test_stakes_add_up_to_the_aggregate_exactly_in_floats(stated: float) -> None:
    direct, held = ofac_stakes(stated)
    assert direct + held == stated
    assert (direct, held) == (round(direct, 2), round(held, 2))
    assert direct + held + round(100 - stated, 2) == 100.0


def test_listed_parties_own_exactly_the_stated_aggregate_under_the_rule(small: Planter) -> None:
    world = small.world
    blocked_ids = blocked(world)
    plans = [p for p in small.planted if p.type in ("fifty_percent", "near_fifty_percent")]
    schemes = [p for p in plans if p.type == "fifty_percent"]
    assert len(schemes) == 4 and len(plans) == 6
    found: list[float] = []
    for plan in plans:
        roles = {role: party for party, role in plan.members}
        target, holding = roles["owned firm"], roles["holding"]
        stated = (
            FIFTY_AGGREGATES[schemes.index(plan) % len(FIFTY_AGGREGATES)] if plan in schemes else NEAR_FIFTY
        )
        total = aggregate(world, target, blocked_ids)
        assert total == stated, (plan.id, total, stated)
        assert f"own {stated:g}% " in plan.summary
        assert holding in blocked_ids  # 60% owned by a listed company: its whole stake counts
        assert sum(r.share or 0.0 for r in world.relations if r.object_id == target) == 100.0
        assert (target in blocked_ids) == (plan.type == "fifty_percent")
        assert (total >= 50) == (plan.type == "fifty_percent")
        found.append(total)
    assert found == [50.0, 54.0, 70.0, 50.0, 49.9, 49.9]  # 50% exactly: the edge the rule includes
