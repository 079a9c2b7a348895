"""Every threshold and weight of entity resolution and screening, in one place (documented in docs/resolve.md)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ResolveParams:
    """How party records are blocked, compared and joined into entities."""

    max_block: int = field(
        default=60,
        metadata={"help": "A word shared by more records than this is too common to propose pairs."},
    )
    max_pair_block: int = field(
        default=20, metadata={"help": "The same for two words of a name taken together."}
    )
    prefix_length: int = field(
        default=4, metadata={"help": "Words this long or longer also block by their first letters (typos)."}
    )
    token_match: float = field(
        default=0.8, metadata={"help": "Two words agree when 1 - edits/length is at least this."}
    )
    short_token: int = field(default=4, metadata={"help": "Words shorter than this must agree exactly."})
    abbreviation_match: float = field(
        default=0.85, metadata={"help": "How far a firm's word agrees with a longer word it begins (Elec.)."}
    )
    unmatched_weight: float = field(
        default=1.5, metadata={"help": "How much more a word only one name has weighs than a shared one."}
    )
    country_penalty: float = field(
        default=0.25, metadata={"help": "Subtracted when both records name different countries."}
    )
    legal_form_penalty: float = field(
        default=0.25, metadata={"help": "Subtracted when both name legal forms of different classes."}
    )
    extra_word_penalty: float = field(
        default=0.15,
        metadata={
            "help": "Subtracted from firms when each name has a word the other lacks (people: capped)."
        },
    )
    date_penalty: float = field(
        default=0.1, metadata={"help": "Subtracted when both give different incorporation dates."}
    )
    contact_bonus: float = field(
        default=0.05, metadata={"help": "Added when both give the same phone (never enough alone)."}
    )
    conflict_cap: float = field(
        default=0.3,
        metadata={"help": "Highest score when identifiers, patronymics or birth dates contradict."},
    )
    common_name_uses: int = field(
        default=8, metadata={"help": "A person's name borne by more records than this is common."}
    )
    common_name_cap: float = field(
        default=0.75,
        metadata={"help": "Highest score of two people sharing only a common name (no id, no birth date)."},
    )
    match_threshold: float = field(
        default=0.8, metadata={"help": "Pairs at or above this score are the same entity."}
    )


DEFAULT = ResolveParams()

NO_LIMIT = 2**62
"""For ``common_name_uses`` where names are not a population (chosen pairs) or recall comes first
(screening: every namesake on a list is a candidate to look at)."""
