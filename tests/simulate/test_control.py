"""Late decoys of control: one business centre's firms, and a legitimate group with a listed minority owner."""

from __future__ import annotations

import pytest

from diversion.simulate import control, params_for, planted_world, trade
from diversion.simulate.goods import Good, catalogue
from diversion.simulate.schemes import Planted, Planter
from diversion.simulate.world import Firm
from tests.simulate.ownership import aggregate, blocked

SEED = 7


@pytest.fixture(scope="module")
def small() -> Planter:
    return planted_world(SEED, params_for("small", None))


def plans(planter: Planter, kind: str) -> list[Planted]:
    found = [p for p in planter.planted if p.type == kind]
    assert len(found) == params_for("small", None).decoys_per_type
    assert all(p.innocent for p in found)
    return found


def firms(planter: Planter, plan: Planted, *roles: str) -> list[Firm]:
    world = planter.world
    return [world.firm(party) for party, role in plan.members if role in roles]


def shipped(planter: Planter, plan: Planted) -> list[dict[str, object]]:
    return [s for s in planter.shipments if s["scheme"] == plan.id]


def goods(sent: list[dict[str, object]]) -> set[Good]:
    found = set()
    for shipment in sent:
        assert isinstance(shipment["good"], int)
        found.add(catalogue()[shipment["good"]])
    return found


def test_business_centre_firms_share_one_address_and_include_a_listed_firm(small: Planter) -> None:
    world, listed = small.world, {listing.party_id for listing in small.world.listings}
    owners = {(r.subject_id, r.object_id): r.share for r in world.relations if r.kind == "ownership"}
    for plan in plans(small, "business_centre"):
        roles = {role: party for party, role in plan.members}
        tenants = firms(
            small, plan, "hub trader", "listed tenant", "tenant owned by the buyer's owner", "tenant"
        )
        country = tenants[0].country
        assert 15 <= len(tenants) <= 30
        assert {f.address for f in tenants} == {control.BUSINESS_CENTRES[country]}
        assert {f.country for f in tenants} == {country}
        phones = [f.phone for f in tenants]
        assert max(phones.count(p) for p in phones) >= 3  # the centre's switchboard
        assert roles["listed tenant"] in listed and roles["hub trader"] not in listed
        buyer_owner, consignee = roles["buyer's owner"], roles["consignee"]
        assert owners[(buyer_owner, consignee)] == 100.0
        assert owners[(buyer_owner, roles["tenant owned by the buyer's owner"])] == 100.0
        assert world.firm(consignee).country == "RU"
        assert not any(
            owner in listed or owner == buyer_owner for owner, firm in owners if firm == roles["hub trader"]
        )
        sent = shipped(small, plan)
        assert 3 <= len(sent) <= 6
        trader, buyer = world.by_id[roles["hub trader"]], world.by_id[consignee]
        assert {(s["exporter"], s["importer"]) for s in sent} == {(trader, buyer)}
        assert all(not g.controlled and g.kind in ("consumer", "food", "textiles") for g in goods(sent))


def test_legit_holding_has_a_listed_minority_owner_and_wholly_owned_subsidiaries(small: Planter) -> None:
    world = small.world
    blocked_ids = blocked(world)
    own = [r for r in world.relations if r.kind == "ownership"]
    for plan in plans(small, "legit_holding"):
        roles = {role: party for party, role in plan.members}
        holding, owner = roles["holding"], roles["listed minority owner"]
        assert owner in {listing.party_id for listing in world.listings}
        stakes = {r.subject_id: r.share for r in own if r.object_id == holding}
        assert 20.0 <= stakes[owner] <= 35.0 and stakes[owner] < 50
        assert 3 <= len(stakes) <= 4 and sum(stakes.values()) == 100.0
        assert aggregate(world, holding, blocked_ids) == stakes[owner]
        subsidiaries = [r for r in own if r.subject_id == holding]
        assert 10 <= len(subsidiaries) <= 25
        assert all(r.share == 100.0 and r.id in plan.relation_ids for r in subsidiaries)
        group = {holding, *(r.object_id for r in subsidiaries)}
        assert not group & blocked_ids  # under OFAC's rule nothing in the group is blocked
        countries = {world.firm(r.object_id).country for r in subsidiaries}
        assert "RU" in countries and countries - {"RU"}
        russian = world.by_id[roles["Russian subsidiary"]]
        sellers = {world.by_id[f.id] for f in firms(small, plan, "exporting subsidiary")}
        assert sellers and {world.firms[i].id for i in sellers} <= group
        sent = shipped(small, plan)
        assert 4 <= len(sent) <= 8
        assert all(s["exporter"] in sellers and s["importer"] == russian for s in sent)
        assert all(not g.controlled and g.kind in ("food", "textiles") for g in goods(sent))


def test_late_decoys_only_add_to_the_world_and_stay_out_of_background_trade(
    small: Planter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(control, "DECOYS", ())
    before = planted_world(SEED, params_for("small", None))
    after, old = small.world, before.world
    assert after.firms[: len(old.firms)] == old.firms
    assert after.people[: len(old.people)] == old.people
    assert after.relations[: len(old.relations)] == old.relations
    assert after.listings[: len(old.listings)] == old.listings
    assert small.shipments[: len(before.shipments)] == before.shipments
    assert [p.id for p in small.planted[: len(before.planted)]] == [p.id for p in before.planted]
    late = after.firms[len(old.firms) :]
    assert late and all(f.planted and not f.background and f.size == 0.0 for f in late)
    new, kept = trade.pools(after), trade.pools(old)
    for name in ("origin", "hub", "destination", "other"):
        for a, b in zip(getattr(new, name), getattr(kept, name), strict=True):
            assert a.tolist() == b.tolist(), name
