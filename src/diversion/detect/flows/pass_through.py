"""flows.pass_through: month by month, a hub's exports of a product to the destination track its imports
of the same product from everyone else: the macro signature of re-export.

Red flag: EBRD working paper 276 ("The Eurasian Roundabout", 2023) and the FinCEN/BIS alerts on
transshipment hubs; CASES.md: Armenia's car exports to Russia rose x68 while its car imports from everyone
else rose by $1bn over the same months. For each hub, product and publication with monthly figures, the
exports to the destination after the cut-off are correlated with the imports from all other partners
shifted by 0 to ``max_lag`` months; the best lag is reported with its correlation and the share of the
imports that went on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pyarrow as pa

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
    whose,
)
from diversion.detect.flows.series import MONTH_COLUMNS, numbered, period_index, series, with_evidence
from diversion.model.words import money
from diversion.store import Workspace

SERIES = ("dataset", "hub", "level", "code", "currency")


@dataclass(frozen=True)
class Params(FlowParams):
    levels: tuple[int, ...] = field(default=(4, 6), metadata={"help": "HS digits compared (monthly data)."})
    max_lag: int = field(default=3, metadata={"help": "Most months from import to export."})
    min_months: int = field(default=6, metadata={"help": "Least months after the cut-off with both flows."})
    min_correlation: float = field(default=0.5, metadata={"help": "Least correlation at the best lag."})
    min_export_growth: float = field(default=2.0, metadata={"help": "Least growth of monthly exports."})
    min_exports: float = field(default=1_000_000.0, metadata={"help": "Least exports after the cut-off."})


def _monthly(ws: Workspace, p: Params) -> tuple[ir.Table, ir.Table]:
    """Per hub and product, by month: exports to the destination, and imports from every other country."""
    every = series(ws)
    every = every.filter(
        (every.frequency == "monthly") & every.level.isin([lv for lv in p.levels if lv > 0])
        & (every.flow.isin(["export", "import"]))
    )  # fmt: skip
    exports = every.filter((every.flow == "export") & (every.partner == p.destination))
    countries = ws.table("flows").select("partner", "partner_is_country").distinct()
    imports = every.filter((every.flow == "import") & (every.partner != p.destination)).semi_join(
        countries.filter(countries.partner_is_country), "partner"
    )

    def by_month(t: ir.Table, name: str) -> ir.Table:
        long = t.rename(hub="reporter").pivot_longer(
            list(MONTH_COLUMNS), names_to="month", values_to="amount"
        )
        long = long.filter(long.amount.notnull())
        long = long.mutate(month_index=long.year * 12 + long.month.substr(1, 2).cast("int32"))
        return long.group_by([*SERIES, "month_index", "year"]).aggregate(**{name: long.amount.sum()})

    return by_month(exports, "exported"), by_month(imports, "imported")


def run(ws: Workspace, p: Params) -> ir.Table:
    """Hubs whose exports to the destination follow their imports from elsewhere, month by month."""
    exported, imported = _monthly(ws, p)
    first_after = p.cutoff_date.year * 12 + p.cutoff_date.month
    lags = ws.stage_arrow(pa.table({"lag": pa.array(range(p.max_lag + 1), pa.int32())}))
    shifted = imported.cross_join(lags).mutate(month_index=imported.month_index + lags.lag).drop("year")
    after = exported.filter(exported.month_index >= first_after)
    paired = after.join(shifted, [*SERIES, "month_index"])
    fits = paired.group_by([*SERIES, "lag"]).aggregate(
        raw_correlation=paired.exported.corr(paired.imported, how="pop"),
        months=paired.month_index.nunique(),
        exported_after=paired.exported.sum(),
        imported_after=paired.imported.sum(),
    )
    # A side that never changes has no correlation (the engine says NaN, which sorts above every number).
    fits = fits.mutate(
        correlation=ibis.ifelse(fits.raw_correlation.isnan(), ibis.null("float64"), fits.raw_correlation)
    ).drop("raw_correlation")
    best_lag = ibis.window(
        group_by=list(SERIES), order_by=[fits.correlation.desc(nulls_first=False), fits.lag]
    )
    fits = fits.mutate(rank=ibis.row_number().over(best_lag))
    best = fits.filter(fits.rank == 0)
    before = exported.filter(
        (exported.month_index < first_after) & (exported.month_index >= first_after - 12 * p.baseline_years)
    )
    base = before.group_by(list(SERIES)).aggregate(
        exported_before=before.exported.sum() / (12.0 * p.baseline_years),
    )
    found = best.left_join(base, list(SERIES)).drop(*[f"{c}_right" for c in SERIES])
    found = found.mutate(
        monthly_exports=found.exported_after / found.months,
        export_growth=ibis.ifelse(
            found.exported_before > 0,
            (found.exported_after / found.months) / found.exported_before,
            ibis.null("float64"),
        ),
        share=found.exported_after / found.imported_after,
    )
    found = found.filter(
        (found.months >= p.min_months)
        & (found.correlation >= p.min_correlation)
        & (found.exported_after >= p.min_exports)
        # No figures before, or none above zero: a line that starts, not one that must have grown.
        & (found.export_growth.isnull() | (found.export_growth >= p.min_export_growth))
    )
    found = numbered(ws, controlled(found, controls(ws, p), p))
    return conform(_described(ws, with_evidence(ws, found, _targets(ws, found, p)), p))


def _targets(ws: Workspace, found: ir.Table, p: Params) -> ir.Table:
    """The rows behind a finding: its exports to the destination after the cut-off, and its imports from
    every other partner from ``max_lag`` months before."""
    every = series(ws).filter(lambda t: (t.frequency == "monthly") & (t.flow.isin(["export", "import"])))
    legs = every.join(found.select(*SERIES, "fid", "lag"), [every.reporter == found.hub, *[every[c] == found[c]
                      for c in SERIES if c != "hub"]])  # fmt: skip
    legs = legs.filter(
        ((legs.flow == "export") & (legs.partner == p.destination))
        | ((legs.flow == "import") & (legs.partner != p.destination))
    )
    countries = ws.table("flows").select("partner", "partner_is_country").distinct()
    legs = legs.semi_join(countries.filter(countries.partner_is_country), "partner")
    # Months counted from year 0: the cut-off's month for exports, up to ``lag`` months earlier for imports.
    months = (
        p.cutoff_date.year * 12 + p.cutoff_date.month - 1 - ibis.ifelse(legs.flow == "export", 0, legs.lag)
    )
    start = period_index(months // 12, months % 12 + 1)
    return legs.select(
        *KEY, "fid", index_from=start, index_to=period_index(9999, 12),
        month_set=ibis.null("string"),
    ).distinct()  # fmt: skip


def _described(ws: Workspace, t: ir.Table, p: Params) -> ir.Table:
    names = country_names(ws)
    t = named(t.mutate(destination=ibis.literal(p.destination)), names, "hub", "hub_name")
    t = named(t, names, "destination", "destination_name")
    growth = ibis.ifelse(
        t.exported_before.notnull() & (t.exported_before > 0),
        " (" + change(t.export_growth) + " a month on the year before)",
        " (no figures for the year before)",
    )
    explanation = (
        t.hub_name + "'s exports of " + product(t.level, t.code) + " to " + t.destination_name + " follow its imports "
        + "from everyone else: " + money(t.exported_after, t.currency) + " exported over " + t.months.cast("string")
        + " months after the cut-off" + growth + ", " + (t.share * 100).round(0).cast("int64").cast("string")
        + "% of the " + money(t.imported_after, t.currency) + " imported " + t.lag.cast("string")
        + " month(s) earlier, correlation " + t.correlation.round(2).cast("string") + " ("
        + whose(t.dataset, t.hub_name) + ")"
    )  # fmt: skip
    signal = (
        0.35 * clip((t.correlation - 0.5) / 0.5)
        + 0.30 * clip((t.exported_after.log10() - 6.0) / 3.0)
        + 0.20 * clip(t.share)
        + 0.15 * clip(t.export_growth.coalesce(1.0).log10() / 2.0)  # unknown growth earns nothing
    )
    score = clip(signal * t.control)
    return t.mutate(
        detector=ibis.literal("flows.pass_through"),
        subject_kind=ibis.literal("flow"),
        subject_id=t.dataset + ":" + t.hub + ">" + t.destination + ":pass_through:" + t.code,
        subject_name=t.hub_name + " -> " + t.destination_name + ", " + product(t.level, t.code) + " (re-export)",
        country=t.hub,
        partner=t.destination,
        hs_code=t.code,
        period=ibis.literal(f"since {p.cutoff_date.isoformat()}"),
        view=t.dataset + " (reported by " + t.hub + ")",
        approximate=ibis.literal(False),
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["value", "correlation", "lag", "months", "exported_after", "imported_after", "share",
                        "export_growth", "level"]),
            ibis.array([t.exported_after, t.correlation, t.lag.cast("float64"), t.months.cast("float64"),
                        t.exported_after, t.imported_after, t.share, t.export_growth, t.level.cast("float64")]),
        ),
        evidence=t.evidence,
    )  # fmt: skip


DETECTOR = Detector(
    name="flows.pass_through",
    run=run,
    params=Params,
    rationale="EBRD WP 276 (the Eurasian Roundabout); FinCEN/BIS alerts on transshipment hubs; CASES.md.",
)
