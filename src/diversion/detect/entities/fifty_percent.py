"""entities.fifty_percent: owned 50 percent or more, in aggregate, by listed parties (OFAC's 50 percent rule).

Red flag: OFAC Revised Guidance of 13 Aug 2014 and FAQ 401 (see ``graph/ownership.py`` for the rule and
how it is computed). Flags every entity that is not itself listed and is *blocked* under the rule (score
``blocked_score``), *undetermined* (listed owners hold shares the sources do not give, and the known shares
stay under 50%: ``undetermined_score``), or whose look-through share reaches 50% without the rule applying
(stakes through entities that are not blocked: OFAC urges caution, FAQ 398; ``caution_score``). The
explanation is the holdings that make up the figure, each with the chain of ownership that blocks its
holder; the evidence is the ownership records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from diversion.detect.base import Detector, conform
from diversion.detect.entities.common import GRAPH, EntityParams, finding, names, subject
from diversion.graph import aggregate_ownership
from diversion.graph.ownership import percent
from diversion.store import Workspace


@dataclass(frozen=True)
class Params(EntityParams):
    blocked_score: float = field(default=0.9, metadata={"help": "Score of an entity blocked by the rule."})
    undetermined_score: float = field(
        default=0.5, metadata={"help": "Score when missing percentages leave the rule undecided."}
    )
    caution_score: float = field(
        default=0.45, metadata={"help": "Score of a look-through share >= 50% the rule does not count."}
    )


def run(ws: Workspace, p: Params) -> ir.Table:
    owned = aggregate_ownership(ws, GRAPH)
    caution = (owned.status == "below") & (owned.look_through_share >= GRAPH.blocking_share)
    found = owned.filter(owned.status.isin(["blocked", "undetermined"]) | caution)
    found = subject(found, found.entity_id, names(ws))
    figure = percent(found.blocked_share)
    explanation = found.status.cases(
        ("blocked", found.subject_name + " is owned " + figure + " by listed parties under OFAC's 50% rule: "
         + found.holdings),
        ("undetermined", found.subject_name + " is owned by listed parties in shares the sources do not all give "
         + "(" + found.unknown_shares.cast("string") + " unknown; " + figure + " known): " + found.holdings),
        else_=found.subject_name + " is " + percent(found.look_through_share)
        + " owned by listed parties through firms that are not blocked themselves (not blocked under OFAC's "
        + "50% rule, which counts only blocked owners' stakes; OFAC urges caution): " + found.holdings,
    )  # fmt: skip
    score = found.status.cases(
        ("blocked", p.blocked_score), ("undetermined", p.undetermined_score), else_=p.caution_score
    )
    out = finding(
        found,
        "entities.fifty_percent",
        score=score,
        explanation=explanation,
        metrics=ibis.map(
            ibis.array(["blocked_share", "look_through_share", "unknown_shares", "blocked_owners"]),
            ibis.array([
                found.blocked_share, found.look_through_share, found.unknown_shares.cast("float64"),
                found.blocked_owners.cast("float64"),
            ]),
        ),
        evidence=found.evidence,
    )  # fmt: skip
    return conform(out)


DETECTOR = Detector(
    name="entities.fifty_percent",
    run=run,
    params=Params,
    rationale="OFAC 50 percent rule (Revised Guidance 13 Aug 2014; FAQ 398, 401).",
)
