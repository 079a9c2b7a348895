"""What an adapter is handed: the file, its detected encoding and layout, and ways to read it as relations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from diversion.errors import DiversionError, UnreadableInput
from diversion.ingest.tabular import (
    RECORD,
    CsvLayout,
    CsvStream,
    Reject,
    head_text,
    overlong_rows,
    parquet_batches,
    rows_to_arrow,
    sniff_csv,
    spreadsheet_rows,
    unique_names,
)
from diversion.model.countries import alias_rows
from diversion.store import Workspace

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
NATIVE_ENCODINGS = ("utf-8", "utf-8-sig")
"""Encodings the engine's own CSV reader takes as they are (it skips a BOM)."""


class EncodingMismatch(DiversionError):
    """A file read as UTF-8 holds bytes that are not: read it again as utf-8-mixed."""


def _reject_reason(kind: str, message: str, line: int) -> str:
    """The same words for a row left out by either CSV reader."""
    counts = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if counts is not None:
        return f"expected {counts[1]} fields, found {counts[2]} (line {line})"
    if kind == "UNQUOTED VALUE":
        return f"unterminated quote (line {line})"
    return f"{kind.lower()}: {message} (line {line})"


PARQUET = "parquet"
"""The ``encoding`` of a Parquet input (its text is typed by the file itself)."""


@dataclass
class Sample:
    """What format detection looks at: the first bytes of a file, as text and as a table if it is one."""

    path: Path
    encoding: str
    text: str
    layout: CsvLayout | None
    first_json: dict[str, Any] | list[Any] | None

    @property
    def header(self) -> list[str]:
        return self.layout.header if self.layout is not None else []

    @property
    def is_spreadsheet(self) -> bool:
        return self.path.suffix.lower() in SPREADSHEET_SUFFIXES

    @property
    def is_parquet(self) -> bool:
        return self.encoding == PARQUET


@dataclass
class Context:
    """One input file being ingested in one run."""

    ws: Workspace
    run_id: str
    path: Path
    source_label: str
    encoding: str
    sample: Sample
    options: dict[str, Any] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    streams: list[CsvStream] = field(default_factory=list)
    rows_read_direct: int = 0
    _aliases: ir.Table | None = None
    _staged: list[ir.Table] = field(default_factory=list)

    # -- readers ----------------------------------------------------------------------------------------

    def csv(
        self, *, column_names: list[str] | None = None, has_header: bool = True, framing: tuple[str, ...] = ()
    ) -> ir.Table:
        """The file as a relation of text columns plus ``__record`` (the data row, 1-based).

        UTF-8 files are parsed by the engine itself when it can (in parallel); other encodings are decoded
        in a stream of Arrow batches. Either way, rows that cannot be split into fields become rejects, and
        rows numbered after them keep their place in the file. ``framing`` lists lines that are part of the
        file's format, not data (OFAC's end-of-file marker): they are neither counted nor quarantined.
        """
        if self.sample.is_parquet:
            return self._parquet(column_names)
        layout = self.sample.layout
        if layout is None or not has_header:
            layout = sniff_csv(head_text(self.path, self.encoding), has_header=has_header) or layout
        if layout is None:
            raise UnreadableInput(str(self.path), 1, "a CSV table", "text that is not a table")
        names = column_names or unique_names(layout.header)
        if self.ws.reads_csv_natively and self.encoding in NATIVE_ENCODINGS:
            return self._native_csv(names, layout.delimiter, has_header, framing)
        stream = CsvStream(self.path, self.encoding, layout, column_names=column_names, has_header=has_header)
        self.streams.append(stream)
        table = self.ws.materialize(
            self.ws.stage_arrow(stream.reader())
        )  # read once, scanned as often as needed
        self._staged.append(table)
        for reject in [r for r in stream.rejects if r.raw.strip() in framing]:
            stream.rejects.remove(reject)
            stream.rows_read -= 1
        return table

    def _native_csv(
        self, names: list[str], delimiter: str, has_header: bool, framing: tuple[str, ...]
    ) -> ir.Table:
        raw, rejects = self.ws.read_csv(self.path, names, delimiter, has_header=has_header)
        self._staged.append(raw)
        header_lines = 1 if has_header else 0
        skipped: list[int] = []
        framed = 0
        for line, kind, message, text in rejects:
            if kind == "INVALID ENCODING":
                raise EncodingMismatch(f"{self.path}, line {line}: {message}")
            data_row = line - header_lines
            skipped.append(data_row)
            if text.strip() in framing:
                framed += 1
            else:
                self.rejects.append(
                    Reject(record=str(data_row), reason=_reject_reason(kind, message, line), raw=text)
                )
        self.rows_read_direct += int(raw.count().execute()) + len(skipped) - framed
        relations = self.ws.number_rows(raw, skipped)
        self._staged.extend(relations)
        return relations[-1]

    def _parquet(self, column_names: list[str] | None) -> ir.Table:
        """A Parquet file as text columns plus ``__record`` (its row number), read by the engine when it can."""
        names = column_names or unique_names(self.sample.header)
        if self.ws.reads_csv_natively:
            table = self.ws.read_parquet(self.path, names)
            self._staged.append(table)
            self.rows_read_direct += int(table.count().execute())
            return table
        schema = pa.schema([*((n, pa.string()) for n in names), (RECORD, pa.int64())])
        data = pa.Table.from_batches(list(parquet_batches(self.path, names)), schema=schema)
        self.rows_read_direct += data.num_rows
        return self._stage(data)

    def spreadsheet(self, sheet: str | int | None = None) -> ir.Table:
        """One sheet of a workbook as a relation of text columns plus ``__record``."""
        header, rows = spreadsheet_rows(self.path, sheet)
        return self.grid(header, rows)

    def grid(self, header: list[str], rows: list[list[str]]) -> ir.Table:
        """Rows of cells under a header (from a workbook) as a relation; a row with a value past the last
        header column would lose it, so it is quarantined instead."""
        overlong = overlong_rows(header, rows)
        kept = [(index + 1, row) for index, row in enumerate(rows) if index not in overlong]
        self.rows_read_direct += len(kept)
        for index in sorted(overlong):
            row = rows[index]
            found = max(i for i, cell in enumerate(row) if cell.strip()) + 1
            self.reject(str(index + 1), f"expected {len(header)} fields, found {found}", ",".join(row))
        return self._stage(rows_to_arrow(header, [row for _, row in kept], [number for number, _ in kept]))

    def table(self, data: pa.Table, *, count_rows: bool = True) -> ir.Table:
        """Rows an adapter parsed itself (JSON and the like) as a relation."""
        if count_rows:
            self.rows_read_direct += data.num_rows
        return self._stage(data)

    def reject(self, record: str, reason: str, raw: str) -> None:
        """A record the adapter could not turn into rows at all: counted as read, and quarantined."""
        self.rejects.append(Reject(record=record, reason=reason, raw=raw))
        self.rows_read_direct += 1

    def country_aliases(self) -> ir.Table:
        """The country alias table (folded name or code -> ISO alpha-2 or aggregate), staged once."""
        if self._aliases is None:
            self._aliases = self.ws.stage_arrow(pa.table(alias_rows()))
            self._staged.append(self._aliases)
        return self._aliases

    @property
    def rows_read(self) -> int:
        return self.rows_read_direct + sum(stream.rows_read for stream in self.streams)

    @property
    def all_rejects(self) -> list[Reject]:
        return self.rejects + [r for stream in self.streams for r in stream.rejects]

    def keep(self, table: ir.Table) -> ir.Table:
        """A temporary table made for this file, dropped with the file's staging."""
        self._staged.append(table)
        return table

    def _stage(self, data: pa.Table | pa.RecordBatchReader) -> ir.Table:
        staged = self.ws.stage_arrow(data)
        self._staged.append(staged)
        return staged

    def release(self) -> None:
        for staged in self._staged:
            self.ws.drop_temp(staged)
        self._staged.clear()
        self._aliases = None
