"""The ownership and link graph over resolved entities: who owns, directs, pays or trades with whom.

``build_graph(ws)`` draws the ``links`` table from relations, shared contacts and declarations
(:mod:`.links`); :func:`aggregate_ownership` applies OFAC's 50 percent rule to it (:mod:`.ownership`);
:mod:`.paths` finds how two entities connect. Graph work is relational: links are rows, a search is a join
per hop, so the same code runs on DuckDB and Spark.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from diversion.graph.links import contact_links, relation_links, trade_links
from diversion.graph.listed import listed_entities
from diversion.graph.ownership import blocked_by_ownership, explained, look_through, ownership_edges
from diversion.graph.params import DEFAULT, GraphParams
from diversion.store import Workspace

__all__ = ["Graph", "GraphParams", "aggregate_ownership", "build_graph"]


@dataclass
class Graph:
    """What a graph build wrote: links by kind."""

    links: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.links.values())


def build_graph(ws: Workspace, p: GraphParams = DEFAULT) -> Graph:
    """Draw every link between the workspace's entities into ``links`` (replacing earlier ones).

    Needs resolved entities (``diversion resolve``, which every scan runs first).

    Example:
        >>> build_graph(open_workspace(Path("work.duckdb"))).links  # doctest: +SKIP
        {'ownership': 1204, 'trade': 8830, ...}
    """
    members = ws.materialize(ws.table("entity_members").select("member_id", "entity_id"))
    parts = [
        relation_links(ws.table("relations"), members),
        contact_links(ws.table("parties"), members, p),
        trade_links(ws.table("declarations"), members, p),
    ]
    with ws.transaction():
        ws.clear("links")
        for part in parts:
            ws.insert("links", part)
    ws.drop_temp(members)
    links = ws.table("links")
    counts = ws.to_arrow(links.group_by("kind").aggregate(n=links.count())).to_pylist()
    return Graph({row["kind"]: int(row["n"]) for row in sorted(counts, key=lambda r: str(r["kind"]))})


def aggregate_ownership(ws: Workspace, p: GraphParams = DEFAULT) -> ir.Table:
    """Every entity in which listed parties hold a stake, under OFAC's 50 percent rule, with the holdings
    that make up its figure (see :func:`diversion.graph.ownership.explained`); computed once per
    workspace state."""

    def build() -> ir.Table:
        edges = ws.materialize(ownership_edges(ws.table("links"), p.as_of))
        listed = ws.materialize(listed_entities(ws, p).select("entity_id"))
        blocking = blocked_by_ownership(ws, edges, listed, p)
        through = look_through(ws, edges, listed, p)
        names = ws.table("entities").select("entity_id", "name")
        result = ws.materialize(explained(ws, blocking, edges, names, through, p))
        return result

    return ws.memo(("graph.ownership", p), build)


def entity_names(ws: Workspace) -> ir.Table:
    """entity_id, name, kind, country of every entity, and of ids links name that no entity holds (a
    relation pointing at a party no source describes keeps its raw id as its name)."""
    entities = ws.table("entities").select("entity_id", "name", "kind", "country")
    links = ws.table("links")
    ends = ibis.union(
        links.select(entity_id=links.subject_entity), links.select(entity_id=links.object_entity)
    ).distinct()
    bare = ends.anti_join(entities, "entity_id")
    return ibis.union(
        entities,
        bare.select(
            "entity_id",
            name=bare.entity_id,
            kind=ibis.null("string"),
            country=ibis.null("string"),
        ),
    )
