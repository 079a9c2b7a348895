"""entities.first_controlled_trade: a hub firm that traded before the cut-off, none of it in controlled
goods, and then a substantial trade in them after.

Red flag: FinCEN/BIS alert of May 2023 and the Five Eyes guidance of Sep 2023 ("no imports, or no
high-priority imports, before 24 Feb 2022 and a spike after"; "goods outside its line of business"). The
firm must show trade before the cut-off in the declarations held (otherwise nothing can be said about what
it did before: a firm founded after is ``entities.new_firm``'s), no controlled line before, and at least
``min_value`` of controlled goods after.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, clip, conform
from diversion.detect.entities.common import EntityParams, declared_trade, finding, names, subject
from diversion.detect.entities.new_firm import controlled_trade
from diversion.model.words import money
from diversion.store import Workspace


@dataclass(frozen=True)
class Params(EntityParams):
    min_value: float = field(default=50_000.0, metadata={"help": "Least controlled trade after, USD."})
    min_lines_before: int = field(
        default=3, metadata={"help": "Least declaration lines before the cut-off to know the firm's trade."}
    )


def history(ws: Workspace, p: EntityParams) -> ir.Table:
    """entity_id, lines_before, value_before, controlled_before: each entity's trade before the cut-off."""
    trade = declared_trade(ws)
    before = trade.filter(trade.date < p.cutoff_date)
    sides = [
        before.select(
            entity_id=before[f"{side}_entity"], value=before.value_usd, controlled=before.controlled
        )
        for side in ("exporter", "importer")
    ]
    both = ibis.union(*sides)
    both = both.filter(both.entity_id.notnull())
    return both.group_by("entity_id").aggregate(
        lines_before=both.count(),
        value_before=both.value.sum(),
        controlled_before=both.controlled.cast("int64").sum(),
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    past = history(ws, p)
    past = past.filter((past.lines_before >= p.min_lines_before) & (past.controlled_before == 0))
    found = past.join(controlled_trade(ws, p), "entity_id")
    found = found.filter(found.value >= p.min_value)
    found = subject(found, found.entity_id, names(ws))
    found = found.filter(found.country.isin(list(p.hubs)))
    size = clip((found.value.log10() - 4.0) / 3.0)
    share = found.value / (found.value + found.value_before.fill_null(0.0))
    score = clip(0.35 + 0.3 * size + 0.15 * share + 0.1 * (found.to_destination > 0).cast("float64"))
    explanation = (
        found.subject_name + " traded " + money(found.value_before, ibis.literal("USD")) + " in "
        + found.lines_before.cast("string") + " declaration lines before the cut-off, none of it controlled, "
        + "then " + money(found.value, ibis.literal("USD")) + " of controlled goods after (HS "
        + found.codes.sort().join(", ") + ")"
        + ibis.ifelse(found.to_destination > 0, ", " + money(found.to_destination, ibis.literal("USD"))
                      + " of it to " + p.destination, "")
    )  # fmt: skip
    out = finding(
        found,
        "entities.first_controlled_trade",
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["value_before", "lines_before", "controlled_value", "to_destination"]),
            ibis.array(
                [found.value_before, found.lines_before.cast("float64"), found.value, found.to_destination]
            ),
        ),
        evidence=found.evidence,
    )
    return conform(out)


DETECTOR = Detector(
    name="entities.first_controlled_trade",
    run=run,
    params=Params,
    rationale="FinCEN/BIS alert May 2023; Five Eyes guidance Sep 2023 (no high-priority imports before, a spike after).",
)
