"""Trade statistics tables (Comtrade, Comext, BACI, national offices): what their adapters share.

Published trade tables give periods as years, months or ``YYYYMM`` codes, values in thousands or millions,
flows as letters, digits or words, partners as codes or as names in several languages, and often one
column per year. The helpers here turn each of those into canonical ``flows`` columns, column-wise in the
engine, so that every adapter of trade statistics parses them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.errors import UnreadableInput
from diversion.ingest.context import Context
from diversion.ingest.stage import Check, Staged, clean_text, one_of, quoted, stage
from diversion.ingest.tabular import RECORD, CsvStream
from diversion.model.countries import fold_expr

AS_PUBLISHED: Final = "as published"
"""``hs_version`` of rows whose source does not say which nomenclature edition it used (and of TOTAL rows)."""

HS_EDITIONS: Final = {
    "H0": "HS1992", "H1": "HS1996", "H2": "HS2002", "H3": "HS2007", "H4": "HS2012", "H5": "HS2017",
    "H6": "HS2022", "HS92": "HS1992", "HS96": "HS1996", "HS02": "HS2002", "HS07": "HS2007", "HS12": "HS2012",
    "HS17": "HS2017", "HS22": "HS2022",
}  # fmt: skip
"""Comtrade classification codes and BACI file-name labels -> HS edition."""

FLOW_WORDS: Final = {
    "m": "import", "1": "import", "import": "import", "imports": "import",
    "x": "export", "2": "export", "export": "export", "exports": "export",
    "rx": "re-export", "3": "re-export", "re-export": "re-export", "re-exports": "re-export",
    "rm": "re-import", "4": "re-import", "re-import": "re-import", "re-imports": "re-import",
}  # fmt: skip
"""Flow codes and words of trade tables -> canonical flow (Comtrade M/X/RX/RM and 1-4, Comext 1/2, words)."""

NIL_MARKS: Final = ("-", "–", "—")
"""Statistical tables of the CIS tradition write "-" for "none": a nil value, i.e. zero."""

PERIOD_PATTERN: Final = r"^[0-9]{4}(-(0[1-9]|1[0-2]))?$"
"""A canonical period: "2022" or "2022-03"."""

ANNUAL_MONTHS: Final = ("52", "99", "00")
"""Month codes that mean "the whole year": Comext YYYY52, Comtrade month 99."""

MONTHS: Final = tuple(f"{month:02d}" for month in range(1, 13))

FOOTNOTE_MARKS: Final = ("1", "2", "3", "*", "**")
"""Marks after a year in national tables: "2023 1" is 2023 with footnote 1 (preliminary data)."""

BREAKDOWN: Final = "__breakdown"
"""The passthrough field the writer reads (see :mod:`diversion.ingest.writer`)."""


def flow_expr(raw: ir.Value) -> ir.StringValue:
    """The canonical flow of a flow code or word; an unknown one is kept (the flow check quarantines it)."""
    text = raw.cast("string").strip().lower()  # not clean_text: "X" (export) is its placeholder for "secret"
    return ibis.cases(
        *[(text == key, value) for key, value in FLOW_WORDS.items()],
        else_=ibis.ifelse(text == "", ibis.null("string"), text),
    )


def nil_as_zero(raw: ir.Value) -> ir.StringValue:
    """A value cell where the "-" of "no trade" reads as 0, so it parses as a number."""
    text = raw.cast("string").strip()
    return ibis.ifelse(one_of(text, NIL_MARKS), ibis.literal("0"), text)


def year_expr(raw: ir.Value) -> ir.StringValue:
    """The year of a year cell, dropping a footnote mark ("2023 1" = preliminary 2023), else the text."""
    text = raw.cast("string").strip()
    marked = (text.length() > 4) & one_of(text.substr(4).strip(), FOOTNOTE_MARKS)
    return ibis.ifelse(marked, text.substr(0, 4), text)


def period_expr(raw: ir.Value) -> ir.StringValue:
    """A canonical period from the ways tables write one; unreadable text is kept (and reported).

    Reads "2022", "2022-03", "202203", "202252" (Comext: the whole year), "2022-M03" and "2022M03" (IMF),
    "2022-03-01" (a month's first day) and "2023 1" (a year with a footnote mark). Plain string functions,
    no regular expressions: this runs once per row of bulk files.
    """
    text = year_expr(raw)
    compact = text.replace("-", "").replace("M", "")
    size = compact.length()
    year, rest = compact.substr(0, 4), compact.substr(4, 2)
    monthly = (size == 6) | ((size == 8) & (compact.substr(6, 2) == "01"))
    return ibis.cases(
        (size == 4, year),
        ((size == 6) & one_of(rest, ANNUAL_MONTHS), year),
        (monthly & one_of(rest, MONTHS), year + "-" + rest),
        else_=text,
    )


def year_month_expr(year: ir.Value, month: ir.Value | None) -> ir.StringValue:
    """A canonical period from a year cell and a month cell (1-12; empty, 0, 52 or 99 for the whole year)."""
    y = year_expr(year)
    if month is None:
        return y
    m = month.cast("string").strip().try_cast("int16")
    valid = (m >= 1) & (m <= 12)
    return ibis.ifelse(valid, y + "-" + m.cast("string").lpad(2, "0"), y)


def period_start_expr(period: ir.StringValue) -> ir.DateValue:
    """The first day of a canonical period (null when the period is not one)."""
    text = ibis.ifelse(period.length() == 4, period + "-01-01", period + "-01")
    return text.try_cast("date")


def period_fields(period: ir.StringValue) -> dict[str, ir.Value]:
    """The ``period`` and ``period_start`` fields of a period column (computed before a join, see
    :func:`with_country`, so the engine computes it once)."""
    return {"period": period, "period_start": period_start_expr(period)}


def breakdown_expr(dimensions: Sequence[tuple[str, ir.BooleanValue, ir.Value]]) -> ir.StringValue:
    """The ``__breakdown`` of a row: null for a total, else e.g. "mode_of_transport=Road".

    Args:
        dimensions: (dimension name, is this row the total of the dimension, the row's label in it), in a
            fixed order. A row split along several dimensions at once gets "a+b=label_a+label_b", so the
            writer never sums it with rows split along one dimension only.
    """
    names: list[ir.StringValue] = []
    labels: list[ir.StringValue] = []
    for name, is_total, label in dimensions:
        split = ~is_total.fill_null(True)
        names.append(ibis.ifelse(split, ibis.literal("+" + name), ""))
        labels.append(ibis.ifelse(split, "+" + clean_text(label).coalesce("?").replace("=", "-"), ""))
    joined_names = _concat(names).re_replace(r"^\+", "")
    joined_labels = _concat(labels).re_replace(r"^\+", "")
    return ibis.ifelse(joined_names == "", ibis.null("string"), joined_names + "=" + joined_labels)


def with_country(ctx: Context, raw: ir.Table, name: str, candidates: Sequence[ir.Value]) -> ir.Table:
    """``raw`` plus a column ``name``: the first of several ways of naming a country that is known.

    Tables often name a partner several ways (a code and names in English, Russian and Kyrgyz); one of them
    may be missing from the alias table. The first known one is kept; when none is, the first non-empty
    candidate is, so the row is quarantined as an unknown country naming it. The column ``<name>_is_country``
    says whether the chosen one is a country or an aggregate (null when unknown).
    """
    texts = {f"__cand_{name}_{i}": clean_text(value) for i, value in enumerate(candidates)}
    table = raw.mutate(**texts)
    aliases = ctx.country_aliases()
    hits: list[tuple[str, str]] = []
    for i, column in enumerate(texts):
        hit, flag = f"__hit_{name}_{i}", f"__flag_{name}_{i}"
        # Each distinct text is folded and looked up once: a national customs file names the same few
        # hundred countries millions of times (folding every cell cost 14 s on 6M Comtrade rows).
        distinct = raw.select(__text=clean_text(candidates[i])).distinct()
        view = aliases.view()
        known = distinct.join(view, fold_expr(distinct.__text) == view.country_key).select(
            **{f"__known_{name}_{i}": distinct.__text, hit: view.country_key, flag: view.country_is_country}
        )
        keys = ctx.keep(ctx.ws.materialize(known))
        table = table.left_join(keys, table[column] == keys[f"__known_{name}_{i}"]).drop(
            f"__known_{name}_{i}"
        )
        hits.append((hit, flag))
    columns = list(texts)
    fallback = ibis.coalesce(*[table[c] for c in columns]) if len(columns) > 1 else table[columns[0]]
    found = [(table[hit].notnull(), column, flag) for (hit, flag), column in zip(hits, columns, strict=True)]
    chosen = ibis.cases(*[(known, table[column]) for known, column, _ in found], else_=fallback)
    is_country = ibis.cases(*[(known, table[flag]) for known, _, flag in found], else_=ibis.null("boolean"))
    helpers = [*columns, *(c for pair in hits for c in pair)]
    return table.mutate(**{name: chosen, f"{name}_is_country": is_country}).drop(*helpers)


def melt(
    ctx: Context,
    columns: Mapping[str, str],
    *,
    keep: Sequence[str],
    label: str = "__label",
    value: str = "__value",
) -> ir.Table:
    """The input, a wide table (one column per year or per measure), as one row per non-empty cell.

    Each cell becomes a record of its own, numbered "line:label" (e.g. "12:2022"), so a quarantined value
    points at its line and column, and the rows read are the cells read; empty cells are no value at all
    and are not records. Tables in this layout are small: the file is read whole through the streaming
    reader (rows that cannot be split into fields are rejects, as always), then reshaped in the engine.

    Args:
        ctx: the ingest context; its count of rows read is adjusted to count cells.
        columns: label -> wide column holding the values of that label (e.g. "2022" -> "2022").
        keep: the columns repeated on every row (partner names, codes).
        label: the name of the output column holding the label.
        value: the name of the output column holding the cell's text.
    """
    layout = ctx.sample.layout
    if layout is None:
        raise UnreadableInput(str(ctx.path), 1, "a CSV table", "text that is not a table")
    stream = CsvStream(ctx.path, ctx.encoding, layout)
    ctx.streams.append(stream)
    wide_arrow = stream.reader().read_all()
    wide = ctx.table(wide_arrow, count_rows=False)
    parts = [
        wide.select(
            *keep,
            **{
                label: ibis.literal(name),
                value: wide[column],
                RECORD: wide[RECORD].cast("string") + ":" + name,
            },
        )
        for name, column in columns.items()
    ]
    long = ibis.union(*parts) if len(parts) > 1 else parts[0]
    long = long.filter(long[value].notnull() & (long[value].strip() != ""))
    cells = int(ctx.ws.execute(long.count()))
    ctx.rows_read_direct += cells - wide_arrow.num_rows
    return long


def money(rows: ir.Table, scale: float | ir.NumericValue = 1.0) -> dict[str, ir.Value]:
    """``value`` in units of its currency and ``value_usd`` when that currency is the US dollar.

    Args:
        rows: the parsed rows (``value`` as published, ``currency``).
        scale: what one published unit is worth (1000 for "thousand USD", 1e6 for millions).
    """
    value = rows.value * scale
    return {"value": value, "value_usd": ibis.ifelse(rows.currency == "USD", value, ibis.null("float64"))}


def stage_flows(
    ctx: Context,
    raw: ir.Table,
    fields: Mapping[str, ir.Value | str | None],
    *,
    scale: float | str = 1.0,
    extra_checks: Callable[[ir.Table], Sequence[Check]] | None = None,
    derive_more: Callable[[ir.Table], Mapping[str, ir.Value]] | None = None,
    raw_columns: Sequence[str] | None = None,
) -> Staged:
    """Rows of trade statistics staged for ``flows``: money scaled to units, periods checked.

    Args:
        ctx: the ingest context.
        raw: the input relation.
        fields: canonical column -> raw column, expression or constant (see :func:`stage`); ``period``
            should come from :func:`period_expr` or :func:`year_month_expr` and ``period_start`` from
            :func:`period_start_expr`; ``__breakdown`` marks rows that split a total.
        scale: what one published unit is worth, or the name of a passthrough field holding it per row.
        extra_checks: checks of the format beyond the table's own and the period's.
        derive_more: further computed columns from the parsed ones (e.g. tonnes -> kg).
        raw_columns: the input columns that make up ``_raw`` for quarantined rows (default: all).
    """

    def derive(rows: ir.Table) -> dict[str, ir.Value]:
        derived = money(rows, rows[scale] if isinstance(scale, str) else scale)
        if derive_more is not None:
            derived.update(derive_more(rows))
        return derived

    def checks(rows: ir.Table) -> list[Check]:
        found: list[Check] = [
            (
                rows.period.notnull() & ~rows.period.re_search(PERIOD_PATTERN),
                "not a period: " + quoted(rows.period),
            ),
            (rows.hs_version.isnull(), ibis.literal("missing hs_version")),
        ]
        if extra_checks is not None:
            found.extend(extra_checks(rows))
        return found

    return stage(
        ctx,
        "flows",
        raw,
        fields,
        derive=derive,
        extra_checks=checks,
        raw_columns=raw_columns,
        repeat_key=REPEAT_KEY,
    )


REPEAT_KEY: Final = ("dataset", "reporter", "partner", "flow", "hs_code", "hs_version", "period", "value")
"""A country partner's flow given twice with the same value, the name written two ways, is a repeat.

National tables converted from spreadsheets repeat a row under a second spelling ("Тринидад и Тобаго" and
"Тринидад И Тобаго", same year, same figures): counted once, the later copy quarantined (by the writer).
Aggregates are left alone (several published groupings may fold into one aggregate code), and so are nil
values (a country listed twice with "-" twice adds nothing)."""


def header_lookup(header: Sequence[str]) -> dict[str, str]:
    """Header names keyed by their folded form (lower case, letters and digits only): "Trade Value (US$)" ->
    "tradevalueus"."""
    return {_fold_name(name): name for name in header if name != RECORD}


def find_column(lookup: Mapping[str, str], *names: str) -> str | None:
    """The first of ``names`` (folded) that the header has, as the header spells it."""
    for name in names:
        found = lookup.get(_fold_name(name))
        if found is not None:
            return found
    return None


def _concat(parts: Sequence[ir.StringValue]) -> ir.StringValue:
    joined: ir.StringValue = ibis.literal("")
    for part in parts:
        joined = joined + part
    return joined


def _fold_name(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())
