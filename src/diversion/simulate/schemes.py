"""Planted evasion schemes and innocent decoys: each a small generator of firms, links and shipments.

Every scheme type implements one pattern of CASES.md; its knobs (``Difficulty``) set how hard it is to
see: lags between legs, splitting and merging of shipments, quantity noise, how far the names drift
between sources and whether identifiers are shown. Decoys look alarming to a naive rule and are
innocent: the answer key says so.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from diversion.simulate.goods import GOODS, Good, good, index
from diversion.simulate.params import CUTOFF, DESTINATION, EU_ORIGINS, HUBS
from diversion.simulate.world import Firm, Listing, Person, World, day_between

COVER_ROLES = ("trader", "distributor", "consignee")
"""Roles whose scheme firms also carry ordinary background trade."""
PLANTED_IDS = 10**12
"""Shipment ids of planted trade start here, far above background ids."""


@dataclass(frozen=True)
class Difficulty:
    level: str
    lag_days: tuple[int, int]  # import -> export
    split: tuple[int, int]  # export shipments per import
    quantity_noise: float  # relative, on each export leg
    name_variance: float  # how far member names drift between sources
    hide_ids: float  # share of declarations without the party's identifier
    lot_usd: float  # median value of one purchase: smaller schemes hide better in the statistics


LEVELS = (
    Difficulty("easy", (3, 14), (1, 1), 0.0, 0.1, 0.0, 400_000.0),
    Difficulty("medium", (7, 35), (1, 3), 0.02, 0.4, 0.3, 250_000.0),
    Difficulty("hard", (14, 60), (2, 5), 0.05, 0.8, 0.8, 150_000.0),
)


@dataclass
class Planted:
    """One scheme or decoy as the answer key records it."""

    id: str
    type: str
    difficulty: str
    innocent: bool
    summary: str
    members: list[tuple[str, str]] = field(default_factory=list)  # (party id, role)
    shipment_ids: list[int] = field(default_factory=list)
    relation_ids: list[str] = field(default_factory=list)
    phantom: list[tuple[str, str, str, int]] = field(default_factory=list)  # exporter, hub, hs2022, year


@dataclass
class Planter:
    """Builds planted trade into a world: shipments as rows, members and links in the world."""

    world: World
    rng: random.Random
    shipments: list[dict[str, object]] = field(default_factory=list)
    planted: list[Planted] = field(default_factory=list)
    name_variance: dict[str, float] = field(default_factory=dict)  # firm id -> drift of its spellings
    hidden_ids: dict[str, float] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # hub firm id -> where its goods were made
    reserved_hubs: tuple[str, ...] = ()  # hubs whose watched trade a reconstruction calibrates
    late: bool = False  # planting after everything else: new firms stay out of background trade

    def begin_late(self) -> None:
        """Plant from here on with generators of their own, seeded by one last draw of the planter's, and
        keep new firms out of background trade: what was planted before stays byte-identical for a seed."""
        self.rng = random.Random(self.rng.getrandbits(64))
        self.world.rng = random.Random(self.rng.getrandbits(64))
        self.late = True

    def hubs(self, choices: tuple[str, ...]) -> tuple[str, ...]:
        """Hub countries a generated scheme may use (all but those a reconstruction reserves)."""
        return tuple(c for c in choices if c not in self.reserved_hubs) or choices

    def hub(self, choices: tuple[str, ...]) -> str:
        return self.rng.choice(self.hubs(choices))

    # -- building blocks ----------------------------------------------------------------------------

    def ship(
        self,
        plan: Planted,
        day: date,
        sender: Firm,
        receiver: Firm,
        item: Good,
        quantity: int,
        unit_price: float,
        **overrides: object,
    ) -> dict[str, object]:
        rng = self.rng
        value = max(1, round(quantity * unit_price))
        g = index()[item.hs2022]
        brand, model = (item.brands[0][0], item.brands[0][1][0]) if item.brands else (None, None)
        row: dict[str, object] = {
            "shipment_id": PLANTED_IDS + len(self.shipments) + 1,
            "day": day,
            "exporter": self.world.by_id[sender.id],
            "importer": self.world.by_id[receiver.id],
            "good": g,
            "export_good": g,
            "import_good": g,
            "quantity": quantity,
            "value_usd": value,
            "import_value_usd": round(value * rng.uniform(1.02, 1.08)),
            "net_g": max(1, round(quantity * item.kg_per_unit * 1000 * rng.uniform(0.95, 1.05))),
            "in_export_stats": True,
            "in_import_stats": True,
            "exporter_spelling": rng.randrange(3),
            "importer_spelling": rng.randrange(3),
            "exporter_id_shown": rng.random() >= self.hidden_ids.get(sender.id, 0.0),
            "importer_id_shown": rng.random() >= self.hidden_ids.get(receiver.id, 0.0),
            "brand": brand,
            "model": model,
            "export_description": None,
            "import_description": None,
            "scheme": plan.id,
            "declared": True,
            "origin": self.origin.get(sender.id, sender.country),
        }
        row.update(overrides)
        self.shipments.append(row)
        plan.shipment_ids.append(int(row["shipment_id"]))  # type: ignore[call-overload]
        return row

    def family_firms(
        self,
        plan: Planted,
        parents: tuple[Person, Person],
        parents_firm: Firm,
        child: Person,
        childs_firm: Firm,
    ) -> None:
        """Parents owning a firm half each, their child owning another, and the family links between them."""
        father, mother = parents
        for parent in parents:
            self.relate(plan, "ownership", parent.id, parents_firm.id, share=50.0, role="founder",
                        start=parents_firm.incorporated)  # fmt: skip
        self.relate(plan, "ownership", child.id, childs_firm.id, share=100.0, role="founder",
                    start=childs_firm.incorporated)  # fmt: skip
        self.relate(plan, "family", father.id, child.id, role="parent")
        self.relate(plan, "family", mother.id, child.id, role="parent")
        self.relate(plan, "family", father.id, mother.id, role="spouse")

    def member(self, plan: Planted, party: Firm | Person, role: str, level: Difficulty | None = None) -> None:
        plan.members.append((party.id, role))
        if level is not None and isinstance(party, Firm):
            self.name_variance[party.id] = level.name_variance
            self.hidden_ids[party.id] = level.hide_ids

    def relate(self, plan: Planted, kind: str, subject: str, obj: str, **values: object) -> None:
        plan.relation_ids.append(self.world.relate(kind, subject, obj, **values).id)

    def firm(self, country: str, role: str, *, new: bool = False, **kw: object) -> Firm:
        """A firm made for a scheme; an old one also trades in the background, as a cover would."""
        founded = (
            day_between(self.rng, CUTOFF + timedelta(days=20), CUTOFF + timedelta(days=200)) if new else None
        )
        size = 0.0 if new or self.late or role not in COVER_ROLES else self.rng.uniform(0.2, 1.0)
        firm = self.world.add_firm(country, role, incorporated=founded, size=size, **kw)  # type: ignore[arg-type]
        firm.planted = True
        firm.background = not self.late
        return firm

    def existing(self, countries: tuple[str, ...], roles: tuple[str, ...]) -> Firm:
        """A background firm drawn into a scheme (never one another scheme made)."""
        candidates = [
            f
            for f in self.world.firms
            if f.country in countries and f.role in roles and f.size > 0 and not f.planted
        ]
        return self.rng.choice(candidates)

    def listed(self, plan: Planted, party: Firm | Person) -> None:
        day = day_between(self.rng, date(2022, 3, 1), date(2023, 6, 30))
        program = self.rng.choice(("RUSSIA-EO14024", "EU-833/2014"))
        self.world.listings.append(
            _listing(
                party.id, program, day, "Operates in the technology or defence sector of the Russian economy"
            )
        )

    def unit_price(self, item: Good, factor: float = 1.0) -> float:
        return item.price * factor * self.rng.lognormvariate(0.0, item.sigma / 3)

    def day(self, first: date = CUTOFF + timedelta(days=30), last: date = date(2023, 10, 31)) -> date:
        return day_between(self.rng, first, last)

    def new_plan(self, kind: str, level: Difficulty, innocent: bool, summary: str) -> Planted:
        prefix = "decoy" if innocent else "scheme"
        plan = Planted(f"{prefix}-{len(self.planted) + 1:04d}", kind, level.level, innocent, summary)
        self.planted.append(plan)
        return plan

    def relay(
        self,
        plan: Planted,
        level: Difficulty,
        supplier: Firm,
        hub: Firm,
        buyers: list[Firm],
        item: Good,
        imports: int,
        *,
        markup: float = 1.15,
        **export_overrides: object,
    ) -> None:
        """Buy from the supplier, sell the same goods on to the buyers: split, lagged, with noise."""
        rng = self.rng
        merge = level.level == "hard" and imports >= 2 and rng.random() < 0.5
        for _ in range(imports // 2 if merge else imports):
            day = self.day()
            price = self.unit_price(item)
            quantity = self._import_leg(plan, day, supplier, hub, item, price, level)
            if merge:  # two purchases leave together: the export matches their sum
                quantity += self._import_leg(
                    plan, day + timedelta(days=rng.randint(2, 10)), supplier, hub, item, price, level
                )
            parts = min(rng.randint(*level.split), quantity)
            cuts = sorted(rng.sample(range(1, quantity), parts - 1)) if parts > 1 else []
            for first, last in zip([0, *cuts], [*cuts, quantity], strict=True):
                part = last - first
                noisy = max(1, round(part * (1 + rng.uniform(-level.quantity_noise, level.quantity_noise))))
                lag = timedelta(days=rng.randint(*level.lag_days) + (10 if merge else 0))
                self.ship(
                    plan, day + lag, hub, rng.choice(buyers), item, noisy, price * markup, **export_overrides
                )

    def lot(self, median_usd: float, price: float) -> int:
        """How many units one consignment holds: its value varies around ``median_usd`` (a purchase is
        sized by budget, so cheap chips come by the ten thousand and drones by the dozen)."""
        return max(2, round(self.rng.lognormvariate(math.log(median_usd), 0.7) / price))

    def _import_leg(
        self, plan: Planted, day: date, supplier: Firm, hub: Firm, item: Good, price: float, level: Difficulty
    ) -> int:
        quantity = self.lot(level.lot_usd, price)
        self.ship(plan, day, supplier, hub, item, quantity, price)
        self.origin[hub.id] = supplier.country
        return quantity


def _listing(party_id: str, program: str, day: date, reason: str) -> Listing:
    return Listing(party_id, "Synthetic sanctions list", program, "Synthetic authority", day, reason)


def _watched(rng: random.Random, kinds: tuple[str, ...] = ("electronics",)) -> Good:
    return rng.choice([g for g in GOODS if (g.controlled or g.kind == "drones") and g.kind in kinds])


# -- schemes -----------------------------------------------------------------------------------------


def same_owner(p: Planter, level: Difficulty) -> None:
    """A hub firm and a destination consignee with the same owner (Aspan Arba / Nebesnaya Mekhanika)."""
    rng = p.rng
    plan = p.new_plan("same_owner", level, False, "hub firm and Russian consignee share an owner")
    owner = p.world.add_person(DESTINATION)
    hub = p.firm(p.hub(("KZ", "KG", "AM")), "trader", new=rng.random() < 0.7)
    consignee = p.firm(DESTINATION, "consignee")
    supplier = p.existing(("CN", "NL", "KR"), ("manufacturer",))
    for firm, share in ((hub, rng.choice((100.0, 75.0, 51.0))), (consignee, rng.choice((100.0, 60.0)))):
        p.relate(plan, "ownership", owner.id, firm.id, share=share, role="founder", start=firm.incorporated)
    p.member(plan, owner, "common owner")
    p.member(plan, hub, "hub firm", level)
    p.member(plan, consignee, "consignee", level)
    p.member(plan, supplier, "supplier")
    p.relay(
        plan, level, supplier, hub, [consignee], _watched(rng, ("electronics", "drones")), rng.randint(2, 4)
    )


def family_route(p: Planter, level: Difficulty) -> None:
    """Parents' EU firm -> their child's new hub firm -> the destination (the family chip route)."""
    rng = p.rng
    plan = p.new_plan(
        "family_route", level, False, "EU firm of a Russian couple supplies their son's new hub firm"
    )
    father = p.world.add_person(DESTINATION, sex="m")
    surname = father.name.surname
    mother = p.world.add_person(DESTINATION, sex="f", surname=surname)
    child = p.world.add_person(
        DESTINATION, sex="m", surname=surname, born=date(1990 + rng.randint(0, 8), 5, 1)
    )
    eu = p.firm(rng.choice(EU_ORIGINS), "distributor")
    hub = p.firm(p.hub(("KZ", "KG")), "trader", new=True)
    consignee = p.firm(DESTINATION, "consignee")
    p.family_firms(plan, (father, mother), eu, child, hub)
    for person, role in (
        (father, "owner of EU firm"),
        (mother, "owner of EU firm"),
        (child, "owner of hub firm"),
    ):
        p.member(plan, person, role)
    p.member(plan, eu, "EU exporter", level)
    p.member(plan, hub, "hub firm", level)
    p.member(plan, consignee, "consignee", level)
    chips = good(rng.choice(("854231", "854239", "854232")))
    p.relay(plan, level, eu, hub, [consignee], chips, rng.randint(2, 5))


def pass_through(p: Planter, level: Difficulty) -> None:
    """Quantity-matched pass-through within weeks, split over several buyers (Kyrgyz electronics)."""
    rng = p.rng
    plan = p.new_plan("pass_through", level, False, "hub firm re-exports what it imports within weeks")
    hub = p.firm(p.hub(("KG", "KZ", "AM", "UZ")), "trader", new=rng.random() < 0.5)
    supplier = p.existing(("CN", "KR", "TW"), ("manufacturer",))
    buyers = [p.firm(DESTINATION, "defence") for _ in range(rng.randint(1, 3))]
    p.member(plan, hub, "hub firm", level)
    p.member(plan, supplier, "supplier")
    for buyer in buyers:
        p.member(plan, buyer, "consignee", level)
        if rng.random() < 0.5:
            p.listed(plan, buyer)
    p.relay(
        plan,
        level,
        supplier,
        hub,
        buyers,
        good(rng.choice(("854233", "854231", "854129", "850440"))),
        rng.randint(2, 5),
    )


def mislabel(p: Planter, level: Difficulty) -> None:
    """Agricultural drones declared as sprayers on the way to the destination (the crop dusters)."""
    rng = p.rng
    plan = p.new_plan("mislabel", level, False, "drones re-exported as agricultural sprayers")
    hub = p.firm(p.hub(("KG", "KZ")), "trader")
    supplier = p.existing(("CN",), ("manufacturer",))
    buyer = p.firm(DESTINATION, "consignee")
    for party, role in ((hub, "hub firm"), (buyer, "consignee")):
        p.member(plan, party, role, level)
    p.member(plan, supplier, "supplier")
    drone = good("880624")
    sprayer = index()["842449"]
    model = rng.choice(("Agras T30", "Agras T40"))
    description = {
        "easy": f"Опрыскиватель сельскохозяйственный DJI {model}",
        "medium": f"Опрыскиватель сельскохозяйственный беспилотный {model.split()[-1]}",
        "hard": "Оборудование для опрыскивания сельскохозяйственных культур",
    }[level.level]
    p.relay(
        plan,
        level,
        supplier,
        hub,
        [buyer],
        drone,
        rng.randint(1, 3),
        markup=1.2,
        export_good=sprayer,
        import_good=sprayer,
        export_description=description,
        import_description=description,
        brand="DJI" if level.level != "hard" else None,
        model=model if level.level == "easy" else None,
    )


def markup(p: Planter, level: Difficulty) -> None:
    """A small intermediary sells to the destination at 1.5-3 times the market price."""
    rng = p.rng
    plan = p.new_plan(
        "markup", level, False, "intermediary charges the Russian buyer a multiple of the market price"
    )
    hub = p.firm(p.hub(HUBS), "trader", new=rng.random() < 0.5)
    supplier = p.existing(("CN", "DE", "KR", "TW", "US"), ("manufacturer",))
    buyer = p.firm(DESTINATION, "consignee")
    p.member(plan, hub, "intermediary", level)
    p.member(plan, buyer, "consignee", level)
    p.member(plan, supplier, "supplier")
    factor = {"easy": 3.0, "medium": 2.2, "hard": 1.6}[level.level]
    p.relay(plan, level, supplier, hub, [buyer], _watched(rng), rng.randint(2, 4), markup=factor)


FIFTY_AGGREGATES: Final = (50.0, 54.0, 70.0)
"""What listed parties own of a ``fifty_percent`` firm, in turn: 50% exactly is blocked too."""
NEAR_FIFTY: Final = 49.9
"""What they own of a ``near_fifty_percent`` decoy's firm: just under the rule."""
DIRECT_PART: Final = 0.55
"""The listed person's direct stake as a part of the aggregate; the blocked holding holds the rest."""


def ofac_stakes(aggregate: float) -> tuple[float, float]:
    """A direct stake and a blocked holding's stake, two decimals each, adding up to exactly ``aggregate``.

    OFAC FAQ 401: an entity owned 50% or more in aggregate by blocked persons is blocked itself, and its
    whole stake in another entity counts towards what blocked persons own of it (stakes add up; they are
    not multiplied through the blocked entity).
    """
    first = round(aggregate * DIRECT_PART, 2)
    for cents in range(100):
        for direct in (round(first - cents / 100, 2), round(first + cents / 100, 2)):
            held = round(aggregate - direct, 2)
            if direct + held == aggregate:
                return direct, held
    raise ValueError(f"no two-decimal stakes add up to {aggregate}")


def fifty_percent(
    p: Planter, level: Difficulty, *, aggregate: float | None = None, innocent: bool = False
) -> None:
    """A trading firm owned 50% or more in aggregate by listed parties, directly and through a holding.

    A listed company owns 60% of the holding, so under OFAC's rule the holding is blocked and its whole
    stake counts: the listed person's direct stake plus the holding's is the aggregate (``FIFTY_AGGREGATES``
    in turn, or ``aggregate``).
    """
    rng = p.rng
    kind = "near_fifty_percent" if innocent else "fifty_percent"
    if aggregate is None:
        done = sum(plan.type == kind for plan in p.planted)
        aggregate = FIFTY_AGGREGATES[done % len(FIFTY_AGGREGATES)]
    direct, held = ofac_stakes(aggregate)
    verdict = "under 50%: not blocked" if aggregate < 50 else "50% or more: blocked"
    summary = (
        f"listed parties own {aggregate:g}% of a trading firm under OFAC's 50% rule ({verdict}): "
        f"{direct:g}% directly and {held:g}% through a holding a listed company owns 60% of"
    )
    plan = p.new_plan(kind, level, innocent, summary)
    first, second = p.world.add_person(DESTINATION), p.firm(DESTINATION, "holding")
    holding = p.firm(p.hub(("AE", "TR", "KZ")), "holding")
    target = p.firm(p.hub(("AE", "TR", "KZ", "AM")), "trader")
    for listed in (first, second):
        p.listed(plan, listed)
    p.relate(
        plan, "ownership", first.id, target.id, share=direct, role="shareholder", start=target.incorporated
    )
    p.relate(
        plan, "ownership", second.id, holding.id, share=60.0, role="shareholder", start=holding.incorporated
    )
    p.relate(
        plan, "ownership", holding.id, target.id, share=held, role="shareholder", start=target.incorporated
    )
    rest = p.world.add_person(target.country)
    p.relate(plan, "ownership", rest.id, target.id, share=round(100 - aggregate, 2), role="shareholder")
    for party, role in (
        (first, "listed owner"),
        (second, "listed owner"),
        (holding, "holding"),
        (target, "owned firm"),
    ):
        p.member(plan, party, role, level if isinstance(party, Firm) else None)
    supplier = p.existing(("CN", "KR", "TW"), ("manufacturer",))
    buyer = p.existing((DESTINATION,), ("consignee",))
    start = len(p.shipments)
    p.relay(plan, level, supplier, target, [buyer], _watched(rng), rng.randint(1, 3))
    if innocent:
        _as_innocent_goods(p, start, len(p.planted))


def _as_innocent_goods(p: Planter, first: int, turn: int) -> None:
    """Make the shipments from ``first`` on carry food or clothing, same values, no random draw (so the
    rest of the world stays as it was): a decoy must be innocent in all it does, and relaying chips to
    Russia within weeks would be a red flag of its own."""
    innocent = [g for g in GOODS if g.kind in ("food", "textiles")]
    item = innocent[turn % len(innocent)]
    code = index()[item.hs2022]
    for row in p.shipments[first:]:
        quantity = max(1, round(float(row["value_usd"]) / item.price))  # type: ignore[arg-type]
        row.update(
            good=code, export_good=code, import_good=code, quantity=quantity, brand=None, model=None,
            net_g=max(1, round(quantity * item.kg_per_unit * 1000)),
        )  # fmt: skip


def listed_consignee(p: Planter, level: Difficulty) -> None:
    """A consignee on a list under one transliteration, in declarations under another spelling."""
    rng = p.rng
    plan = p.new_plan("listed_consignee", level, False, "listed Russian consignee under another spelling")
    consignee = p.firm(DESTINATION, "defence")
    p.listed(plan, consignee)
    hub = p.existing(p.hubs(("KZ", "KG", "AM", "UZ", "AE", "TR")), ("trader", "distributor"))
    supplier = p.existing(("CN", "KR", "TW"), ("manufacturer",))
    p.member(plan, consignee, "listed consignee", level)
    p.member(plan, hub, "hub firm")
    p.member(plan, supplier, "supplier")
    p.relay(plan, level, supplier, hub, [consignee], _watched(rng), rng.randint(1, 3))


def phantom_flow(p: Planter, level: Difficulty) -> None:
    """Exports recorded at the origin to a hub that never records them as imports (CEPR DP20097)."""
    rng = p.rng
    plan = p.new_plan("phantom_flow", level, False, "EU exports to a hub that the hub never records")
    exporter = p.existing(EU_ORIGINS, ("manufacturer",))
    hub = p.firm(p.hub(("KZ", "KG", "AM")), "trader")
    p.member(plan, exporter, "exporter")
    p.member(plan, hub, "declared consignee", level)
    item = _watched(rng)
    for _ in range(rng.randint(3, 8)):
        day = p.day()
        price = p.unit_price(item)
        # The goods never reach the hub's books: no import statistics, no declarations there.
        p.ship(
            plan,
            day,
            exporter,
            hub,
            item,
            p.lot(level.lot_usd, price),
            price,
            in_import_stats=False,
            declared=False,
        )
        plan.phantom.append((exporter.country, hub.country, item.hs2022, day.year))


SCHEMES: tuple[Callable[[Planter, Difficulty], None], ...] = (
    same_owner,
    family_route,
    pass_through,
    mislabel,
    markup,
    fifty_percent,
    listed_consignee,
    phantom_flow,
)


# -- decoys ------------------------------------------------------------------------------------------


def domestic_distributor(p: Planter, level: Difficulty) -> None:
    """A large hub distributor importing controlled goods for its own market: nothing goes on."""
    rng = p.rng
    plan = p.new_plan(
        "domestic_distributor", level, True, "hub distributor imports controlled goods for its market"
    )
    hub = p.existing(p.hubs(HUBS), ("distributor",))
    supplier = p.existing(("DE", "US", "KR", "JP"), ("manufacturer",))
    p.member(plan, hub, "distributor")
    item = _watched(rng)
    for _ in range(rng.randint(6, 12)):
        price = p.unit_price(item)
        p.ship(plan, p.day(date(2021, 1, 1)), supplier, hub, item, p.lot(level.lot_usd, price), price)


def new_firm_food(p: Planter, level: Difficulty) -> None:
    """A firm founded after the cut-off exporting food or textiles to the destination."""
    rng = p.rng
    plan = p.new_plan("new_firm_food", level, True, "new hub firm sells food or clothing to Russia")
    hub = p.firm(p.hub(("KZ", "KG", "AM", "UZ")), "trader", new=True)
    p.member(plan, hub, "new firm")
    item = rng.choice([g for g in GOODS if g.kind in ("food", "textiles")])
    buyer = p.existing((DESTINATION,), ("consignee",))
    for _ in range(rng.randint(4, 10)):
        p.ship(plan, p.day(), hub, buyer, item, rng.randint(1000, 50000), p.unit_price(item))


def consumer_reexport(p: Planter, level: Difficulty) -> None:
    """Re-export of consumer goods (phones, laptops) to the destination: legal, and it looks like a relay."""
    rng = p.rng
    plan = p.new_plan("consumer_reexport", level, True, "hub firm re-exports phones or laptops to Russia")
    hub = p.existing(p.hubs(HUBS), ("trader", "distributor"))
    supplier = p.existing(("CN",), ("manufacturer",))
    buyer = p.existing((DESTINATION,), ("consignee",))
    p.member(plan, hub, "re-exporter")
    p.relay(
        plan, LEVELS[0], supplier, hub, [buyer], good(rng.choice(("851713", "847130"))), rng.randint(2, 4)
    )


def near_fifty(p: Planter, level: Difficulty) -> None:
    """The ``fifty_percent`` structure summing to 49.9% under OFAC's rule: nothing is blocked."""
    fifty_percent(p, level, aggregate=NEAR_FIFTY, innocent=True)


def namesake(p: Planter, level: Difficulty) -> None:
    """A firm whose owner shares a listed person's surname and given name, not their patronymic."""
    rng = p.rng
    plan = p.new_plan("namesake", level, True, "owner's name resembles a listed person's; a different person")
    listed = p.world.add_person(DESTINATION, sex="m")
    p.listed(plan, listed)
    other = p.world.add_person(DESTINATION, sex="m", surname=listed.name.surname)
    hub = p.existing(p.hubs(("KZ", "KG")), ("trader",))
    p.relate(plan, "ownership", other.id, hub.id, share=30.0, role="shareholder", start=hub.incorporated)
    p.member(plan, other, "namesake owner")
    p.member(plan, hub, "firm")
    del rng


SHORTAGE = ("401110", date(2022, 4, 1), date(2022, 7, 31))
"""A genuine shortage: every seller of this good asks more in this window (trade.py applies it to all)."""


def shortage_prices(p: Planter, level: Difficulty) -> None:
    """Hub firms selling at high prices during a shortage in which everyone's price rose."""
    rng = p.rng
    plan = p.new_plan("shortage_prices", level, True, "high prices to Russia during a market-wide shortage")
    code, first, last = SHORTAGE
    item = good(code)
    buyer = p.existing((DESTINATION,), ("consignee",))
    for _ in range(2):
        seller = p.existing(p.hubs(("KZ", "KG", "AM", "TR")), ("trader", "distributor"))
        p.member(plan, seller, "seller")
        for _ in range(rng.randint(2, 4)):
            day = day_between(rng, first, last)
            price = p.unit_price(item, p.world.params.shortage_markup)
            p.ship(plan, day, seller, buyer, item, rng.randint(200, 2000), price)


DECOYS: tuple[Callable[[Planter, Difficulty], None], ...] = (
    domestic_distributor,
    new_firm_food,
    consumer_reexport,
    near_fifty,
    namesake,
    shortage_prices,
)
