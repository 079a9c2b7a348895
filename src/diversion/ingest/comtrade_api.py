"""UN Comtrade Plus bulk and API data: one row per reporter, partner, flow, commodity and breakdown.

The layout of the current bulk files (tab- or comma-separated) and of the API's CSV and JSON answers
(``{"count": n, "data": [{...}, ...]}``): ``refYear, refMonth, period, reporterCode, reporterISO,
flowCode, partnerCode, partnerISO, partner2Code, classificationCode, cmdCode, customsCode, motCode,
qtyUnitAbbr, qty, netWgt, primaryValue ...`` (names matched without regard to case).

- Countries are Comtrade numeric codes (842 USA, 0 World, 899 Areas nes), with ISO alpha-3 as fallback.
- ``flowCode`` M, X, RM, RX are import, export, re-import, re-export; other flow codes (processing flows
  such as MIP/XOP) are quarantined by the flow check.
- Rows with ``motCode`` 0, ``customsCode`` C00 and ``partner2Code`` 0 (or empty) are totals; any other
  value splits a total and goes to ``flow_breakdowns`` (the writer sums the parts where no total exists).
- ``classificationCode`` H0-H6 names the HS edition (H5 = HS2017, H6 = HS2022); a non-HS classification
  (SITC, BEC) is quarantined.
- ``primaryValue`` is in US dollars.
"""

from __future__ import annotations

import json
from typing import Any, Final

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from diversion.errors import UnreadableInput
from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Check, Staged, clean_text, one_of, quoted
from diversion.ingest.tabular import RECORD
from diversion.ingest.trade_tables import (
    AS_PUBLISHED,
    HS_EDITIONS,
    breakdown_expr,
    find_column,
    flow_expr,
    header_lookup,
    period_expr,
    period_fields,
    stage_flows,
    with_country,
)

FORMAT: Final = "comtrade.api"
TABLES: Final = ("flows", "flow_breakdowns")
DATASET: Final = "comtrade"
CURRENCY: Final = "USD"

REQUIRED: Final = (
    ("reporterCode", "reporterISO"),
    ("partnerCode", "partnerISO"),
    ("flowCode",),
    ("cmdCode",),
    ("primaryValue",),
)
"""Header names (any one of each group) that make a file Comtrade Plus data."""
JSON_MARKERS: Final = ('"data"', '"flowCode"', '"cmdCode"', '"primaryValue"')
"""What the head of an API answer in JSON shows (the answer may be too long to parse from the head)."""

TOTAL_MOT: Final = ("0", "")
TOTAL_CUSTOMS: Final = ("C00", "")
TOTAL_PARTNER2: Final = ("0", "")


def sniff(sample: Sample) -> bool:
    """Comtrade Plus columns in a CSV/TSV header, or an API answer in JSON."""
    if sample.text.lstrip().startswith("{"):
        return all(marker in sample.text for marker in JSON_MARKERS)
    lookup = header_lookup(sample.header)
    return all(find_column(lookup, *names) is not None for names in REQUIRED)


def read(ctx: Context) -> list[Staged]:
    """Comtrade Plus rows as flows (totals) and flow breakdowns (mode, procedure, second partner)."""
    raw = _json_rows(ctx) if ctx.sample.text.lstrip().startswith("{") else ctx.csv()
    raw_columns = [c for c in raw.columns if c != RECORD]
    lookup = header_lookup(raw.columns)

    def col(*names: str) -> ir.StringValue | None:
        found = find_column(lookup, *names)
        return raw[found] if found is not None else None

    period = col("period", "refPeriodId")
    year, month = col("refYear"), col("refMonth")
    if period is not None:
        period_text = period_expr(period)
    else:
        assert year is not None, "Comtrade data without period or refYear"
        period_text = (
            period_expr(year + ibis.ifelse(month.isnull(), "", month.lpad(2, "0")))
            if month is not None
            else year
        )
    raw = raw.mutate(__period=period_text)  # before the joins: computed once per row
    raw = with_country(
        ctx, raw, "__reporter", [c for c in (col("reporterCode"), col("reporterISO")) if c is not None]
    )
    raw = with_country(
        ctx, raw, "__partner", [c for c in (col("partnerCode"), col("partnerISO")) if c is not None]
    )
    dimensions: list[tuple[str, ir.BooleanValue, ir.Value]] = []
    for name, code, label, totals in (
        ("mode_of_transport", col("motCode"), col("motDesc", "motCode"), TOTAL_MOT),
        ("customs_procedure", col("customsCode"), col("customsDesc", "customsCode"), TOTAL_CUSTOMS),
        ("partner2", col("partner2Code"), col("partner2ISO", "partner2Desc", "partner2Code"), TOTAL_PARTNER2),
    ):
        if code is not None and label is not None:
            dimensions.append((name, one_of(clean_text(code).coalesce(""), totals), label))
    classification = col("classificationCode")
    unit = col("qtyUnitAbbr")
    fields: dict[str, ir.Value | str | None] = {
        "dataset": ibis.literal(DATASET),
        "reporter": raw["__reporter"],
        "reporter_is_country": raw["__reporter_is_country"],
        "partner": raw["__partner"],
        "partner_is_country": raw["__partner_is_country"],
        "flow": flow_expr(col("flowCode")),
        "hs_code": col("cmdCode"),
        "hs_version": _hs_version(classification),
        **period_fields(raw["__period"]),
        "value": col("primaryValue"),
        "currency": ibis.literal(CURRENCY),
        "quantity": col("qty"),
        "quantity_unit": ibis.ifelse(clean_text(unit).lower() == "n/a", ibis.null("string"), unit)
        if unit is not None
        else None,
        "net_kg": col("netWgt"),
        "__breakdown": breakdown_expr(dimensions) if dimensions else ibis.null("string"),
        "__classification": clean_text(classification) if classification is not None else ibis.null("string"),
    }
    return [stage_flows(ctx, raw, fields, extra_checks=_not_hs, raw_columns=raw_columns)]


def _hs_version(classification: ir.StringValue | None) -> ir.StringValue:
    if classification is None:
        return ibis.literal(AS_PUBLISHED)
    code = clean_text(classification).upper()
    named = ibis.cases(*[(code == key, value) for key, value in HS_EDITIONS.items()], else_=code)
    return ibis.ifelse(code.isnull() | (code == "HS"), ibis.literal(AS_PUBLISHED), named)


def _not_hs(rows: ir.Table) -> list[Check]:
    code = rows["__classification"]
    return [(code.notnull() & ~code.upper().startswith("H"), "not an HS classification: " + quoted(code))]


def _json_rows(ctx: Context) -> ir.Table:
    """The ``data`` records of an API answer as a relation of text columns (numbered from 1)."""
    try:
        document: Any = json.loads(ctx.path.read_text(encoding=ctx.encoding))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UnreadableInput(str(ctx.path), None, "a Comtrade API answer in JSON", str(exc)) from exc
    records = document.get("data") if isinstance(document, dict) else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise UnreadableInput(
            str(ctx.path), None, 'a JSON object with a "data" list of records', type(records).__name__
        )
    names = list(dict.fromkeys(key for record in records for key in record))
    # JSON decoding is per record anyway; the columns are then built once each.
    columns = {
        name: pa.array([_text(record.get(name)) for record in records], type=pa.string()) for name in names
    }
    columns[RECORD] = pa.array(np.arange(1, len(records) + 1, dtype=np.int64))
    return ctx.table(pa.table(columns))


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
