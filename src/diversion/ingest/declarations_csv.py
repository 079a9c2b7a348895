"""Diversion's declarations CSV: one row per consignment line, with the header documented in docs/formats.md.

Extra columns are kept (as JSON in ``extra``); optional columns may be missing. The HS code is kept as
declared (``national_code``, up to 10 digits) and as HS-6; its HS edition follows the declaration date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Check, Staged, clean_text, quoted, stage
from diversion.ingest.tabular import RECORD
from diversion.model.hs import HS2022_START, hs6_expr, normalize_hs_expr

FORMAT: Final = "declarations.csv"
TABLES: Final = ("declarations",)

COLUMNS: Final = (
    "declaration_id", "date", "declaring_country", "direction", "exporter_name", "exporter_id",
    "exporter_country", "importer_name", "importer_id", "importer_country", "origin_country",
    "dispatch_country", "destination_country", "hs_code", "description", "brand", "model", "quantity",
    "unit", "net_kg", "value", "currency", "value_usd",
)  # fmt: skip
REQUIRED_HEADER: Final = frozenset({"declaration_id", "date", "direction", "hs_code"})
"""A file is in this format when its header has these; the rest are optional."""

DIRECTIONS: Final = {
    "import": "import",
    "im": "import",
    "ИМ": "import",
    "export": "export",
    "ex": "export",
    "ЭК": "export",
    "transit": "transit",
    "тт": "transit",
}


def sniff(sample: Sample) -> bool:
    return {name.strip().lower() for name in sample.header} >= REQUIRED_HEADER


def read(ctx: Context) -> list[Staged]:
    raw = ctx.csv()
    raw = raw.rename(
        {
            name.strip().lower(): name
            for name in raw.columns
            if name != RECORD and name.strip().lower() != name
        }
    )
    present = set(raw.columns)
    fields: dict[str, ir.Value | str | None] = {c: c for c in COLUMNS if c in present}
    extra = [c for c in raw.columns if c not in COLUMNS and c != RECORD]
    fields["extra"] = ibis.struct({c: raw[c] for c in extra}).cast("json").cast("string") if extra else None
    hs_text = clean_text(raw.hs_code)
    return [stage_declarations(ctx, raw, fields, hs_text=hs_text, direction_text=raw.direction)]


def stage_declarations(
    ctx: Context,
    raw: ir.Table,
    fields: Mapping[str, ir.Value | str | None],
    *,
    hs_text: ir.StringValue,
    direction_text: ir.StringValue | None,
    raw_columns: Sequence[str] | None = None,
    extra_checks: Callable[[ir.Table], Sequence[Check]] | None = None,
) -> Staged:
    """Declaration lines staged with their goods code kept as declared (``national_code``) and as HS-6.

    Shared by every adapter that fills ``declarations``: the code is normalised once, a code that is not
    one or is shorter than six digits is quarantined, the direction words of EAEU forms (ИМ, ЭК) become
    import/export, and the HS edition follows the declaration date.

    Args:
        ctx: the ingest context.
        raw: the input relation.
        fields: canonical column -> raw column, expression or None (``hs_code``, ``direction`` set here).
        hs_text: the goods code as written (cleaned text).
        direction_text: the direction as written, or None when ``fields`` has none.
        raw_columns: the input columns that make up ``_raw`` for quarantined rows (default: all).
        extra_checks: checks of the calling format beyond these.
    """
    # The code is normalised in derive, over the cleaned column: written once, computed once.
    staged_fields = {**fields, "national_code": hs_text, "hs_code": None, "__hs_raw": hs_text}
    if direction_text is not None:
        staged_fields["direction"] = _direction(direction_text)
    return stage(
        ctx,
        "declarations",
        raw,
        staged_fields,
        derive=_derive,
        extra_checks=lambda rows: [
            (
                rows.national_code.isnull() & rows.__hs_raw.notnull(),
                "not an HS code: hs_code " + quoted(rows.__hs_raw),
            ),
            (rows.national_code.length() < 6, "hs_code shorter than 6 digits: " + quoted(rows.national_code)),
            *(extra_checks(rows) if extra_checks is not None else ()),
        ],
        raw_columns=raw_columns,
    )


def _direction(raw: ir.StringValue) -> ir.StringValue:
    text = clean_text(raw).lower()
    return text.cases(*[(key.lower(), value) for key, value in DIRECTIONS.items()], else_=text)


def _derive(rows: ir.Table) -> dict[str, ir.Value]:
    code = normalize_hs_expr(rows.national_code, cleaned=True)
    usd = ibis.ifelse(rows.value_usd.isnull() & (rows.currency.upper() == "USD"), rows.value, rows.value_usd)
    version = ibis.ifelse(rows.date >= ibis.literal(HS2022_START), "HS2022", "HS2017")
    # The declarant's own side is in the declaring country: EAEU forms leave its country blank (an import
    # declaration's consignee, an export declaration's consignor), which would keep its identifier typeless.
    home = rows.declaring_country
    return {
        "importer_country": ibis.ifelse(
            rows.importer_country.isnull() & (rows.direction == "import"), home, rows.importer_country
        ),
        "exporter_country": ibis.ifelse(
            rows.exporter_country.isnull() & (rows.direction == "export"), home, rows.exporter_country
        ),
        "national_code": code,
        "hs_code": hs6_expr(code),
        "value_usd": usd,
        "hs_version": ibis.ifelse(rows.date.isnull(), ibis.null("string"), version),
        "currency": rows.currency.upper(),
    }
