"""Kyrgyzstan's National Statistical Committee: exports and imports by partner country and year, thousand USD.

Tables 4.03.00.18 (exports) and 4.03.00.20 (imports), converted to long form: ``partner_en, partner_ru,
partner_ky, flow, year, value_thousand_usd``; Kyrgyzstan reporting, all goods (hs_code "TOTAL"). The
partner is looked up by its Russian name, then its English and Kyrgyz ones. Groupings (Total / Всего,
CIS, EAEU, SCO, the EU, "Undefined country") are aggregates. A year with a footnote mark ("2023 1",
preliminary) is that year; "-" is none (zero); a cell holding a spreadsheet formula ("=AF38+AF66") was
never computed and is quarantined.
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Staged
from diversion.ingest.tabular import RECORD
from diversion.ingest.trade_tables import (
    AS_PUBLISHED,
    flow_expr,
    nil_as_zero,
    period_fields,
    stage_flows,
    with_country,
    year_expr,
)
from diversion.model.hs import TOTAL

FORMAT: Final = "kg_stat.by_partner"
TABLES: Final = ("flows",)
DATASET: Final = "kg_natstat"
REPORTER: Final = "KG"
CURRENCY: Final = "USD"
VALUE_SCALE: Final = 1000.0
"""The tables are in thousand US dollars."""

REQUIRED: Final = frozenset({"partner_ru", "flow", "year", "value_thousand_usd"})
PARTNER_COLUMNS: Final = ("partner_ru", "partner_en", "partner_ky")
"""Looked up in this order: the alias table knows Russian names best."""


def sniff(sample: Sample) -> bool:
    """The converted Kyrgyz table: partner names, flow, year and value in thousand USD."""
    return {name.strip() for name in sample.header} >= REQUIRED


def read(ctx: Context) -> list[Staged]:
    """One all-goods flow per row."""
    raw = ctx.csv()
    raw_columns = [c for c in raw.columns if c != RECORD]
    raw = raw.mutate(__period=year_expr(raw.year))
    raw = with_country(ctx, raw, "__partner", [raw[c] for c in PARTNER_COLUMNS if c in raw.columns])
    fields: dict[str, ir.Value | str | None] = {
        "dataset": ibis.literal(DATASET),
        "reporter": ibis.literal(REPORTER),
        "reporter_is_country": ibis.literal(True),
        "partner": raw["__partner"],
        "partner_is_country": raw["__partner_is_country"],
        "flow": flow_expr(raw.flow),
        "hs_code": ibis.literal(TOTAL),
        "hs_version": ibis.literal(AS_PUBLISHED),
        **period_fields(raw["__period"]),
        "value": nil_as_zero(raw.value_thousand_usd),
        "currency": ibis.literal(CURRENCY),
    }
    return [stage_flows(ctx, raw, fields, scale=VALUE_SCALE, raw_columns=raw_columns)]
