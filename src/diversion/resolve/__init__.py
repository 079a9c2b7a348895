"""Entity resolution: party records from every source joined into entities, with the evidence.

``resolve(ws)`` reads ``parties`` (registries, lists, ownership files) and the exporters and importers of
``declarations``, links the records that are one firm or person (:mod:`.link`, :mod:`.score`) and writes
``entities``, ``entity_members`` and ``entity_links``. Screening a name against the lists is
:func:`diversion.resolve.screen.screen`.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from diversion.resolve.features import (
    all_columns,
    prepare,
    records_from_declarations,
    records_from_parties,
    token_weights,
)
from diversion.resolve.link import link
from diversion.resolve.params import DEFAULT, ResolveParams
from diversion.store import Workspace

__all__ = ["ResolveParams", "Resolved", "resolve"]


@dataclass
class Resolved:
    """What a resolution run did."""

    records: int
    entities: int
    pairs_scored: int
    pairs_matched: int
    rounds: int


def resolve(ws: Workspace, p: ResolveParams = DEFAULT) -> Resolved:
    """Link every party record of the workspace into entities and store them (replacing earlier ones).

    Example:
        >>> resolve(open_workspace(Path("work.duckdb")))  # doctest: +SKIP
    """
    party_records, party_names = records_from_parties(ws.table("parties"))
    declared_records, declared_names = records_from_declarations(ws.table("declarations"))
    records, names = prepare(
        ws,
        ibis.union(all_columns(party_records), all_columns(declared_records)),
        ibis.union(party_names, declared_names),
    )
    weights = ws.materialize(token_weights(names))
    linked = link(ws, records, names, weights, p)
    members = _members(linked.members, records, names)
    entities = _entities(members, records)
    with ws.transaction():
        for table in ("entities", "entity_members", "entity_links"):
            ws.clear(table)
        ws.insert("entity_members", members)
        ws.insert("entities", entities)
        ws.insert("entity_links", linked.pairs)
    counts = ws.execute(linked.pairs.aggregate(scored=linked.pairs.count(), matched=linked.pairs.match.sum()))
    result = Resolved(
        records=ws.count("entity_members"),
        entities=ws.count("entities"),
        pairs_scored=int(counts.scored.iloc[0]),
        pairs_matched=int(counts.matched.iloc[0] or 0),
        rounds=linked.rounds,
    )
    for table in (weights, linked.pairs, linked.members, names, records):
        ws.drop_temp(table)
    return result


def _members(labels: ir.Table, records: ir.Table, names: ir.Table) -> ir.Table:
    first_name = names.group_by("member_id").aggregate(name=names.name.min())
    joined = labels.join(records, "member_id").left_join(first_name, "member_id")
    return joined.select(
        entity_id=joined.entity_id,
        member_id=joined.member_id,
        name=joined.name,
        source=joined.source,
        record=joined.record,
    )


def _entities(members: ir.Table, records: ir.Table) -> ir.Table:
    with_kind = members.join(records.select("member_id", "kind", "country"), "member_id")
    by_name = with_kind.group_by(["entity_id", "name"]).aggregate(uses=with_kind.count())
    top_name = by_name.group_by("entity_id").aggregate(name=by_name.name.argmax(by_name.uses))
    grouped = with_kind.group_by("entity_id").aggregate(
        kind=with_kind.kind.mode(),
        names=with_kind.name.collect(distinct=True),
        country=with_kind.country.mode(),
        members=with_kind.count(),
    )
    return grouped.join(top_name, "entity_id")
