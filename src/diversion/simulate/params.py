"""Every knob of the synthetic world in one place: scales, time span, countries and their roles.

The defaults describe the world of CASES.md: origin manufacturers sell to hub traders, hubs trade with
the destination, and a small share of records (under 1%) belong to planted evasion schemes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final

ORIGINS: Final = ("CN", "DE", "NL", "FR", "IT", "PL", "FI", "LT", "KR", "TW", "JP", "US")
"""Where controlled goods are made or sold from."""
EU_ORIGINS: Final = ("DE", "NL", "FR", "IT", "PL", "FI", "LT")
HUBS: Final = ("KZ", "KG", "AM", "GE", "UZ", "AE", "TR")
"""Named transshipment hubs (FinCEN/BIS alerts, CASES.md)."""
DESTINATION: Final = "RU"
OTHERS: Final = ("IN", "BR", "VN", "TH", "MY", "GB", "EG", "RS")
"""Countries that trade with everyone and take no part in any scheme."""
EAEU: Final = ("RU", "KZ", "KG", "AM", "BY")
"""Customs union: no customs declarations on its internal borders."""
DECLARING: Final = ("RU", "KZ", "KG", "AM", "UZ", "GE")
"""Countries whose customs declarations the simulated investigator holds (leaked or purchased)."""
RU_DETAIL_ENDS: Final = date(2022, 1, 1)
"""From this month Russia publishes only its total trade, no product detail."""
CUTOFF: Final = date(2022, 2, 24)


@dataclass(frozen=True)
class Params:
    """The size of the world and how hard its schemes are to see."""

    declarations: int = field(default=10_000, metadata={"help": "Background consignment lines (about)."})
    schemes_per_type: int = field(default=1, metadata={"help": "Planted schemes of each type."})
    decoys_per_type: int = field(default=1, metadata={"help": "Innocent look-alikes of each kind."})
    reference_cases: bool = field(default=False, metadata={"help": "Add the five cases of CASES.md."})
    start: date = field(default=date(2020, 1, 1), metadata={"help": "First day of trade."})
    end: date = field(default=date(2023, 12, 31), metadata={"help": "Last day of trade."})
    declarations_per_firm: float = field(default=40.0, metadata={"help": "Mean lines per trading firm."})
    size_tail: float = field(default=1.3, metadata={"help": "Pareto shape of firm sizes (lower: heavier)."})
    name_variance: float = field(default=0.5, metadata={"help": "0: names as registered; 1: mangled."})
    chunk_rows: int = field(default=500_000, metadata={"help": "Background lines generated at a time."})
    hub_growth: float = field(
        default=0.6, metadata={"help": "Legitimate growth of hub->RU trade after 2022."}
    )
    shortage_markup: float = field(
        default=1.8, metadata={"help": "Price factor of a genuine shortage decoy."}
    )

    max_firms: int = field(default=300_000, metadata={"help": "Most background firms (bounds memory)."})

    @property
    def firms(self) -> int:
        """Background firms: one per ``declarations_per_firm`` lines, at least 300, at most ``max_firms``
        (a big dataset has more lines per firm, not endlessly more firms; the world is held in memory)."""
        return min(self.max_firms, max(300, int(self.declarations / self.declarations_per_firm)))


SCALES: Final = {
    "demo": Params(declarations=10_000, schemes_per_type=1, decoys_per_type=1, reference_cases=True),
    "small": Params(declarations=100_000, schemes_per_type=4, decoys_per_type=2),
    "medium": Params(declarations=1_000_000, schemes_per_type=10, decoys_per_type=4),
    "large": Params(declarations=10_000_000, schemes_per_type=25, decoys_per_type=8),
}
"""``small`` has 4 x 8 = 32 schemes of every type and 2 x 8 = 16 decoys (issue #4: at least 30 and 10)."""


def params_for(scale: str | None, declarations: int | None) -> Params:
    """The preset of a scale, or one sized to a number of declarations."""
    if declarations is not None:
        per_type = max(1, min(50, round(4 * (declarations / 100_000) ** 0.4)))
        return replace(
            SCALES["small"],
            declarations=declarations,
            schemes_per_type=per_type,
            decoys_per_type=max(1, per_type // 2),
        )
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: one of {', '.join(SCALES)}")
    return SCALES[scale]
