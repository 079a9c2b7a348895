"""What every entity detector shares: its parameters, the graph it reads, which goods are controlled, the
declarations with both parties resolved, and the shape of an entity finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from diversion.graph import entity_names
from diversion.graph.links import entity_of
from diversion.graph.params import DEFAULT as GRAPH
from diversion.graph.paths import busy, directed
from diversion.model.countries import TRANSSHIPMENT_HUBS
from diversion.model.reference import hs2017_for, hs2022_descriptions
from diversion.resolve.features import declared_member_id
from diversion.store import Workspace


@dataclass(frozen=True)
class EntityParams:
    """Parameters every entity detector shares."""

    cutoff_date: date = field(
        default=date(2022, 2, 24), metadata={"help": "Before: the firm's history; after: the change."}
    )
    destination: str = field(default="RU", metadata={"help": "The sanctioned destination (ISO alpha-2)."})
    hubs: tuple[str, ...] = field(
        default=TRANSSHIPMENT_HUBS,
        metadata={"help": "Diversion countries (FinCEN/BIS alerts): where a hub firm is registered."},
    )
    max_degree: int = field(
        default=50,
        metadata={
            "help": "Entities with more links are path ends only, never passed through (banks, agents)."
        },
    )


def with_params(params: Any, **changes: object) -> Any:
    """A copy of a frozen parameters object with some values changed."""
    return type(params)(**{**params.__dict__, **changes})


MAX_COUNTERPARTS = 4
"""An HS 2022 code whose HS 2017 counterparts are more than this many is a catch-all of relocated parts
(852990 maps to hundreds of 2017 codes, car parts among them): its counterparts are not controlled."""
HS2022_IN_FORCE = date(2022, 1, 1)


def controlled_codes(ws: Workspace) -> list[str]:
    """Every six-digit HS 2022 code of a controlled good: a subheading on a loaded commodity list and
    every subheading under a listed heading or chapter."""
    lists = ws.table("commodity_lists")
    raw = ws.to_arrow(lists.select("hs_code").distinct()).column("hs_code").to_pylist()
    cut = {"".join(ch for ch in str(code) if ch.isdigit())[:6] for code in raw if code}
    nomenclature = list(hs2022_descriptions())
    codes = {c for c in cut if len(c) == 6}
    for prefix in (c for c in cut if len(c) in (2, 4)):
        codes.update(s for s in nomenclature if s.startswith(prefix))
    return sorted(codes)


def tier_priority(tier: str | None) -> float:
    """How much a listed good concerns the destination's armed forces, by its list tier (0..1): the
    CHPL's tiers 1-2 (integrated circuits, radios, navigation) 1.0, tier 3 0.9, tier 4 (machine tools,
    manufacturing equipment) 0.8; a watch-list entry marked military (drones) 1.0, marked luxury (cars,
    an economic sanction) 0.5; any other list 0.7."""
    text = (tier or "").strip().lower()
    if text[:1] in ("1", "2") or "military" in text:
        return 1.0
    if text[:1] == "3":
        return 0.9
    if text[:1] == "4":
        return 0.8
    if "luxury" in text:
        return 0.5
    return 0.7


def control_priority(ws: Workspace) -> dict[str, float]:
    """Six-digit HS 2022 code -> the highest priority (``tier_priority``) any loaded list gives it."""
    lists = ws.to_arrow(ws.table("commodity_lists").select("hs_code", "tier").distinct()).to_pylist()
    nomenclature = list(hs2022_descriptions())
    found: dict[str, float] = {}
    for row in lists:
        code = "".join(ch for ch in str(row["hs_code"] or "") if ch.isdigit())[:6]
        codes = [code] if len(code) == 6 else [s for s in nomenclature if code and s.startswith(code)]
        for six in codes:
            found[six] = max(found.get(six, 0.0), tier_priority(row["tier"]))
    return found


def controlled_before_2022(ws: Workspace) -> list[str]:
    """The HS 2017 counterparts of the controlled codes, for lines declared before HS 2022 came into force
    (8806 drones were 8802 and 8525 until 2022: a firm's 2021 drone imports are controlled trade too);
    catch-all mappings (more than ``MAX_COUNTERPARTS``) left out."""
    older: set[str] = set()
    for code in controlled_codes(ws):
        counterparts = [hs2017 for hs2017, _ in hs2017_for(code)]
        if len(counterparts) <= MAX_COUNTERPARTS:
            older.update(counterparts)
    return sorted(older)


def names(ws: Workspace) -> ir.Table:
    """entity_id, name, kind, country of every entity (and of link ends no entity holds)."""
    return ws.memo(("entities.names",), lambda: ws.materialize(entity_names(ws)))


def all_edges(ws: Workspace) -> ir.Table:
    """Every link in both directions, with words and numbered once (``graph.paths.directed``)."""
    return ws.memo(("entities.edges",), lambda: ws.materialize(directed(ws.table("links"), names(ws))))


def control_edges(ws: Workspace, kinds: tuple[str, ...]) -> ir.Table:
    """The directed edges of links of these kinds (numbered as in :func:`all_edges`), materialised."""

    def build() -> ir.Table:
        edges = all_edges(ws)
        return ws.materialize(edges.filter(edges.kind.isin(list(kinds))))

    return ws.memo(("entities.edges", kinds), build)


def busy_entities(ws: Workspace, edges: ir.Table, max_degree: int) -> ir.Table:
    return ws.memo(
        ("entities.busy", edges.get_name(), max_degree), lambda: ws.materialize(busy(edges, max_degree))
    )


def declared_trade(ws: Workspace) -> ir.Table:
    """Declarations with both parties' entities and whether the goods are controlled: the declaration's
    own columns (id, date, declaring country, codes, description, brand, model, quantity, unit, net_kg,
    origin, value_usd, party names as written), exporter_entity, importer_entity, exporter_country,
    importer_country (the entity's where the line leaves it blank), controlled, priority (``tier_priority``
    of the goods' list, 0 when on none), source, record. Computed
    once per workspace state."""

    def build() -> ir.Table:
        d = ws.table("declarations")
        of = entity_of(ws.table("entity_members"))
        d = d.mutate(
            exporter_member=declared_member_id(d.exporter_name, d.exporter_id, d.exporter_country),
            importer_member=declared_member_id(d.importer_name, d.importer_id, d.importer_country),
        )
        d = d.left_join(
            of.rename(exporter_member="member_id", exporter_entity="entity_id"), "exporter_member"
        )
        d = d.left_join(
            of.rename(importer_member="member_id", importer_entity="entity_id"), "importer_member"
        )
        # A declaration that leaves a party's country blank (EAEU forms often do) takes the entity's.
        where = names(ws).select("entity_id", "country")
        d = d.left_join(where.rename(exporter_entity="entity_id", exporter_home="country"), "exporter_entity")
        d = d.left_join(where.rename(importer_entity="entity_id", importer_home="country"), "importer_entity")
        priorities = control_priority(ws)
        codes = ws.stage_arrow(
            pa.table(
                {
                    "hs_code": pa.array(list(priorities), pa.string()),
                    "priority": pa.array(list(priorities.values()), pa.float64()),
                }
            )
        )
        flagged = codes.select(__code="hs_code", __priority="priority", controlled=ibis.literal(True))
        d = d.left_join(flagged, d.hs_code.substr(0, 6) == flagged.__code)
        older = ws.stage_arrow(pa.table({"hs_code": pa.array(controlled_before_2022(ws), pa.string())}))
        flagged_older = older.select(__code_2017="hs_code", __older=ibis.literal(True))
        d = d.left_join(flagged_older, d.hs_code.substr(0, 6) == flagged_older.__code_2017)
        d = d.mutate(
            controlled=d.controlled.fill_null(False)
            | (d.__older.fill_null(False) & (d.date < HS2022_IN_FORCE))
        )
        return ws.materialize(
            d.select(
                declaration_id=d.declaration_id,
                date=d.date,
                declaring_country=d.declaring_country,
                hs_code=d.hs_code,
                national_code=d.national_code,
                description=d.description,
                brand=d.brand,
                model=d.model,
                unit=d.unit,
                net_kg=d.net_kg,
                origin_country=d.origin_country,
                value_usd=d.value_usd,
                quantity=d.quantity,
                exporter_name=d.exporter_name,
                importer_name=d.importer_name,
                exporter_entity=d.exporter_entity,
                importer_entity=d.importer_entity,
                exporter_country=d.exporter_country.coalesce(d.exporter_home),
                importer_country=d.importer_country.coalesce(d.importer_home),
                controlled=d.controlled.fill_null(False),
                # Before 2022, a counterpart code takes the watch's middle priority (the mapping is n:n).
                priority=d.__priority.fill_null(ibis.ifelse(d.controlled, 0.7, 0.0)),
                source=d.source,
                record=d.record,
            )
        )

    return ws.memo(("entities.declared_trade",), build)


def incorporated(ws: Workspace) -> ir.Table:
    """entity_id, incorporation_date (the earliest a member record states), source, record of it."""
    parties = ws.table("parties").filter(lambda t: t.incorporation_date.notnull())
    of = entity_of(ws.table("entity_members"))
    dated = parties.join(of, parties.party_id == of.member_id)
    first = ibis.row_number().over(
        group_by=dated.entity_id, order_by=[dated.incorporation_date, dated.record]
    )
    dated = dated.mutate(__rank=first)
    dated = dated.filter(dated.__rank == 0)
    return dated.select("entity_id", "incorporation_date", "source", "record")


def subject(t: ir.Table, entity: ir.StringValue, label: ir.Table) -> ir.Table:
    """Add subject_kind, subject_id, subject_name and country of ``entity`` (an entity id column of ``t``)."""
    lookup = label.select(__subject="entity_id", __name="name", __kind="kind", __country="country")
    joined = t.mutate(__subject=entity).left_join(lookup, "__subject")
    return joined.mutate(
        subject_kind=ibis.ifelse(joined.__kind == "person", "person", "company"),
        subject_id=joined.__subject,
        subject_name=joined.__name.coalesce(joined.__subject),
        country=joined.__country,
    ).drop("__subject", "__name", "__kind", "__country")


def attach(t: ir.Table, other: ir.Table, key: str = "entity_id") -> ir.Table:
    """``t`` with the other columns of ``other`` where their ``key`` matches (null where none does)."""
    joined = t.left_join(other, key)
    return joined.select(*t.columns, *[c for c in other.columns if c != key])


def finding(t: ir.Table, detector: str, **values: Any) -> ir.Table:
    """Fill the FINDINGS columns an entity finding does not use with nulls."""
    defaults: dict[str, Any] = {
        "detector": ibis.literal(detector),
        "partner": ibis.null("string"),
        "hs_code": ibis.null("string"),
        "period": ibis.null("string"),
        "view": ibis.null("string"),
        "approximate": ibis.literal(False),
    }
    return t.mutate(**{**defaults, **values})


__all__ = ["GRAPH", "EntityParams"]
