"""Everything known about one entity (``diversion entity``) and how two connect (``diversion path``).

Finding the entity a user means: an entity or member id as given, else the names its records carry (the
same words, case and script folded, or containing the query), else screening-style fuzzy matching of the
name against every party record. The dossier gathers the entity's names, identifiers, records, owners and
holdings, other links, trade, list entries, the 50 percent rule's result with its paths, the shortest
paths to listed parties, and the findings of the entity detectors about it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import ibis
import pyarrow as pa

from diversion.errors import DiversionError
from diversion.graph import aggregate_ownership, build_graph, entity_names
from diversion.graph.listed import listed_entities
from diversion.graph.params import DEFAULT, GraphParams
from diversion.graph.paths import between, directed
from diversion.model.identifiers import SCHEMES
from diversion.store import Workspace

LINK_KINDS_SHOWN = 200
"""Most links of one kind listed in a dossier (a distributor trades with thousands)."""


@dataclass
class Match:
    entity_id: str
    name: str
    how: str  # "id", "name", "name contains", "fuzzy 0.91"


@dataclass
class Dossier:
    entity_id: str
    name: str
    kind: str | None
    country: str | None
    names: list[str]
    identifiers: dict[str, list[str]]
    members: list[dict[str, Any]]
    lists: list[str]
    owners: list[dict[str, Any]]
    holdings: list[dict[str, Any]]
    links: list[dict[str, Any]]
    trade: list[dict[str, Any]]
    fifty_percent: dict[str, Any] | None
    paths_to_listed: list[dict[str, Any]]
    findings: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def ensure_graph(ws: Workspace) -> None:
    """Resolve and build the graph when the workspace has data but no entities or links yet."""
    if ws.count("entities") == 0 and (ws.count("parties") > 0 or ws.count("declarations") > 0):
        from diversion.resolve import resolve

        resolve(ws)
    if ws.count("links") == 0 and ws.count("entities") > 0:
        build_graph(ws)


def find(ws: Workspace, query: str, limit: int = 5) -> list[Match]:
    """The entities ``query`` may mean, best first."""
    members = ws.table("entity_members")
    entities = ws.table("entities")
    text = query.strip()
    by_id = members.filter((members.member_id == text) | (members.entity_id == text)).select("entity_id")
    hits = ws.to_arrow(by_id.distinct().limit(limit)).column("entity_id").to_pylist()
    if hits:
        return _named(ws, hits, "id")
    folded = text.casefold()
    lowered = members.name.lower()
    exact = members.filter(lowered == folded).select("entity_id").distinct()
    hits = ws.to_arrow(exact.limit(limit)).column("entity_id").to_pylist()
    if hits:
        return _named(ws, hits, "name")
    containing = members.filter(lowered.contains(folded)).join(
        entities.select("entity_id", "members"), "entity_id"
    )
    ranked = containing.group_by("entity_id").aggregate(
        size=containing.members.max(), shortest=containing.name.length().min()
    )
    ranked = ranked.order_by([ranked.shortest, ibis.desc(ranked.size), ranked.entity_id])
    hits = ws.to_arrow(ranked.limit(limit)).column("entity_id").to_pylist()
    if hits:
        return _named(ws, hits, "name contains")
    return _fuzzy(ws, text, limit)


def _named(ws: Workspace, ids: list[str], how: str) -> list[Match]:
    entities = ws.table("entities")
    rows = ws.to_arrow(entities.filter(entities.entity_id.isin(ids)).select("entity_id", "name")).to_pylist()
    by_id = {r["entity_id"]: r["name"] for r in rows}
    return [Match(i, by_id.get(i, i), how) for i in ids]


def _fuzzy(ws: Workspace, text: str, limit: int) -> list[Match]:
    from diversion.resolve.screen import screen

    found = screen(ws, text, limit=limit, min_score=0.5, among="all")
    seen: dict[str, Match] = {}
    for candidate in found:
        seen.setdefault(
            candidate.entity_id, Match(candidate.entity_id, candidate.name, f"fuzzy {candidate.score:.2f}")
        )
    return list(seen.values())


def one(ws: Workspace, query: str) -> Match:
    """The entity ``query`` means, or a clear error."""
    matches = find(ws, query)
    if not matches:
        raise DiversionError(
            f"no entity matches {query!r}: try another spelling, an id, or `diversion resolve`"
        )
    return matches[0]


def dossier(
    ws: Workspace, entity_id: str, p: GraphParams = DEFAULT, *, with_findings: bool = True
) -> Dossier:
    """Everything the workspace knows about one entity."""
    entities = ws.table("entities")
    head = ws.to_arrow(entities.filter(entities.entity_id == entity_id)).to_pylist()
    if not head:
        raise DiversionError(f"no entity {entity_id!r}")
    entity = head[0]
    members = ws.table("entity_members")
    member_rows = ws.to_arrow(
        members.filter(members.entity_id == entity_id).select("member_id", "name", "source", "record")
    ).to_pylist()
    parties = ws.table("parties")
    ids = [m["member_id"] for m in member_rows]
    party_rows = ws.to_arrow(parties.filter(parties.party_id.isin(ids)).select(*SCHEMES)).to_pylist()
    identifiers = {scheme: sorted({r[scheme] for r in party_rows if r[scheme]}) for scheme in SCHEMES}
    listed = listed_entities(ws, p)
    lists = ws.to_arrow(listed.filter(listed.entity_id == entity_id).select("lists")).to_pylist()
    label = entity_names(ws)
    links = ws.table("links")
    mine = links.filter((links.subject_entity == entity_id) | (links.object_entity == entity_id))
    mine = mine.mutate(other=ibis.ifelse(mine.subject_entity == entity_id, mine.object_entity, mine.subject_entity),
                       outgoing=mine.subject_entity == entity_id)  # fmt: skip
    mine = mine.left_join(
        label.select(other="entity_id", other_name="name", other_country="country"), "other"
    )
    rows = ws.to_arrow(
        mine.select("kind", "outgoing", "other", "other_name", "other_country", "share", "role", "amount",
                    "currency", "hs_code", "shipments", "start_date", "end_date", "description", "evidence")
        .order_by([ibis.desc(ibis._.amount.fill_null(0.0)), ibis._.other])
        .limit(20 * LINK_KINDS_SHOWN)
    ).to_pylist()  # fmt: skip
    for row in rows:
        for key in ("start_date", "end_date"):
            row[key] = None if row[key] is None else str(row[key])
    owners = [r for r in rows if r["kind"] == "ownership" and not r["outgoing"]]
    holdings = [r for r in rows if r["kind"] == "ownership" and r["outgoing"]]
    trade = [r for r in rows if r["kind"] == "trade"][:LINK_KINDS_SHOWN]
    other = [r for r in rows if r["kind"] not in ("ownership", "trade")][:LINK_KINDS_SHOWN]
    owned = aggregate_ownership(ws, p)
    rule = ws.to_arrow(owned.filter(owned.entity_id == entity_id).drop("evidence")).to_pylist()
    result = Dossier(
        entity_id=entity_id,
        name=entity["name"],
        kind=entity["kind"],
        country=entity["country"],
        names=sorted(entity["names"] or []),
        identifiers={k: v for k, v in identifiers.items() if v},
        members=member_rows,
        lists=sorted(lists[0]["lists"]) if lists else [],
        owners=owners,
        holdings=holdings,
        links=other,
        trade=trade,
        fifty_percent=rule[0] if rule else None,
        paths_to_listed=paths_to_listed(ws, entity_id, p),
    )
    if with_findings:
        from diversion.detect.base import fetch
        from diversion.detect.entities import findings

        table = findings(ws)
        result.findings = fetch(table.filter(table.subject_id == entity_id))
    return result


def paths_to_listed(ws: Workspace, entity_id: str, p: GraphParams = DEFAULT) -> list[dict[str, Any]]:
    """The shortest path from the entity to each listed party within ``max_hops`` links."""
    listed = listed_entities(ws, p).select("entity_id")
    names = entity_names(ws)
    # Through control, family, contacts, payments and licences; trade only as a direct partner (chains of
    # customers' customers connect everyone within four links).
    links = ws.table("links")
    edges = ws.materialize(directed(links.filter((links.kind != "trade") | (links.subject_entity == entity_id)
                                                 | (links.object_entity == entity_id)), names))  # fmt: skip
    start = ws.stage_arrow(pa.table({"a": [entity_id]}))
    pairs = start.cross_join(listed.select(b="entity_id")).filter(lambda t: t.a != t.b)
    found = between(ws, ws.materialize(pairs), edges, names, p.max_hops)
    rows: list[dict[str, Any]] = ws.to_arrow(
        found.order_by(["hops", "b"]).limit(20).drop("steps", "back_steps")
    ).to_pylist()
    ws.drop_temp(edges)
    return rows


def path(ws: Workspace, a: str, b: str, p: GraphParams = DEFAULT, hops: int | None = None) -> dict[str, Any]:
    """How the entities ``a`` and ``b`` connect: the shortest path over every kind of link."""
    names = entity_names(ws)
    edges = ws.materialize(directed(ws.table("links"), names))
    pairs = ws.stage_arrow(pa.table({"a": [a], "b": [b]}))
    found = between(ws, pairs, edges, names, hops or p.max_hops)
    rows = ws.to_arrow(found.drop("steps", "back_steps")).to_pylist()
    ws.drop_temp(edges)
    return rows[0] if rows else {}
