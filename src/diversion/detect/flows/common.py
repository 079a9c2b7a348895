"""Trade statistics made comparable: HS editions harmonised, products at 2, 4 and 6 digits (and all
goods), values by year, each figure tied to the statistics office and reporter it comes from.

Flows hold what each office published: several HS levels side by side (never added up across levels),
HS 2017 codes before 2022 and HS 2022 after. Here an HS 2017 subheading is carried to its HS 2022
counterparts with the shipped UNSD correlation: a subheading that continues under its own number keeps
its value there, one that did not is split evenly over its successors, and a figure resting on anything
but a one-to-one correspondence is marked approximate. At each level, a product's value in a period comes from the rows
published at that level, or, where the office published none, from the sum of its finer rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pycountry

from diversion.model.countries import aliases
from diversion.store import Workspace

TOTAL: Final = "TOTAL"
KEY: Final = ("dataset", "frequency", "reporter", "partner", "flow", "level", "code", "currency")
"""One series: what one office reports for one reporter, partner, direction and product, in annual or in
monthly publications (an office publishing both would otherwise be counted twice)."""


@dataclass(frozen=True)
class FlowParams:
    """Parameters every flow detector shares."""

    cutoff_date: date = field(
        default=date(2022, 2, 24), metadata={"help": "Before: baseline; after: the change."}
    )
    destination: str = field(default="RU", metadata={"help": "The sanctioned destination (ISO alpha-2)."})
    baseline_years: int = field(
        default=1, metadata={"help": "Full years before the cut-off's year averaged."}
    )
    levels: tuple[int, ...] = field(
        default=(0, 2, 4, 6), metadata={"help": "HS digits compared (0: all goods)."}
    )


def country_names(ws: Workspace) -> ir.Table:
    """Code -> English name for every country and the aggregates trade data uses."""
    names = {c.alpha_2: getattr(c, "common_name", c.name) for c in pycountry.countries}
    names.update(
        {"RU": "Russia", "KR": "South Korea", "TW": "Taiwan", "eu27": "the EU-27", "world": "the world"}
    )
    for code in {a.code for a in aliases().values()} - set(names):
        names[code] = code.replace("_", " ")
    data = pa.table({"name_code": list(names), "country_name": list(names.values())})
    return ws.stage_arrow(data)


def harmonised(ws: Workspace) -> ir.Table:
    """Flows with HS 2017 subheadings carried to HS 2022 (value split where one maps to several)."""
    flows = ws.table("flows")
    corr = ws.table("hs_correlation")
    # A subheading that continues under its own number keeps its value there (what HS 2022 carved out of
    # it, e.g. electronic waste 8549 out of 8542, is small); one that did not continue is split evenly.
    fan = corr.group_by("hs2017").aggregate(
        targets=corr.count(),
        continues=(corr.hs2022 == corr.hs2017).any(),
        one_to_one=(corr.relationship == "1:1").all(),
    )
    mapping = corr.join(fan, "hs2017")
    mapping = mapping.filter(~mapping.continues | (mapping.hs2022 == mapping.hs2017)).select(
        "hs2017",
        "hs2022",
        weight=ibis.ifelse(mapping.continues, 1.0, 1.0 / mapping.targets.cast("float64")),
        exact=mapping.one_to_one,
    )
    old = (flows.hs_version == "HS2017") & (flows.hs_code.length() == 6)
    mapped = flows.filter(old).left_join(mapping, flows.hs_code == mapping.hs2017)
    mapped = mapped.mutate(
        code=mapped.hs2022.coalesce(mapped.hs_code),
        amount=mapped.value * mapped.weight.coalesce(1.0),
        approximate=~mapped.exact.coalesce(True),
    )
    kept = flows.filter(~old).mutate(code=flows.hs_code, amount=flows.value, approximate=ibis.literal(False))
    columns = ["dataset", "reporter", "partner", "flow", "code", "period", "amount", "currency", "approximate",
               "source", "record"]  # fmt: skip
    return mapped.select(*columns).union(kept.select(*columns))


def yearly(ws: Workspace, p: FlowParams) -> ir.Table:
    """Every series by year at every level: value, months covered, approximate, and the rows behind it."""
    every = levels(ws, p)
    return every.group_by([*KEY, "year"]).aggregate(
        value=every.amount.sum(),
        history_known=(every.source_from < p.cutoff_date.year).any(),
        months=every.period.nunique(),
        approximate=every.approximate.any(),
        evidence=ibis.struct({"source": every.source, "record": every.record}).collect(),
    )


def baseline(ws: Workspace, p: FlowParams) -> ir.Table:
    """For every series and year after the cut-off, its value over the baseline years in the same months.

    A year published only in part (January to October) is compared with January to October of the
    baseline years, never with whole years; annual series compare whole years.
    """
    every = levels(ws, p)
    every = every.mutate(month=every.period.substr(5, 2))  # "" for annual figures
    months = every.group_by([*KEY, "year", "month"]).aggregate(
        value=every.amount.sum(),
        approximate=every.approximate.any(),
        evidence=ibis.struct({"source": every.source, "record": every.record}).collect(),
    )
    first_after = p.cutoff_date.year
    after = months.filter(months.year >= first_after).select(*KEY, "year", "month")
    before = months.filter((months.year < first_after) & (months.year >= first_after - p.baseline_years))
    before = before.rename(base_year="year")
    paired = after.join(before, [*KEY, "month"])
    return paired.group_by([*KEY, "year"]).aggregate(
        baseline=paired.value.sum() / p.baseline_years,
        base_year=paired.base_year.max(),
        base_months=paired.month.nunique(),
        base_approximate=paired.approximate.any(),
        base_evidence=paired.evidence.collect().flatten(),
    )


def levels(ws: Workspace, p: FlowParams) -> ir.Table:
    """Harmonised rows at every level, each with its level code, year and whether its file reaches back."""
    rows = harmonised(ws).filter(lambda t: t.amount.notnull())
    rows = rows.mutate(year=rows.period.substr(0, 4).cast("int32"))
    # Whether the file a figure comes from also covers the years before the cut-off: an extract that
    # starts in 2022 says nothing about what came before.
    rows = rows.mutate(source_from=rows.year.min().over(ibis.window(group_by=rows.source)))
    rows = rows.mutate(
        length=rows.code.length(),
        frequency=ibis.ifelse(rows.period.length() == 4, "annual", "monthly"),
    )
    parts = []
    for level in p.levels:
        if level == 0:
            picked = rows.filter(rows.code == TOTAL).mutate(level_code=rows.code)
        else:
            picked = rows.filter((rows.code != TOTAL) & (rows.length >= level)).mutate(
                level_code=rows.code.substr(0, level)
            )
            # The office's own rows at this level win; finer rows are summed only where it published none.
            window = ibis.window(
                group_by=["dataset", "frequency", "reporter", "partner", "flow", "period", "level_code"]
            )
            picked = picked.mutate(finest=picked.length.min().over(window))
            picked = picked.filter(picked.length == picked.finest).drop("finest")
        parts.append(picked.mutate(level=ibis.literal(level)))
    every = ibis.union(*parts) if len(parts) > 1 else parts[0]
    return every.rename(code_raw="code").rename(code="level_code")


def when(year: ir.IntegerValue, frequency: ir.StringValue, months: ir.IntegerValue) -> ir.StringValue:
    """A year as a figure covers it: "2022", or "2023 (10 months)" for a year published in part."""
    partial = (frequency == "monthly") & (months < 12)
    return year.cast("string") + ibis.ifelse(partial, " (" + months.cast("string") + " months)", "")


def money(value: ir.NumericValue, currency: ir.StringValue) -> ir.StringValue:
    """An amount as an analyst writes it: $6.9M, EUR 1.2bn, $245k."""
    magnitude = value.abs()
    scaled = ibis.cases(
        (magnitude >= 1e9, (value / 1e9).round(2).cast("string") + "bn"),
        (magnitude >= 1e6, (value / 1e6).round(1).cast("string") + "M"),
        (magnitude >= 1e3, (value / 1e3).round(0).cast("int64").cast("string") + "k"),
        else_=value.round(0).cast("int64").cast("string"),
    )
    return ibis.ifelse(currency == "USD", "$" + scaled, currency.coalesce("") + " " + scaled)


def product(level: ir.IntegerValue, code: ir.StringValue) -> ir.StringValue:
    return ibis.ifelse(level == 0, ibis.literal("all goods"), "HS " + code)


def change(ratio: ir.FloatingValue) -> ir.StringValue:
    """x68 for a multiple, +172% for a rise, -35% for a fall."""
    percent = ((ratio - 1) * 100).round(0).cast("int64")
    return ibis.cases(
        (ratio >= 10, "x" + ratio.round(0).cast("int64").cast("string")),
        (ratio >= 1, "+" + percent.cast("string") + "%"),
        else_=percent.cast("string") + "%",
    )


RECONCILED: Final = ("baci",)
"""Compilations that reconcile both sides' reports: their figures are nobody's own report."""


def whose(dataset: ir.StringValue, reporter_name: ir.StringValue) -> ir.StringValue:
    """Which view a figure is: "comtrade, as Armenia reports it", or "baci, reconciled by CEPII"."""
    return ibis.ifelse(
        dataset.isin(list(RECONCILED)),
        dataset + ", reconciled by CEPII",
        dataset + ", as " + reporter_name + " reports it",
    )


def named(table: ir.Table, names: ir.Table, column: str, as_: str) -> ir.Table:
    """Add the English name of a country column."""
    lookup = names.select(**{f"__{as_}_code": names.name_code, as_: names.country_name})
    joined = table.left_join(lookup, table[column] == lookup[f"__{as_}_code"])
    return joined.mutate(**{as_: joined[as_].coalesce(joined[column])}).drop(f"__{as_}_code")


def series_subject(t: ir.Table, detector: str) -> dict[str, ir.Value]:
    """The findings columns that name one series' subject, its year and its view."""
    return {
        "detector": ibis.literal(detector),
        "subject_kind": ibis.literal("flow"),
        "subject_id": t.dataset + ":" + t.reporter + ">" + t.partner + ":" + t.flow + ":" + t.code,
        "subject_name": t.reporter_name + " -> " + t.partner_name + ", " + product(t.level, t.code)
        + " (" + t.flow + ")",
        "country": t.reporter,
        "hs_code": t.code,
        "period": t.year.cast("string"),
        "view": t.dataset + " (reported by " + t.reporter + ")",
    }  # fmt: skip
