"""The links between entities, drawn from three kinds of record, each link citing the records behind it.

- ``relations`` (registries, FtM, BODS, relations CSV): ownership with its share, directorship, control,
  family, associate, payment, licence, as the source states them, with both ends resolved to entities.
- ``parties``: two entities whose records give the same phone number or address share a contact; a contact
  shared by more than ``max_shared_contact`` entities (a business centre, a registration agent's
  switchboard) links nobody, because mass registration addresses are what unrelated firms share.
- ``declarations``: the exporter sends goods to the importer; one link per pair and HS code, with the
  number of consignment lines, their value in USD and quantity, first and last date.
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.graph.params import GraphParams
from diversion.model.regex import strip
from diversion.model.schema import columns, schema
from diversion.resolve.features import contact_keys, declared_member_id

SEP: Final = "\u241f"  # "␟": a separator Spark does not read as a regular-expression escape
KIND_SPELLINGS: Final = {"license": "licence", "licenses": "licence", "licences": "licence"}
"""Relation kinds as sources spell them -> the graph's word."""


def entity_of(members: ir.Table) -> ir.Table:
    """member_id -> entity_id."""
    return members.select("member_id", "entity_id").distinct()


def relation_links(relations: ir.Table, members: ir.Table) -> ir.Table:
    """One link per distinct stated fact between two entities (the same ownership stated by several sources
    is one link citing the first and the last of them)."""
    of = entity_of(members)
    subject = of.rename(subject_id="member_id", subject_entity="entity_id")
    obj = of.rename(object_id="member_id", object_entity="entity_id")
    joined = relations.left_join(subject, "subject_id").left_join(obj, "object_id")
    kind = strip(joined.kind.lower())
    kind = kind.cases(*[(k, v) for k, v in KIND_SPELLINGS.items()], else_=kind)
    # A share outside 0..100 is no share (ingestion keeps the row and says so in the quarantine of values).
    share = ibis.ifelse((joined.share > 0) & (joined.share <= 100), joined.share, ibis.null("float64"))
    facts = joined.select(
        kind=kind,
        subject_entity=joined.subject_entity.coalesce(joined.subject_id),
        object_entity=joined.object_entity.coalesce(joined.object_id),
        share=share,
        role=joined.role,
        start_date=joined.start_date,
        end_date=joined.end_date,
        amount=joined.amount,
        currency=joined.currency,
        description=joined.description,
        source=joined.source,
        record=joined.record,
    )
    facts = facts.filter(facts.subject_entity != facts.object_entity)
    key = ["kind", "subject_entity", "object_entity", "share", "role", "start_date", "end_date", "amount",
           "currency", "description"]  # fmt: skip
    # The first and the last record stating each fact (plain aggregates: they spill to disk, where
    # collecting every record of ten million relations into lists would not).
    cited = facts.mutate(__cite=facts.source + SEP + facts.record)
    grouped = cited.group_by(key).aggregate(__first=cited.__cite.min(), __last=cited.__cite.max())
    first, last = grouped.__first.split(SEP), grouped.__last.split(SEP)
    one = ibis.struct({"source": first[0], "record": first[1]})
    other = ibis.struct({"source": last[0], "record": last[1]})
    evidence = ibis.ifelse(grouped.__first == grouped.__last, ibis.array([one]), ibis.array([one, other]))
    return _conform(grouped.mutate(evidence=evidence))


def contact_links(parties: ir.Table, members: ir.Table, p: GraphParams) -> ir.Table:
    """Entities whose records give the same phone or address, when few enough entities share it."""
    keys = contact_keys(parties.phone, parties.address, p.min_phone_digits)
    records = parties.select(member_id=parties.party_id, source=parties.source, record=parties.record, **keys)
    records = records.join(entity_of(members), "member_id")
    sides = []
    for kind in ("phone", "address"):
        side = records.filter(records[kind].notnull())
        sides.append(side.select("entity_id", "source", "record", kind=ibis.literal(kind), key=side[kind]))
    contacts = ibis.union(*sides)
    sharing = contacts.group_by(["kind", "key"]).aggregate(entities=contacts.entity_id.nunique())
    usable = sharing.filter((sharing.entities >= 2) & (sharing.entities <= p.max_shared_contact))
    contacts = contacts.join(usable.select("kind", "key"), ["kind", "key"])
    per_entity = contacts.group_by(["kind", "key", "entity_id"]).aggregate(
        evidence=ibis.struct({"source": contacts.source, "record": contacts.record}).collect()
    )
    right = per_entity.rename(other="entity_id", other_evidence="evidence")
    pairs = per_entity.join(right, ["kind", "key"])
    pairs = pairs.filter(pairs.entity_id < pairs.other)
    return _conform(
        pairs.select(
            kind=pairs.kind,
            subject_entity=pairs.entity_id,
            object_entity=pairs.other,
            description=pairs.key,
            evidence=pairs.evidence.concat(pairs.other_evidence),
        )
    )


def trade_links(declarations: ir.Table, members: ir.Table, p: GraphParams) -> ir.Table:
    """Exporter -> importer per HS code, summed over consignment lines (an export and the matching import
    declared in two countries are two lines: ``shipments`` counts lines, not consignments)."""
    of = entity_of(members)
    d = declarations.filter(declarations.exporter_name.notnull() & declarations.importer_name.notnull())
    d = d.mutate(
        exporter_member=declared_member_id(d.exporter_name, d.exporter_id, d.exporter_country),
        importer_member=declared_member_id(d.importer_name, d.importer_id, d.importer_country),
    )
    d = d.join(of.rename(exporter_member="member_id", subject_entity="entity_id"), "exporter_member")
    d = d.join(of.rename(importer_member="member_id", object_entity="entity_id"), "importer_member")
    d = d.filter(d.subject_entity != d.object_entity)
    largest = ibis.row_number().over(
        group_by=[d.subject_entity, d.object_entity, d.hs_code], order_by=[d.value_usd.desc(), d.record]
    )
    d = d.mutate(__rank=largest)
    grouped = d.group_by(["subject_entity", "object_entity", "hs_code"]).aggregate(
        start_date=d.date.min(),
        end_date=d.date.max(),
        amount=d.value_usd.sum(),
        shipments=d.count(),
        quantity=d.quantity.sum(),
        evidence=ibis.struct({"source": d.source, "record": d.record}).collect(
            where=d.__rank < p.trade_evidence
        ),
    )
    return _conform(grouped.mutate(kind=ibis.literal("trade"), currency=ibis.literal("USD")))


def _conform(table: ir.Table) -> ir.Table:
    """A relation in exactly the columns and types of ``links`` (missing columns null)."""
    target = schema("links")
    present = set(table.columns)
    return table.select(
        *[
            (table[name] if name in present else ibis.null(target[name])).cast(target[name]).name(name)
            for name in columns("links")
        ]
    )
