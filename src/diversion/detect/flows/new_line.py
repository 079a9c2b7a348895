"""flows.new_line: a hub starts trading a product with the destination that it never traded before.

Red flag: CASES.md (rifle scopes had never been exported from Kyrgyzstan to Russia before 2022);
FinCEN/BIS alert of May 2023 ("no previous history of exporting such items"). A series counts as new when
the office recorded nothing for it in any year before the cut-off's year (or less than ``max_before``)
and at least ``min_value`` in a year after, in a file that also covers the years before (an extract that
starts in 2022 cannot say that nothing came before).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, clip, conform
from diversion.detect.flows.common import (
    KEY,
    FlowParams,
    controlled,
    controls,
    country_names,
    named,
    product,
    series_subject,
    whose,
)
from diversion.detect.flows.series import numbered, targets, with_evidence, yearly
from diversion.model.words import money
from diversion.store import Workspace


@dataclass(frozen=True)
class Params(FlowParams):
    min_value: float = field(default=50_000.0, metadata={"help": "Least value in a year after the cut-off."})
    max_before: float = field(
        default=1.0, metadata={"help": "Most value in any year before: below is nothing."}
    )
    history_years: int = field(
        default=5, metadata={"help": "Years before the cut-off searched for a record."}
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    """Series with no record before the cut-off and a substantial one after, towards the destination."""
    series = yearly(ws, p)
    first_after = p.cutoff_date.year
    history = series.filter((series.year < first_after) & (series.year >= first_after - p.history_years))
    earlier = history.group_by(list(KEY)).aggregate(before=history.value.max())
    span = history.aggregate(first_year=history.year.min())
    after = series.filter(
        (series.year >= first_after)
        & (series.value >= p.min_value)
        & (series.partner == p.destination)
        & series.history_known
    )
    joined = after.left_join(earlier, list(KEY))
    joined = joined.select(*after.columns, "before").cross_join(span)
    joined = joined.filter(joined.before.isnull() | (joined.before < p.max_before))
    # A subheading new within a heading that was traded before is a shift between goods, not a new line,
    # unless it is itself on a control list (the first listed chips among long-traded computer parts).
    headings = earlier.filter((earlier.level == 4) & (earlier.before >= p.max_before)).select(
        *[c for c in KEY if c not in ("level", "code")],
        heading=earlier.code,
        heading_traded=ibis.literal(True),
    )
    joined = joined.mutate(
        heading=ibis.ifelse(joined.level == 6, joined.code.substr(0, 4), ibis.null("string"))
    )
    columns = joined.columns
    joined = joined.left_join(headings, [c for c in KEY if c not in ("level", "code")] + ["heading"])
    joined = controlled(joined.select(*columns, "heading_traded"), controls(ws, p), p)
    joined = joined.filter(joined.heading_traded.isnull() | (joined.control >= 1.0))
    found = numbered(ws, joined)
    return conform(_described(ws, with_evidence(ws, found, targets(found, found.year, found.year)), p))


def _described(ws: Workspace, t: ir.Table, p: Params) -> ir.Table:
    names = country_names(ws)
    t = named(named(t, names, "reporter", "reporter_name"), names, "partner", "partner_name")
    exports = t.flow.isin(["export", "re-export"])
    explanation = (
        t.reporter_name + "'s first " + t.flow + "s of " + product(t.level, t.code)
        + ibis.ifelse(exports, " to ", " from ") + t.partner_name + ": " + money(t.value, t.currency)
        + " in " + t.year.cast("string") + ", none recorded " + t.first_year.cast("string") + "-"
        + (p.cutoff_date.year - 1).__str__() + " (" + whose(t.dataset, t.reporter_name) + ")"
    )  # fmt: skip
    signal = 0.8 * clip((ibis.greatest(t.value, 1.0).log10() - 4.0) / 4.0) + 0.2 * (t.level >= 4).cast(
        "float64"
    )  # from 10k to 100M; a product, not a chapter
    score = clip(signal * t.control * ibis.ifelse(exports, 1.0, p.other_direction))
    return t.mutate(
        **series_subject(t, "flows.new_line"),
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["value", "before", "months", "level"]),
            ibis.array([t.value, t.before.coalesce(0.0), t.months.cast("float64"), t.level.cast("float64")]),
        ),
        evidence=t.evidence,
    )


DETECTOR = Detector(
    name="flows.new_line",
    run=run,
    params=Params,
    rationale="FinCEN/BIS alert May 2023 (no history of such exports); CASES.md (Kyrgyz rifle scopes).",
)
