"""Diversion's registry CSV: companies and people, one row each, with the columns of the ``parties`` table.

The header names canonical columns (``party_id,kind,name`` at least; any of ``country, inn, ogrn, bin,
kg_inn, lei, vat, registration_number, address, phone, email, website, incorporation_date, birth_date,
dataset``, and ``aliases``, ``other_ids``, ``topics`` as ``;``-separated lists). Other columns are ignored.
"""

from __future__ import annotations

from typing import Final

import ibis.expr.types as ir

from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Staged, clean_text, stage
from diversion.model import schema

FORMAT: Final = "registry.csv"
TABLES: Final = ("parties",)
REQUIRED_HEADER: Final = frozenset({"party_id", "kind", "name"})
LISTS: Final = ("aliases", "other_ids", "topics")
SEPARATOR: Final = ";"


def sniff(sample: Sample) -> bool:
    return canonical_header(sample) >= REQUIRED_HEADER


def canonical_header(sample: Sample) -> set[str]:
    return {name.strip().lower() for name in sample.header}


def read(ctx: Context) -> list[Staged]:
    raw = lower_case_columns(ctx.csv())
    return [stage(ctx, "parties", raw, canonical_fields(raw, "parties"))]


def lower_case_columns(raw: ir.Table) -> ir.Table:
    """The input with its header names stripped and lower-cased (people write Party_ID)."""
    return raw.rename({name.strip().lower(): name for name in raw.columns if name.strip().lower() != name})


def canonical_fields(raw: ir.Table, table: str) -> dict[str, ir.Value | str | None]:
    """Input columns named like the canonical table's, lists split on ';'."""
    fields: dict[str, ir.Value | str | None] = {}
    for column, dtype in schema.schema(table).items():
        if column in schema.PROVENANCE or column not in raw.columns:
            continue
        if dtype.is_array():
            items = clean_text(raw[column]).split(SEPARATOR).map(lambda item: item.strip())
            fields[column] = items.filter(lambda item: item != "")
        else:
            fields[column] = column
    if "kind" in fields:
        fields["kind"] = clean_text(raw.kind).lower()
    return fields
