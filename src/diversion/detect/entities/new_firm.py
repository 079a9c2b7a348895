"""entities.new_firm: a firm incorporated in a diversion country after the cut-off, trading controlled goods.

Red flag: FinCEN/BIS alert of May 2023 and the Five Eyes guidance of Sep 2023 ("company incorporated after
24 February 2022 in a diversion country"); CASES.md (Aspan Arba, registered in April 2022; the son's Kazakh
firm founded shortly after the invasion). The incorporation date is the earliest any of the entity's
records states; the trade is every declaration line naming it, either way, in controlled goods. A new firm
trading only goods on no list is no finding (a new food exporter is what a growing economy makes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, clip, conform
from diversion.detect.entities.common import (
    EntityParams,
    declared_trade,
    finding,
    incorporated,
    names,
    subject,
)
from diversion.model.words import money
from diversion.store import Workspace


@dataclass(frozen=True)
class Params(EntityParams):
    min_value: float = field(default=10_000.0, metadata={"help": "Least controlled trade, USD, to flag."})
    max_age_days: int = field(
        default=730, metadata={"help": "Incorporated at most this many days after the cut-off."}
    )


def controlled_trade(ws: Workspace, p: EntityParams) -> ir.Table:
    """entity_id, value, to_destination, codes, lines, evidence: each entity's controlled declaration lines
    after the cut-off, as exporter or importer (the largest ``trade_evidence`` lines cited)."""
    trade = declared_trade(ws)
    trade = trade.filter(trade.controlled & (trade.date >= p.cutoff_date))
    sides = [
        trade.select(
            entity_id=trade[f"{side}_entity"],
            value=trade.value_usd,
            to_destination=(trade.importer_country == p.destination) & (side == "exporter"),
            hs_code=trade.hs_code,
            source=trade.source,
            record=trade.record,
        )
        for side in ("exporter", "importer")
    ]
    both = ibis.union(*sides)
    both = both.filter(both.entity_id.notnull())
    largest = ibis.row_number().over(group_by=both.entity_id, order_by=[both.value.desc(), both.record])
    both = both.mutate(__rank=largest)
    return both.group_by("entity_id").aggregate(
        value=both.value.sum(),
        to_destination=both.value.sum(where=both.to_destination).fill_null(0.0),
        codes=both.hs_code.collect(distinct=True),
        lines=both.count(),
        evidence=ibis.struct({"source": both.source, "record": both.record}).collect(where=both.__rank < 20),
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    founded = incorporated(ws)
    founded = founded.filter(
        (founded.incorporation_date > p.cutoff_date)
        & (founded.incorporation_date.delta(ibis.literal(p.cutoff_date), unit="day") <= p.max_age_days)
    )
    found = founded.join(controlled_trade(ws, p), "entity_id")
    found = found.filter(found.value >= p.min_value)
    found = subject(found, found.entity_id, names(ws))
    found = found.filter(found.country.isin(list(p.hubs)))
    days = found.incorporation_date.delta(ibis.literal(p.cutoff_date), unit="day")
    size = clip((found.value.log10() - 4.0) / 3.0)  # $10k .. $10M
    score = clip(0.45 + 0.3 * size + 0.15 * (found.to_destination > 0).cast("float64"))
    onward = ibis.ifelse(
        found.to_destination > 0,
        ", " + money(found.to_destination, ibis.literal("USD")) + " of it exported to " + p.destination,
        "",
    )
    explanation = (
        found.subject_name + " was incorporated on " + found.incorporation_date.cast("string") + " ("
        + days.cast("string") + " days after the cut-off) and has since traded "
        + money(found.value, ibis.literal("USD")) + " of controlled goods (HS " + found.codes.sort().join(", ")
        + ")" + onward
    )  # fmt: skip
    own = ibis.array([ibis.struct({"source": found.source, "record": found.record})])
    out = finding(
        found,
        "entities.new_firm",
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["days_after_cutoff", "controlled_value", "to_destination", "lines"]),
            ibis.array(
                [days.cast("float64"), found.value, found.to_destination, found.lines.cast("float64")]
            ),
        ),
        evidence=own.concat(found.evidence),
    )
    return conform(out)


DETECTOR = Detector(
    name="entities.new_firm",
    run=run,
    params=Params,
    rationale="FinCEN/BIS alert May 2023; Five Eyes guidance Sep 2023 (incorporated after 24 Feb 2022).",
)
