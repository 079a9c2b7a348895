"""Uzbekistan's Statistics Agency: exports or imports by partner country, one column per year, thousand USD.

The SDMX tables of stat.uz (``Code, Klassifikator, Klassifikator_ru, Klassifikator_en, 2010, ..., 2023``),
Uzbekistan reporting, all goods (hs_code "TOTAL"). The file does not say which flow it holds: the table
number does, and it is taken from the file name (``sdmx_data_1105.csv``): table 1105 is exports and 1176
imports (SOURCES.md; consistent with the figures, e.g. Russia 2022: 3.15 bn USD in 1105, 6.23 bn in 1176).
A file whose name carries neither number is refused with that explanation.

Partners are looked up by their English name, then their Russian one, never by ``Code``: the codes are
ISO numeric with 0 for "Other countries", which would clash with Comtrade's codes in the alias table (0 is
World there, 492 "Europe EU nes" where Uzbekistan means Monaco). Each non-empty year cell is one record.
"""

from __future__ import annotations

import re
from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.errors import UnreadableInput
from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Staged
from diversion.ingest.trade_tables import (
    AS_PUBLISHED,
    melt,
    nil_as_zero,
    period_fields,
    stage_flows,
    with_country,
)
from diversion.model.hs import TOTAL

FORMAT: Final = "uz_stat.sdmx"
TABLES: Final = ("flows",)
DATASET: Final = "uz_natstat"
REPORTER: Final = "UZ"
CURRENCY: Final = "USD"
VALUE_SCALE: Final = 1000.0
"""The tables are in thousand US dollars."""

TABLE_FLOWS: Final = {"1105": "export", "1176": "import"}
"""stat.uz table number -> the flow it holds."""
TABLE_NUMBER: Final = re.compile(r"(?<![0-9])(" + "|".join(TABLE_FLOWS) + r")(?![0-9])")
REQUIRED: Final = frozenset({"Code", "Klassifikator", "Klassifikator_en"})
PARTNER_COLUMNS: Final = ("Klassifikator_en", "Klassifikator_ru")
YEAR_COLUMN: Final = re.compile(r"^[0-9]{4}$")


def sniff(sample: Sample) -> bool:
    """The stat.uz SDMX header: code, classifier names and one column per year."""
    header = [name.strip() for name in sample.header]
    return set(header) >= REQUIRED and any(YEAR_COLUMN.match(name) for name in header)


def read(ctx: Context) -> list[Staged]:
    """One all-goods flow per partner and year, in the direction the table number gives."""
    found = TABLE_NUMBER.search(ctx.path.name)
    if found is None:
        raise UnreadableInput(
            str(ctx.path),
            None,
            "the stat.uz table number in the file name (1105 exports, 1176 imports)",
            ctx.path.name,
        )
    flow = TABLE_FLOWS[found.group(1)]
    header = [name.strip() for name in ctx.sample.header]
    keep = [name for name in header if not YEAR_COLUMN.match(name)]
    years = {name: name for name in header if YEAR_COLUMN.match(name)}
    long = melt(ctx, years, keep=keep, label="year", value="value_text")
    raw_columns = [*keep, "year", "value_text"]
    long = long.mutate(__period=long.year)
    long = with_country(ctx, long, "__partner", [long[c] for c in PARTNER_COLUMNS if c in keep])
    fields: dict[str, ir.Value | str | None] = {
        "dataset": ibis.literal(DATASET),
        "reporter": ibis.literal(REPORTER),
        "reporter_is_country": ibis.literal(True),
        "partner": long["__partner"],
        "partner_is_country": long["__partner_is_country"],
        "flow": ibis.literal(flow),
        "hs_code": ibis.literal(TOTAL),
        "hs_version": ibis.literal(AS_PUBLISHED),
        **period_fields(long["__period"]),
        "value": nil_as_zero(long.value_text),
        "currency": ibis.literal(CURRENCY),
    }
    return [stage_flows(ctx, long, fields, scale=VALUE_SCALE, raw_columns=raw_columns)]
