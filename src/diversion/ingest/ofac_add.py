"""OFAC's ADD.CSV: the addresses of the entries of the SDN list.

No header; 6 columns: ent_num, add_num, address, city_state_zip, country, add_remarks; "-0- " means empty.
Each row is one more mention of the entry, at an address, so it becomes a ``parties`` row of the same
party, ``ofac-<ent_num>``: address = street, city and country as one text, country = the country when it
names a known one (OFAC's own spellings such as "Korea, North" stay in the address text). Kind and name
come from the SDN.CSV beside the file; without it the kind is ``legal_entity`` and the name is the party id.
"""

from __future__ import annotations

from typing import Final

import ibis

from diversion.ingest.context import Context, Sample
from diversion.ingest.listtext import known_country
from diversion.ingest.ofac_sdn import LIST, NULL, read_without_marker, with_entries
from diversion.ingest.stage import Staged, clean_text, stage

FORMAT: Final = "ofac_sdn.add"
TABLES: Final = ("parties",)

COLUMNS: Final = ["ent_num", "add_num", "address", "city_state_zip", "country", "add_remarks"]


def sniff(sample: Sample) -> bool:
    """No header: the first line is an ADD entry (two integers, 6 fields, OFAC's "-0-" for empty)."""
    first = [cell.strip() for cell in sample.header]
    return len(first) == len(COLUMNS) and first[0].isdigit() and first[1].isdigit() and NULL in sample.text


def read(ctx: Context) -> list[Staged]:
    raw = with_entries(ctx, read_without_marker(ctx, COLUMNS))
    party_id = "ofac-" + clean_text(raw.ent_num)
    parts = [clean_text(raw[c]) for c in ("address", "city_state_zip", "country")]
    address = ibis.array([p.coalesce("") for p in parts]).filter(lambda p: p != "").join(", ")
    fields = {
        "party_id": party_id,
        "kind": raw.__sdn_kind.coalesce("legal_entity"),
        "name": clean_text(raw.__sdn_name).coalesce(party_id),
        "country": known_country(ibis.array([clean_text(raw.country).coalesce("")])),
        "address": ibis.ifelse(address == "", ibis.null("string"), address),
        "dataset": ibis.literal(LIST),
    }
    return [stage(ctx, "parties", raw, fields, raw_columns=COLUMNS)]
