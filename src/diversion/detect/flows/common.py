"""What every flow detector shares: its parameters, how much a product concerns controlled goods, and the
words and figures of its explanations ("Armenia's exports of HS 8703 to Russia: $6.9M in 2021 -> ...").
The figures themselves come from ``series``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pycountry

from diversion.model.countries import aliases
from diversion.model.reference import hs2022_descriptions
from diversion.store import Workspace

TOTAL: Final = "TOTAL"
KEY: Final = ("dataset", "frequency", "reporter", "partner", "flow", "level", "code", "currency")
"""One series: what one office reports for one reporter, partner, direction and product, in annual or in
monthly publications (an office publishing both would otherwise be counted twice)."""


@dataclass(frozen=True)
class FlowParams:
    """Parameters every flow detector shares."""

    cutoff_date: date = field(
        default=date(2022, 2, 24), metadata={"help": "Before: baseline; after: the change."}
    )
    destination: str = field(default="RU", metadata={"help": "The sanctioned destination (ISO alpha-2)."})
    baseline_years: int = field(
        default=1, metadata={"help": "Full years before the cut-off's year averaged."}
    )
    levels: tuple[int, ...] = field(
        default=(0, 2, 4, 6), metadata={"help": "HS digits compared (0: all goods)."}
    )
    aggregate_control: float = field(
        default=0.75,
        metadata={"help": "Score factor of an all-goods figure (national totals)."},
    )
    uncontrolled: float = field(
        default=0.4, metadata={"help": "Score factor of goods on no loaded commodity list."}
    )
    other_direction: float = field(
        default=0.85,
        metadata={"help": "Score factor of a figure that is not a hub's exports to the destination."},
    )


def controls(ws: Workspace, p: FlowParams) -> ir.Table:
    """How much each product figure concerns controlled goods: ``control_level``, ``control_code``,
    ``control`` (0-1).

    A subheading on a loaded commodity list (``commodity_lists``: the CHPL, the shipped watch list of
    reported goods, any list the user loads; a listed heading or chapter lists every subheading under it)
    counts fully. A heading or chapter counts by the share of its subheadings that are listed, from
    ``uncontrolled`` (none) to 1 (all): chips, 8542, four of five subheadings, count 0.88; machinery, 84,
    a few of hundreds, little more than nothing. All goods count ``aggregate_control``. Products on no
    list are absent here and weigh ``uncontrolled`` (see ``controlled``).
    """
    lists = ws.table("commodity_lists")
    codes = lists.select("hs_code").distinct().to_pyarrow().column("hs_code").to_pylist()
    cut = {"".join(ch for ch in code if ch.isdigit())[:6] for code in codes if code}
    nomenclature = list(hs2022_descriptions())
    listed = {code for code in cut if len(code) == 6}
    for code in (c for c in cut if len(c) in (2, 4)):
        listed.update(s for s in nomenclature if s.startswith(code))
    weights: dict[tuple[int, str], float] = {(0, TOTAL): p.aggregate_control}
    weights.update({(6, code): 1.0 for code in listed})
    for digits in (2, 4):
        held = Counter(code[:digits] for code in listed)
        everything = Counter(code[:digits] for code in nomenclature)
        for group, count in held.items():
            share = count / max(count, everything[group])
            weights[(digits, group)] = p.uncontrolled + (1 - p.uncontrolled) * share
    data = pa.table(
        {
            "control_level": pa.array([level for level, _ in weights], pa.int64()),
            "control_code": [code for _, code in weights],
            "control": list(weights.values()),
        }
    )
    return ws.stage_arrow(data)


def controlled(t: ir.Table, weights: ir.Table, p: FlowParams) -> ir.Table:
    """Add ``control``: the weight of a figure's product (``controls``), ``uncontrolled`` when on no list."""
    joined = t.left_join(
        weights, [t.level.cast("int64") == weights.control_level, t.code == weights.control_code]
    )
    joined = joined.drop("control_level", "control_code")
    return joined.mutate(control=joined.control.coalesce(p.uncontrolled))


def country_names(ws: Workspace) -> ir.Table:
    """Code -> English name for every country and the aggregates trade data uses."""
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names.update(
        {"RU": "Russia", "KR": "South Korea", "TW": "Taiwan", "eu27": "the EU-27", "world": "the world"}
    )
    for code in {a.code for a in aliases().values()} - set(names):
        names[code] = code.replace("_", " ")
    data = pa.table({"name_code": list(names), "country_name": list(names.values())})
    return ws.stage_arrow(data)


def when(year: ir.IntegerValue, frequency: ir.StringValue, months: ir.IntegerValue) -> ir.StringValue:
    """A year as a figure covers it: "2022", or "2023 (10 months)" for a year published in part."""
    partial = (frequency == "monthly") & (months < 12)
    return year.cast("string") + ibis.ifelse(partial, " (" + months.cast("string") + " months)", "")


def product(level: ir.IntegerValue, code: ir.StringValue) -> ir.StringValue:
    return ibis.ifelse(level == 0, ibis.literal("all goods"), "HS " + code)


def change(ratio: ir.FloatingValue) -> ir.StringValue:
    """x68 for a multiple, +172% for a rise, -35% for a fall."""
    percent = ((ratio - 1) * 100).round(0).cast("int64")
    return ibis.cases(
        (ratio >= 10, "x" + ratio.round(0).cast("int64").cast("string")),
        (ratio >= 1, "+" + percent.cast("string") + "%"),
        else_=percent.cast("string") + "%",
    )


RECONCILED: Final = ("baci",)
"""Compilations that reconcile both sides' reports: their figures are nobody's own report."""


def whose(dataset: ir.StringValue, reporter_name: ir.StringValue) -> ir.StringValue:
    """Which view a figure is: "comtrade, as Armenia reports it", or "baci, reconciled by CEPII"."""
    return ibis.ifelse(
        dataset.isin(list(RECONCILED)),
        dataset + ", reconciled by CEPII",
        dataset + ", as " + reporter_name + " reports it",
    )


def named(table: ir.Table, names: ir.Table, column: str, as_: str) -> ir.Table:
    """Add the English name of a country column."""
    lookup = names.select(**{f"__{as_}_code": names.name_code, as_: names.country_name})
    joined = table.left_join(lookup, table[column] == lookup[f"__{as_}_code"])
    return joined.mutate(**{as_: joined[as_].coalesce(joined[column])}).drop(f"__{as_}_code")


def series_subject(t: ir.Table, detector: str) -> dict[str, ir.Value]:
    """The findings columns that name one series' subject, its year and its view."""
    return {
        "detector": ibis.literal(detector),
        "subject_kind": ibis.literal("flow"),
        "subject_id": t.dataset + ":" + t.reporter + ">" + t.partner + ":" + t.flow + ":" + t.code,
        "subject_name": t.reporter_name + " -> " + t.partner_name + ", " + product(t.level, t.code)
        + " (" + t.flow + ")",
        "country": t.reporter,
        "hs_code": t.code,
        "period": t.year.cast("string"),
        "view": t.dataset + " (reported by " + t.reporter + ")",
    }  # fmt: skip
