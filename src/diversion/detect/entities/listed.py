"""entities.listed: a party in the data under investigation is on a sanctions or export-control list.

Red flag: DESIGN.md; FinCEN/BIS alert of June 2022 ("parties on the Entity List or the SDN list"). The
finding is about a list entry that resolution joined to a record of the user's own data (a declaration, a
registry record): a list read on its own flags nothing. It cites the list entries and the record, and says
how the two were matched (the best link between a list record and a data record: shared identifier or
name score).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, clip, conform
from diversion.detect.entities.common import (
    GRAPH,
    EntityParams,
    attach,
    declared_trade,
    finding,
    names,
    subject,
)
from diversion.graph.listed import listed_entities
from diversion.model.words import money
from diversion.store import Workspace


@dataclass(frozen=True)
class Params(EntityParams):
    pass


def list_records(ws: Workspace) -> ir.Table:
    """member_id of every record that comes from a list: an entry in ``listings`` or a party carrying a
    sanction topic."""
    listings = ws.table("listings").select(member_id="party_id")
    parties = ws.table("parties")
    carries = ibis.or_(*[parties.topics.contains(t) for t in GRAPH.sanction_topics])
    topical = parties.filter(parties.topics.notnull() & carries).select(member_id="party_id")
    return ibis.union(listings, topical).distinct()


def run(ws: Workspace, p: Params) -> ir.Table:
    listed = listed_entities(ws, GRAPH)
    members = ws.table("entity_members")
    from_lists = list_records(ws)
    own = members.anti_join(from_lists, "member_id")
    in_data = own.group_by("entity_id").aggregate(
        as_written=own.name.min(),
        data_evidence=ibis.struct({"source": own.source, "record": own.record}).collect(),
    )
    found = listed.join(in_data, "entity_id")
    found = attach(attach(found, _best_match(ws, from_lists)), _trade(ws, p))
    found = found.mutate(
        shipments=found.shipments.fill_null(0), controlled_value=found.controlled_value.fill_null(0.0)
    )
    found = subject(found, found.entity_id, names(ws))
    lists = found.lists.join(", ")
    since = ibis.ifelse(found.first_listed.notnull(), " since " + found.first_listed.cast("string"), "")
    how = ibis.cases(
        (found.shared_id.notnull(), "; matched by its " + found.shared_id.upper() + ", shared with the list"),
        (found.match_score.notnull(), "; matched to the list by name, score "
         + found.match_score.round(2).cast("string")),
        else_="",
    )  # fmt: skip
    traded = ibis.ifelse(
        found.controlled_value > 0,
        "; it traded " + money(found.controlled_value, ibis.literal("USD")) + " of controlled goods",
        ibis.ifelse(found.shipments > 0, "; it appears in " + found.shipments.cast("string")
                    + " declaration lines", ""),
    )  # fmt: skip
    explanation = (
        found.subject_name + " is on " + lists + since + " (written in the data as: " + found.as_written + ")"
        + how + traded
    )  # fmt: skip
    strength = found.match_score.coalesce(1.0)
    score = clip(0.6 + 0.15 * strength + 0.25 * (found.controlled_value > 0).cast("float64"))
    out = finding(
        found,
        "entities.listed",
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["match_score", "lists", "shipments", "controlled_value"]),
            ibis.array([
                strength, found.lists.length().cast("float64"), found.shipments.cast("float64"),
                found.controlled_value,
            ]),
        ),
        evidence=found.evidence.concat(found.data_evidence),
    )  # fmt: skip
    return conform(out)


def _best_match(ws: Workspace, from_lists: ir.Table) -> ir.Table:
    """entity_id, match_score, shared_id: the strongest matched link between a list record and a data record
    of each entity."""
    links = ws.table("entity_links").filter(lambda t: t.match)
    flags = from_lists.mutate(__listed=ibis.literal(True))
    a = flags.rename(member_a="member_id", a_listed="__listed")
    b = flags.rename(member_b="member_id", b_listed="__listed")
    joined = links.left_join(a, "member_a").left_join(b, "member_b")
    crossing = joined.filter(joined.a_listed.isnull() != joined.b_listed.isnull())
    of = ws.table("entity_members").select(member_a="member_id", entity_id="entity_id")
    crossing = crossing.join(of, "member_a")
    best = ibis.row_number().over(group_by=crossing.entity_id, order_by=crossing.score.desc())
    crossing = crossing.mutate(__rank=best)
    crossing = crossing.filter(crossing.__rank == 0)
    return crossing.select("entity_id", match_score=crossing.score, shared_id=crossing.shared_id)


def _trade(ws: Workspace, p: Params) -> ir.Table:
    """entity_id, shipments, controlled_value: each entity's declaration lines as either party."""
    trade = declared_trade(ws)
    sides = [
        trade.select(entity_id=trade[f"{side}_entity"], controlled=trade.controlled, value=trade.value_usd)
        for side in ("exporter", "importer")
    ]
    both = ibis.union(*sides)
    both = both.filter(both.entity_id.notnull())
    return both.group_by("entity_id").aggregate(
        shipments=both.count(),
        controlled_value=both.value.sum(where=both.controlled).fill_null(0.0),
    )


DETECTOR = Detector(
    name="entities.listed",
    run=run,
    params=Params,
    rationale="DESIGN.md; FinCEN/BIS alert June 2022: a party on a sanctions or export-control list.",
)
