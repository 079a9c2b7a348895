"""Aggregate ownership by listed parties: OFAC's 50 percent rule, and the look-through share.

**The rule** (OFAC, Revised Guidance of 13 Aug 2014 and FAQ 401): an entity owned 50 percent or more, directly
or indirectly, individually or in aggregate, by one or more blocked persons is itself blocked.
"Indirectly" means through entities that are themselves blocked, and a blocked entity's whole stake counts:
X (blocked) owns 50% of A, A owns 50% of B: B is blocked (A is blocked, and A's 50% is blocked property);
X owns 50% of A and 10% of B, A owns 40% of B: B is blocked (40 + 10). Ownership through an entity that
is *not* blocked does not count, and control without ownership does not count (FAQ 398).

So the blocked set is the least fixed point of "listed, or owned >= 50% by members of the set": computed
relationally, one round per layer (each round one join and one group-by over the ownership edges), it
terminates on cycles because the set only grows. An ownership whose percentage the source does not give
cannot be added: an entity whose known blocked ownership stays under 50% while some blocked owner's share
is unknown is *undetermined*, and says so.

**The look-through share** multiplies shares along every ownership path from a listed owner (not passing
through another listed party, whose own paths count it) and adds the paths up: the economic interest the
listed parties hold. It is what the 50 percent rule does *not* use, and what OFAC urges caution about when
it is significant but below the rule (FAQ 398), so both figures are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from diversion.graph.params import GraphParams
from diversion.model.arrays import in_order
from diversion.store import Workspace

PRECISION = 6
"""Decimals kept when summing percentages: 0.3 + 49.4 + 0.3 is 49.99999999999999 in floating point, and must
count as 50."""
SEP = "\x1f"
"""Between the ids of a path (the ASCII unit separator: ids are free text, "|" occurs in them)."""


def path_key(entity: ir.StringValue) -> ir.StringValue:
    """An id as a path holds it (the separator inside an id, if ever, made harmless)."""
    return entity.replace(SEP, "?")


def ownership_edges(links: ir.Table, as_of: date | None = None) -> ir.Table:
    """owner, owned, share (the largest stated; null when no source gives one), evidence: the holdings held
    on ``as_of`` (default today): begun by then, or undated, and not ended.

    Several sources stating the same holding are one edge (not added up). A stake that ended is history: a
    registry extract listing a 48% holding that ended in 2023 and the 51% that replaced it owns 51%.
    """
    day = as_of or date.today()
    held = (links.start_date.isnull() | (links.start_date <= day)) & (
        links.end_date.isnull() | (links.end_date >= day)
    )
    owns = links.filter((links.kind == "ownership") & held)
    cited = owns.select(
        owner=owns.subject_entity, owned=owns.object_entity, share=owns.share, evidence=owns.evidence
    )
    return cited.group_by(["owner", "owned"]).aggregate(
        share=cited.share.max(), evidence=cited.evidence.collect().flatten()
    )


@dataclass
class Blocking:
    """The result of the 50 percent rule over a graph (tables materialised in the workspace)."""

    blocked: ir.Table  # entity_id, layer (0: listed), main_owner (the blocked owner with the largest share)
    holdings: ir.Table  # entity_id, blocked_share, unknown_shares, blocked_owners: over all entities with one
    rounds: int


def blocked_by_ownership(ws: Workspace, edges: ir.Table, listed: ir.Table, p: GraphParams) -> Blocking:
    """The least set holding the listed entities and every entity owned ``blocking_share`` percent or more by
    members of the set, with the layer at which each joined.

    ``edges``: owner, owned, share (see :func:`ownership_edges`); ``listed``: entity_id.
    """
    edges = ws.materialize(edges.select("owner", "owned", "share"))
    blocked = ws.materialize(
        listed.select("entity_id").distinct().mutate(
            layer=ibis.literal(0, "int64"), main_owner=ibis.null("string")
        )
    )  # fmt: skip
    rounds = 0
    while True:
        rounds += 1
        holdings = _holdings(edges, blocked)
        fresh = holdings.filter(holdings.blocked_share >= p.blocking_share).anti_join(blocked, "entity_id")
        fresh = ws.materialize(
            fresh.select("entity_id", layer=ibis.literal(rounds, "int64"), main_owner=fresh.main_owner)
        )
        if ws.count_rows(fresh) == 0:
            ws.drop_temp(fresh)
            break
        grown = ws.materialize(ibis.union(blocked, fresh))
        ws.drop_temp(blocked)
        ws.drop_temp(fresh)
        blocked = grown
    final = ws.materialize(_holdings(edges, blocked).drop("main_owner"))
    ws.drop_temp(edges)
    return Blocking(blocked, final, rounds)


def _holdings(edges: ir.Table, blocked: ir.Table) -> ir.Table:
    """Per owned entity: the known percentage blocked owners hold, how many of their shares are unknown,
    and the blocked owner with the largest share (ties: the smallest id) to explain it by."""
    owners = blocked.select(owner="entity_id")
    held = edges.join(owners, "owner")
    ranked = held.mutate(
        __rank=ibis.row_number().over(
            group_by=held.owned, order_by=[held.share.desc(nulls_first=False), held.owner]
        )
    )
    return ranked.group_by(entity_id=ranked.owned).aggregate(
        blocked_share=ranked.share.sum().fill_null(0.0).round(PRECISION),
        unknown_shares=ranked.share.isnull().cast("int64").sum(),
        blocked_owners=ranked.owner.nunique(),
        main_owner=ranked.owner.arbitrary(where=ranked.__rank == 0),
    )


def look_through(ws: Workspace, edges: ir.Table, listed: ir.Table, p: GraphParams) -> ir.Table:
    """entity_id, look_through_share: the sum over ownership paths from listed owners of the product of the
    shares along the path, in percent; paths are simple, at most ``max_layers`` long, and pass through no
    other listed party. Edges without a share carry nothing; a path carrying less than ``min_path_share``
    percent is counted but not followed further."""
    known = ws.materialize(edges.filter(edges.share.notnull()).select("owner", "owned", "share"))
    roots = listed.select("entity_id").distinct()
    is_listed = roots.select(owned="entity_id", __listed=ibis.literal(True))
    frontier = ws.materialize(
        roots.select(
            node=roots.entity_id,
            path=SEP + path_key(roots.entity_id) + SEP,
            weight=ibis.literal(1.0),
        )
    )
    reached = []
    for _ in range(p.max_layers):
        step = frontier.join(known, frontier.node == known.owner)
        step = step.filter(~step.path.contains(SEP + path_key(step.owned) + SEP))
        step = step.left_join(is_listed, "owned")
        step = ws.materialize(
            step.select(
                node=step.owned,
                path=step.path + path_key(step.owned) + SEP,
                weight=step.weight * step.share / 100.0,
                ends_listed=step.__listed.fill_null(False),
            )
        )
        ws.drop_temp(frontier)
        if ws.count_rows(step) == 0:
            ws.drop_temp(step)
            frontier = None
            break
        reached.append(step)
        # A listed party's holdings are counted from that party: do not walk through it.
        onward = step.filter(~step.ends_listed & (step.weight * 100.0 >= p.min_path_share))
        frontier = ws.materialize(onward.select("node", "path", "weight"))
    if frontier is not None:
        ws.drop_temp(frontier)
    ws.drop_temp(known)
    if not reached:
        return ws.materialize(
            roots.select(
                entity_id=roots.entity_id,
                look_through_share=ibis.literal(0.0),
                paths=ibis.literal(0, "int64"),
            ).limit(0)
        )
    paths = ibis.union(*[r.select("node", "weight") for r in reached])
    result = ws.materialize(
        paths.group_by(entity_id=paths.node).aggregate(
            look_through_share=(paths.weight.sum() * 100.0).round(PRECISION), paths=paths.count()
        )
    )
    for table in reached:
        ws.drop_temp(table)
    return result


def percent(share: ir.FloatingValue) -> ir.StringValue:
    """60.0 -> "60%", 24.35 -> "24.35%"."""
    text = share.cast("float64").round(2).cast("string")
    return text.re_replace(r"\.0+$", "") + "%"


def chains(ws: Workspace, blocking: Blocking, edges: ir.Table, names: ir.Table) -> ir.Table:
    """entity_id, chain: how each blocked entity came to be blocked, from a listed party, in words
    ("Petrov P. P. (listed) -60%-> Holding LLC"), following each one's largest blocked owner."""
    blocked = blocking.blocked.left_join(names, "entity_id")
    blocked = blocked.select(
        "entity_id", "layer", "main_owner", label=blocked.name.coalesce(blocked.entity_id)
    )
    layers = int(ws.execute(blocked.layer.max()) or 0)
    done = ws.materialize(
        blocked.filter(blocked.layer == 0).select("entity_id", chain=blocked.label + " (listed)")
    )
    stakes = edges.select(main_owner="owner", entity_id="owned", share="share")
    for layer in range(1, layers + 1):
        step = blocked.filter(blocked.layer == layer).join(stakes, ["main_owner", "entity_id"])
        step = step.join(done.rename(main_owner="entity_id", owner_chain="chain"), "main_owner")
        step = step.select(
            "entity_id",
            chain=step.owner_chain + " -" + percent(step.share.coalesce(0.0)) + "-> " + step.label,
        )
        grown = ws.materialize(ibis.union(done, step))
        ws.drop_temp(done)
        done = grown
    return done


def explained(
    ws: Workspace, blocking: Blocking, edges: ir.Table, names: ir.Table, through: ir.Table, p: GraphParams
) -> ir.Table:
    """Every entity some blocked owner holds, with the holdings behind its figure in words.

    entity_id, blocked_share, unknown_shares, blocked_owners, look_through_share, listed (itself),
    status (``blocked`` | ``undetermined`` | ``below``), holdings (text: "29.7% by Ivanov (listed);
    24.3% by Holding LLC, itself blocked: Petrov (listed) -60%-> Holding LLC"), evidence.
    """
    chain = chains(ws, blocking, edges, names)
    blocked = blocking.blocked.select("entity_id", "layer")
    held = edges.join(chain.rename(owner="entity_id"), "owner")
    layered = held.join(blocked.rename(owner="entity_id"), "owner").select(
        "owner", "owned", "share", "evidence", "chain", "layer"
    )
    share_text = ibis.ifelse(layered.share.notnull(), percent(layered.share), "an unknown share")
    piece = share_text + " by " + ibis.ifelse(
        layered.layer == 0, layered.chain, "a blocked owner: " + layered.chain
    )  # fmt: skip
    pieces = layered.mutate(piece=piece, order=(-layered.share.fill_null(-1.0)))
    text = pieces.group_by(entity_id=pieces.owned).aggregate(
        holdings=in_order(pieces.piece, pieces.order, pieces.owner).join("; "),
        evidence=pieces.evidence.collect().flatten(),
    )
    # Entities a blocked owner holds directly, and those listed parties reach only through unblocked firms.
    every = ibis.union(blocking.holdings.select("entity_id"), through.select("entity_id"), distinct=True)
    figures = (
        every.left_join(blocking.holdings, "entity_id")
        .left_join(text, "entity_id")
        .left_join(through, "entity_id")
        .left_join(blocked.rename(own_layer="layer"), "entity_id")
    )
    status = ibis.cases(
        (figures.own_layer == 0, "listed"),
        (figures.blocked_share >= p.blocking_share, "blocked"),
        (figures.unknown_shares.fill_null(0) > 0, "undetermined"),
        else_="below",
    )
    return figures.select(
        "entity_id",
        blocked_share=figures.blocked_share.cast("float64").fill_null(0.0),
        unknown_shares=figures.unknown_shares.cast("int64").fill_null(0),
        blocked_owners=figures.blocked_owners.cast("int64").fill_null(0),
        look_through_share=figures.look_through_share.cast("float64").fill_null(0.0),
        paths=figures.paths.cast("int64").fill_null(0),
        status=status,
        holdings=figures.holdings.fill_null("no blocked owner holds a stake directly"),
        evidence=figures.evidence,
    )
