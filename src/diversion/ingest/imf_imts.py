"""IMF International Merchandise Trade Statistics (IMTS, formerly DOTS): goods trade by partner, SDMX-CSV.

The wide SDMX-CSV export (``DATASET, SERIES_CODE, COUNTRY.ID, COUNTRY, INDICATOR.ID, COUNTERPART_COUNTRY.ID,
COUNTERPART_COUNTRY, FREQUENCY.ID, SCALE.ID, TRADE_FLOW.ID, 2016, ..., 2024``): one row per reporter,
indicator and partner, one column per period (years; "2022-M03" or "2022M03" for months). Each non-empty
cell is one all-goods flow (hs_code "TOTAL", dataset "imf_imts").

- Flow: ``TRADE_FLOW.ID`` (else the indicator's prefix) XG is exports (valued FOB), MG imports (CIF).
- Value: scaled by ``SCALE.ID`` (6 = millions); the currency is the indicator's suffix (``XG_FOB_USD``).
- Countries: the IMF's ISO alpha-3 codes, then names; its own codes for groups (G001 World, G998 EU,
  GX901 CIS, TX898 "Countries & Areas not specified" ...) are aggregates.

For Russia, whose customs stopped publishing partner detail in 2022, the 2022 on values are IMF estimates
built largely from partners' reports (mirror data).
"""

from __future__ import annotations

import re
from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Staged, clean_text
from diversion.ingest.trade_tables import (
    AS_PUBLISHED,
    melt,
    period_expr,
    period_fields,
    stage_flows,
    with_country,
)
from diversion.model.hs import TOTAL

FORMAT: Final = "imf_imts.sdmx_csv"
TABLES: Final = ("flows",)
DATASET: Final = "imf_imts"

REQUIRED: Final = frozenset({"COUNTRY.ID", "INDICATOR.ID", "COUNTERPART_COUNTRY.ID"})
PERIOD_COLUMN: Final = re.compile(r"^[0-9]{4}(-?M[0-9]{2})?$")
TRADE_FLOWS: Final = {"XG": "export", "MG": "import"}
"""IMTS trade flow codes -> canonical flow."""
DEFAULT_SCALE: Final = "0"
"""``SCALE.ID`` when absent: units."""


def sniff(sample: Sample) -> bool:
    """An IMF SDMX-CSV header with reporter, indicator, counterpart and period columns."""
    header = [name.strip() for name in sample.header]
    return set(header) >= REQUIRED and any(PERIOD_COLUMN.match(name) for name in header)


def read(ctx: Context) -> list[Staged]:
    """One all-goods flow per reporter, partner, indicator and period."""
    header = [name.strip() for name in ctx.sample.header]
    keep = [name for name in header if not PERIOD_COLUMN.match(name)]
    periods = {name: name for name in header if PERIOD_COLUMN.match(name)}
    long = melt(ctx, periods, keep=keep, label="period_label", value="value_text")
    raw_columns = [*keep, "period_label", "value_text"]

    def col(name: str) -> ir.StringValue | None:
        return long[name] if name in keep else None

    long = long.mutate(__period=period_expr(long.period_label))
    long = with_country(
        ctx, long, "__reporter", [c for c in (col("COUNTRY.ID"), col("COUNTRY")) if c is not None]
    )
    long = with_country(
        ctx,
        long,
        "__partner",
        [c for c in (col("COUNTERPART_COUNTRY.ID"), col("COUNTERPART_COUNTRY")) if c is not None],
    )
    indicator = clean_text(long["INDICATOR.ID"]).upper()
    flow_code = (
        clean_text(long["TRADE_FLOW.ID"]).upper() if "TRADE_FLOW.ID" in keep else indicator.split("_")[0]
    )
    scale = clean_text(long["SCALE.ID"]) if "SCALE.ID" in keep else ibis.literal(DEFAULT_SCALE)
    fields: dict[str, ir.Value | str | None] = {
        "dataset": ibis.literal(DATASET),
        "reporter": long["__reporter"],
        "reporter_is_country": long["__reporter_is_country"],
        "partner": long["__partner"],
        "partner_is_country": long["__partner_is_country"],
        "flow": ibis.cases(
            *[(flow_code == key, value) for key, value in TRADE_FLOWS.items()], else_=flow_code.lower()
        ),
        "hs_code": ibis.literal(TOTAL),
        "hs_version": ibis.literal(AS_PUBLISHED),
        **period_fields(long["__period"]),
        "value": long.value_text,
        "currency": indicator.re_extract(r"_([A-Z]{3})$", 1).nullif(""),
        "__scale": ibis.literal(10.0) ** scale.coalesce(DEFAULT_SCALE).try_cast("float64"),
    }
    return [stage_flows(ctx, long, fields, scale="__scale", raw_columns=raw_columns)]
