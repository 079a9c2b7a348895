"""How figures are written in explanations, the same in every detector and in the graph's paths."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


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


def how_many(count: ir.IntegerValue, noun: str) -> ir.StringValue:
    """A count with its noun, singular for one: "1 consignment", "3 consignments"."""
    return count.cast("string") + ibis.ifelse(count == 1, f" {noun}", f" {noun}s")
