"""Column expressions for the text of sanctions lists: multi-value cells, countries, dates and ids in prose.

Lists written as CSV pack several values into one cell (OpenSanctions: ``a;"b;c"``), name countries
their own way ("Korea, North") and write identifiers into remarks ("Tax ID No. 7701234567 (Russia)").
These run in the engine, column-wise, on the DuckDB and Spark backends alike.
"""

from __future__ import annotations

from functools import cache
from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.ingest.stage import clean_text, one_of
from diversion.model.countries import aliases, fold_expr

MULTI_VALUE: Final = r'"(?:[^"]|"")*"|[^;]+'
"""One value of a ';'-separated cell, quoted (with doubled quotes inside) when it holds a ';'."""

FULL_DATE: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"


@ibis.udf.scalar.builtin  # type: ignore[untyped-decorator]  # ibis ships no type information
def regexp_extract_all(text: str, pattern: str, group: int) -> list[str]:  # type: ignore[empty-body]
    """Every match of ``pattern`` in ``text`` (DuckDB and Spark both have it under this name)."""


def multi_values(raw: ir.Value) -> ir.ArrayValue:
    """The values of a ';'-separated cell, unquoted and trimmed, blanks left out (null cell: null)."""
    found: ir.ArrayValue = regexp_extract_all(clean_text(raw), MULTI_VALUE, 0)
    return found.map(_unquoted).filter(lambda v: v != "")


def _unquoted(value: ir.StringValue) -> ir.StringValue:
    """A value as written, without the CSV quotes around it (doubled quotes inside made single)."""
    quoted = value.startswith('"') & value.endswith('"') & (value.length() > 1)
    return ibis.ifelse(quoted, value.substr(1, value.length() - 2).replace('""', '"'), value).strip()


@cache
def country_keys(*, countries: bool = True) -> tuple[str, ...]:
    """Folded names and codes of countries (or, with ``countries=False``, of aggregates such as "eu")."""
    return tuple(sorted(key for key, country in aliases().items() if country.is_country == countries and key))


def known_country(values: ir.ArrayValue) -> ir.StringValue:
    """The first value that names a known country, else null: for countries read out of free text."""
    keys = country_keys()
    return values.filter(lambda v: one_of(fold_expr(v), keys))[0]


def first_known_country(values: ir.ArrayValue) -> ir.StringValue:
    """The first known country of a list; else its first unknown value (for quarantine to name).

    Aggregates (eu) and "zz" (OpenSanctions' "global") are no country.
    """
    aggregates = country_keys(countries=False)
    given = values.filter(lambda v: (v.lower() != "zz") & ~one_of(fold_expr(v), aggregates))
    return known_country(given).coalesce(given[0])


def first_full_date(values: ir.ArrayValue) -> ir.StringValue:
    """The first complete date (YYYY-MM-DD...) of a list; a year or month alone gives null."""
    return values.filter(lambda v: v.re_search(FULL_DATE))[0].substr(0, 10)
