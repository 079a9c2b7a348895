"""flows.diversion_did: the difference-in-differences estimate of the EBRD "Eurasian Roundabout" paper.

Method: EBRD working paper 276 (Chupilkin, Javorcik, Plekhanov, 2023): exports of sanctioned (here:
controlled) products versus other products, to the hubs versus other partners, before versus after the
cut-off, with fixed effects. The estimating equation, on the exporters' own reports at six digits:

    log(value[r, j, p, t]) = a[r, j, p] + g[t] + b1 Hub[j] Post[t] + b2 Controlled[p] Post[t]
                             + b3 Controlled[p] Hub[j] Post[t] + e

with a fixed effect for every exporter-partner-product series and every year (whole years: annual figures
and monthly series published all twelve months), estimated by alternating
projections (the fixed effects swept out in turns until they settle) and OLS on what remains; standard
errors are clustered by series. ``b3`` is the roundabout: how much more controlled goods to the hubs rose
than the other differences explain (exp(b3) - 1 as a percentage). The same is estimated with the
destination as the treated partner (the paper's "fell about 80% more").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from diversion.detect.base import FINDINGS, Detector, conform
from diversion.detect.flows.common import FlowParams, controls
from diversion.detect.flows.series import series
from diversion.store import Workspace

REGRESSORS = ("hub_post", "controlled_post", "roundabout")


@dataclass(frozen=True)
class Params(FlowParams):
    hubs: tuple[str, ...] = field(default=("AM", "KZ", "KG"), metadata={"help": "Treated partners."})
    sweeps: int = field(default=12, metadata={"help": "Rounds of alternating projections."})
    min_observations: int = field(default=50, metadata={"help": "Fewer: no estimate."})


def _panel(ws: Workspace, p: Params, treated: tuple[str, ...]) -> ir.Table:
    every = series(ws)
    # Whole years only: annual figures, and monthly series published all twelve months.
    rows = every.filter(
        (every.level == 6) & (every.flow == "export") & (every.code != "TOTAL")
        & ((every.frequency == "annual") | (every.months == 12)) & (every.value > 0)
    )  # fmt: skip
    countries = ws.table("flows").select("partner", "partner_is_country").distinct()
    panel = rows.semi_join(countries.filter(countries.partner_is_country), "partner")
    post = panel.year >= p.cutoff_date.year  # the cut-off's year counts as after (as in flows.surge)
    hub = panel.partner.isin(list(treated))
    weights = controls(ws, p)
    listed = weights.filter((weights.control_level == 6) & (weights.control >= 1.0)).control_code
    controlled = panel.code.isin(listed)
    return panel.mutate(
        unit=panel.dataset
        + ":"
        + panel.frequency
        + ":"
        + panel.reporter
        + ">"
        + panel.partner
        + ":"
        + panel.code,
        time=panel.dataset + ":" + panel.frequency + ":" + panel.year.cast("string"),
        y=panel.value.ln(),
        hub_post=(hub & post).cast("float64"),
        controlled_post=(controlled & post).cast("float64"),
        roundabout=(controlled & hub & post).cast("float64"),
    ).select("unit", "time", "y", *REGRESSORS)


def _sweep(ws: Workspace, panel: ir.Table, columns: list[str], sweeps: int) -> ir.Table:
    """Remove the series and period means from each column, in turns (alternating projections).

    Each round is computed into a table of its own: nested, the expressions would double in size at
    every step (each column is used twice in the next).
    """
    current = panel
    for _ in range(sweeps):
        for key in ("unit", "time"):
            window = ibis.window(group_by=current[key])
            following = ws.materialize(
                current.mutate(**{c: current[c] - current[c].mean().over(window) for c in columns})
            )
            if current is not panel:
                ws.drop_temp(current)
            current = following
    return current


def estimate(ws: Workspace, p: Params, treated: tuple[str, ...]) -> dict[str, float] | None:
    """b1, b2, b3 with clustered standard errors, or None when the panel is too small."""
    panel = ws.materialize(_panel(ws, p, treated))
    columns = ["y", *REGRESSORS]
    swept = _sweep(ws, panel, columns, p.sweeps)
    sums = swept.aggregate(
        n=swept.count(),
        clusters=swept.unit.nunique(),
        **{f"xx_{a}_{b}": (swept[a] * swept[b]).sum() for a in REGRESSORS for b in REGRESSORS},
        **{f"xy_{a}": (swept[a] * swept.y).sum() for a in REGRESSORS},
    ).execute()
    n, clusters = int(sums.n.iloc[0]), int(sums.clusters.iloc[0])
    if n < p.min_observations:
        return None
    xx = np.array([[float(sums[f"xx_{a}_{b}"].iloc[0]) for b in REGRESSORS] for a in REGRESSORS])
    xy = np.array([float(sums[f"xy_{a}"].iloc[0]) for a in REGRESSORS])
    if abs(np.linalg.det(xx)) < 1e-12:
        return None  # a regressor does not vary once the fixed effects are out (no treated cells)
    beta = np.linalg.solve(xx, xy)
    residual = swept.y - sum(float(b) * swept[a] for a, b in zip(REGRESSORS, beta, strict=True))
    scores = (
        swept.mutate(e=residual)
        .group_by("unit")
        .aggregate(**{f"s_{a}": (swept[a] * residual).sum() for a in REGRESSORS})
    )
    meat_sums = scores.aggregate(
        **{f"m_{a}_{b}": (scores[f"s_{a}"] * scores[f"s_{b}"]).sum() for a in REGRESSORS for b in REGRESSORS}
    ).execute()
    meat = np.array([[float(meat_sums[f"m_{a}_{b}"].iloc[0]) for b in REGRESSORS] for a in REGRESSORS])
    bread = np.linalg.inv(xx)
    correction = clusters / max(clusters - 1, 1)
    covariance = correction * bread @ meat @ bread
    ws.drop_temp(swept)
    ws.drop_temp(panel)
    result: dict[str, float] = {"observations": float(n), "clusters": float(clusters)}
    for k, name in enumerate(REGRESSORS):
        result[name] = float(beta[k])
        result[f"{name}_se"] = float(math.sqrt(max(covariance[k, k], 0.0)))
    return result


def run(ws: Workspace, p: Params) -> ir.Table:
    """One finding for the hubs and one for the destination: the estimate, its standard error, the method."""
    rows = []
    for label, treated in (("hubs", p.hubs), ("destination", (p.destination,))):
        found = estimate(ws, p, treated)
        if found is None:
            continue
        b3, se = found["roundabout"], found["roundabout_se"]
        percent = (math.exp(b3) - 1) * 100
        names = ", ".join(treated)
        explanation = (
            f"Exports of controlled goods to {names} {'rose' if b3 >= 0 else 'fell'} {abs(percent):.0f}% "
            "more than other goods and other partners after "
            f"{p.cutoff_date.isoformat()} (difference-in-differences b3 = {b3:.3f}, s.e. {se:.3f}; "
            f"fixed effects for every exporter-partner-product and period, clustered by series; "
            f"{int(found['observations']):,} observations, {int(found['clusters']):,} series)"
        )
        t_stat = abs(b3) / se if se > 0 else 0.0
        rows.append(
            {
                "detector": "flows.diversion_did",
                "subject_kind": "flow",
                "subject_id": f"did:{label}:{'+'.join(treated)}",
                "subject_name": f"controlled goods to {names} (difference-in-differences)",
                "country": treated[0] if len(treated) == 1 else "+".join(treated),
                "partner": "+".join(treated),
                "hs_code": "CHPL",
                "period": f"since {p.cutoff_date.isoformat()}",
                "view": "exporters' own reports, six digits",
                "approximate": False,
                "score": min(1.0, t_stat / 5.0) * (1.0 if label == "hubs" else 0.8),
                "explanation": explanation,
                "metrics": [*found.items(), ("percent", percent)],
                "evidence": [],
            }
        )
    table = pa.Table.from_pylist(rows, schema=FINDINGS.to_pyarrow())
    return conform(ws.stage_arrow(table))


DETECTOR = Detector(
    name="flows.diversion_did",
    run=run,
    params=Params,
    rationale="EBRD working paper 276, The Eurasian Roundabout (2023): difference-in-differences with fixed effects.",
)
