"""Armstat (Statistical Committee of Armenia): exports and imports by partner country, monthly, thousand USD.

``country, export, import_consigment, import_origin, timeperiod, year``: Armenia reporting, all goods
(hs_code "TOTAL"). ``timeperiod`` is the month (1-12) or "Year": the monthly rows are months, not
running totals (their sum is the "Year" row, to rounding), so "2022-03" is March 2022 alone. In a year
the file holds only part of (2023: January), the "Year" row is the total so far, not a year: it is
quarantined as such rather than passed off as an annual figure.

Armenia publishes imports two ways: by country of origin and by country of consignment (where the goods
were dispatched from). Imports by origin are the ``import`` flows of dataset "armstat", with the exports
(by destination); imports by consignment are kept too, as dataset "armstat_consignment" (flow ``import``),
a second view of the same goods rather than a breakdown of them: never add the two. "-" is none (zero);
an empty cell is no value (not a record); a row without a country name is quarantined.
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.ingest.context import Context, Sample
from diversion.ingest.stage import Check, Staged
from diversion.ingest.trade_tables import (
    AS_PUBLISHED,
    melt,
    nil_as_zero,
    period_fields,
    stage_flows,
    with_country,
    year_month_expr,
)
from diversion.model.hs import TOTAL
from diversion.model.regex import strip

FORMAT: Final = "armstat.by_partner"
TABLES: Final = ("flows",)
REPORTER: Final = "AM"
CURRENCY: Final = "USD"
VALUE_SCALE: Final = 1000.0
"""The table is in thousand US dollars."""
MONTHS_IN_YEAR: Final = 12

MEASURES: Final = {
    "export": "export",
    "import_origin": "import_origin",
    "import_consignment": "import_consigment",
}
"""Measure -> the column holding it (the file spells "consigment")."""
FLOWS: Final = {"export": "export", "import_origin": "import", "import_consignment": "import"}
DATASETS: Final = {
    "export": "armstat",
    "import_origin": "armstat",
    "import_consignment": "armstat_consignment",
}
REQUIRED: Final = frozenset({"country", "timeperiod", "year", *MEASURES.values()})
ANNUAL: Final = "year"
"""``timeperiod`` of annual rows (compared in lower case)."""


def sniff(sample: Sample) -> bool:
    """Armstat's export/import-by-consignment/import-by-origin table with a time period column."""
    return {name.strip() for name in sample.header} >= REQUIRED


def read(ctx: Context) -> list[Staged]:
    """One all-goods flow per partner, period and measure."""
    long = melt(ctx, MEASURES, keep=["country", "timeperiod", "year"], label="measure", value="value_text")
    raw_columns = ["country", "timeperiod", "year", "measure", "value_text"]
    months = long.filter(strip(long.timeperiod).lower() != ANNUAL)
    published = months.group_by(__months_year=months.year).aggregate(__months=months.timeperiod.nunique())
    long = long.left_join(published, long.year == published.__months_year).drop("__months_year")
    long = long.mutate(
        __period=year_month_expr(long.year, long.timeperiod),
        __annual=strip(long.timeperiod).lower() == ANNUAL,
    )
    long = with_country(ctx, long, "__partner", [long.country])
    fields: dict[str, ir.Value | str | None] = {
        "dataset": _by_measure(long.measure, DATASETS),
        "reporter": ibis.literal(REPORTER),
        "reporter_is_country": ibis.literal(True),
        "partner": long["__partner"],
        "partner_is_country": long["__partner_is_country"],
        "flow": _by_measure(long.measure, FLOWS),
        "hs_code": ibis.literal(TOTAL),
        "hs_version": ibis.literal(AS_PUBLISHED),
        **period_fields(long["__period"]),
        "value": nil_as_zero(long.value_text),
        "currency": ibis.literal(CURRENCY),
        "__annual": long["__annual"],
        "__months": long["__months"].fill_null(0),
    }
    return [
        stage_flows(ctx, long, fields, scale=VALUE_SCALE, extra_checks=_partial_year, raw_columns=raw_columns)
    ]


def _by_measure(measure: ir.StringValue, values: dict[str, str]) -> ir.StringValue:
    return ibis.cases(*[(measure == key, value) for key, value in values.items()], else_=ibis.null("string"))


def _partial_year(rows: ir.Table) -> list[Check]:
    months = rows["__months"]
    partial = rows["__annual"] & (months > 0) & (months < MONTHS_IN_YEAR)  # 0: a file of annual rows only
    message = (
        "total so far of an incomplete year, not an annual figure (months published: "
        + months.cast("string")
        + ")"
    )
    return [(partial, message)]
