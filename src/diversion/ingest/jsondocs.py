"""JSON sources (entity graphs, ownership statements) as numbered records, and their rows as Arrow tables.

A JSON input is either one array of records or JSON lines (one record a line; a pretty-printed single
object also works). Records are numbered from 1: the line number for JSON lines, the position in the
array otherwise. A line that is not JSON is quarantined with its line number and the parser's message,
and the rest of the file is read. Shared by the FollowTheMoney and BODS adapters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from diversion.errors import UnreadableInput
from diversion.ingest.context import Context
from diversion.ingest.stage import RAW, REASON, Staged, stage
from diversion.ingest.tabular import RECORD
from diversion.model.countries import aliases, fold

RAW_COLUMN: Final = "json"
"""The column holding each record as read (compact JSON): what quarantine shows for a rejected row."""

PASSTHROUGH: Final = "__json"
"""The same text passed through staging, to become the quarantine's raw text."""

RAW_LIMIT: Final = 4000
"""Characters of a record kept as its raw text in quarantine."""

_FULL_DATE: Final = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})")


@dataclass
class JsonRecord:
    """One record of a JSON input: its number, its value and its text as read."""

    number: int
    value: Any
    raw: str


def read_records(ctx: Context) -> Iterator[JsonRecord]:
    """The records of a JSON or JSON-lines file; lines that are not JSON are quarantined (and counted)."""
    text = _decode(ctx)
    stripped = text.lstrip()
    if stripped.startswith("["):
        yield from _array_records(ctx, stripped)
        return
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not _parses(first):
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None
        if isinstance(whole, dict):  # one pretty-printed object
            yield JsonRecord(1, whole, compact(whole))
            return
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            reject(ctx, number, f"not valid JSON: {exc.msg} (line {number}, column {exc.colno})", line)
            continue
        yield JsonRecord(number, value, line.strip())


def _array_records(ctx: Context, text: str) -> Iterator[JsonRecord]:
    try:
        values = json.loads(text)
    except json.JSONDecodeError as exc:
        expected = "a JSON array of records"
        raise UnreadableInput(str(ctx.path), exc.lineno, expected, f"broken JSON: {exc.msg}") from exc
    if not isinstance(values, list):
        raise UnreadableInput(str(ctx.path), 1, "a JSON array of records", type(values).__name__)
    for number, value in enumerate(values, start=1):
        yield JsonRecord(number, value, compact(value))


def _decode(ctx: Context) -> str:
    encoding = "utf-8-sig" if ctx.encoding == "utf-8" else ctx.encoding
    try:
        return ctx.path.read_bytes().decode(encoding)
    except UnicodeDecodeError as exc:
        # "UTF8" lets the run retry the file forgiving stray bytes (see run._run_adapter).
        raise UnreadableInput(str(ctx.path), None, "UTF8 text", f"byte {exc.start}: {exc.reason}") from exc


def _parses(line: str) -> bool:
    try:
        json.loads(line)
    except json.JSONDecodeError:
        return False
    return True


def compact(value: Any) -> str:
    """A record as one line of JSON (non-ASCII kept), cut to :data:`RAW_LIMIT` characters."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))[:RAW_LIMIT]


def reject(ctx: Context, number: int, reason: str, raw: str) -> None:
    """A record that maps to no row at all: read, and quarantined with the reason."""
    ctx.reject(str(number), reason, raw[:RAW_LIMIT])


def arrow_rows(rows: Sequence[dict[str, Any]], text: Iterable[str], lists: Iterable[str] = ()) -> pa.Table:
    """Rows as an Arrow table: text columns, list-of-text columns, the raw record and ``__record``."""
    arrays: dict[str, pa.Array] = {}
    for name in text:
        arrays[name] = pa.array([_text(row.get(name)) for row in rows], type=pa.string())
    for name in lists:
        arrays[name] = pa.array([list(row.get(name) or []) for row in rows], type=pa.list_(pa.string()))
    arrays[RAW_COLUMN] = pa.array([row.get(RAW_COLUMN) for row in rows], type=pa.string())
    arrays[RECORD] = pa.array(np.asarray([row[RECORD] for row in rows], dtype=np.int64), type=pa.int64())
    return pa.table(arrays)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def unique(values: Iterable[str | None], *, without: Iterable[str | None] = ()) -> list[str]:
    """Distinct non-blank values in their first order, leaving out ``without``."""
    skip = {v for v in without if v}
    seen: set[str] = set()
    kept = []
    for value in values:
        if not value or not value.strip():
            continue
        value = value.strip()
        if value in seen or value in skip:
            continue
        seen.add(value)
        kept.append(value)
    return kept


def full_date(values: Iterable[str | None], *, earliest: bool = False) -> str | None:
    """The first (or the earliest) complete date of ISO date texts; partial ones (1975, 1975-06) give none.

    The canonical date columns hold days: a year or a month alone cannot be stored without inventing a day.
    """
    found = [m.group(1) for v in values if v and (m := _FULL_DATE.match(v.strip()))]
    if not found:
        return None
    return min(found) if earliest else found[0]


def known_country(values: Iterable[str | None]) -> str | None:
    """The first value naming a known country; aggregates (eu) and "zz" (FtM's "global") are no country.

    When no value is known, the first unknown one is returned, for the row to be quarantined with it.
    """
    given = [v.strip() for v in values if v and v.strip() and v.strip().lower() != "zz"]
    table = aliases()
    unknown = []
    for value in given:
        country = table.get(fold(value))
        if country is None:
            unknown.append(value)
        elif country.is_country:
            return value
    return unknown[0] if unknown else None


def stage_json(
    ctx: Context, table: str, raw: ir.Table, fields: Mapping[str, ir.Value | str | None], **options: Any
) -> Staged:
    """Rows built from JSON records, staged: quarantine shows the record's JSON as read."""
    staged = stage(ctx, table, raw, {**fields, PASSTHROUGH: RAW_COLUMN}, raw_columns=[RAW_COLUMN], **options)
    rows = staged.rows
    text = ibis.ifelse(rows[REASON].isnull(), ibis.null("string"), rows[PASSTHROUGH])
    return Staged(staged.table, rows.mutate(**{RAW: text}).drop(PASSTHROUGH), counted=staged.counted)


def text_fields(raw: ir.Table, names: Iterable[str]) -> dict[str, ir.Value | str | None]:
    """Canonical columns fed by the raw columns of the same name."""
    return {name: name for name in names if name in raw.columns}
