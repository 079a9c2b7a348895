"""Every threshold of the link graph, the 50 percent rule and the path searches, in one place
(documented in docs/graph.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class GraphParams:
    """How links are drawn between entities and how far the graph is searched."""

    max_shared_contact: int = field(
        default=4,
        metadata={
            "help": "An address or phone shared by more entities than this is a business centre or a "
            "switchboard, not a link (FinCEN: many unrelated firms register at one mass address)."
        },
    )
    min_phone_digits: int = field(default=7, metadata={"help": "Shorter phone numbers link nothing."})
    blocking_share: float = field(
        default=50.0,
        metadata={"help": "OFAC's 50 percent rule: owned this much or more in aggregate by blocked persons."},
    )
    as_of: date | None = field(
        default=None,
        metadata={"help": "Ownership counts when held on this day (default: today): begun by then and not ended; "
                  "other stakes are history, shown but not added up."},
    )  # fmt: skip
    max_layers: int = field(
        default=8,
        metadata={"help": "Most ownership layers followed from a listed owner (cycles end earlier)."},
    )
    min_path_share: float = field(
        default=0.1,
        metadata={
            "help": "Look-through: an ownership path carrying less than this percent is not followed further "
            "(an entity's owners hold 100% at most, so a path's continuations add to any one entity at most "
            "what the path carries; without a floor, paths multiply in dense registries)."
        },
    )
    max_hops: int = field(
        default=4, metadata={"help": "Most links in a path searched between two parties (`diversion path`)."}
    )
    trade_evidence: int = field(
        default=20, metadata={"help": "Declarations cited per trade link (the largest first)."}
    )
    sanction_topics: tuple[str, ...] = field(
        default=("sanction",),
        metadata={"help": "FtM topics that make a party blocked, besides an entry in `listings`."},
    )
    defence_topics: tuple[str, ...] = field(
        default=("mil",),
        metadata={"help": "FtM topics that mark a party as defence-sector (FtM: mil, military)."},
    )


DEFAULT = GraphParams()
