"""Diversion's relations CSV: ownership, directorship, family and other links, one row each.

The header names canonical columns of ``relations`` (``relation_id,kind,subject_id,object_id`` at least;
any of ``share`` in percent, ``role, start_date, end_date, amount, currency, description, dataset``).
``subject_id`` is the owner, director, relative or payer; ``object_id`` the asset, company or payee, both
as ``party_id`` values of a registry, list or FtM file.
"""

from __future__ import annotations

from typing import Final

from diversion.ingest.context import Context, Sample
from diversion.ingest.registry_csv import canonical_fields, canonical_header, lower_case_columns
from diversion.ingest.stage import Staged, stage

FORMAT: Final = "relations.csv"
TABLES: Final = ("relations",)
REQUIRED_HEADER: Final = frozenset({"relation_id", "kind", "subject_id", "object_id"})


def sniff(sample: Sample) -> bool:
    return canonical_header(sample) >= REQUIRED_HEADER


def read(ctx: Context) -> list[Staged]:
    raw = lower_case_columns(ctx.csv())
    return [stage(ctx, "relations", raw, canonical_fields(raw, "relations"))]
