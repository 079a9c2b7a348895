"""Eurostat Comext: EU member states' trade by partner, product (CN8) and month, in euros.

Three layouts, told apart by their header (names matched without regard to case):

- the bulk files of 2024 on (``full_v2_YYYYMM.dat``): ``REPORTER, PARTNER`` (ISO alpha-2), ``PRODUCT_NC``,
  ``FLOW`` (1 import, 2 export), ``STAT_PROCEDURE``, ``PERIOD`` (``YYYYMM``; ``YYYY52`` for a year),
  ``VALUE_EUR``, ``QUANTITY_KG``, ``SUPPL_UNIT``, ``QUANTITY_SUPPL_UNIT``;
- the earlier bulk files (``full_YYYYMM.dat``): ``DECLARANT_ISO, PARTNER_ISO, PRODUCT_NC, FLOW, STAT_REGIME,
  PERIOD, VALUE_IN_EUROS, QUANTITY_IN_KG, SUPP_UNIT, SUP_QUANTITY`` (the numeric ``DECLARANT``/``PARTNER``
  are Eurostat's geonomenclature, not ISO numeric: 004 is Germany there, Afghanistan in ISO, so the
  ``_ISO`` columns are used);
- tables extracted from Comext with labels: ``reporter, partner, flow, period`` (or ``year``), ``value_eur``
  and optionally ``product``, countries named in English ("Germany (incl. German Democratic Republic 'DD'
  from 1991)", "European Union - 27 countries (AT, BE, ...)"). A label is looked up whole, then without its
  parenthesis. Reporters such as the EU and the euro area become aggregates (flagged not a country).

Bulk rows are split by statistical procedure (normal, inward/outward processing, not recorded) with no
total row: they go to ``flow_breakdowns`` and the writer sums them into ``flows``. Product codes are CN8,
kept whole (``hs_version`` "CN2022" ...); labelled tables without a product are all goods ("TOTAL").
Values are euros: ``value_usd`` stays null (no exchange rate is shipped).
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Staged, clean_text, one_of
from diversion.ingest.tabular import RECORD
from diversion.ingest.trade_tables import (
    AS_PUBLISHED,
    breakdown_expr,
    find_column,
    flow_expr,
    header_lookup,
    period_expr,
    period_fields,
    stage_flows,
    with_country,
)
from diversion.model.hs import TOTAL

FORMAT: Final = "comext.csv"
TABLES: Final = ("flows", "flow_breakdowns")
DATASET: Final = "comext"
CURRENCY: Final = "EUR"

BULK_V2: Final = ("REPORTER", "PARTNER", "PRODUCT_NC", "FLOW", "PERIOD", "VALUE_EUR")
BULK_V1: Final = ("DECLARANT_ISO", "PARTNER_ISO", "PRODUCT_NC", "FLOW", "PERIOD", "VALUE_IN_EUROS")
LABELLED: Final = ("reporter", "partner", "flow", "value_eur")
LABELLED_PERIOD: Final = ("period", "year")

PROCEDURES: Final = {
    "1": "normal",
    "2": "inward processing",
    "3": "outward processing",
    "9": "not recorded from customs declarations",
}
"""Comext statistical procedures (``STAT_PROCEDURE``, formerly ``STAT_REGIME``)."""
TOTAL_PROCEDURES: Final = ("", "TOTAL", "0")
"""Procedure values that mean "all procedures"."""


def sniff(sample: Sample) -> bool:
    """A Comext bulk header (either generation) or a labelled Comext extract."""
    return _layout(header_lookup(sample.header)) is not None


def read(ctx: Context) -> list[Staged]:
    """Comext rows as flows: bulk rows by procedure as breakdowns, labelled totals as flows."""
    raw = ctx.csv()
    lookup = header_lookup(raw.columns)
    layout = _layout(lookup)
    assert layout is not None  # sniff() recognised it
    raw_columns = [c for c in raw.columns if c != RECORD]

    def col(*names: str) -> ir.StringValue | None:
        found = find_column(lookup, *names)
        return raw[found] if found is not None else None

    period_column = col("PERIOD", "year")
    assert period_column is not None
    raw = raw.mutate(__period=period_expr(period_column))
    if layout == "labelled":
        reporter_label, partner_label = col("reporter"), col("partner")
        assert reporter_label is not None and partner_label is not None
        raw = raw.mutate(
            __reporter_short=_without_parenthesis(reporter_label),
            __partner_short=_without_parenthesis(partner_label),
        )
        raw = with_country(ctx, raw, "__reporter", [raw[reporter_label.get_name()], raw["__reporter_short"]])
        raw = with_country(ctx, raw, "__partner", [raw[partner_label.get_name()], raw["__partner_short"]])
    else:
        reporter, partner = (
            (col("REPORTER"), col("PARTNER"))
            if layout == "bulk_v2"
            else (col("DECLARANT_ISO"), col("PARTNER_ISO"))
        )
        assert reporter is not None and partner is not None
        raw = with_country(ctx, raw, "__reporter", [reporter])
        raw = with_country(ctx, raw, "__partner", [partner])
    product = col("PRODUCT_NC", "product")
    procedure = col("STAT_PROCEDURE", "STAT_REGIME")
    unit = col("SUPPL_UNIT", "SUPP_UNIT")
    period = raw["__period"]
    fields: dict[str, ir.Value | str | None] = {
        "dataset": ibis.literal(DATASET),
        "reporter": raw["__reporter"],
        "reporter_is_country": raw["__reporter_is_country"],
        "partner": raw["__partner"],
        "partner_is_country": raw["__partner_is_country"],
        "flow": flow_expr(col("FLOW")),
        "hs_code": product if product is not None else ibis.literal(TOTAL),
        "hs_version": _hs_version(product, period),
        **period_fields(period),
        "value": col("VALUE_EUR", "VALUE_IN_EUROS"),
        "currency": ibis.literal(CURRENCY),
        "quantity": col("QUANTITY_SUPPL_UNIT", "SUP_QUANTITY"),
        "quantity_unit": unit,
        "net_kg": col("QUANTITY_KG", "QUANTITY_IN_KG"),
        "__breakdown": _procedure(procedure) if procedure is not None else ibis.null("string"),
    }
    return [stage_flows(ctx, raw, fields, raw_columns=raw_columns)]


def _layout(lookup: dict[str, str]) -> str | None:
    def has(*names: str) -> bool:
        return all(find_column(lookup, name) is not None for name in names)

    if has(*BULK_V2):
        return "bulk_v2"
    if has(*BULK_V1):
        return "bulk_v1"
    if has(*LABELLED) and any(has(name) for name in LABELLED_PERIOD):
        return "labelled"
    return None


def _without_parenthesis(label: ir.StringValue) -> ir.StringValue:
    """ "Germany (incl. German Democratic Republic 'DD' from 1991)" -> "Germany"."""
    return label.re_replace(r"\s*\(.*\)\s*$", "")


def _procedure(code: ir.StringValue) -> ir.StringValue:
    text = clean_text(code).coalesce("").upper()
    label = ibis.cases(*[(text == key, value) for key, value in PROCEDURES.items()], else_=text)
    return breakdown_expr([("customs_procedure", one_of(text, TOTAL_PROCEDURES), label)])


def _hs_version(product: ir.StringValue | None, period: ir.StringValue) -> ir.StringValue:
    """CN8 codes are of the Combined Nomenclature of their year; TOTAL rows are "as published"."""
    if product is None:
        return ibis.literal(AS_PUBLISHED)
    return ibis.ifelse(clean_text(product).upper() == TOTAL, AS_PUBLISHED, "CN" + period.substr(0, 4))
