"""CEPII BACI: reconciled bilateral trade by exporter, importer, HS-6 product and year.

A BACI file (``BACI_HS17_Y2022_V202401.csv``) has the columns ``t`` (year), ``i`` (exporter), ``j``
(importer), ``k`` (HS-6 product, written as a number: 10121 is 010121), ``v`` (value, thousand US dollars,
FOB) and ``q`` (quantity, metric tons). Each row becomes one export flow reported by ``i`` towards ``j``;
BACI reconciles both sides, so there is no separate import row.

- Countries are BACI's numeric codes (Comtrade's: 251 France, 842 USA, 490 "Other Asia, nes"). When the
  release's country file (``country_codes_V*.csv``) lies in the same folder, its ISO alpha-3 code is tried
  first, the numeric code next.
- The HS edition comes from the file name (``HS17`` -> HS2017); a file named otherwise gets "as published".
- ``v`` is scaled to US dollars (x 1000); ``q`` is kept as quantity in tonnes and given as ``net_kg``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pacsv

from diversion.errors import UnreadableInput
from diversion.ingest.context import Context, Sample
from diversion.ingest.encoding import detect_encoding
from diversion.ingest.stage import Staged, clean_text
from diversion.ingest.tabular import RECORD
from diversion.ingest.trade_tables import (
    AS_PUBLISHED,
    HS_EDITIONS,
    period_fields,
    stage_flows,
    with_country,
    year_expr,
)

FORMAT: Final = "baci.csv"
TABLES: Final = ("flows",)
DATASET: Final = "baci"
CURRENCY: Final = "USD"
HEADER: Final = ("t", "i", "j", "k", "v", "q")

VALUE_SCALE: Final = 1000.0
"""BACI values are in thousand US dollars."""
KG_PER_TONNE: Final = 1000.0
QUANTITY_UNIT: Final = "t"

FILE_EDITION: Final = re.compile(r"BACI_(HS\d{2})_", re.IGNORECASE)
COUNTRY_FILES: Final = "country_codes_V*.csv"
COUNTRY_COLUMNS: Final = {"code": ("country_code",), "iso3": ("country_iso3", "iso_3digit_alpha")}
"""The country file's columns (2024 releases, then earlier ones)."""


def sniff(sample: Sample) -> bool:
    """The header is exactly BACI's six one-letter columns."""
    return tuple(name.strip().lower() for name in sample.header) == HEADER


def read(ctx: Context) -> list[Staged]:
    """BACI rows as export flows from exporter to importer."""
    raw = ctx.csv()
    raw_columns = [c for c in raw.columns if c != RECORD]
    raw = raw.mutate(__period=year_expr(raw.t))
    codes = _country_codes(ctx)
    if codes is not None:
        exporters = codes.select(__i_code=codes.code, __i_iso3=codes.iso3)
        other = codes.view()
        importers = other.select(__j_code=other.code, __j_iso3=other.iso3)
        raw = raw.left_join(exporters, raw.i.strip() == exporters.__i_code)
        raw = raw.left_join(importers, raw.j.strip() == importers.__j_code)
        reporter_candidates: list[ir.Value] = [raw.__i_iso3, raw.i]
        partner_candidates: list[ir.Value] = [raw.__j_iso3, raw.j]
    else:
        reporter_candidates, partner_candidates = [raw.i], [raw.j]
    raw = with_country(ctx, raw, "__reporter", reporter_candidates)
    raw = with_country(ctx, raw, "__partner", partner_candidates)
    edition = _edition(ctx.path)
    fields: dict[str, ir.Value | str | None] = {
        "dataset": ibis.literal(DATASET),
        "reporter": raw["__reporter"],
        "reporter_is_country": raw["__reporter_is_country"],
        "partner": raw["__partner"],
        "partner_is_country": raw["__partner_is_country"],
        "flow": ibis.literal("export"),
        "hs_code": raw.k,
        "hs_version": ibis.literal(edition),
        **period_fields(raw["__period"]),
        "value": raw.v,
        "currency": ibis.literal(CURRENCY),
        "quantity": raw.q,
        "quantity_unit": ibis.ifelse(clean_text(raw.q).isnull(), ibis.null("string"), QUANTITY_UNIT),
        "net_kg": raw.q,
    }
    return [stage_flows(ctx, raw, fields, scale=VALUE_SCALE, raw_columns=raw_columns, derive_more=_net_kg)]


def _net_kg(rows: ir.Table) -> dict[str, ir.Value]:
    return {"net_kg": rows.net_kg * KG_PER_TONNE}


def _edition(path: Path) -> str:
    """HS2017 for ``BACI_HS17_...``; "as published" when the file name does not say."""
    found = FILE_EDITION.search(path.name)
    return HS_EDITIONS.get(found.group(1).upper(), AS_PUBLISHED) if found else AS_PUBLISHED


def _country_codes(ctx: Context) -> ir.Table | None:
    """The release's country file beside the data file, as (code, iso3), or None when there is none."""
    candidates = sorted(ctx.path.parent.glob(COUNTRY_FILES))
    if not candidates:
        return None
    path = candidates[-1]  # the latest release when several lie there
    try:
        table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding=detect_encoding(path)))
    except (pa.ArrowInvalid, OSError) as exc:
        raise UnreadableInput(
            str(path), None, "BACI's country file (country_code, ..., country_iso3)", str(exc)
        ) from exc
    names = {name.strip().lower(): name for name in table.column_names}
    picked = {}
    for key, options in COUNTRY_COLUMNS.items():
        found = next((names[o] for o in options if o in names), None)
        if found is None:
            raise UnreadableInput(
                str(path), 1, f"a column {' or '.join(options)}", f"columns {table.column_names}"
            )
        picked[key] = table.column(found).cast(pa.string())
    return ctx.table(pa.table(picked), count_rows=False)
