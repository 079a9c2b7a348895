"""entities.shared_control: two trading partners in controlled goods, one of them a hub firm, are steered
by the same people: they share an owner, a director, a family, an address or a phone, within a few links.

Red flag: CASES.md (Aspan Arba in Kazakhstan and Nebesnaya Mekhanika in Moscow, one owner; a German firm
owned by a Russian couple supplying their son's new Kazakh firm); the Five Eyes guidance of Sep 2023
(related parties across the border). The pairs examined are those the declarations show trading controlled
goods across a border with a hub firm at one end; the link between them is searched over ownership,
directorship, control, family, associate, shared address and shared phone links, at most ``max_hops``
links long, never through an entity with more than ``max_degree`` links, and never through an address or
phone shared by more than the graph's ``max_shared_contact`` entities (a business centre links nobody).
The path is the explanation; its links' records are the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, clip, conform
from diversion.detect.entities.common import (
    EntityParams,
    busy_entities,
    control_edges,
    declared_trade,
    finding,
    names,
    subject,
)
from diversion.graph.paths import CONTROL_KINDS, between
from diversion.model.words import money
from diversion.store import Workspace


@dataclass(frozen=True)
class Params(EntityParams):
    max_hops: int = field(default=3, metadata={"help": "Most links between the two partners."})
    contact_only: float = field(
        default=0.6, metadata={"help": "Score factor of a path made only of shared addresses or phones."}
    )
    per_hop: float = field(default=0.1, metadata={"help": "Score lost for each link beyond two."})


def partners(ws: Workspace, p: Params) -> ir.Table:
    """a (the hub firm), b (its partner across the border), value, codes: pairs trading controlled goods."""
    trade = declared_trade(ws)
    trade = trade.filter(
        trade.controlled
        & trade.exporter_entity.notnull()
        & trade.importer_entity.notnull()
        & (trade.exporter_entity != trade.importer_entity)
        & (trade.exporter_country != trade.importer_country)
    )
    hub_exports = trade.filter(trade.exporter_country.isin(list(p.hubs)))
    hub_imports = trade.filter(trade.importer_country.isin(list(p.hubs)))
    sides = [
        hub_exports.select(a=hub_exports.exporter_entity, b=hub_exports.importer_entity,
                           value=hub_exports.value_usd, hs_code=hub_exports.hs_code),
        hub_imports.select(a=hub_imports.importer_entity, b=hub_imports.exporter_entity,
                           value=hub_imports.value_usd, hs_code=hub_imports.hs_code),
    ]  # fmt: skip
    pairs = ibis.union(*sides)
    return pairs.group_by(["a", "b"]).aggregate(
        value=pairs.value.sum(), codes=pairs.hs_code.collect(distinct=True), lines=pairs.count()
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    pairs = ws.materialize(partners(ws, p))
    edges = control_edges(ws, CONTROL_KINDS)
    paths = between(ws, pairs, edges, names(ws), p.max_hops, blocked=busy_entities(ws, edges, p.max_degree))
    found = paths.join(pairs, ["a", "b"])
    label = names(ws).select(b="entity_id", partner_name="name", partner=ibis._.country)
    found = found.left_join(label, "b")
    found = subject(found, found.a, names(ws))
    steering = found.kinds.re_search(r"\|(ownership|directorship|control)\|")
    family = found.kinds.contains("|family|")
    contact_only = ~found.kinds.re_search(r"\|(ownership|directorship|control|family|associate|representation"
                                          r"|membership)\|")  # fmt: skip
    # A family tie is weaker evidence of common control than a shared owner or director.
    strength = ibis.cases((family, 0.85), (steering, 0.9), (contact_only, 0.9 * p.contact_only), else_=0.7)
    score = clip(strength * (1.0 - p.per_hop * ibis.greatest(found.hops - 2, 0).cast("float64")))
    codes = found.codes.sort().join(", ")
    explanation = (
        found.subject_name + " and its trading partner " + found.partner_name.coalesce(found.b) + " ("
        + money(found.value, ibis.literal("USD")) + " of controlled goods, HS " + codes + ") are linked in "
        + found.hops.cast("string") + ibis.ifelse(found.hops == 1, " step: ", " steps: ") + found.text
    )  # fmt: skip
    out = finding(
        found,
        "entities.shared_control",
        partner=found.partner,
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["hops", "value", "lines"]),
            ibis.array([found.hops.cast("float64"), found.value, found.lines.cast("float64")]),
        ),
        evidence=found.evidence,
        related=ibis.array([found.b]),
    )
    return conform(out)


DETECTOR = Detector(
    name="entities.shared_control",
    run=run,
    params=Params,
    rationale="CASES.md (Aspan Arba / Nebesnaya Mekhanika; the family chip route); Five Eyes guidance Sep 2023.",
)
