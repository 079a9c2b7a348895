"""entities.listed_proximity: a hub firm within a few links of a listed or defence-sector party.

Red flag: FinCEN/BIS alerts of 2022-2023 (customers or consignees linked to listed parties; "civil end
user with military ties"); CASES.md (Kyrgyz firms shipping to known suppliers of Russia's defence
industry; the "People's Front" paying Nebesnaya Mekhanika for a drone). The search starts at every listed
or defence-linked entity (``graph/listed.py``: a defence topic, or a payment from a defence-sector payer)
and follows trade, payment, licence and control links, at most ``max_hops``; ownership counts when the
stake is a majority (``min_control_share``) or unstated, since a minority stake does not steer a firm, and
a path holds one trade link at most (a supplier's customer's customer is its customer's concern). It flags
firms registered in a hub country, closest first; the path is the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from diversion.detect.base import Detector, clip, conform
from diversion.detect.entities.common import (
    GRAPH,
    EntityParams,
    all_edges,
    busy_entities,
    control_edges,
    controlled_codes,
    finding,
    names,
    subject,
)
from diversion.graph.listed import defence_entities, listed_entities
from diversion.graph.paths import CONTROL_KINDS, render, walk
from diversion.store import Workspace

KINDS = (*CONTROL_KINDS, "payment", "licence")


@dataclass(frozen=True)
class Params(EntityParams):
    max_hops: int = field(default=2, metadata={"help": "Most links from a listed or defence party."})
    min_control_share: float = field(
        default=50.0, metadata={"help": "Least stated ownership share that counts as a link."}
    )
    defence_factor: float = field(
        default=0.9, metadata={"help": "Score factor when the party reached is defence-linked, not listed."}
    )
    controlled_trade_only: bool = field(
        default=True,
        metadata={
            "help": "A trade link counts only when the goods traded are controlled (on a loaded list)."
        },
    )


def watched(ws: Workspace) -> ir.Table:
    """entity_id, why, evidence: every listed or defence-linked entity."""
    listed = listed_entities(ws, GRAPH)
    listed = listed.select("entity_id", why="listed: " + listed.lists.join(", "), evidence=listed.evidence,
                           is_listed=ibis.literal(True))  # fmt: skip
    defence = defence_entities(ws, GRAPH)
    defence = defence.select("entity_id", "why", "evidence", is_listed=ibis.literal(False))
    both = ibis.union(listed, defence)
    return both.group_by("entity_id").aggregate(
        why=both.why.group_concat("; "),
        evidence=both.evidence.collect().flatten(),
        is_listed=both.is_listed.max(),
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    targets = ws.materialize(watched(ws))
    steering = control_edges(ws, KINDS)
    steering = steering.filter(
        (steering.kind != "ownership") | steering.share.isnull() | (steering.share >= p.min_control_share)
    )
    steering = ws.materialize(steering)
    walked = walk(ws, targets.select("entity_id"), steering, p.max_hops,
                  blocked=busy_entities(ws, steering, p.max_degree))  # fmt: skip
    # Then one trade link at most, as the last step: the firm trading with a party close to the list (a
    # supplier's customer's customer is its customer's concern, not a path worth reading).
    trade = control_edges(ws, ("trade",))
    if p.controlled_trade_only:
        # Selling T-shirts to a listed firm is a sanctions matter, not a route for controlled goods.
        codes = ws.stage_arrow(pa.table({"hs_code": pa.array(controlled_codes(ws), pa.string())}))
        trade = trade.filter(trade.hs_code.substr(0, 6).isin(codes.hs_code))
    trade = trade.select("edge", "start", "end", "amount")
    near = walked.filter(walked.hops < p.max_hops)
    traded = near.join(trade, near.node == trade.start)
    traded = traded.select(
        "origin",
        node=traded.end,
        hops=(traded.hops + 1).cast("int64"),
        steps=ibis.ifelse(traded.hops == 0, ibis.array([traded.edge]),
                          traded.steps.concat(ibis.array([traded.edge]))),
        traded=traded.amount.fill_null(0.0),
    )  # fmt: skip
    steered = walked.filter(walked.hops > 0).drop("ids").mutate(traded=ibis.literal(0.0))
    reached = ibis.union(steered, traded)
    reached = reached.anti_join(targets.select(node="entity_id"), "node")
    label = names(ws).select(node="entity_id", node_country="country", node_kind="kind")
    reached = reached.join(label, "node")
    reached = reached.filter(reached.node_country.isin(list(p.hubs)) & (reached.node_kind != "person"))
    reached = reached.join(targets.rename(origin="entity_id", origin_evidence="evidence"), "origin")
    closest = ibis.row_number().over(
        group_by=reached.node,
        order_by=[reached.hops, ibis.desc(reached.is_listed), ibis.desc(reached.traded), reached.origin],
    )
    reached = reached.mutate(__rank=closest)
    chosen = ws.materialize(reached.filter(reached.__rank == 0).drop("__rank"))
    found = render(chosen, all_edges(ws), names(ws), ["node"], "node", steps=None, back_steps="steps")
    found = subject(found, found.node, names(ws))
    origin_name = names(ws).select(origin="entity_id", origin_name="name", partner="country")
    found = found.left_join(origin_name, "origin")
    base = clip(1.0 - 0.2 * found.hops.cast("float64"))
    score = base * ibis.ifelse(found.is_listed, 1.0, p.defence_factor)
    explanation = (
        found.subject_name + " is " + found.hops.cast("string") + ibis.ifelse(found.hops == 1, " link", " links")
        + " from " + found.origin_name.coalesce(found.origin) + " (" + found.why + "): " + found.text
    )  # fmt: skip
    out = finding(
        found,
        "entities.listed_proximity",
        partner=found.partner,
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["hops", "listed"]),
            ibis.array([found.hops.cast("float64"), found.is_listed.cast("float64")]),
        ),
        evidence=found.evidence.concat(found.origin_evidence),
        related=ibis.array([found.origin]),
    )
    return conform(out)


DETECTOR = Detector(
    name="entities.listed_proximity",
    run=run,
    params=Params,
    rationale="FinCEN/BIS alerts 2022-2023 (links to listed parties, military end users); CASES.md cases 1, 3.",
)
