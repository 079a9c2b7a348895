"""Kazakhstan's Bureau of National Statistics: foreign trade by partner country and year, thousand USD.

The table "Main indicators of foreign trade by country" (``year, partner_ru, turnover_thousand_usd,
exports_thousand_usd, imports_thousand_usd, source_sheet``), Kazakhstan reporting, partners named in
Russian. Each export and import cell becomes one all-goods flow (hs_code "TOTAL"); turnover is their sum
and is not kept. Groupings of the table are aggregates, not countries: Всего (world), Страны СНГ (CIS),
Страны ЕАЭС (EAEU), Страны вне ЕАЭС (CIS outside the EAEU), Остальные страны мира (non-CIS), Европа,
Страны ЕС, Страны вне ЕС (European countries outside the EU). An empty cell is no value (not a record);
"-" is none (zero).
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Staged
from diversion.ingest.trade_tables import (
    AS_PUBLISHED,
    melt,
    nil_as_zero,
    period_fields,
    stage_flows,
    with_country,
    year_expr,
)
from diversion.model.hs import TOTAL

FORMAT: Final = "kz_stat.by_partner"
TABLES: Final = ("flows",)
DATASET: Final = "kz_natstat"
REPORTER: Final = "KZ"
CURRENCY: Final = "USD"
VALUE_SCALE: Final = 1000.0
"""The table is in thousand US dollars."""

MEASURES: Final = {"export": "exports_thousand_usd", "import": "imports_thousand_usd"}
"""Flow -> the column holding it."""
REQUIRED: Final = frozenset({"year", "partner_ru", *MEASURES.values()})


def sniff(sample: Sample) -> bool:
    """The converted Kazakh table: year, Russian partner name, exports and imports in thousand USD."""
    return {name.strip() for name in sample.header} >= REQUIRED


def read(ctx: Context) -> list[Staged]:
    """One all-goods flow per partner, year and direction."""
    long = melt(ctx, MEASURES, keep=["year", "partner_ru"], label="flow_label", value="value_text")
    raw_columns = ["year", "partner_ru", "flow_label", "value_text"]
    long = long.mutate(__period=year_expr(long.year))
    long = with_country(ctx, long, "__partner", [long.partner_ru])
    fields: dict[str, ir.Value | str | None] = {
        "dataset": ibis.literal(DATASET),
        "reporter": ibis.literal(REPORTER),
        "reporter_is_country": ibis.literal(True),
        "partner": long["__partner"],
        "partner_is_country": long["__partner_is_country"],
        "flow": long.flow_label,
        "hs_code": ibis.literal(TOTAL),
        "hs_version": ibis.literal(AS_PUBLISHED),
        **period_fields(long["__period"]),
        "value": nil_as_zero(long.value_text),
        "currency": ibis.literal(CURRENCY),
    }
    return [stage_flows(ctx, long, fields, scale=VALUE_SCALE, raw_columns=raw_columns)]
