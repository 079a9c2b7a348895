"""OFAC's ALT.CSV: the other names (a.k.a., f.k.a., n.k.a.) of the entries of the SDN list.

No header; 5 columns: ent_num, alt_num, alt_type, alt_name, alt_remarks; "-0- " means empty. Each row is
one more mention of the entry under another name, so it becomes a ``parties`` row of the same party,
``ofac-<ent_num>``: name = the other name, aliases = "First LAST" for people written "LAST, First" and the
entry's primary name. Kind and primary name come from the SDN.CSV beside the file; without it the kind is
``legal_entity`` (any party) and the primary name is left out.
"""

from __future__ import annotations

from typing import Final

import ibis

from diversion.ingest.context import Context, Sample
from diversion.ingest.ofac_sdn import EMPTY, LIST, NULL, person_alias, read_without_marker, with_entries
from diversion.ingest.stage import Staged, clean_text, stage

FORMAT: Final = "ofac_sdn.alt"
TABLES: Final = ("parties",)

COLUMNS: Final = ["ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"]
ALT_TYPES: Final = frozenset({"aka", "fka", "nka"})


def sniff(sample: Sample) -> bool:
    """No header: the first line is an ALT entry (two integers, a.k.a./f.k.a./n.k.a., 5 fields)."""
    first = [cell.strip() for cell in sample.header]
    return (
        len(first) == len(COLUMNS)
        and first[0].isdigit()
        and first[1].isdigit()
        and first[2].lower() in ALT_TYPES
        and NULL in sample.text
    )


def read(ctx: Context) -> list[Staged]:
    raw = with_entries(ctx, read_without_marker(ctx, COLUMNS))
    kind = raw.__sdn_kind.coalesce("legal_entity")
    primary = clean_text(raw.__sdn_name)
    alias = person_alias(raw.alt_name, kind)
    fields = {
        "party_id": "ofac-" + clean_text(raw.ent_num),
        "kind": kind,
        "name": "alt_name",
        "aliases": alias.concat(ibis.ifelse(primary.isnull(), EMPTY, ibis.array([primary]))),
        "dataset": ibis.literal(LIST),
    }
    return [stage(ctx, "parties", raw, fields, raw_columns=COLUMNS)]
