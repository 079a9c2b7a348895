"""Any other CSV or XLSX layout, read into a canonical table through a YAML column mapping.

Customs extracts, registry dumps and national lists come in layouts of their own, such as the
graph-numbered columns of EAEU declarations (G33 goods code, G38 net weight, ...). A mapping file names
the canonical table and, for each canonical column, the source column(s) it comes from; the rows then go
through the same parsing, checks and quarantine as every other adapter (:func:`stage`).

A mapping is found two ways: given with ``--mapping FILE`` (``options={"mapping": path}``; a name such as
``eaeu_g`` picks a mapping shipped in ``diversion/data/mappings/``), or as a ``*.yml`` file with
``diversion_mapping: 1`` in the file's folder or a folder above, whose ``match.columns`` are all in the
file's header (the nearest folder wins; in one folder, the definition with the most match columns).

The YAML schema (every value is read as text)::

    diversion_mapping: 1          # marks a definition that a run may meet in a folder
    extends: eaeu_g               # optional: start from another mapping (shipped name or path); keys here win
    table: declarations           # flows, flow_breakdowns, declarations, parties, relations, listings,
                                  # commodity_lists
    match:                        # optional: a definition in a folder claims files whose header has all these
      columns: [G_A, G33, G31]
    sheet: Лист1                  # optional: the workbook sheet (name, or 0-based index); default the first
    skip_rows: 2                  # optional: non-blank rows above the header (titles, notes)
    defaults:                     # optional: a constant per column, used where the data have no value
      declaring_country: KZ
    columns:                      # canonical column -> source
      description: G31                          # a header (matched ignoring case and surrounding spaces)
      exporter_name: {from: [G022, G02]}        # the first non-empty of the headers the file has
      direction:
        from: [G011, G01]
        extract: '(?i)^\\s*(ИМ|ЭК|ТТ)'          # keep what the regular expression finds (group 1) ...
        map: {ИМ: import, ЭК: export}           # ... then translate values (ignoring case; others pass)
      date:
        first_of:                               # the first non-empty, row by row, of several specs
          - G542
          - {from: G_A, extract: '/([0-9]{2})([0-9]{2})([0-9]{2})/', to: '20\\3-\\2-\\1'}
      brand: {concat: [G31_12, G31_14], sep: " "}   # non-empty parts joined
      unit: {from: G41A, optional: true}        # a missing header gives no value instead of an error
      aliases: {from: other_names, split: ";"}  # list columns: text split into items
    scale:                        # optional: multiply parsed numbers, e.g. thousands of USD
      value_usd: 1000

For ``declarations`` the goods code is kept as declared (``national_code``) and as HS-6 (``hs_code``), as
in the declarations CSV, and source columns the mapping does not use are kept as JSON in ``extra``. A
header that the mapping needs and the file lacks makes the file unreadable, with the missing columns named.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Final

import ibis
import ibis.expr.types as ir

from diversion.errors import UnreadableInput
from diversion.ingest import mapping_definition as definitions
from diversion.ingest.context import Context, Sample
from diversion.ingest.declarations_csv import stage_declarations
from diversion.ingest.encoding import open_text
from diversion.ingest.mapping_definition import Definition, MappingError, Spec
from diversion.ingest.stage import Check, Staged, clean_text, parse_number, quoted, stage
from diversion.ingest.tabular import RECORD, rows_to_arrow, sniff_csv, spreadsheet_rows
from diversion.model import schema
from diversion.model.regex import fill

FORMAT: Final = "mapping"
TABLES: Final = definitions.TARGETS

HEAD_ROWS: Final = 30
"""Rows of a workbook read to find its header when sniffing (the rest is read only when ingesting)."""
_SCALED: Final = "__scaled_"
_MAPPED: Final = "__mapped_"


def sniff(sample: Sample) -> bool:
    return _is_table(sample) and find(sample) is not None


def accepts(sample: Sample) -> bool:
    """Whether a file can be read through a mapping given with ``--mapping``: a CSV table or a workbook."""
    return _is_table(sample)


def find(sample: Sample) -> Definition | None:
    """The mapping definition that claims a file by its header: nearest folder first, then most specific."""
    for level in definitions.around(sample.path):
        claiming = [d for d in level if _folded(d.match) <= _folded(header(sample, d))]
        if claiming:
            return max(claiming, key=lambda d: len(d.match))  # max keeps the first (by file name) on ties
    return None


def read(ctx: Context) -> list[Staged]:
    if definitions.is_definition_file(ctx.path, ctx.sample.text):
        return definitions.read(ctx)  # a definition among inputs read with --format mapping: no rows
    definition = _chosen(ctx)
    raw = _raw(ctx, definition)
    names = {_fold(c): c for c in raw.columns if c != RECORD}
    built: dict[str, ir.Value] = {}
    used: set[str] = set()
    missing: list[str] = []
    for column, spec in definition.columns.items():
        expr, lacking = _build(spec, raw, names, used)
        missing.extend(lacking)
        if expr is not None:
            built[column] = expr
    missing.extend(h for h in definition.match if _fold(h) not in names)
    if missing:
        expected = f"the columns of mapping {definition.source}; missing {', '.join(dict.fromkeys(missing))}"
        found = f"columns {[c for c in raw.columns if c != RECORD][:20]}"
        raise UnreadableInput(str(ctx.path), definition.skip_rows + 1, expected, found)
    source = [c for c in raw.columns if c != RECORD]
    # Each mapped column is computed once, in its own projection: stage() refers to a field several times
    # (parsing, checks, messages), and an inlined expression would be copied into every reference.
    mapped = raw.mutate(**{_MAPPED + column: expr for column, expr in built.items()})
    built = {column: mapped[_MAPPED + column] for column in built}
    fields, scaled = _fields(definition, mapped, source, built, used)
    if definition.table == "declarations":
        hs_text = _with_default(definition, built, "hs_code")
        return [
            stage_declarations(
                ctx,
                mapped,
                fields,
                hs_text=hs_text if hs_text is not None else ibis.null("string"),
                direction_text=_with_default(definition, built, "direction"),
                raw_columns=source,
                extra_checks=partial(_scale_checks, scaled=scaled),
            )
        ]
    checks = partial(_scale_checks, scaled=scaled)
    return [stage(ctx, definition.table, mapped, fields, extra_checks=checks, raw_columns=source)]


def header(sample: Sample, definition: Definition) -> list[str]:
    """The header a definition would read from a file (its sheet, after its skipped rows)."""
    if sample.is_spreadsheet:
        stat = sample.path.stat()
        return list(_workbook_header(sample.path, stat.st_mtime_ns, definition.sheet, definition.skip_rows))
    if definition.skip_rows == 0:
        return sample.header
    layout = sniff_csv(_after_rows(sample.text, definition.skip_rows))
    return layout.header if layout is not None else []


# -- reading ----------------------------------------------------------------------------------------------


def _chosen(ctx: Context) -> Definition:
    given = ctx.options.get("mapping")
    if given is not None:
        return definitions.load(given)
    found = find(ctx.sample)
    if found is None:
        expected = (
            "a mapping for this layout (--mapping FILE, or a YAML file with diversion_mapping: 1 beside it)"
        )
        raise UnreadableInput(str(ctx.path), 1, expected, f"columns {ctx.sample.header[:12]}")
    return found


def _raw(ctx: Context, definition: Definition) -> ir.Table:
    if ctx.sample.is_spreadsheet:
        sheet = _sheet(ctx.path, definition.sheet)
        if definition.skip_rows == 0:
            return ctx.spreadsheet(sheet)
        top, rows = spreadsheet_rows(ctx.path, sheet)
        grid = [top, *rows]
        if len(grid) <= definition.skip_rows:
            raise UnreadableInput(
                str(ctx.path), None, f"a header after {definition.skip_rows} rows", f"{len(grid)} rows"
            )
        return ctx.grid([c.strip() for c in grid[definition.skip_rows]], grid[definition.skip_rows + 1 :])
    if ctx.sample.layout is None:
        raise UnreadableInput(str(ctx.path), 1, "a CSV table or an XLSX workbook", "text that is not a table")
    if definition.skip_rows == 0:
        return ctx.csv()
    return _csv_after_rows(ctx, definition.skip_rows)


def _csv_after_rows(ctx: Context, skip: int) -> ir.Table:
    """A CSV with title lines above its header, read in memory (such files are small exports)."""
    with open_text(ctx.path, ctx.encoding) as fh:
        text = _after_rows(fh.read().lstrip("\ufeff"), skip)
    layout = sniff_csv(text)
    if layout is None:
        raise UnreadableInput(str(ctx.path), skip + 1, "a header row", "text that is not a table")
    reader = csv.reader(io.StringIO(text), delimiter=layout.delimiter)
    top = [name.strip() for name in next(reader)]
    rows, numbers, record = [], [], 0
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        record += 1
        if len(row) != len(top):
            ctx.reject(
                str(record), f"expected {len(top)} fields, found {len(row)}", layout.delimiter.join(row)
            )
            continue
        rows.append(row)
        numbers.append(record)
    return ctx.table(rows_to_arrow(top, rows, numbers))


def _after_rows(text: str, skip: int) -> str:
    """Text after its first ``skip`` non-blank lines."""
    lines = text.splitlines(keepends=True)
    seen = 0
    for index, line in enumerate(lines):
        if seen == skip:
            return "".join(lines[index:])
        if line.strip():
            seen += 1
    return ""


def _sheet(path: Path, sheet: str | None) -> str | int | None:
    """A sheet by name, or by 0-based index when the workbook has no sheet of that name."""
    if sheet is None or not sheet.isdigit():
        return sheet
    from python_calamine import CalamineWorkbook

    try:
        names = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:  # a corrupt workbook: spreadsheet_rows reports it with the file name
        return sheet
    return sheet if sheet in names else int(sheet)


@lru_cache(maxsize=64)
def _workbook_header(path: Path, mtime_ns: int, sheet: str | None, skip: int) -> tuple[str, ...]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        chosen = _sheet(path, sheet)
        grid = (
            book.get_sheet_by_index(chosen or 0)
            if not isinstance(chosen, str)
            else book.get_sheet_by_name(chosen)
        )
        rows = [
            row
            for row in grid.to_python(skip_empty_area=True, nrows=skip + HEAD_ROWS)
            if any(_text(c) for c in row)
        ]
    except Exception:  # not a workbook we can read: the adapter's own read reports why
        return ()
    return tuple(_text(cell) for cell in rows[skip]) if len(rows) > skip else ()


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _is_table(sample: Sample) -> bool:
    if sample.is_spreadsheet:
        return True
    return (
        sample.layout is not None
        and sample.first_json is None
        and sample.path.suffix.lower() not in definitions.SUFFIXES
    )


# -- building columns -------------------------------------------------------------------------------------


def _fold(name: str) -> str:
    return name.strip().casefold()


def _folded(names: Iterable[str]) -> set[str]:
    return {_fold(n) for n in names}


def _build(
    spec: Spec, raw: ir.Table, names: dict[str, str], used: set[str]
) -> tuple[ir.StringValue | None, list[str]]:
    """The text a spec gives, row by row, or None and the headers it lacks (none when it is optional)."""
    expr: ir.StringValue | None
    missing: list[str] = []
    if spec.kind == "from":
        present = [names[_fold(h)] for h in spec.headers if _fold(h) in names]
        used.update(present)
        values = [clean_text(raw[c]) for c in present]
        expr = None if not values else values[0] if len(values) == 1 else ibis.coalesce(*values)
        if expr is None:
            missing = [spec.headers[0] if len(spec.headers) == 1 else "one of " + "/".join(spec.headers)]
    else:
        built = [_build(part, raw, names, used) for part in spec.parts]
        parts = [e for e, _ in built if e is not None]
        lacking = [m for _, ms in built for m in ms]
        if spec.kind == "concat":
            expr = None if lacking or not parts else clean_text(ibis.literal(spec.sep).join(parts))
            missing = lacking
        else:
            expr = None if not parts else parts[0] if len(parts) == 1 else ibis.coalesce(*parts)
            # Absent items are skipped; with none present, only required (non-optional) ones are missing.
            missing = ["one of (" + ", ".join(lacking) + ")"] if lacking and not parts else []
    if expr is None:
        return None, [] if spec.optional else missing
    if spec.extract is not None:
        expr = _extract(expr, spec.extract, spec.to)
    if spec.values:
        cases = [(key.lower(), ibis.literal(value, "string")) for key, value in spec.values]
        expr = expr.lower().cases(*cases, else_=expr).strip().nullif("")
    return expr, []


def _extract(text: ir.StringValue, pattern: str, template: str | None) -> ir.StringValue:
    """What a regular expression finds in the text (group 1, or the match), or the template filled in."""
    if template is None:
        group = 1 if re.compile(pattern).groups else 0
        value = text.re_extract(pattern, group)
    else:
        value = fill(text, pattern, template)  # not re_replace: see diversion.model.regex
    return ibis.ifelse(text.re_search(pattern), value.strip().nullif(""), ibis.null("string"))


def _fields(
    definition: Definition, raw: ir.Table, source: list[str], built: dict[str, ir.Value], used: set[str]
) -> tuple[dict[str, Any], list[str]]:
    """The stage() fields of a mapping: columns with defaults, scaling and list splitting applied."""
    target = schema.schema(definition.table)
    fields: dict[str, Any] = {}
    scaled: list[str] = []
    for column in dict.fromkeys([*built, *definition.defaults]):
        if definition.table == "declarations" and column in ("hs_code", "direction"):
            continue  # stage_declarations parses these
        value = _with_default(definition, built, column)
        if value is None:
            continue
        dtype = target[column]
        if dtype.is_array():
            spec = definition.columns.get(column)
            sep = spec.split if spec is not None and spec.split is not None else ";"
            value = value.split(sep).map(lambda item: item.strip()).filter(lambda item: item != "")
        elif column in definition.scale:
            fields[_SCALED + column] = value
            value = (parse_number(value) * definition.scale[column]).cast(dtype)
            scaled.append(column)
        fields[column] = value
    if "extra" in target.names and "extra" not in fields:
        rest = [c for c in source if c not in used]
        fields["extra"] = ibis.struct({c: raw[c] for c in rest}).cast("json").cast("string") if rest else None
    return fields, scaled


def _with_default(definition: Definition, built: dict[str, ir.Value], column: str) -> ir.Value | None:
    """A column's text from the data, else its default constant (None when the mapping gives neither)."""
    value = built.get(column)
    default = definition.defaults.get(column)
    if default is None:
        return value
    constant = ibis.literal(default, "string")
    return constant if value is None else value.coalesce(constant)


def _scale_checks(rows: ir.Table, scaled: list[str]) -> list[Check]:
    checks: list[Check] = []
    for column in scaled:
        text = rows[_SCALED + column]
        checks.append((text.notnull() & rows[column].isnull(), f"not a number: {column} " + quoted(text)))
    return checks


__all__ = ["FORMAT", "TABLES", "MappingError", "accepts", "find", "header", "read", "sniff"]
