"""shipments.pass_through: a hub firm imports a controlled good and sends about the same quantity of it on to
the destination within weeks.

Red flag: FinCEN/BIS joint alerts of 28 Jun 2022 and 19 May 2023 (transshipment through third countries,
"a customer's re-export of items shortly after import"); CASES.md, the Kyrgyz firm that re-exported the
semiconductors it imported to Russian defence suppliers within weeks (Feb-Mar 2023). A distributor that
serves its own market imports controlled goods too; what it does not do is send the same quantity on.

Matching is relational. The *legs* are the firm's controlled imports (importer) and its exports to the
destination (exporter) of the same HS heading (4 digits, so a lot of 8542.33 amplifiers sent on partly as
8542.39 still matches); an export is paired with every import of the heading in the ``window_days`` before
it. Each export is attributed to the latest import before it, so a lot split over several exports adds up
against its import (``leg`` match); and over all paired legs the firm's exported quantity is set against the
imported quantity, so two purchases that leave together still balance (``balance``). A firm is flagged when
its paired exports balance its paired imports within ``tolerance``, or most of its import legs are matched
one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, clip, conform
from diversion.detect.shipments.common import (
    ShipmentParams,
    company_subject,
    consignments,
    shipment_finding,
)
from diversion.model.words import how_many, money
from diversion.store import Workspace


@dataclass(frozen=True)
class Params(ShipmentParams):
    window_days: int = field(
        default=90, metadata={"help": "Longest time, in days, between an import and the export it feeds."}
    )
    tolerance: float = field(
        default=0.1, metadata={"help": "Relative difference allowed between quantities in and out."}
    )
    min_value: float = field(
        default=20_000.0, metadata={"help": "Least value, USD, of the matched exports to flag a firm."}
    )


def legs(ws: Workspace, p: ShipmentParams) -> tuple[ir.Table, ir.Table]:
    """(imports, exports): a hub firm's controlled import consignments and its export consignments to the
    destination of controlled goods, with the columns a pair needs."""
    c = consignments(ws)
    c = c.filter(c.quantity.notnull() & (c.quantity > 0))
    imports = c.filter(c.controlled & c.importer_country.isin(list(p.hubs)))
    imports = imports.select(
        firm=imports.importer_entity,
        hs4=imports.hs4,
        supplier=imports.exporter_entity,
        in_date=imports.date,
        in_quantity=imports.quantity,
        in_value=imports.value_usd,
        in_hs6=imports.hs6,
        in_lines=imports.lines,
        in_key=imports.source + "\x1f" + imports.record,
    )
    exports = c.filter(
        c.controlled
        & (c.importer_country == p.destination)
        & c.exporter_country.isin(list(p.hubs))
        & (c.date >= p.cutoff_date)
    )
    exports = exports.select(
        firm=exports.exporter_entity,
        hs4=exports.hs4,
        consignee=exports.importer_entity,
        out_date=exports.date,
        out_quantity=exports.quantity,
        out_value=exports.value_usd,
        out_hs6=exports.hs6,
        out_lines=exports.lines,
        out_key=exports.source + "\x1f" + exports.record,
        priority=exports.priority,
    )
    return imports, exports


def pairs(ws: Workspace, p: Params) -> ir.Table:
    """Every (import, export) of one firm and heading with the export 0..window_days after the import,
    with ``latest`` true for the import an export is attributed to (the latest before it). Materialised
    once per workspace and parameters: route and pass-through read the same pairs."""

    def build() -> ir.Table:
        imports, exports = legs(ws, p)
        joined = imports.join(
            exports,
            [
                imports.firm == exports.firm,
                imports.hs4 == exports.hs4,
                exports.out_date >= imports.in_date,
                exports.out_date <= imports.in_date + ibis.interval(days=p.window_days),
            ],
        ).drop("firm_right", "hs4_right")
        order = [joined.in_date.desc(), joined.in_key]
        latest = ibis.row_number().over(group_by=joined.out_key, order_by=order)
        joined = joined.mutate(latest=latest == 0, lag_days=joined.out_date.delta(joined.in_date, unit="day"))
        return ws.materialize(joined)

    return ws.memo(("shipments.pairs", p.cutoff_date, p.destination, p.hubs, p.window_days), build)


def _distinct_legs(pairs_: ir.Table, side: str) -> ir.Table:
    """One row per import (``side`` = "in") or export ("out") leg that takes part in a pair."""
    columns = [
        f"{side}_key",
        f"{side}_date",
        f"{side}_quantity",
        f"{side}_value",
        f"{side}_lines",
        "firm",
        "hs4",
    ]
    if side == "out":
        columns.append("priority")  # what the goods sent on are (``tier_priority``)
    return pairs_.select(*columns).distinct(on=f"{side}_key", keep="first")


def matched(ws: Workspace, p: Params) -> ir.Table:
    """Per firm and heading: quantities and values of the paired legs, the share of import legs matched
    one by one, the median lag, the consignees and suppliers, and the legs' declaration lines."""
    pp = pairs(ws, p)
    attributed = pp.filter(pp.latest)
    per_import = attributed.group_by(["firm", "hs4", "in_key", "in_quantity"]).aggregate(
        attributed_out=attributed.out_quantity.sum()
    )
    per_import = per_import.mutate(
        leg_ok=((per_import.attributed_out - per_import.in_quantity).abs() / per_import.in_quantity)
        <= p.tolerance
    )
    leg_share = per_import.group_by(["firm", "hs4"]).aggregate(
        legs_matched=per_import.leg_ok.cast("int64").sum()
    )
    ins = _distinct_legs(pp, "in")
    outs = _distinct_legs(pp, "out")
    ins_sum = ins.group_by(["firm", "hs4"]).aggregate(
        quantity_in=ins.in_quantity.sum(),
        value_in=ins.in_value.sum(),
        imports=ins.count(),
        first_in=ins.in_date.min(),
        in_lines=ins.in_lines.collect(),
    )
    outs_sum = outs.group_by(["firm", "hs4"]).aggregate(
        quantity_out=outs.out_quantity.sum(),
        value_out=outs.out_value.sum(),
        exports=outs.count(),
        last_out=outs.out_date.max(),
        out_lines=outs.out_lines.collect(),
        priority=outs.priority.max(),
    )
    people = pp.group_by(["firm", "hs4"]).aggregate(
        consignees=pp.consignee.collect(distinct=True),
        suppliers=pp.supplier.collect(distinct=True),
        hs6s=pp.out_hs6.collect(distinct=True),
        median_lag=attributed_lag(pp),
    )
    out = (
        ins_sum.join(outs_sum, ["firm", "hs4"]).join(leg_share, ["firm", "hs4"]).join(people, ["firm", "hs4"])
    )
    return out


def attributed_lag(pp: ir.Table) -> ir.FloatingValue:
    """The median days between an export and the import it is attributed to."""
    # Nulls outside the attributed pairs, not ``where``: Ibis compiles a filtered median for Spark into a
    # percentile whose fraction is not a constant, which Spark refuses.
    return ibis.ifelse(pp.latest, pp.lag_days.cast("float64"), ibis.null("float64")).median()


def run(ws: Workspace, p: Params) -> ir.Table:
    m = matched(ws, p)
    balance = m.quantity_out / m.quantity_in
    leg_share = m.legs_matched / m.imports
    m = m.mutate(balance=balance, leg_share=leg_share)
    balanced = (m.balance - 1.0).abs() <= p.tolerance
    # Lots matched one by one count even when the totals drift (a lot sold from stock), but not when the
    # firm sent on several times what it bought: that is a trader with other sources.
    roughly = (m.balance >= 0.5) & (m.balance <= 2.0)
    m = m.filter((balanced | ((m.leg_share >= 0.5) & roughly)) & (m.value_out >= p.min_value))
    m = company_subject(m, m.firm, ws)
    closeness = clip(1.0 - (m.balance - 1.0).abs() / (2 * p.tolerance))
    size = clip((m.value_out.log10() - 4.0) / 3.0)
    quick = clip(1.0 - m.median_lag / p.window_days)
    # One car bought and one sold matches by nature; ten thousand chips matching is telling.
    specific = clip(m.quantity_in.log10() / 3.0)
    # Chips and radios for weapons matter more than cars (an economic sanction): ``tier_priority``.
    score = m.priority * clip(
        0.4 + 0.15 * closeness + 0.1 * m.leg_share + 0.15 * size + 0.1 * quick + 0.1 * specific
    )
    unit_in = m.value_in / m.quantity_in
    unit_out = m.value_out / m.quantity_out
    explanation = (
        m.subject_name + " imported " + m.quantity_in.round(0).cast("int64").cast("string") + " units of HS "
        + m.hs4 + " in " + how_many(m.imports, "consignment") + " and sent "
        + m.quantity_out.round(0).cast("int64").cast("string") + " (" + (100 * m.balance).round(0).cast("int64").cast("string")
        + "%) on to " + p.destination + " in " + how_many(m.exports, "consignment") + " worth "
        + money(m.value_out, ibis.literal("USD")) + ", a median " + m.median_lag.round(0).cast("int64").cast("string")
        + " days after import, " + m.first_in.cast("string") + " to " + m.last_out.cast("string")
    )  # fmt: skip
    half = p.evidence_lines // 2  # both legs cited, however many lots one side has
    # Sorted before the cut: lists gathered by an aggregate come in no set order, and the lines cited
    # must be the same on every run.
    evidence = m.in_lines.flatten().sort()[:half].concat(m.out_lines.flatten().sort()[:half])
    out = shipment_finding(
        m,
        "shipments.pass_through",
        partner=ibis.literal(p.destination),
        hs_code=m.hs4,
        period=m.first_in.cast("string").substr(0, 7) + ".." + m.last_out.cast("string").substr(0, 7),
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(
                [
                    "quantity_in",
                    "quantity_out",
                    "balance",
                    "legs_matched_share",
                    "median_lag_days",
                    "value_in",
                    "value_out",
                    "unit_markup",
                    "priority",
                ]
            ),
            ibis.array(
                [
                    m.quantity_in,
                    m.quantity_out,
                    m.balance,
                    m.leg_share,
                    m.median_lag,
                    m.value_in,
                    m.value_out,
                    unit_out / unit_in.nullif(0.0),
                    m.priority,
                ]
            ),
        ),
        evidence=evidence,
        related=m.consignees.concat(m.suppliers).filter(lambda e: e.notnull()),
    )
    return conform(out)


DETECTOR = Detector(
    name="shipments.pass_through",
    run=run,
    params=Params,
    rationale="FinCEN/BIS alerts Jun 2022 and May 2023 (re-export shortly after import); the Kyrgyz relay of CASES.md.",
)
