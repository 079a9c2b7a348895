"""Flow detectors: diversion seen in trade statistics (the ``flows`` table), and their ranked list.

The same figure often reaches us from two publications (Comtrade and BACI, an office's annual and monthly
tables): the ranked list keeps the best-scoring one and says how many others agree.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from diversion.detect.base import fetch
from diversion.store import Workspace

STUDY_WIDE = ("flows.diversion_did",)
"""Estimates over the whole panel, not about one hub or product: left out of a list filtered by either."""


def findings(ws: Workspace, *, since: date | None = None, study_wide: bool = True) -> ir.Table:
    """Every flow detector's findings, one relation (``detect.base.FINDINGS``)."""
    from diversion.detect import DETECTORS

    parts = []
    for detector in DETECTORS:
        if not detector.name.startswith("flows.") or (detector.name in STUDY_WIDE and not study_wide):
            continue
        params = detector.defaults()
        if since is not None:
            params = type(params)(**{**params.__dict__, "cutoff_date": since})
        parts.append(detector.run(ws, params))
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def ranked(
    ws: Workspace,
    *,
    hubs: list[str] | None = None,
    hs_prefix: str | None = None,
    since: date | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """The flow findings an analyst should read first: best score first, one per figure."""
    table = findings(ws, since=since, study_wide=not hubs and not hs_prefix)
    if hubs:
        table = table.filter(table.country.isin(hubs))
    if hs_prefix:
        table = table.filter(table.hs_code.startswith(hs_prefix))
    # A chapter rolled up from one heading is the same figure as the heading: keep the most specific code.
    table = table.mutate(__flow=table.subject_id.re_extract(r"^[^:]*:[^:]*:([^:]*):", 1),
                         __value=table.metrics["value"].round(0))  # fmt: skip
    same_rows = [
        table.detector,
        table["view"],
        table.country,
        table.partner,
        table.__flow,
        table.period,
        table.__value,
    ]
    specific = ibis.window(group_by=same_rows, order_by=[table.hs_code.length().desc(), table.hs_code])
    table = table.mutate(__specific=ibis.row_number().over(specific))
    table = table.filter(table.__specific == 0).drop("__specific", "__flow", "__value")
    table = table.mutate(__figure=table.subject_id.re_extract(r"^[^:]*:(.*)$", 1))  # without its publication
    keys = [table.detector, table.__figure, table.period]
    # A reporter's own statistics come before a reconciled compilation of the same figure.
    reconciled = table["view"].startswith("baci")
    ordered = ibis.window(group_by=keys, order_by=[table.score.desc(), reconciled, table["view"]])
    table = table.mutate(
        __rank=ibis.row_number().over(ordered), __views=table.score.count().over(group_by=keys)
    )
    best = table.filter(table.__rank == 0).order_by([ibis.desc("score"), "subject_id", "period"]).limit(limit)
    rows = fetch(best)
    return [_plain(row, rank) for rank, row in enumerate(rows, start=1)]


def _plain(row: dict[str, Any], rank: int) -> dict[str, Any]:
    metrics = row.pop("metrics")
    views = int(row.pop("__views"))
    row.pop("__rank")
    row.pop("__figure")
    return {
        "rank": rank,
        **row,
        "score": round(float(row["score"]), 4),
        "metrics": metrics,
        "other_views": views - 1,
    }
