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
    baseline,
    change,
    country_names,
    money,
    named,
    product,
    series_subject,
    when,
    whose,
    yearly,
)
from diversion.model.reference import chpl_codes
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


def run(ws: Workspace, p: Params) -> ir.Table:
    """Year-by-year growth of every series over its pre-war baseline, ranked."""
    series = yearly(ws, p)
    after = series.filter(series.year >= p.cutoff_date.year)
    joined = after.join(baseline(ws, p), [*KEY, "year"])
    joined = joined.filter(joined.baseline >= p.min_baseline)
    joined = joined.mutate(ratio=joined.value / joined.baseline, increase=joined.value - joined.baseline)
    joined = joined.mutate(growth=ibis.greatest(joined.ratio, 1e-9).log10())
    peers = ibis.window(
        group_by=["dataset", "frequency", "reporter", "partner", "flow", "level", "currency", "year"]
    )
    joined = joined.mutate(peer_median=joined.growth.median().over(peers))
    joined = joined.mutate(peer_spread=(joined.growth - joined.peer_median).abs().median().over(peers))
    joined = joined.mutate(
        peer_z=(joined.growth - joined.peer_median) / ibis.greatest(joined.peer_spread * 1.4826, 0.05)
    )
    found = joined.filter((joined.ratio >= p.min_ratio) & (joined.increase >= p.min_increase))
    return conform(_described(ws, found, p))


def _score(t: ir.Table, p: Params) -> ir.FloatingValue:
    controlled = t.code.substr(0, 6).isin(list(chpl_codes())) | t.code.startswith("8806")
    to_destination = (t.partner == p.destination) & (t.flow == "export")
    return clip(
        0.40 * clip(t.growth / 2.0)  # x100 or more: full marks
        + 0.30
        * clip((ibis.greatest(t.increase, 1.0).log10() - 5.0) / 4.0)  # from 100k to 1bn of the currency
        + 0.15 * clip(t.peer_z / 5.0)
        + 0.10 * to_destination.cast("float64")
        + 0.05 * controlled.cast("float64")
    )


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
    return t.mutate(
        **series_subject(t, "flows.surge"),
        approximate=t.approximate | t.base_approximate,
        score=_score(t, p),
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["baseline", "value", "ratio", "increase", "peer_z", "months", "level"]),
            ibis.array(
                [
                    t.baseline,
                    t.value,
                    t.ratio,
                    t.increase,
                    t.peer_z,
                    t.months.cast("float64"),
                    t.level.cast("float64"),
                ]
            ),
        ),
        evidence=t.evidence.concat(t.base_evidence),
    )


DETECTOR = Detector(
    name="flows.surge",
    run=run,
    params=Params,
    rationale="FinCEN/BIS joint alerts 2022-2023 (re-export through third countries); CASES.md figures.",
)
