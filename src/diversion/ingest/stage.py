"""From raw text columns to canonical rows: parsing and checks, column-wise, with a reason for each reject.

An adapter says which raw column (or expression) feeds each canonical column; :func:`stage` parses each by
its canonical type, normalises countries and HS codes, applies the table's checks from
:mod:`diversion.model.checks`, and returns one relation where every row is either accepted (``_reason`` is
null) or quarantined (``_reason`` says why, ``_raw`` holds the input row as read).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from diversion.ingest.tabular import RECORD
from diversion.model import checks, schema
from diversion.model.countries import fold_expr
from diversion.model.hs import normalize_hs_expr
from diversion.model.regex import strip, substitute

REASON = "_reason"
RAW = "_raw"
ROW_HASH = "_row_hash"  # of the raw fields: finds exact duplicate rows cheaply
LAYER = "__layer"
"""An impure column that keeps each layer of :func:`stage` a projection of its own: Ibis otherwise inlines
nested projections, repeating every parse expression wherever a check refers to its column."""

# Placeholders that mean "no value" in published tables: "-" (Kyrgyz NSC), ".." and "..." (IMF, Eurostat).
NULL_WORDS = ("", "-", "--", "—", "–", "..", "...", "na", "n/a", "nan", "null", "none", "x", ":", "-0-")

Check = tuple[ir.BooleanValue, ir.StringValue]
"""A failing condition and the reason to record when it holds."""


@dataclass
class Staged:
    """Rows bound for one canonical table, each accepted or carrying the reason it is quarantined."""

    table: str
    rows: ir.Table
    counted: bool = True  # False for rows derived from records already counted in another stage
    raw_lines: ir.Table | None = None
    """Each input row as read (``RECORD``, ``RAW``), computed only for rows a later check quarantines."""
    repeat_key: tuple[str, ...] | None = None
    """Where set: a country partner's non-nil row whose values in these columns an earlier row of the same
    input already gave is quarantined as a repeat (marked by the writer, see ``writer.prepare``)."""


def one_of(value: ir.StringValue, options: Sequence[str]) -> ir.BooleanValue:
    """Whether text is one of some constants (none of which contains "|").

    A substring test against "|a|b|c|" is the cheapest form engines run: ``isin`` on a constant list
    compiles in DuckDB to a join per column, and a regular expression costs more per cell.
    """
    if any(SEPARATOR in option for option in options):
        raise ValueError(f"one_of options cannot contain {SEPARATOR!r}")
    catalogue = ibis.literal(SEPARATOR + SEPARATOR.join(options) + SEPARATOR)
    return catalogue.contains(SEPARATOR + value + SEPARATOR) & ~value.contains(SEPARATOR)


SEPARATOR = "|"

_LONGEST_NULL_WORD = max(len(word) for word in NULL_WORDS)


def trimmed(raw: ir.Value) -> ir.StringValue:
    """Text without surrounding blanks, empty as null: what free text (names, descriptions) gets."""
    value = raw.cast("string")
    # Most cells need no trimming, and building a trimmed copy of every cell is the dearest step of a load.
    padded = ibis.or_(*[edge(blank) for blank in (" ", "\t") for edge in (value.startswith, value.endswith)])
    return ibis.ifelse(padded, strip(value), value).nullif("")


def clean_text(raw: ir.Value) -> ir.StringValue:
    """Trimmed text, with empty strings and placeholders ("-", "..", "n/a") as null: for values to parse."""
    text = trimmed(raw)
    # Only short values can be placeholders: the length test spares a regular expression on most cells.
    return ibis.cases(
        (text.length() > _LONGEST_NULL_WORD, text),
        (one_of(text.lower(), NULL_WORDS), ibis.null("string")),
        else_=text,
    )


_PLAIN_NUMBER = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"


def parse_number(raw: ir.Value) -> ir.FloatingValue:
    """A number written with spaces as thousands separators or a decimal comma, else null."""
    return number_from_text(clean_text(raw))


def number_from_text(text: ir.StringValue) -> ir.FloatingValue:
    """:func:`parse_number` of text already cleaned."""
    spaced = text.re_replace("[ \u00a0\u202f']", "")
    spaced = ibis.cases(
        (spaced.re_search("^-?[0-9]+,[0-9]+$"), spaced.replace(",", ".")),  # one comma: a decimal comma
        (spaced.re_search(r"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$"), spaced.replace(",", "")),  # 1,234,567.5
        else_=spaced,
    )
    # Plain numbers (nearly all cells) are cast directly; only the others are cleaned first.
    value = ibis.ifelse(
        text.re_search(_PLAIN_NUMBER), text, spaced.re_search(_PLAIN_NUMBER).ifelse(spaced, "")
    ).try_cast("float64")
    # "1E309" overflows to infinity: no quantity or value is infinite, so it is no number.
    return ibis.ifelse(value.abs() <= _LARGEST, value, ibis.null("float64"))


_LARGEST = 1.7976931348623157e308


_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def parse_date(raw: ir.Value) -> ir.DateValue:
    """ISO dates (2022-04-15, 2022-04-15T00:00:00) or day-first dates (15.04.2022, 15/04/2022)."""
    return date_from_text(clean_text(raw))


def date_from_text(text: ir.StringValue) -> ir.DateValue:
    """:func:`parse_date` of text already cleaned."""
    day_first = substitute(text, r"^([0-9]{1,2})[./]([0-9]{1,2})[./]([0-9]{4})$", r"\3-\2-\1")
    day_first = substitute(day_first, r"^([0-9]{4})-([0-9])-(.*)$", r"\1-0\2-\3")
    day_first = substitute(day_first, r"^(.*)-([0-9])$", r"\1-0\2")
    candidate = ibis.cases(
        (text.re_search(_ISO_DATE), text),
        (text.re_search(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T"), text.substr(0, 10)),
        else_=day_first,
    )
    # Validated by shape first: engines differ on what else a date cast accepts ("2022-04" on Spark).
    return ibis.ifelse(candidate.re_search(_ISO_DATE), candidate, ibis.null("string")).try_cast("date")


def quoted(value: ir.StringValue) -> ir.StringValue:
    """A value as it would appear in a message."""
    return ibis.literal("'") + value.coalesce("") + ibis.literal("'")


def stage(
    ctx: Any,
    table: str,
    raw: ir.Table,
    fields: Mapping[str, ir.Value | str | None],
    *,
    derive: Callable[[ir.Table], Mapping[str, ir.Value]] | None = None,
    extra_checks: Callable[[ir.Table], Sequence[Check]] | None = None,
    raw_columns: Sequence[str] | None = None,
    counted: bool = True,
    repeat_key: Sequence[str] | None = None,
) -> Staged:
    """Parse and check ``raw`` into rows of the canonical ``table``.

    Args:
        ctx: the ingest context (workspace, source label, run id).
        table: canonical table name.
        raw: the input relation, text columns plus the record number.
        fields: canonical column -> raw column name, expression or constant (None for "not given").
        derive: computed columns from the parsed ones (e.g. thousand USD -> USD).
        extra_checks: checks of this format beyond the table's own.
        raw_columns: the input columns that make up ``_raw`` for quarantined rows (default: all).
        counted: whether rows count as records read (False when another stage already counts them).
        repeat_key: columns of a row that, given again by another row, make the later one a repeat
            (see ``Staged.repeat_key``).
    """
    target = schema.schema(table)
    country_columns = checks.COUNTRY_COLUMNS.get(table, ())
    hs_column = checks.HS_COLUMNS.get(table)
    raw_names = list(raw_columns) if raw_columns is not None else [c for c in raw.columns if c != RECORD]

    passthrough = {
        name: _as_value(raw, value, dt.string) for name, value in fields.items() if name.startswith("__")
    }
    exprs: dict[str, ir.Value] = {}
    for column in target.names:
        if column in schema.PROVENANCE:
            continue
        value = fields.get(column)
        exprs[column] = _as_value(raw, value, target[column])

    # Layers, each computed once: the adapter's expressions; their cleaned text; countries joined; parsed values.
    base = raw.select(
        **{f"__f_{c}": v for c, v in exprs.items()},
        **{RECORD: raw[RECORD]},
        **{f"__raw_{c}": raw[c] for c in raw_names},
        **passthrough,
    )
    looked_up = [c for c in country_columns if c in fields]
    text_columns = [c for c in exprs if base[f"__f_{c}"].type().is_string() and c not in looked_up]
    keyed = _layer(
        base, {f"__t_{c}": _cleaner(table, c, target[c], False)(base[f"__f_{c}"]) for c in text_columns}
    )
    # Countries: each distinct text is looked up once, then joined back by the text as written.
    country_found: dict[str, tuple[str, str]] = {}
    lookup = _country_lookup(ctx, base, looked_up) if looked_up else None
    for column in looked_up:
        assert lookup is not None
        code, is_country = f"__code_{column}", f"__isc_{column}"
        view = lookup.view()
        found = view.select(
            **{
                f"__v_{column}": view.country_text,
                f"__t_{column}": view.country_clean,
                code: view.country_code,
                is_country: view.country_is_country,
            }
        )
        keyed = keyed.left_join(found, keyed[f"__f_{column}"].cast("string") == found[f"__v_{column}"]).drop(
            f"__v_{column}"
        )
        country_found[column] = (code, is_country)
    text_columns += looked_up

    parsed: dict[str, ir.Value] = {}
    texts: dict[str, ir.Value] = {}  # the input text behind each parsed column, for messages
    failures: list[tuple[str, str]] = []  # (column, message prefix): input text present but no value
    flags = {f"{c}_is_country" for c in country_found}
    for column in exprs:
        if column in flags:
            continue  # set from the country's own lookup below
        dtype = target[column]
        text = keyed[f"__t_{column}"] if column in text_columns else None
        if column in country_found:
            code, is_country = country_found[column]
            texts[column], parsed[column] = text, keyed[code]
            parsed[f"__isc_{column}"] = keyed[is_country]
            failures.append((column, f"unknown country {column} "))
            flag = f"{column}_is_country"
            if flag in target.names:
                parsed[flag] = keyed[is_country]
        elif column == hs_column and text is not None:
            texts[column], parsed[column] = text, normalize_hs_expr(text)
            failures.append((column, f"not an HS code: {column} "))
        elif text is not None and not dtype.is_string():
            texts[column] = text
            parsed[column], word = _parse_typed(text, dtype)
            failures.append((column, f"not {word}: {column} "))
        elif text is not None:
            parsed[column] = text
        else:
            parsed[column] = keyed[f"__f_{column}"].cast(dtype)
    for column in target.names:
        if column.endswith("_is_country") and column not in parsed:
            parsed[column] = ibis.null("boolean")

    rows = keyed.select(
        **parsed,
        **{f"__text_{c}": t for c, t in texts.items()},
        **{RECORD: keyed[RECORD]},
        **{f"__raw_{c}": keyed[f"__raw_{c}"] for c in raw_names},
        **{name: keyed[name] for name in passthrough},
        **{LAYER: ibis.random()},
    )
    if derive is not None:
        rows = _layer(rows, dict(derive(rows)))
    problems: list[Check] = []
    for column, message in failures:
        text = rows[f"__text_{column}"]
        problems.append((text.notnull() & rows[column].isnull(), message + quoted(text)))
    if table not in checks.AGGREGATES_ALLOWED:
        for column in country_found:
            text = rows[f"__text_{column}"]
            problems.append(
                (
                    ~rows[f"__isc_{column}"],
                    f"{column} is an aggregate, not a country: " + quoted(text),
                )
            )
    if extra_checks is not None:
        problems.extend(extra_checks(rows))  # the format's own words first: they are the more precise
    problems.extend(_table_checks(table, rows))
    reason = ibis.cases(*problems, else_=ibis.null("string")) if problems else ibis.null("string")
    rows = rows.mutate(**{REASON: reason, ROW_HASH: _row_hash(rows, raw_names)})
    rows = rows.mutate(
        **{RAW: ibis.ifelse(rows[REASON].isnull(), ibis.null("string"), _raw_line(rows, raw_names))},
        source=ibis.literal(ctx.source_label),
        record=rows[RECORD].cast("string"),
        run_id=ibis.literal(ctx.run_id),
    )
    helpers = [c for c in rows.columns if c.startswith(("__raw_", "__text_", "__isc_")) or c == LAYER]
    raw_lines = base.select(**{RECORD: base[RECORD], RAW: _raw_line(base, raw_names)})
    return Staged(
        table,
        rows.drop(*helpers),
        counted=counted,
        raw_lines=raw_lines,
        repeat_key=tuple(repeat_key) if repeat_key is not None else None,
    )


def _cleaner(
    table: str, column: str, dtype: dt.DataType, is_country: bool
) -> Callable[[ir.Value], ir.StringValue]:
    """How a text column is cleaned: values to parse lose placeholders, free text only its empty cells."""
    if is_country or not dtype.is_string():
        return clean_text
    if column in checks.FREE_TEXT:
        return lambda value: value.cast("string").nullif("")
    return trimmed


def _country_lookup(ctx: Any, base: ir.Table, columns: Sequence[str]) -> ir.Table:
    """Every distinct text of the country columns with its country (or aggregate), computed once.

    Folding and looking up each cell would repeat the same few hundred lookups millions of times.
    """
    texts = [base.select(country_text=base[f"__f_{c}"].cast("string")) for c in columns]
    distinct = (ibis.union(*texts) if len(texts) > 1 else texts[0]).distinct()
    distinct = distinct.mutate(country_clean=clean_text(distinct.country_text))
    distinct = distinct.mutate(country_key=fold_expr(distinct.country_clean, cleaned=True))
    aliases = ctx.country_aliases()
    joined = distinct.left_join(aliases, distinct.country_key == aliases.country_key)
    lookup = joined.select("country_text", "country_clean", "country_code", "country_is_country")
    return ctx.keep(ctx.ws.materialize(lookup))


def _layer(table: ir.Table, columns: Mapping[str, ir.Value]) -> ir.Table:
    """Add columns as a projection the SQL compiler will not fold into the next one (see LAYER)."""
    return table.mutate(**columns, **{LAYER: ibis.random()})


def _as_value(raw: ir.Table, value: ir.Value | str | None, dtype: dt.DataType) -> ir.Value:
    if value is None:
        return ibis.null(dtype)
    if isinstance(value, str):
        return raw[value]
    return value


def _parse_typed(text: ir.StringValue, dtype: dt.DataType) -> tuple[ir.Value, str]:
    """The typed value of cleaned text, and what it failed to be when null."""
    if dtype.is_floating() or dtype.is_integer():
        return number_from_text(text).cast(dtype), "a number"
    if dtype.is_date():
        return date_from_text(text), "a date"
    if dtype.is_boolean():
        lowered = text.lower()
        flag = ibis.cases(
            (one_of(lowered, ["true", "t", "1", "yes", "y"]), True),
            (one_of(lowered, ["false", "f", "0", "no", "n"]), False),
            else_=ibis.null("boolean"),
        )
        return flag, "true or false"
    return text.try_cast(dtype), f"a {dtype}"


def _table_checks(table: str, rows: ir.Table) -> list[Check]:
    found: list[Check] = []
    for column in checks.REQUIRED.get(table, ()):
        found.append((rows[column].isnull(), ibis.literal(f"missing {column}")))
    for (name, column), allowed in checks.ENUMS.items():
        if name == table:
            value = rows[column]
            found.append(
                (
                    value.notnull() & ~one_of(value, allowed),
                    f"{column} must be one of {', '.join(allowed)}: " + quoted(value),
                )
            )
    for column in checks.NON_NEGATIVE.get(table, ()):
        value = rows[column]
        found.append((value < 0, f"negative {column}: " + quoted(value.cast("string"))))
    if "share" in rows.columns and table == "relations":
        found.append(
            (rows.share > checks.SHARE_MAX, "share above 100%: " + quoted(rows.share.cast("string")))
        )
    recent = ibis.literal(date.fromisoformat(checks.EARLIEST_DATE))
    historic = ibis.literal(date.fromisoformat(checks.EARLIEST_HISTORIC_DATE))
    latest = ibis.literal(date.today().replace(year=date.today().year + 1))
    for column, dtype in schema.schema(table).items():
        if dtype.is_date() and column in rows.columns:
            value = rows[column]
            earliest = historic if (table, column) in checks.HISTORIC_DATES else recent
            found.append(
                (
                    (value < earliest) | (value > latest),
                    f"impossible date: {column} " + quoted(value.cast("string")),
                )
            )
    return found


def _raw_line(rows: ir.Table, raw_names: Sequence[str]) -> ir.StringValue:
    """The input row as comma-separated text, quoting fields that need it."""
    parts = []
    for name in raw_names:
        value = rows[f"__raw_{name}"].cast("string").coalesce("")
        needs_quotes = value.re_search('[,"\n]')
        parts.append(ibis.ifelse(needs_quotes, '"' + value.replace('"', '""') + '"', value))
    return ibis.literal(",").join(parts) if parts else ibis.literal("")


def _row_hash(rows: ir.Table, raw_names: Sequence[str]) -> ir.IntegerValue:
    values = [rows[f"__raw_{name}"].cast("string").coalesce("\u2400") for name in raw_names]
    return ibis.literal("\u241f").join(values).hash() if values else ibis.literal(0)
