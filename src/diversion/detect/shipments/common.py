"""What every shipment (declaration) detector shares: its parameters, the declaration lines with both
parties resolved, the two legs of a relay through a hub firm, and the shape of a shipment finding.

A consignment crossing from a hub to the destination is often declared twice, as an export at the hub and
as an import at the destination (Kyrgyz and Russian customs both hold a line for the same chips). The
``consignments`` relation counts it once and keeps both lines as its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import ibis
import ibis.expr.types as ir

from diversion.detect.entities.common import declared_trade, names, subject
from diversion.model.countries import TRANSSHIPMENT_HUBS
from diversion.model.regex import strip
from diversion.store import Workspace

COUNT_UNITS: Final[dict[str, float]] = {
    **dict.fromkeys(
        ("pcs", "pc", "piece", "pieces", "шт", "штук", "штука", "u", "unit", "units", "nmb", "no", "nos",
         "ea", "each", "796"),
        1.0,
    ),
    **dict.fromkeys(("798", "1000 pcs", "тыс шт", "тыс. шт", "1000 шт"), 1000.0),
}  # fmt: skip
"""Unit spellings that count pieces (English, Russian, Comtrade "u", OKEI 796), and pieces per unit."""
WEIGHT_UNITS: Final[dict[str, float]] = {
    **dict.fromkeys(("kg", "кг", "kgm", "166", "kilogram", "kilograms"), 1.0),
    **dict.fromkeys(("t", "т", "tne", "168", "tonne", "tonnes", "ton"), 1000.0),
    **dict.fromkeys(("g", "г", "grm", "163"), 0.001),
}
"""Unit spellings of weight (OKEI 166 kg, 168 t, 163 g) and kilograms per unit, for lines with no net_kg."""


def normalize_unit(unit: ir.StringValue) -> ir.StringValue:
    """A unit as written, lower-cased, trimmed and without a trailing dot ("ШТ." -> "шт")."""
    return strip(strip(unit).lower().re_replace(r"\.$", ""))


def factor(unit: ir.StringValue, table: dict[str, float]) -> ir.FloatingValue:
    """How many pieces (or kilograms) one ``unit`` is, by ``table``; null for a unit of another kind."""
    return unit.cases(*table.items(), else_=ibis.null("float64"))


def counted(unit: ir.StringValue) -> ir.BooleanValue:
    """Whether a line's quantity counts pieces (drones, chips), not a weight or volume."""
    return normalize_unit(unit).isin([u for u, n in COUNT_UNITS.items() if n == 1.0])


def with_unit_factors(t: ir.Table, ws: Workspace, spellings: ir.Table) -> ir.Table:
    """``t`` with ``pieces_per_unit`` and ``kg_per_unit`` of its ``unit`` (:func:`factor` of
    :data:`COUNT_UNITS` and :data:`WEIGHT_UNITS`; null for a unit of another kind, or none).

    Each distinct spelling (the ``unit`` column of ``spellings``, a stored table holding every unit of
    ``t``) is read once and its factors written into the expression: a few dozen spellings stand for
    millions of lines, and the regular expressions of :func:`normalize_unit` on every line cost about a
    minute at ten million declarations. (A join on the spellings would do as well, but the optimiser
    built its hash table on the millions of lines.)
    """
    units = spellings.select("unit").distinct()
    units = units.filter(units.unit.notnull())
    normal = normalize_unit(units.unit)
    known = ws.to_arrow(
        units.select("unit", pieces=factor(normal, COUNT_UNITS), kg=factor(normal, WEIGHT_UNITS))
    ).to_pylist()

    def per_unit(column: str) -> ir.FloatingValue:
        pairs = [(row["unit"], row[column]) for row in known if row[column] is not None]
        nothing = ibis.null("float64")
        return t.unit.cases(*pairs, else_=nothing) if pairs else nothing

    return t.mutate(pieces_per_unit=per_unit("pieces"), kg_per_unit=per_unit("kg"))


@dataclass(frozen=True)
class ShipmentParams:
    """Parameters every shipment detector shares."""

    cutoff_date: date = field(
        default=date(2022, 2, 24),
        metadata={"help": "Trade from this day on is examined; before is the baseline."},
    )
    destination: str = field(default="RU", metadata={"help": "The sanctioned destination (ISO alpha-2)."})
    hubs: tuple[str, ...] = field(
        default=TRANSSHIPMENT_HUBS,
        metadata={"help": "Diversion countries (FinCEN/BIS alerts): where a hub firm is registered."},
    )
    evidence_lines: int = field(
        default=20, metadata={"help": "Most declaration lines cited as one finding's evidence."}
    )


def consignments(ws: Workspace) -> ir.Table:
    """Declaration lines with resolved parties, one row per consignment: lines for the same parties, HS-6
    code, quantity and day (an export declared at the hub and the import declared at the destination) are
    one consignment. Columns of ``declared_trade`` plus ``lines`` (its evidence, every line's source and
    record), ``hs4``, and ``pieces_per_unit`` and ``kg_per_unit`` (:func:`with_unit_factors`); the value
    is the largest declared (the destination's CIF value, usually)."""

    def build() -> ir.Table:
        declared = declared_trade(ws)
        trade = declared.filter(
            declared.exporter_entity.notnull()
            & declared.importer_entity.notnull()
            & declared.hs_code.notnull()
        )
        keys = ["exporter_entity", "importer_entity", "hs6", "quantity", "date"]
        # Lines in the order of their source and record: the first one speaks for the consignment. Found
        # by an aggregate and joined back: a window ordering the lines of each group sorted every column
        # of every line (33-45 s at 10M declarations instead of 26 s).
        trade = trade.mutate(
            hs6=trade.hs_code.substr(0, 6),
            __order=trade.source + "\x1f" + trade.record,
            __line=ibis.struct({"source": trade.source, "record": trade.record}),
        )
        grouped = trade.group_by(keys).aggregate(
            value_usd=trade.value_usd.max(), lines=trade.__line.collect(), __first=trade.__order.min()
        )
        firsts = trade.select(*keys, "__order", *FIRST_LINE)
        joined = grouped.join(
            firsts, [*[grouped[k].identical_to(firsts[k]) for k in keys], grouped.__first == firsts.__order]
        ).select(*keys, "value_usd", "lines", *FIRST_LINE)
        built = ws.materialize(with_unit_factors(joined.mutate(hs4=joined.hs6.substr(0, 4)), ws, declared))
        if ws.count_rows(built) == ws.count_rows(built.select(*keys).distinct()):
            return built
        # Two lines of one consignment with the same source and record (a file changed and read again
        # under the same name): one of them, as the window did.
        ranked = built.mutate(__n=ibis.row_number().over(group_by=[built[k] for k in keys]))
        single = ws.materialize(ranked.filter(ranked.__n == 0).drop("__n"))
        ws.drop_temp(built)
        return single

    return ws.memo(("shipments.consignments",), build)


FIRST_LINE = (
    "declaration_id", "hs_code", "description", "brand", "model", "unit", "net_kg", "origin_country",
    "exporter_country", "importer_country", "exporter_name", "importer_name", "controlled", "priority",
    "source", "record",
)  # fmt: skip
"""A consignment's columns taken from its first line."""


def company_subject(t: ir.Table, entity: ir.StringValue, ws: Workspace) -> ir.Table:
    """Add subject_kind, subject_id, subject_name and country of the entity in ``entity``."""
    return subject(t, entity, names(ws))


def shipment_finding(t: ir.Table, detector: str, **values: Any) -> ir.Table:
    """Fill the FINDINGS columns a shipment finding does not use with nulls."""
    defaults: dict[str, Any] = {
        "detector": ibis.literal(detector),
        "view": ibis.literal("declarations"),
        "approximate": ibis.literal(False),
    }
    return t.mutate(**{**defaults, **values})
