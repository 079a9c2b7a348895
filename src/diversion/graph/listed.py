"""Which entities are blocked (on a sanctions list) and which are defence-linked, and why.

An entity is listed when any of its members has an entry in ``listings`` (OFAC SDN, OpenSanctions, FtM
``Sanction``) or carries a sanction topic (OpenSanctions marks its targets so). It is defence-linked when a
member carries a defence topic (FtM ``mil``) or when it was paid by such an organisation: a payment from a
military-support organisation (the "People's Front" paying Nebesnaya Mekhanika for a drone, CASES.md) ties
the payee to the military as firmly as a listing names a supplier.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from diversion.graph.links import entity_of
from diversion.graph.params import GraphParams
from diversion.store import Workspace

EVIDENCE = ("source", "record")


def listed_entities(ws: Workspace, p: GraphParams) -> ir.Table:
    """entity_id, lists (every list or topic that names it), first_listed, evidence (the list entries)."""
    of = entity_of(ws.table("entity_members"))
    listings = ws.table("listings")
    entries = listings.join(of, listings.party_id == of.member_id).select(
        "entity_id",
        label=listings.list.coalesce("list") + ibis.ifelse(
            listings.program.notnull(), " (" + listings.program + ")", ""
        ),
        listed_on=listings.listed_on,
        source=listings.source,
        record=listings.record,
    )  # fmt: skip
    topical = _with_topics(ws, p.sanction_topics, of)
    both = ibis.union(entries, topical)
    return both.group_by("entity_id").aggregate(
        lists=both.label.collect(distinct=True),
        first_listed=both.listed_on.min(),
        evidence=ibis.struct({"source": both.source, "record": both.record}).collect(),
    )


def defence_entities(ws: Workspace, p: GraphParams) -> ir.Table:
    """entity_id, why (one line), evidence: defence-sector parties and those paid by one."""
    of = entity_of(ws.table("entity_members"))
    marked = _with_topics(ws, p.defence_topics, of)
    sector = marked.group_by("entity_id").aggregate(
        why=ibis.literal("defence sector (") + marked.label.group_concat(", ") + ")",
        evidence=ibis.struct({"source": marked.source, "record": marked.record}).collect(),
    )
    links = ws.table("links")
    payments = links.filter(links.kind == "payment")
    payers = sector.select(payer="entity_id")
    paid = payments.join(payers, payments.subject_entity == payers.payer)
    names = ws.table("entities").select(payer="entity_id", payer_name="name")
    paid = paid.left_join(names, "payer")
    amount = paid.amount.round(0).cast("int64").cast("string") + " " + paid.currency.coalesce("")
    paid = paid.select(
        entity_id=paid.object_entity,
        why=ibis.literal("paid by ") + paid.payer_name.coalesce(paid.subject_entity) + ", defence sector"
        + ibis.ifelse(paid.amount.notnull(), ", " + amount, "")
        + ibis.ifelse(paid.description.notnull(), ": " + paid.description, ""),
        evidence=paid.evidence,
    )  # fmt: skip
    both = ibis.union(sector, paid)
    return both.group_by("entity_id").aggregate(
        why=both.why.group_concat("; "), evidence=both.evidence.collect().flatten()
    )


def _with_topics(ws: Workspace, topics: tuple[str, ...], of: ir.Table) -> ir.Table:
    """Members whose party records carry one of ``topics``: entity_id, label, listed_on, source, record."""
    parties = ws.table("parties")
    carries = (
        ibis.or_(*[parties.topics.contains(topic) for topic in topics]) if topics else ibis.literal(False)
    )
    marked = parties.filter(parties.topics.notnull() & carries)
    marked = marked.join(of, marked.party_id == of.member_id)
    label = marked.dataset.coalesce("topic") + ": " + marked.topics.filter(
        lambda t: ibis.literal(list(topics)).contains(t)
    ).join(", ")  # fmt: skip
    return marked.select(
        "entity_id", label=label, listed_on=ibis.null("date"), source=marked.source, record=marked.record
    )
