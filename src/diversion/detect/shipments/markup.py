"""shipments.markup: a hub firm sells to the destination at a unit value far above what other sellers charge.

Red flag: "pays well above market price" (FinCEN/BIS joint alerts of 2022 and 2023; Five Eyes guidance of
Sep 2023); CASES.md, case 5: small intermediaries (an Armenian firm selling chips on to Russia) charge
Russian buyers up to three times the market price. The method is the price-anomaly analysis of customs
risk management (WCO Customs Risk Management Compendium; WCO Guide to Customs Valuation and Transfer
Pricing): a consignment's unit value is compared with the distribution of unit values of the same goods,
period and origin, and a value far in the upper tail is a risk indicator.

Unit values compare like with like: a line declared in pieces (pcs, шт, u, OKEI 796 ...) is priced per
piece against other lines in pieces; a line in kilograms, or in any other unit, per kilogram of net weight
against every line of the code with a weight (pieces lines included). The reference is the median, and the
median absolute deviation of the log unit value, of *other* sellers' consignments of the same HS-6 code and
basis in the same calendar quarter, from the same origin country when there are enough of them, else from
any origin, else (a thin quarter) from the quarters around it. Because it is taken per quarter over every
route and every seller, a market-wide price rise (a shortage in which every seller asks more) moves the
reference with it and is no finding. Lines without value_usd, or without a quantity or net weight, are
skipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, clip, conform
from diversion.detect.entities.common import names
from diversion.detect.shipments.common import (
    ShipmentParams,
    company_subject,
    consignments,
    shipment_finding,
)
from diversion.model.arrays import in_order
from diversion.model.words import money
from diversion.store import Workspace

NAME: Final = "shipments.markup"

BASES: Final = ("piece", "kg")
"""Unit bases in order of preference: a count is a sharper price than a weight (packaging, cables)."""
CODE_STRIDE: Final = 2**32
"""A consignment's number (``cid``) is its HS-6 code's number times this plus its place within the code."""
MAD_SCALE: Final = 1.4826
"""The MAD of a normal distribution times this is its standard deviation."""


@dataclass(frozen=True)
class Params(ShipmentParams):
    min_ratio: float = field(
        default=1.5,
        metadata={"help": "Least unit value, as a multiple of the reference median, to flag a line."},
    )
    min_z: float = field(
        default=1.0,
        metadata={"help": "Least robust z of the log unit value (its distance from the median in MADs)."},
    )
    min_lines: int = field(
        default=2, metadata={"help": "Least flagged consignments of one firm and HS code for a finding."}
    )
    min_share: float = field(
        default=0.5,
        metadata={"help": "Least share of the firm's consignments of the code to the destination flagged."},
    )
    min_reference: int = field(
        default=5,
        metadata={"help": "Least other sellers' consignments in a reference (else: any origin, else none)."},
    )
    wide_quarters: int = field(
        default=1,
        metadata={
            "help": "Quarters either side a reference may span when the sale's own quarter has too few."
        },
    )
    min_spread: float = field(
        default=0.1,
        metadata={"help": "Floor of the log-unit-value spread, so identical prices give no infinite z."},
    )
    reference_sample: int = field(
        default=2000,
        metadata={
            "help": "Most consignments of one code, basis, quarter (and origin) a reference is drawn from."
        },
    )
    purchase_days: int = field(
        default=365,
        metadata={"help": "Days before its first flagged sale in which the firm's own purchases count."},
    )
    controlled_only: bool = field(
        default=True,
        metadata={
            "help": "Judge only sales of controlled goods: a dear sofa sold to Russia is no diversion red flag."
        },
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    """Hub firms whose sales of one code to the destination sit far above other sellers' unit values."""
    lines = priced(ws)
    sales = lines.filter(
        lines.exporter_country.isin(list(p.hubs))
        & (lines.importer_country == p.destination)
        & (lines.date >= p.cutoff_date)
        & (lines.controlled | ibis.literal(not p.controlled_only))
    )
    judged = judge(sales, lines, p, ws)
    found = per_firm(judged, p)
    found = with_purchases(found, lines, p)
    return conform(describe(found, ws, p))


def priced(ws: Workspace) -> ir.Table:
    """One row per consignment and unit basis it can be priced on: ``basis`` piece (count units) or kg (net
    weight, or the quantity in a weight unit), ``amount`` in that basis and ``log_uv`` = ln(value / amount);
    ``quarter`` the calendar quarter's first day and ``cid`` a consignment number. Lines without a value or
    an amount are left out."""

    def build() -> ir.Table:
        c = consignments(ws)
        # The grouping key of a consignment orders them uniquely: the same numbers on every run and engine.
        # Numbered within their HS-6 code (the code's own number in the upper bits), not in one order over
        # every consignment: a window without a partition sorts every consignment on one core. Every
        # reference group lies within one code, so the draw reads the lower bits.
        codes = c.select("hs6").distinct()
        codes = codes.mutate(__code_no=ibis.row_number().over(order_by=codes.hs6))
        c = c.join(codes, "hs6")
        order = [c.exporter_entity, c.importer_entity, c.date, c.quantity]
        c = c.mutate(cid=c.__code_no * CODE_STRIDE + ibis.row_number().over(group_by=c.hs6, order_by=order))
        pieces = c.quantity * c.pieces_per_unit
        kilos = ibis.ifelse(c.net_kg > 0, c.net_kg, c.quantity * c.kg_per_unit)
        keep = [
            "cid", "exporter_entity", "importer_entity", "exporter_country", "importer_country", "hs6",
            "origin_country", "date", "value_usd", "lines", "controlled", "priority",
        ]  # fmt: skip
        amounts = dict(zip(BASES, (pieces, kilos), strict=True))
        sides = [c.select(*keep, basis=ibis.literal(basis), amount=amounts[basis]) for basis in BASES]
        rows = ibis.union(*sides)
        rows = rows.filter((rows.value_usd > 0) & (rows.amount > 0))
        return ws.materialize(
            rows.mutate(
                log_uv=(rows.value_usd / rows.amount).ln(),
                quarter=ibis.date(rows.date.year(), rows.date.quarter() * 3 - 2, 1),
            )
        )

    return ws.memo((NAME, "priced"), build)


def reference(
    sales: ir.Table, lines: ir.Table, by: list[str], quarters: int = 0, sample: int = 2000
) -> ir.Table:
    """For each seller of ``sales`` and each group ``by`` (which ends with ``quarter``): how many consignments
    other sellers made in the group (``n``), the median of their log unit values (``center``) and its median
    absolute deviation; with ``quarters`` > 0 the group spans that many quarters either side.

    A group's reference is drawn from at most ``sample`` of its consignments (a fixed pseudo-random draw):
    every seller is compared with every other seller's consignments, which grows with the square of the
    data, and a ten-million-declaration world's common codes (12,000 consignments of one code in one
    quarter, 2,900 sellers to the destination) made 441M comparisons for one level alone and ran out of
    memory. A median of 2,000 draws is as good a reference as one of 12,000.
    """
    return _reference(_keys(sales, by), _drawn(lines, by, sample), by, quarters)


def _keys(sales: ir.Table, by: list[str]) -> ir.Table:
    return sales.select(*by, seller=sales.exporter_entity).distinct()


def _reference(keys: ir.Table, lines: ir.Table, by: list[str], quarters: int) -> ir.Table:
    """:func:`reference` for sellers and groups given as ``keys`` (``by`` columns and ``seller``), over
    lines already drawn (:func:`_drawn`)."""
    pool = keys.join(lines, [*_same_group(keys, lines, by, quarters), lines.exporter_entity != keys.seller])
    pool = pool.select(*[keys[k] for k in by], keys.seller, lines.log_uv)
    groups = [*by, "seller"]
    center = pool.group_by(groups).aggregate(n=pool.count(), center=pool.log_uv.median())
    spread = pool.join(center, groups)
    return spread.group_by(groups).aggregate(
        n=spread.n.max(),
        center=spread.center.max(),
        mad=(spread.log_uv - spread.center).abs().median(),
    )


def _same_group(keys: ir.Table, lines: ir.Table, by: list[str], quarters: int) -> list[ir.BooleanValue]:
    """Conditions for a line (or a group's count) to fall in a key's group, its quarter within the span."""
    span = ibis.interval(months=3 * quarters)
    same = [keys[k] == lines[k] for k in by if k != "quarter"]
    return [*same, lines.quarter.between(keys.quarter - span, keys.quarter + span)]


def reference_sizes(keys: ir.Table, lines: ir.Table, by: list[str], quarters: int, sample: int) -> ir.Table:
    """``n`` of :func:`reference` for each key (``by`` columns and ``seller``), from counts alone: the
    group's drawn consignments less the seller's own, with no seller crossed with other sellers' lines."""
    return _sizes(keys, _drawn(lines, by, sample), by, quarters)


def _sizes(keys: ir.Table, drawn: ir.Table, by: list[str], quarters: int) -> ir.Table:
    """:func:`reference_sizes` over lines already drawn."""
    everyone = drawn.group_by(by).aggregate(made=drawn.count())
    own = drawn.group_by([*by, "exporter_entity"]).aggregate(made=drawn.count())
    groups = [*by, "seller"]

    def made(counts: ir.Table, *extra: ir.BooleanValue) -> ir.Table:
        joined = keys.join(counts, [*_same_group(keys, counts, by, quarters), *extra])
        joined = joined.select(*[keys[k] for k in by], keys.seller, made=counts.made)
        return joined.group_by(groups).aggregate(made=joined.made.sum())

    total = made(everyone)
    mine = made(own, own.exporter_entity == keys.seller).rename(mine="made")
    sized = total.left_join(mine, groups).select(total, "mine")
    return sized.select(*groups, n=sized.made - sized.mine.fill_null(0))


def _drawn(lines: ir.Table, by: list[str], sample: int) -> ir.Table:
    """At most ``sample`` consignments of each group: those first in an order fixed by their number
    within their HS-6 code, which every group lies in (a multiplicative hash, the same on every engine,
    where the engines' own hash functions differ)."""
    draw = ((lines.cid % CODE_STRIDE) * 2654435761) % 4294967296
    ranked = lines.mutate(__draw=ibis.row_number().over(group_by=[lines[k] for k in by], order_by=draw))
    return ranked.filter(ranked.__draw < sample).drop("__draw")


def judge(sales: ir.Table, lines: ir.Table, p: Params, ws: Workspace | None = None) -> ir.Table:
    """Each sale on its best reference, with ``ratio`` to the reference median, robust ``z`` and ``flagged``.
    The best: pieces before kilograms; then the same quarter and origin, the same quarter, the quarters
    around it (``wide_quarters``); the first with at least ``min_reference`` consignments. Sales with no
    reference are dropped.

    Which reference is the best follows from its size alone, so sizes are counted first for every level and
    medians computed only for the level each sale uses: most sales never need the wider levels, whose
    pools are the largest. With ``ws``, the choice is computed once (it feeds one statement per level).
    """
    base = ["hs6", "basis", "quarter"]
    levels = [([*base, "origin_country"], 0), (base, 0), (base, p.wide_quarters)]
    # Each grouping's draw (a window over every priced line) is made once and serves its levels twice.
    draws: dict[tuple[str, ...], ir.Table] = {}
    for by, _ in levels:
        if tuple(by) not in draws:
            drawn = _drawn(lines.select(*by, "exporter_entity", "log_uv", "cid"), by, p.reference_sample)
            draws[tuple(by)] = ws.materialize(drawn) if ws is not None else drawn
    t = sales.mutate(seller=sales.exporter_entity)
    for level, (by, quarters) in enumerate(levels):
        sizes = _sizes(_keys(sales, by), draws[tuple(by)], by, quarters)
        t = t.left_join(sizes.rename(**{f"n_{level}": "n"}), [*by, "seller"]).select(t, f"n_{level}")
    # One row per sale and usable level, ranked: the best is kept.
    options = [
        t.filter(t[f"n_{level}"] >= p.min_reference).mutate(
            level=ibis.literal(level, "int64"),
            ref_n=t[f"n_{level}"],
            rank=(t.basis == "kg").cast("int64") * len(levels) + level,
        )
        for level in range(len(levels))
    ]
    t = ibis.union(*options).drop(*[f"n_{level}" for level in range(len(levels))])
    best = ibis.row_number().over(group_by=t.cid, order_by=t.rank)
    t = t.mutate(__best=best)
    t = t.filter(t.__best == 0).drop("__best")
    if ws is not None:
        t = ws.materialize(t)
    parts = []
    for level, (by, quarters) in enumerate(levels):
        chosen = t.filter(t.level == level)
        ref = _reference(chosen.select(*by, "seller").distinct(), draws[tuple(by)], by, quarters)
        parts.append(chosen.join(ref.drop("n"), [*by, "seller"]).select(chosen, "center", "mad"))
    t = ibis.union(*parts).drop("level")
    excess = t.log_uv - t.center
    t = t.mutate(ratio=excess.exp(), z=excess / ibis.greatest(t.mad * MAD_SCALE, p.min_spread))
    return t.mutate(flagged=(excess >= math.log(p.min_ratio)) & (t.z >= p.min_z))


def per_firm(judged: ir.Table, p: Params) -> ir.Table:
    """One row per seller, code and basis with at least ``min_lines`` flagged sales, making at least
    ``min_share`` of its judged sales of the code: their medians, totals, buyers and evidence."""
    groups = ["seller", "hs6", "basis"]
    counts = judged.group_by(groups).aggregate(judged_lines=judged.count())
    hit = judged.filter(judged.flagged)
    # The largest consignments' declaration lines are cited first.
    largest = ibis.row_number().over(
        group_by=[hit[g] for g in groups], order_by=[hit.value_usd.desc(), hit.cid]
    )
    hit = hit.mutate(__rank=largest)
    cited = hit.unnest("lines")
    evidence = cited.group_by(groups).aggregate(
        evidence=in_order(cited.lines, cited.__rank, cited.lines.source, cited.lines.record)
    )
    found = hit.group_by(groups).aggregate(
        lines=hit.count(),
        value_usd=hit.value_usd.sum(),
        amount=hit.amount.sum(),
        ratio=hit.ratio.median(),
        robust_z=hit.z.median(),
        reference_median=hit.center.median().exp(),
        reference_lines=hit.ref_n.min(),
        first=hit.date.min(),
        last=hit.date.max(),
        first_quarter=hit.quarter.min(),
        last_quarter=hit.quarter.max(),
        buyer=hit.importer_entity.argmax(hit.value_usd),
        buyers=hit.importer_entity.nunique(),
        related=hit.importer_entity.collect(distinct=True),
        exporter_country=hit.exporter_country.arbitrary(),
        priority=hit.priority.max(),
    )
    found = found.join(counts, groups).join(evidence, groups)
    found = found.mutate(unit_value=found.value_usd / found.amount)
    return found.filter(
        (found.lines >= p.min_lines) & (found.lines >= found.judged_lines.cast("float64") * p.min_share)
    )


def with_purchases(found: ir.Table, lines: ir.Table, p: Params) -> ir.Table:
    """``found`` with the firm's own purchases of the code on the same basis, from ``purchase_days`` before
    its first flagged sale to its last: ``own_purchase_unit_value`` (value over amount) and their lines."""
    groups = ["seller", "hs6", "basis"]
    window = found.select(
        *groups,
        importer_entity=found.seller,
        start=found.first - ibis.interval(days=p.purchase_days),
        end=found.last,
    )
    pairs = window.join(lines, ["importer_entity", "hs6", "basis"])
    pairs = pairs.filter((pairs.date >= pairs.start) & (pairs.date <= pairs.end))
    bought = pairs.group_by(groups).aggregate(
        own_purchase_unit_value=pairs.value_usd.sum() / pairs.amount.sum()
    )
    cited = pairs.unnest("lines")
    cited_lines = cited.group_by(groups).aggregate(
        purchase_evidence=in_order(cited.lines, cited.date, cited.lines.source, cited.lines.record)
    )
    out = found.left_join(bought, groups).select(found, "own_purchase_unit_value")
    return out.left_join(cited_lines, groups).select(out, "purchase_evidence")


def unit_money(value: ir.FloatingValue) -> ir.StringValue:
    """A unit value as an analyst writes it: $14.20, $0.35, or $14k (``money``) from $1,000 up."""
    cents = (value * 100).round().cast("int64")
    exact = "$" + (cents // 100).cast("string") + "." + (cents % 100).cast("string").lpad(2, "0")
    return ibis.ifelse(value >= 1000, money(value, ibis.literal("USD")), exact)


def quarter_label(day: ir.DateValue) -> ir.StringValue:
    return day.year().cast("string") + "-Q" + day.quarter().cast("string")


def describe(found: ir.Table, ws: Workspace, p: Params) -> ir.Table:
    """The findings: subject the hub firm, partner the destination, the sentence, metrics and evidence."""
    label = names(ws).select(buyer="entity_id", buyer_name="name")
    found = found.left_join(label, "buyer").select(found, "buyer_name")
    found = company_subject(found, found.seller, ws)
    ratio_part = clip(found.ratio.ln() / ibis.literal(5.0).ln())  # 1x .. 5x
    size = clip((found.value_usd.log10() - 4.0) / 3.0)  # $10k .. $10M
    resale = found.unit_value / found.own_purchase_unit_value
    bought = (resale >= p.min_ratio).fill_null(False).cast("float64")
    # Weighed by what the goods are (``entities.common.tier_priority``): chips before cars.
    score = found.priority.fill_null(0.7) * clip(
        0.45 + 0.25 * ratio_part + 0.1 * size + 0.1 * bought, 0.0, 0.9
    )
    per = ibis.ifelse(found.basis == "piece", " a piece", " a kg")
    others = ibis.ifelse(found.buyers > 1, " and " + (found.buyers - 1).cast("string") + " other buyers", "")
    hs = found.hs6.substr(0, 4) + "." + found.hs6.substr(4, 2)
    quarters = ibis.ifelse(found.first_quarter == found.last_quarter, "quarter", "quarters")
    own = ibis.ifelse(
        found.own_purchase_unit_value.notnull(),
        "; it had bought them at " + unit_money(found.own_purchase_unit_value) + per + " ("
        + resale.round(1).cast("string") + "x resale markup)",
        "",
    )  # fmt: skip
    explanation = (
        found.subject_name + " sold HS " + hs + " to " + found.buyer_name.coalesce(found.buyer) + others + " at "
        + unit_money(found.unit_value) + per + ", " + found.ratio.round(1).cast("string") + "x the "
        + unit_money(found.reference_median) + " median other sellers charged in the same " + quarters + " ("
        + found.lines.cast("string") + " consignments, " + money(found.value_usd, ibis.literal("USD")) + ")" + own
    )  # fmt: skip
    period = ibis.ifelse(
        found.first_quarter == found.last_quarter,
        quarter_label(found.first_quarter),
        quarter_label(found.first_quarter) + ".." + quarter_label(found.last_quarter),
    )
    names_ = ["ratio", "unit_value", "reference_median", "robust_z", "lines", "value_usd", "reference_lines"]
    values = [found.ratio, found.unit_value, found.reference_median, found.robust_z,
              found.lines.cast("float64"), found.value_usd, found.reference_lines.cast("float64")]  # fmt: skip
    # The firm's own purchase price is reported only where it bought the code (a map has no null values).
    present = found.own_purchase_unit_value.notnull()
    keys = ibis.array(names_).concat(
        ibis.ifelse(
            present,
            ibis.array(["own_purchase_unit_value", "resale_markup"]),
            ibis.literal([], "array<string>"),
        )
    )
    numbers = ibis.array(values).concat(
        ibis.ifelse(
            present, ibis.array([found.own_purchase_unit_value, resale]), ibis.literal([], "array<float64>")
        )
    )
    metrics = ibis.map(keys, numbers)
    evidence = found.evidence.concat(
        found.purchase_evidence.fill_null(ibis.literal([], found.evidence.type()))
    )
    return shipment_finding(
        found,
        NAME,
        partner=ibis.literal(p.destination),
        hs_code=found.hs6,
        period=period,
        score=score,
        explanation=explanation,
        metrics=metrics,
        evidence=evidence[: p.evidence_lines],
        related=found.related,
    )


DETECTOR = Detector(
    name=NAME,
    run=run,
    params=Params,
    rationale=(
        "FinCEN/BIS alerts 2022-2023 (pays well above market price); WCO customs risk management (price "
        "anomalies); CASES.md case 5 (intermediaries charging Russian buyers up to three times the price)."
    ),
)
