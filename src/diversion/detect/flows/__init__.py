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

MIN_SCORE = 0.3
"""Findings scoring less are kept (``findings``) but not listed: a small rise of goods on no control list
in a sparse series is what trade statistics do every year."""
STUDY_WIDE = ("flows.diversion_did",)
"""Estimates over the whole panel, not about one hub or product: left out of a list filtered by either."""


def findings(ws: Workspace, *, since: date | None = None, study_wide: bool = True) -> ir.Table:
    """Every flow detector's findings, one relation (``detect.base.FINDINGS``), computed once per
    workspace state (lists for several hubs are cut from the same findings)."""
    return ws.memo(
        ("flows.findings", since, study_wide), lambda: ws.materialize(_findings(ws, since, study_wide))
    )


def _findings(ws: Workspace, since: date | None, study_wide: bool) -> ir.Table:
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
    fold: bool = True,
    min_score: float = MIN_SCORE,
) -> list[dict[str, Any]]:
    """The flow findings an analyst should read first: best score first, one per figure; folded (the
    default), one per flow of goods (exporter, importer, product), or per product of each hub when hubs are
    given, its other findings under ``related``."""
    table = findings(ws, since=since, study_wide=not hubs and not hs_prefix)
    if hubs:
        # A hub's list holds its own reports and what its partners report about trade with it (exports to
        # the hub it never booked are about the hub).
        table = table.filter(table.country.isin(hubs) | table.partner.isin(hubs))
    if hs_prefix:
        table = table.filter(table.hs_code.startswith(hs_prefix))
    table = table.filter(table.score >= min_score)
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
    ordered = ibis.window(group_by=keys, order_by=[reconciled, table.score.desc(), table["view"]])
    table = table.mutate(
        __rank=ibis.row_number().over(ordered), other_views=table.score.count().over(group_by=keys) - 1
    )
    best = table.filter(table.__rank == 0).drop("__rank", "__figure")
    if fold:
        best = _folded(best, hubs)
    else:
        best = best.mutate(related=ibis.null("array<struct<detector: string>>"), line_score=best.score)
    best = best.order_by([ibis.desc("line_score"), ibis.desc("score"), "subject_id", "period"]).limit(limit)
    rows = fetch(best)
    return [_plain(row, rank) for rank, row in enumerate(rows, start=1)]


HEADLINE_SHARE = 0.8
"""A heading's own finding heads its line when it scores at least this share of the line's best."""


def _folded(table: ir.Table, hubs: list[str] | None) -> ir.Table:
    """One line per flow of goods (exporter, importer, HS heading), or, in a list of hubs, per heading
    through each hub (what it buys from its suppliers and sells to the destination is one story); the
    line's other findings (years, publications, subheadings, detectors) go under ``related``.

    A line is ranked by its best finding (``line_score``) and headed by the heading's own figure when that
    scores close to the best (chips, 8542, x73, rather than the first exports of one kind of chip).
    """
    table = table.drop("related")  # the entities a finding names: a flow line's are its other findings
    flow = table.subject_id.re_extract(r"^[^:]*:[^:]*:([^:]*):", 1)
    reversed_ = flow.isin(["import", "re-import"])  # the reporter received the goods
    # The two countries as the subject names them ("baci:PL>KZ:export:853224"): a mirror finding's
    # ``country`` is the hub it is about, but its subject reads exporter>importer like an export's.
    first = table.subject_id.re_extract(r"^[^:]*:([^>:]*)>", 1)
    second = table.subject_id.re_extract(r"^[^:]*:[^>:]*>([^:]*):", 1)
    if hubs:
        table = table.mutate(
            __exporter=ibis.ifelse(table.country.isin(hubs), table.country, table.partner),
            __importer=ibis.literal(""),
        )
    else:
        table = table.mutate(
            __exporter=ibis.ifelse(reversed_, second, first),
            __importer=ibis.ifelse(reversed_, first, second),
        )
    table = table.mutate(
        __goods=ibis.ifelse(table.hs_code.length() >= 4, table.hs_code.substr(0, 4), table.hs_code)
    )
    cell = ["__exporter", "__importer", "__goods"]
    table = table.mutate(line_score=table.score.max().over(group_by=cell))
    headline = (table.hs_code.length() == 4) & (table.score >= HEADLINE_SHARE * table.line_score)
    order = ibis.window(
        group_by=cell,
        order_by=[headline.desc(), table.score.desc(), table.detector, table.period, table["view"]],
    )
    table = table.mutate(__in_cell=ibis.row_number().over(order))
    others = table.filter(table.__in_cell > 0)
    related = others.group_by(cell).aggregate(
        related=ibis.struct(
            {
                "detector": others.detector,
                "country": others.country,
                "partner": others.partner,
                "hs_code": others.hs_code,
                "period": others.period,
                "view": others["view"],
                "score": others.score,
                "explanation": others.explanation,
                "evidence": others.evidence,
            }
        ).collect()
    )
    best = table.filter(table.__in_cell == 0).left_join(related, cell)
    return best.drop(*[c for c in best.columns if c.startswith("__") or c.endswith("_right")])


def _plain(row: dict[str, Any], rank: int) -> dict[str, Any]:
    metrics = row.pop("metrics")
    related = sorted(row.pop("related") or [], key=lambda r: (-r["score"], r["detector"], r["period"]))
    return {
        "rank": rank,
        **row,
        "score": round(float(row["score"]), 4),
        "line_score": round(float(row["line_score"]), 4),
        "metrics": metrics,
        "other_views": int(row["other_views"]),
        "related": [{**r, "score": round(float(r["score"]), 4)} for r in related],
    }
