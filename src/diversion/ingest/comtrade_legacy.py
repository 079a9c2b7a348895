"""UN Comtrade legacy CSV: one row per reporter, partner, flow, commodity, mode of transport and period.

The layout of the old Comtrade API and of its R/Python clients (``year, month, period, aggregate_level,
trade_code, trade_flow, reporter_code, partner_code, partner_iso, commodity_code, mot_code, mot_desc, Qty,
netweight_kg, trade_value_us ...``), and the classic CSV download (``Year, Period, Trade Flow Code,
Reporter Code, Partner Code, Commodity Code, Mode of Transport Code, Trade Value (US$) ...``): header names
are matched folded (case, spaces and punctuation ignored).

- Countries are Comtrade numeric codes (842 USA, 251 France, 0 World, 899 Areas nes), with the ISO alpha-3
  code as a fallback.
- Rows with a mode of transport other than 0 ("TOTAL MOT"), or a customs procedure other than C00, split a
  total: they go to ``flow_breakdowns``; where the file has no total row (the Armenian HS 8703 extract is
  split by mode only) the writer sums them into ``flows``.
- HS4 and HS6 rows (``aggregate_level`` 4 and 6) are both kept, each under its own code: never sum across
  code lengths.
- The files carry no classification column (the classic download does: H5 ...); without one the HS edition
  in force in the period is assumed (HS2017 before 2022, HS2022 from 2022), as Comtrade's "as reported"
  data follow the reporter's tariff, which for these reporters switched on 1 January 2022.
- Values are US dollars; ``Qty`` with unit "N/A" (code -1) is no quantity.
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Staged, clean_text, one_of, quoted
from diversion.ingest.tabular import RECORD
from diversion.ingest.trade_tables import (
    HS_EDITIONS,
    breakdown_expr,
    find_column,
    flow_expr,
    header_lookup,
    period_expr,
    period_fields,
    stage_flows,
    with_country,
    year_month_expr,
)
from diversion.model.hs import HS2022_START

FORMAT: Final = "comtrade.legacy_csv"
TABLES: Final = ("flows", "flow_breakdowns")
DATASET: Final = "comtrade"
CURRENCY: Final = "USD"

# Header synonyms, folded: the client-library names first, then the classic download's.
REPORTER_CODE: Final = ("reporter_code", "rtCode")
REPORTER_ISO: Final = ("reporter_iso", "rt3ISO")
PARTNER_CODE: Final = ("partner_code", "ptCode")
PARTNER_ISO: Final = ("partner_iso", "pt3ISO")
FLOW_CODE: Final = ("trade_code", "trade_flow_code", "rgCode")
FLOW_TEXT: Final = ("trade_flow", "rgDesc")
COMMODITY: Final = ("commodity_code", "cmdCode")
VALUE: Final = ("trade_value_us", "trade_value_usd", "Trade Value (US$)", "TradeValue")
YEAR: Final = ("year", "yr")
MONTH: Final = ("month",)
PERIOD: Final = ("period_desc", "period")
MOT_CODE: Final = ("mot_code", "Mode of Transport Code", "motCode")
MOT_DESC: Final = ("mot_desc", "Mode of Transport", "motDesc")
CUSTOMS_CODE: Final = ("customs_proc_code", "Customs Proc. Code", "cstCode")
CUSTOMS_DESC: Final = ("customs", "cstDesc")
QTY: Final = ("Qty", "TradeQuantity")
QTY_UNIT: Final = ("QtyUnitAbbr", "Qty Unit", "qtDesc")
NET_KG: Final = ("netweight_kg", "Netweight (kg)", "NetWeight")
CLASSIFICATION: Final = ("classification", "pfCode")

TOTAL_MOT: Final = ("0", "")
"""Mode-of-transport codes of a total over all modes."""
TOTAL_CUSTOMS: Final = ("C00", "")
"""Customs procedure codes of a total over all procedures."""


def sniff(sample: Sample) -> bool:
    """A header with Comtrade's legacy reporter, partner, commodity, flow and "trade value (US$)" columns."""
    lookup = header_lookup(sample.header)
    needed = (
        REPORTER_CODE + REPORTER_ISO,
        PARTNER_CODE + PARTNER_ISO,
        COMMODITY,
        VALUE,
        FLOW_CODE + FLOW_TEXT,
    )
    return all(find_column(lookup, *names) is not None for names in needed)


def read(ctx: Context) -> list[Staged]:
    """Comtrade legacy rows as flows (totals) and flow breakdowns (by mode of transport or procedure)."""
    raw = ctx.csv()
    raw_columns = [c for c in raw.columns if c != RECORD]
    lookup = header_lookup(raw.columns)
    raw = raw.mutate(__period=_period(raw, lookup))  # before the joins below: computed once per row

    def col(names: tuple[str, ...]) -> ir.StringValue | None:
        found = find_column(lookup, *names)
        return raw[found] if found is not None else None

    def country(code: tuple[str, ...], iso: tuple[str, ...]) -> list[ir.Value]:
        return [c for c in (col(code), col(iso)) if c is not None]

    raw = with_country(ctx, raw, "__reporter", country(REPORTER_CODE, REPORTER_ISO))
    raw = with_country(ctx, raw, "__partner", country(PARTNER_CODE, PARTNER_ISO))
    flow = col(FLOW_CODE)
    flow = flow if flow is not None else col(FLOW_TEXT)
    assert flow is not None  # sniff() saw one
    period = period_fields(raw["__period"])
    unit = col(QTY_UNIT)
    qty = col(QTY)
    dimensions: list[tuple[str, ir.BooleanValue, ir.Value]] = []
    for name, code, label, totals in (
        ("mode_of_transport", col(MOT_CODE), col(MOT_DESC + MOT_CODE), TOTAL_MOT),
        ("customs_procedure", col(CUSTOMS_CODE), col(CUSTOMS_DESC + CUSTOMS_CODE), TOTAL_CUSTOMS),
    ):
        if code is not None and label is not None:
            dimensions.append((name, one_of(clean_text(code).coalesce(""), totals), label))
    classification = col(CLASSIFICATION)
    fields: dict[str, ir.Value | str | None] = {
        "dataset": ibis.literal(DATASET),
        "reporter": raw["__reporter"],
        "reporter_is_country": raw["__reporter_is_country"],
        "partner": raw["__partner"],
        "partner_is_country": raw["__partner_is_country"],
        "flow": flow_expr(flow),
        "hs_code": col(COMMODITY),
        "hs_version": _hs_version(raw["__period"], classification),
        **period,
        "value": col(VALUE),
        "currency": ibis.literal(CURRENCY),
        "quantity": _quantity(qty, unit),
        "quantity_unit": unit,
        "net_kg": col(NET_KG),
        "__breakdown": breakdown_expr(dimensions) if dimensions else ibis.null("string"),
        "__classification": clean_text(classification) if classification is not None else ibis.null("string"),
    }
    return [stage_flows(ctx, raw, fields, extra_checks=_not_hs, raw_columns=raw_columns)]


def _quantity(qty: ir.StringValue | None, unit: ir.StringValue | None) -> ir.Value | None:
    """No quantity where the unit is "N/A" (Comtrade's unit code -1 comes with a quantity of 0)."""
    if qty is None or unit is None:
        return qty
    return ibis.ifelse(clean_text(unit).isnull(), ibis.null("string"), qty)


def _period(raw: ir.Table, lookup: dict[str, str]) -> ir.StringValue:
    year, month, period = (find_column(lookup, *names) for names in (YEAR, MONTH, PERIOD))
    if year is not None and month is not None:
        return year_month_expr(raw[year], raw[month])
    if period is not None:
        return period_expr(raw[period])
    assert year is not None, "a Comtrade legacy file without year or period"
    return year_month_expr(raw[year], None)


def _hs_version(period: ir.StringValue, classification: ir.StringValue | None) -> ir.StringValue:
    in_force = ibis.ifelse(period >= str(HS2022_START.year), "HS2022", "HS2017")
    if classification is None:
        return in_force
    code = clean_text(classification).upper()
    named = ibis.cases(*[(code == key, value) for key, value in HS_EDITIONS.items()], else_=code)
    return ibis.ifelse(code.isnull() | (code == "HS"), in_force, named)


def _not_hs(rows: ir.Table) -> list[tuple[ir.BooleanValue, ir.StringValue]]:
    code = rows["__classification"]
    return [(code.notnull() & ~code.upper().startswith("H"), "not an HS classification: " + quoted(code))]
