"""entities.licence_excess: one hub firm licensed (or declaring) imports of a controlled good far above what
its whole country imported of it in the year before the cut-off.

Red flag: CASES.md (Aspan Arba held licences for over 18,000 DJI drones worth $45M while Kazakhstan's drone
imports were too small to appear in 2021 statistics); FinCEN/BIS ("volumes inconsistent with the
customer's business or the market"). A claim is a licence (a ``licence`` relation, its amount in USD and
the HS code its description names, "HS 8806") or a firm's declared imports of a controlled subheading in
a calendar year after the cut-off. The market is the firm's country's imports of that product in the year
before the cut-off, from ``flows``: the product and its HS 2017 counterparts (drones were 8802 and 8525),
every partner, the publication that reports the most (two publications of the same trade are not added).
A country with no import statistics for that year in the workspace is not judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from diversion.detect.base import Detector, clip, conform
from diversion.detect.entities.common import EntityParams, declared_trade, finding, names, subject
from diversion.model.reference import hs2017_for, hs2022_descriptions
from diversion.model.words import money
from diversion.store import Workspace


@dataclass(frozen=True)
class Params(EntityParams):
    min_ratio: float = field(default=2.0, metadata={"help": "Claim at least this many times the market."})
    min_value: float = field(default=250_000.0, metadata={"help": "Least claim, USD."})
    market_floor: float = field(
        default=10_000.0,
        metadata={"help": "A market smaller than this (or none recorded) counts as this much, USD."},
    )


def claims(ws: Workspace, p: Params) -> ir.Table:
    """entity_id, kind (licence | imports), year, hs_code (4 or 6 digits), value, evidence."""
    links = ws.table("links")
    licences = links.filter(
        (links.kind == "licence") & (links.currency.upper() == "USD") & (links.start_date >= p.cutoff_date)
    )  # a licence of unknown date cannot be set against the years before the cut-off
    code = licences.description.re_extract(r"(?i)\bHS\s*(\d{4}(?:\.?\d{2})?)", 1).replace(".", "")
    licensed = licences.select(
        entity_id=licences.object_entity,
        kind=ibis.literal("licence"),
        year=licences.start_date.year().cast("int64"),
        hs_code=code,
        value=licences.amount,
        evidence=licences.evidence,
    )
    licensed = licensed.filter(licensed.hs_code.length() >= 4)
    trade = declared_trade(ws)
    imports = trade.filter(
        trade.controlled & (trade.date >= p.cutoff_date) & trade.importer_country.isin(list(p.hubs))
        & (trade.exporter_country != trade.importer_country) & trade.importer_entity.notnull()
    )  # fmt: skip
    imports = imports.mutate(year=imports.date.year().cast("int64"), hs6=imports.hs_code.substr(0, 6))
    largest = ibis.row_number().over(
        group_by=[imports.importer_entity, imports.year, imports.hs6], order_by=imports.value_usd.desc()
    )
    imports = imports.mutate(__rank=largest)
    declared = imports.group_by(entity_id=imports.importer_entity, year=imports.year, hs_code=imports.hs6).aggregate(
        value=imports.value_usd.sum(),
        evidence=ibis.struct({"source": imports.source, "record": imports.record}).collect(
            where=imports.__rank < 20
        ),
    )  # fmt: skip
    return ibis.union(licensed, declared.mutate(kind=ibis.literal("imports")).select(*licensed.columns))


def market_codes(ws: Workspace, codes: list[str]) -> ir.Table:
    """claim_code -> market_code: the code as claimed, its subheadings and their HS 2017 counterparts at six
    digits (a file publishing both a heading and its subheadings is counted once: the larger sum is taken)."""
    pairs: set[tuple[str, str]] = set()
    nomenclature = list(hs2022_descriptions())
    for code in codes:
        pairs.add((code, code))
        for sub in (s for s in nomenclature if s.startswith(code)):
            pairs.add((code, sub))
            # HS 2017 counterparts at six digits only: their headings hold other goods (8802 holds airliners).
            pairs.update((code, old) for old, _ in hs2017_for(sub))
    rows = sorted(pairs)
    return ws.stage_arrow(
        pa.table({"claim_code": pa.array([r[0] for r in rows], pa.string()),
                  "market_code": pa.array([r[1] for r in rows], pa.string())})
    )  # fmt: skip


def market(ws: Workspace, p: Params, claimed: ir.Table) -> ir.Table:
    """country, claim_code, market (USD, the year before the cut-off), covered, evidence."""
    year = p.cutoff_date.year - 1
    flows = ws.table("flows")
    imports = flows.filter(
        (flows.flow == "import") & flows.partner_is_country & flows.value_usd.notnull()
        & (flows.period_start.year() == year)
    )  # fmt: skip
    covered = imports.select(country=imports.reporter).distinct()
    codes = ws.to_arrow(claimed.select("hs_code").distinct()).column("hs_code").to_pylist()
    mapping = market_codes(ws, [c for c in codes if c])
    rows = imports.join(mapping, imports.hs_code == mapping.market_code)
    rows = rows.mutate(frequency=ibis.ifelse(rows.period.length() == 4, "annual", "monthly"))
    per = rows.group_by(
        [rows.reporter, rows.claim_code, rows.dataset, rows.frequency, rows.hs_code.length().name("digits")]
    ).aggregate(
        value=rows.value_usd.sum(),
        evidence=ibis.struct({"source": rows.source, "record": rows.record}).collect(),
    )
    most = ibis.row_number().over(group_by=[per.reporter, per.claim_code], order_by=per.value.desc())
    per = per.mutate(__rank=most)
    best = per.filter(per.__rank == 0).select(
        country=per.reporter, claim_code=per.claim_code, market=per.value, market_evidence=per.evidence
    )
    return covered, best


def run(ws: Workspace, p: Params) -> ir.Table:
    claimed = ws.materialize(claims(ws, p))
    claimed_named = subject(claimed, claimed.entity_id, names(ws))
    claimed_named = claimed_named.filter(claimed_named.country.isin(list(p.hubs)))
    covered, best = market(ws, p, claimed)
    joined = claimed_named.join(covered, "country")
    joined = joined.left_join(best, [joined.country == best.country, joined.hs_code == best.claim_code])
    joined = joined.drop("country_right", "claim_code")
    ratio = joined.value / ibis.greatest(joined.market.fill_null(0.0), p.market_floor)
    found = joined.filter((joined.value >= p.min_value) & (ratio >= p.min_ratio))
    market_value = found.market.fill_null(0.0)
    ratio = found.value / ibis.greatest(market_value, p.market_floor)
    best_claim = ibis.row_number().over(group_by=[found.entity_id, found.hs_code], order_by=ratio.desc())
    found = found.mutate(__rank=best_claim, __ratio=ratio, __market=market_value)
    found = found.filter(found.__rank == 0)
    year = str(p.cutoff_date.year - 1)
    what = ibis.ifelse(found.kind == "licence", " holds import licences for ", " declared imports of ")
    against = ibis.ifelse(
        found.__market > 0,
        ", x" + found.__ratio.round(0).cast("int64").cast("string") + " its whole country's imports in " + year
        + " (" + money(found.__market, ibis.literal("USD")) + ", HS 2017 counterparts included)",
        ", while its country recorded no imports of it in " + year,
    )  # fmt: skip
    explanation = (
        found.subject_name + what + money(found.value, ibis.literal("USD")) + " of HS " + found.hs_code
        + " (" + found.year.cast("string") + ")" + against
    )  # fmt: skip
    # A licence is a claim on goods not yet bought; declared imports above the old market are also what a
    # growing distributor shows, so they count for less.
    base = ibis.ifelse(found.kind == "licence", 0.5, 0.35)
    score = clip(base + 0.1 * ibis.greatest(found.__ratio, 1.0).log10())
    out = finding(
        found,
        "entities.licence_excess",
        hs_code=found.hs_code,
        period=found.year.cast("string"),
        view=ibis.literal("flows: the hub's imports, as reported, year " + year),
        approximate=found.hs_code.length() < 6,
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["value", "market", "ratio"]),
            ibis.array([found.value, found.__market, found.__ratio]),
        ),
        evidence=ibis.ifelse(found.market_evidence.isnull(), found.evidence,
                             found.evidence.concat(found.market_evidence)),
    )  # fmt: skip
    return conform(out)


DETECTOR = Detector(
    name="entities.licence_excess",
    run=run,
    params=Params,
    rationale="CASES.md (Aspan Arba's licences for 18,000 drones against a market too small to appear in 2021).",
)
