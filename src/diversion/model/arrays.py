"""Ordered aggregates every engine runs."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def in_order(values: ir.Value, *keys: ir.Value, where: ir.BooleanValue | None = None) -> ir.ArrayValue:
    """The values of a group as an array sorted by ``keys`` (an aggregate), optionally only where a
    condition holds: ``collect(order_by=...)`` that every engine runs (Spark has no ordered aggregates; it
    sorts arrays of structs field by field). Keys sort ascending: negate a number to sort it descending."""
    fields = {f"k{i}": key for i, key in enumerate(keys)} | {"value": values}
    return ibis.struct(fields).collect(where=where).sort().map(lambda item: item["value"])
