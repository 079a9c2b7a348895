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
    pairs = linked.pairs
    counts = ws.execute(
        pairs.aggregate(scored=pairs.count(), matched=pairs.match.cast("int64").sum().fill_null(0))
    )
    result = Resolved(
        records=ws.count("entity_members"),
        entities=ws.count("entities"),
        pairs_scored=int(counts.scored.iloc[0]),
        pairs_matched=int(counts.matched.iloc[0]),
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
    """One row per entity: its kind, the name and country most of its records use, every spelling."""
    with_kind = members.join(records.select("member_id", "kind", "country"), "member_id")
    grouped = with_kind.group_by("entity_id").aggregate(
        kind=with_kind.kind.max(),  # blocking pairs records of one kind only
        names=with_kind.name.collect(distinct=True),
        members=with_kind.count(),
    )
    return grouped.join(_most_used(with_kind, "name"), "entity_id").join(
        _most_used(with_kind, "country"), "entity_id"
    )


def _most_used(members: ir.Table, column: str) -> ir.Table:
    """The value of ``column`` that most records of each entity give (ties: the larger value); an
    aggregate the engines share, where a mode is not."""
    uses = members.group_by(["entity_id", column]).aggregate(uses=members.count())
    ranked = uses.mutate(
        rank=ibis.row_number().over(
            group_by=uses.entity_id, order_by=[ibis.desc(uses.uses), ibis.desc(uses[column])]
        )
    )
    return ranked.filter(ranked["rank"] == 0).select("entity_id", column)
