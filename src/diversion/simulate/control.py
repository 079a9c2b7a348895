"""Innocent look-alikes of control: firms of one business centre, and a group with a listed minority owner.

A naive rule links firms through a shared address, or a whole group through any listed owner; OFAC's 50
percent rule (FAQ 401) blocks only what listed parties own 50% or more of, in aggregate. These decoys are
planted last, after every scheme, decoy and reference case, with generators of their own
(``Planter.begin_late``), and their firms trade only in planted shipments: what a seed planted before
stays byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from diversion.simulate.goods import GOODS, Good
from diversion.simulate.params import DESTINATION, HUBS
from diversion.simulate.schemes import Difficulty, Planted, Planter
from diversion.simulate.world import Firm, Person, _phone

BUSINESS_CENTRES: Final = {
    "KZ": "г. Алматы, пр. Аль-Фараби, 77/7, БЦ «Esentai Tower»",
    "KG": "г. Бишкек, пр. Чуй, 155, БЦ «Виктори»",
    "AM": "Yerevan, 10 Vazgen Sargsyan Street, Yerevan Plaza Business Center",
    "AE": "Office 1402, Jumeirah Business Centre 3, Cluster Y, JLT, Dubai",
    "TR": "Büyükdere Cad. 185, Kanyon Ofis Bloğu, Kat 9, Levent, Istanbul",
}
"""One business centre per hub: every tenant of the decoy is registered at this very address."""
TENANTS: Final = (15, 30)
"""How many firms the decoy registers at the business centre."""
SWITCHBOARD: Final = (3, 6)
"""How many of them give the centre's switchboard as their phone."""
SUBSIDIARIES: Final = (10, 25)
"""How many firms the legitimate holding owns outright."""
MINORITY: Final = (20, 35)
"""The listed person's stake in the holding, percent: a minority, so nothing in the group is blocked."""


def _plain(p: Planter, kinds: tuple[str, ...]) -> Good:
    """Goods no export control covers."""
    return p.rng.choice([g for g in GOODS if g.kind in kinds and not g.controlled])


def _owned(p: Planter, plan: Planted, owner: Person | Firm, firm: Firm, share: float, role: str) -> None:
    plan.relation_ids.append(p.world.own(owner.id, firm, share, role=role).id)


def _owner_and_director(p: Planter, firm: Firm) -> None:
    """An ordinary local founder who also runs the firm, as most background firms have."""
    founder = p.world.add_person(firm.country)
    p.world.own(founder.id, firm, 100.0, role="founder")
    p.world.direct(founder, firm)


def business_centre(p: Planter, level: Difficulty) -> None:
    """Firms of one business centre: one sells to Russia, one is listed, one belongs to the buyer's owner.

    A rule that links firms sharing an address within two hops calls the trader close to the listed firm
    and to its Russian buyer's owner; they only rent offices in the same tower.
    """
    rng = p.rng
    plan = p.new_plan(
        "business_centre",
        level,
        True,
        "a hub trader selling to Russia shares a business-centre address with a listed firm and a firm of "
        "its Russian buyer's owner; no other link",
    )
    country = rng.choice(tuple(BUSINESS_CENTRES))  # no watched goods: a calibrated hub will do
    switchboard = _phone(rng, country)
    trader, listed, neighbour = (p.firm(country, "trader") for _ in range(3))
    others = [
        p.firm(country, rng.choice(("trader", "distributor", "holding")))
        for _ in range(rng.randint(*TENANTS) - 3)
    ]
    tenants = [trader, listed, neighbour, *others]
    for firm in tenants:
        firm.address = BUSINESS_CENTRES[country]
    for firm in rng.sample(tenants, rng.randint(*SWITCHBOARD)):
        firm.phone = switchboard
    p.listed(plan, listed)
    consignee = p.firm(DESTINATION, "consignee")
    buyer_owner = p.world.add_person(DESTINATION)
    _owned(p, plan, buyer_owner, consignee, 100.0, "founder")
    _owned(p, plan, buyer_owner, neighbour, 100.0, "founder")
    p.world.direct(buyer_owner, consignee)
    for firm in (trader, listed, *others):
        _owner_and_director(p, firm)
    p.world.direct(p.world.add_person(country), neighbour)
    for party, role in (
        (trader, "hub trader"),
        (listed, "listed tenant"),
        (neighbour, "tenant owned by the buyer's owner"),
        (buyer_owner, "buyer's owner"),
        (consignee, "consignee"),
    ):
        p.member(plan, party, role)
    for firm in others:
        p.member(plan, firm, "tenant")
    item = _plain(p, ("consumer", "food", "textiles"))
    for _ in range(rng.randint(3, 6)):
        price = p.unit_price(item)
        p.ship(plan, p.day(), trader, consignee, item, p.lot(60_000.0, price), price)


def legit_holding(p: Planter, level: Difficulty) -> None:
    """A large group whose holding has a listed minority owner; its firms sell food or clothing to Russia.

    The listed person owns 20-35% of the holding and three or fewer unlisted people the rest: under OFAC's
    rule neither the holding nor any of its wholly owned subsidiaries is blocked.
    """
    rng = p.rng
    plan = p.new_plan(
        "legit_holding",
        level,
        True,
        "a group's hub firms sell food or clothing to its Russian firm; a listed person owns a minority "
        "of the holding (under 50%: nothing blocked)",
    )
    country = rng.choice(("AE", "TR", "KZ"))  # no watched goods: a calibrated hub will do
    holding = p.firm(country, "holding")
    listed = p.world.add_person(DESTINATION)
    p.listed(plan, listed)
    stake = rng.randint(*MINORITY)
    partners = [p.world.add_person(country) for _ in range(rng.randint(2, 3))]
    cuts = sorted(rng.sample(range(1, 100 - stake), len(partners) - 1))
    shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100 - stake], strict=True)]
    _owned(p, plan, listed, holding, float(stake), "shareholder")
    for partner, share in zip(partners, shares, strict=True):
        _owned(p, plan, partner, holding, float(share), "founder" if share == max(shares) else "shareholder")
    p.world.direct(partners[0], holding)
    countries = [
        DESTINATION,
        country,
        country,
        *(rng.choice((country, DESTINATION, *HUBS)) for _ in range(rng.randint(*SUBSIDIARIES) - 3)),
    ]
    subsidiaries = [
        p.firm(c, "consignee" if c == DESTINATION else rng.choice(("trader", "distributor")))
        for c in countries
    ]
    for firm in subsidiaries:
        _owned(p, plan, holding, firm, 100.0, "parent company")
        p.world.direct(p.world.add_person(firm.country), firm)
    russian = subsidiaries[0]
    sellers = [f for f in subsidiaries if f.country != DESTINATION][: rng.randint(2, 3)]
    p.member(plan, holding, "holding")
    p.member(plan, listed, "listed minority owner")
    p.member(plan, russian, "Russian subsidiary")
    for seller in sellers:
        p.member(plan, seller, "exporting subsidiary")
    for _ in range(rng.randint(4, 8)):
        seller = rng.choice(sellers)
        item = _plain(p, ("food", "textiles"))
        price = p.unit_price(item)
        p.ship(plan, p.day(), seller, russian, item, p.lot(80_000.0, price), price)


DECOYS: Final[tuple[Callable[[Planter, Difficulty], None], ...]] = (business_centre, legit_holding)
"""Planted after everything else (``simulate._plant``), ``Params.decoys_per_type`` of each."""
