"""A control list of goods by HS code, loaded by the user: one row per code (format commodity_list.csv).

Sanctioned goods are not only the CHPL: EU Regulation 833/2014 annexes (the luxury goods of Annex XVIII
cover most cars), national dual-use lists, a team's own watch list. Each becomes ``commodity_lists`` rows,
beside the CHPL that ships with Diversion, and "controlled" then means "on a loaded list".

The header is ``list,hs_code,hs_version,tier,description,list_version``; ``list`` and ``hs_code`` are
required, the others optional, and no other columns are expected (a file with more is read with
``--format commodity_list.csv``; the extra columns are ignored). ``hs_code`` may be a chapter (2 digits),
heading (4), subheading (6) or national code (8-10, e.g. EU CN codes): an entry covers every code that
starts with it. ``hs_version`` is the HS edition the codes are in (``HS2022``; ``2022`` is read as that).
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Check, Staged, clean_text, quoted, stage
from diversion.ingest.tabular import RECORD
from diversion.model.hs import TOTAL

FORMAT: Final = "commodity_list.csv"
TABLES: Final = ("commodity_lists",)

COLUMNS: Final = ("list", "hs_code", "hs_version", "tier", "description", "list_version")
REQUIRED_HEADER: Final = frozenset({"list", "hs_code"})
HS_VERSION_PATTERN: Final = r"^HS(19|20)[0-9]{2}$"


def sniff(sample: Sample) -> bool:
    """A header of the documented columns only, with at least ``list`` and ``hs_code``."""
    header = {name.strip().lower() for name in sample.header}
    return header >= REQUIRED_HEADER and header <= set(COLUMNS)


def read(ctx: Context) -> list[Staged]:
    raw = ctx.csv()
    names = {name.strip().lower(): name for name in raw.columns if name != RECORD}
    fields: dict[str, ir.Value | str | None] = {c: names[c] for c in COLUMNS if c in names}
    if "hs_version" in names:
        fields["hs_version"] = hs_version_expr(raw[names["hs_version"]])
    return [stage(ctx, "commodity_lists", raw, fields, extra_checks=_checks)]


def hs_version_expr(raw: ir.Value) -> ir.StringValue:
    """An HS edition as ``HS2022``, from ``HS2022``, ``hs 2022``, ``HS-2022`` or ``2022``."""
    text = clean_text(raw).upper().re_replace(r"[ _\-]", "")
    return ibis.ifelse(text.re_search(r"^(19|20)[0-9]{2}$"), "HS" + text, text)


def _checks(rows: ir.Table) -> list[Check]:
    version = rows.hs_version
    return [
        (rows.hs_code == TOTAL, ibis.literal("not an HS code: hs_code 'TOTAL' (a list names goods)")),
        (
            version.notnull() & ~version.re_search(HS_VERSION_PATTERN),
            "not an HS edition: hs_version " + quoted(version),
        ),
    ]
