"""shipments.route: origin manufacturer -> hub firm -> destination consignee, with quantities and dates.

What an investigator draws by hand from declarations (CASES.md: DJI -> Aspan Arba -> Nebesnaya Mekhanika;
a German distributor -> the son's Kazakh firm -> Moscow): each chain of a supplier whose controlled goods a
hub firm imported and a consignee in the destination the firm sent goods of the same heading to within
``window_days`` (the pairs of ``shipments.pass_through``). A route is a picture rather than a red flag on
its own: its score rises with the value that reached the destination and with how closely the quantity
sent on follows the quantity bought, and leads join it to the hub firm's other findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, clip, conform
from diversion.detect.entities.common import names
from diversion.detect.shipments.common import shipment_finding
from diversion.detect.shipments.pass_through import Params as PairParams
from diversion.detect.shipments.pass_through import pairs
from diversion.model.words import how_many, money
from diversion.store import Workspace

ARROW = " → "


@dataclass(frozen=True)
class Params(PairParams):
    min_value: float = field(
        default=20_000.0, metadata={"help": "Least value, USD, that reached the destination along a route."}
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    pp = pairs(ws, p)
    pp = pp.filter(pp.latest & pp.supplier.notnull() & pp.consignee.notnull())
    keys = ["supplier", "firm", "consignee", "hs4"]
    routes = pp.group_by(keys).aggregate(
        quantity_out=pp.out_quantity.sum(),
        value_out=pp.out_value.sum(),
        exports=pp.out_key.nunique(),
        imports=pp.in_key.nunique(),
        first_in=pp.in_date.min(),
        last_out=pp.out_date.max(),
        lines=pp.in_lines.concat(pp.out_lines).collect(),
    )
    bought = pp.select("supplier", "firm", "hs4", "in_key", "in_quantity").distinct()
    bought = bought.group_by(["supplier", "firm", "hs4"]).aggregate(quantity_in=bought.in_quantity.sum())
    routes = routes.join(bought, ["supplier", "firm", "hs4"]).filter(lambda t: t.value_out >= p.min_value)
    label = names(ws).select("entity_id", "name", "country")
    for role in ("supplier", "firm", "consignee"):
        routes = routes.left_join(
            label.rename(**{role: "entity_id", f"{role}_name": "name", f"{role}_country": "country"}), role
        )
    share = routes.quantity_out / routes.quantity_in
    size = clip((routes.value_out.log10() - 4.0) / 3.0)
    score = clip(0.3 + 0.2 * size + 0.15 * clip(1.0 - (share - 1.0).abs()))
    name = (
        routes.supplier_name.coalesce(routes.supplier) + " (" + routes.supplier_country.coalesce("?") + ")" + ARROW
        + routes.firm_name.coalesce(routes.firm) + " (" + routes.firm_country.coalesce("?") + ")" + ARROW
        + routes.consignee_name.coalesce(routes.consignee) + " (" + routes.consignee_country.coalesce("?") + ")"
    )  # fmt: skip
    explanation = (
        "HS " + routes.hs4 + " goods bought from " + routes.supplier_name.coalesce(routes.supplier) + " by "
        + routes.firm_name.coalesce(routes.firm) + " (" + how_many(routes.imports, "import") + ", "
        + routes.quantity_in.round(0).cast("int64").cast("string") + " units) went on to "
        + routes.consignee_name.coalesce(routes.consignee) + " in " + p.destination + " ("
        + how_many(routes.exports, "consignment") + ", " + routes.quantity_out.round(0).cast("int64").cast("string")
        + " units, " + money(routes.value_out, ibis.literal("USD")) + "), " + routes.first_in.cast("string")
        + " to " + routes.last_out.cast("string")
    )  # fmt: skip
    out = shipment_finding(
        routes,
        "shipments.route",
        subject_kind=ibis.literal("route"),
        subject_id=routes.supplier + ">" + routes.firm + ">" + routes.consignee,
        subject_name=name,
        country=routes.firm_country,
        partner=ibis.literal(p.destination),
        hs_code=routes.hs4,
        period=routes.first_in.cast("string").substr(0, 7)
        + ".."
        + routes.last_out.cast("string").substr(0, 7),
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["quantity_in", "quantity_out", "value_out", "imports", "exports"]),
            ibis.array(
                [
                    routes.quantity_in,
                    routes.quantity_out,
                    routes.value_out,
                    routes.imports.cast("float64"),
                    routes.exports.cast("float64"),
                ]
            ),
        ),
        evidence=routes.lines.flatten().unique().sort()[: p.evidence_lines],  # the same lines on every run
        # The hub firm first: leads gather a route under the firm that relayed the goods.
        related=ibis.array([routes.firm, routes.supplier, routes.consignee]),
    )
    return conform(out)


DETECTOR = Detector(
    name="shipments.route",
    run=run,
    params=Params,
    rationale="The supplier -> hub -> consignee chains investigators draw by hand (CASES.md reference cases).",
)
