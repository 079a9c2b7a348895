"""flows.surge: a hub's trade in a product grows far beyond its pre-war baseline.

Red flag: FinCEN/BIS joint alerts (June 2022, May 2023) and the EU's guidance (Sep 2023) on re-exports
through third countries; CASES.md: Kazakhstan's chip exports to Russia x70, Armenia's car exports to
Russia x68. Each series (one office's figures for one reporter, partner, direction and product) is
compared year by year with its own average over the full years before the cut-off, and with the other
products of the same report (a robust z-score of its growth among its peers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, clip, conform
from diversion.detect.flows.common import (
    KEY,
    FlowParams,
    change,
    controlled,
    controls,
    country_names,
    named,
    product,
    series_subject,
    when,
    whose,
)
from diversion.detect.flows.series import baseline, numbered, targets, with_evidence, yearly
from diversion.model.words import money
from diversion.store import Workspace


@dataclass(frozen=True)
class Params(FlowParams):
    min_ratio: float = field(
        default=2.0, metadata={"help": "Least growth over the baseline (after / before)."}
    )
    min_increase: float = field(default=100_000.0, metadata={"help": "Least rise, in the series' currency."})
    min_baseline: float = field(
        default=1.0, metadata={"help": "Smaller baselines are new lines, not surges."}
    )
    growth_prior: float = field(
        default=100_000.0,
        metadata={
            "help": "Added to both years before growth is scored: a rise from almost nothing is no hundredfold rise."
        },
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    """Year-by-year growth of every series over its pre-war baseline, ranked."""
    series = yearly(ws, p)
    after = series.filter(series.year >= p.cutoff_date.year)
    joined = after.join(baseline(ws, p), [*KEY, "year"])
    joined = joined.filter(joined.baseline >= p.min_baseline)
    joined = joined.mutate(ratio=joined.value / joined.baseline, increase=joined.value - joined.baseline)
    # Scored growth is shrunk towards none: $2k -> $300k of one good in a sparse series is noise more often
    # than a x150 rise; $3.5M -> $237M keeps its x66.
    joined = joined.mutate(
        growth=((joined.value + p.growth_prior) / (joined.baseline + p.growth_prior)).log10()
    )
    peers = ibis.window(
        group_by=["dataset", "frequency", "reporter", "partner", "flow", "level", "currency", "year"]
    )
    joined = joined.mutate(peer_median=joined.growth.median().over(peers))
    joined = joined.mutate(peer_spread=(joined.growth - joined.peer_median).abs().median().over(peers))
    joined = joined.mutate(
        peer_z=(joined.growth - joined.peer_median) / ibis.greatest(joined.peer_spread * 1.4826, 0.05)
    )
    found = joined.filter((joined.ratio >= p.min_ratio) & (joined.increase >= p.min_increase))
    found = _with_imports_elsewhere(ws, found, p)
    found = numbered(ws, controlled(found, controls(ws, p), p))
    first_after = p.cutoff_date.year
    behind = targets(found, found.year, found.year).union(
        targets(found, first_after - p.baseline_years, first_after - 1, found.month_set)
    )
    legs = _import_series(ws, p).join(found.filter(found.imported.notnull()).select(*HUB_PRODUCT, "year", "fid",
                                      "month_set"), [*HUB_PRODUCT, "year"])  # fmt: skip
    behind = behind.union(targets(legs, legs.year, legs.year)).union(
        targets(legs, first_after - p.baseline_years, first_after - 1, legs.month_set)
    )
    return conform(_described(ws, with_evidence(ws, found, behind), p))


HUB_PRODUCT = ("dataset", "frequency", "reporter", "level", "code", "currency")


def _import_series(ws: Workspace, p: Params) -> ir.Table:
    """A hub's import series of each product from every country but the destination, with baselines."""
    every = yearly(ws, p)
    imports = every.filter((every.flow == "import") & (every.partner != p.destination))
    countries = ws.table("flows").select("partner", "partner_is_country").distinct()
    imports = imports.semi_join(countries.filter(countries.partner_is_country), "partner")
    imports = imports.filter(imports.year >= p.cutoff_date.year)
    return imports.left_join(baseline(ws, p), [*KEY, "year"]).select(*KEY, "year", "value", "baseline")


def _with_imports_elsewhere(ws: Workspace, found: ir.Table, p: Params) -> ir.Table:
    """Beside a hub's exports to the destination: its imports of the product from everyone else, the
    same year and the same baseline months (the goods it sends on must come from somewhere)."""
    imports = _import_series(ws, p)
    summed = imports.group_by([*HUB_PRODUCT, "year"]).aggregate(
        imported=imports.value.sum(), imported_before=imports.baseline.sum()
    )
    to_destination = found.filter((found.flow == "export") & (found.partner == p.destination))
    joined = to_destination.left_join(summed, [*HUB_PRODUCT, "year"])
    joined = joined.drop(*[c for c in joined.columns if c.endswith("_right")])
    rest = found.filter(~((found.flow == "export") & (found.partner == p.destination))).mutate(
        imported=ibis.null("float64"), imported_before=ibis.null("float64")
    )
    return joined.union(rest.select(*joined.columns))


def _score(t: ir.Table, p: Params) -> ir.FloatingValue:
    to_destination = (t.partner == p.destination) & (t.flow == "export")
    # Re-export needs supply: imports from everyone else that rose as much as the exports did corroborate.
    supplied = clip((t.imported - t.imported_before.coalesce(0.0)) / t.increase).coalesce(0.0)
    signal = (
        0.35 * clip(t.growth / 2.0)  # x100 or more: full marks
        + 0.30 * clip((ibis.greatest(t.increase, 1.0).log10() - 5.0) / 4.0)  # from 100k to 1bn
        + 0.20 * clip(t.peer_z / 5.0)
        + 0.15 * supplied
    )
    return clip(signal * t.control * ibis.ifelse(to_destination, 1.0, p.other_direction))


def _described(ws: Workspace, t: ir.Table, p: Params) -> ir.Table:
    names = country_names(ws)
    t = named(named(t, names, "reporter", "reporter_name"), names, "partner", "partner_name")
    exports = t.flow.isin(["export", "re-export"])
    explanation = (
        t.reporter_name + "'s " + t.flow + "s of " + product(t.level, t.code)
        + ibis.ifelse(exports, " to ", " from ") + t.partner_name + ": "
        + money(t.baseline, t.currency) + " in " + when(t.base_year, t.frequency, t.months) + " -> "
        + money(t.value, t.currency) + " in " + when(t.year, t.frequency, t.months) + ", " + change(t.ratio)
        + " (" + whose(t.dataset, t.reporter_name) + ")"
    )  # fmt: skip
    supply = (
        "; its imports from everyone else: " + money(t.imported_before.coalesce(0.0), t.currency) + " -> "
        + money(t.imported, t.currency) + " (" + ibis.ifelse(t.imported >= t.imported_before.coalesce(0.0), "+", "")
        + money(t.imported - t.imported_before.coalesce(0.0), t.currency) + ") over the same months"
    )  # fmt: skip
    explanation = explanation + ibis.ifelse(t.imported.notnull(), supply, "")
    return t.mutate(
        **series_subject(t, "flows.surge"),
        approximate=t.approximate | t.base_approximate,
        score=_score(t, p),
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(
                [
                    "baseline",
                    "value",
                    "ratio",
                    "increase",
                    "peer_z",
                    "months",
                    "level",
                    "imported",
                    "imported_before",
                ]
            ),
            ibis.array(
                [
                    t.baseline,
                    t.value,
                    t.ratio,
                    t.increase,
                    t.peer_z,
                    t.months.cast("float64"),
                    t.level.cast("float64"),
                    t.imported,
                    t.imported_before,
                ]
            ),
        ),
        evidence=t.evidence,
    )


DETECTOR = Detector(
    name="flows.surge",
    run=run,
    params=Params,
    rationale="FinCEN/BIS joint alerts 2022-2023 (re-export through third countries); CASES.md figures.",
)
