"""Tables in files (CSV and spreadsheets) as streams of Arrow batches of text, with record numbers.

Everything is read as text: typing and validation happen column-wise in the engine, where a value that
does not parse becomes a quarantined row with a reason, never a crash. A CSV is streamed in blocks, so a
file larger than memory reads in bounded memory. A row with the wrong number of fields is a parse reject
(quarantined with its line), not a failure of the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from diversion import settings
from diversion.errors import UnreadableInput

RECORD: Final = "__record"
"""The column holding each row's record number (1-based data row, header excluded)."""

DELIMITERS: Final = ",;\t|"


@dataclass
class Reject:
    """A row that could not even be split into fields."""

    record: str
    reason: str
    raw: str


@dataclass
class CsvLayout:
    """What the first lines of a CSV say about it."""

    header: list[str]
    delimiter: str
    first_rows: list[list[str]] = field(default_factory=list)


def head_text(path: Path, encoding: str, limit: int = 64 << 10) -> str:
    """The first characters of a text file, decoded (a stray byte never raises)."""
    with path.open("rb") as fh:
        data = fh.read(limit)
    text = data.decode(encoding, errors="replace") if encoding != "utf-8-mixed" else data.decode(encoding)
    return text.lstrip("\ufeff")


def sniff_csv(text: str, *, has_header: bool = True) -> CsvLayout | None:
    """Delimiter, header and first rows of CSV text, or None when it does not look like a table."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return None
    sample = "\n".join(lines[:-1] if len(lines) > 2 else lines)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = max(DELIMITERS, key=lines[0].count)
        if lines[0].count(delimiter) == 0 and len(lines) > 1:
            return None
    rows = list(csv.reader(io.StringIO("\n".join(lines[:20])), delimiter=delimiter))
    if not rows:
        return None
    if not has_header:
        return CsvLayout(header=[], delimiter=delimiter, first_rows=rows)
    header = [name.strip().strip("\ufeff") for name in rows[0]]
    return CsvLayout(header=header, delimiter=delimiter, first_rows=rows[1:])


class CsvStream:
    """A CSV file read as Arrow batches of text, numbered, with its parse rejects collected."""

    def __init__(
        self,
        path: Path,
        encoding: str,
        layout: CsvLayout,
        *,
        column_names: list[str] | None = None,
        has_header: bool = True,
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.names = column_names or unique_names(layout.header)
        self.has_header = has_header
        self.delimiter = layout.delimiter
        self.rejects: list[Reject] = []
        self.rows_read = 0
        self._pending_invalid: list[int] = []

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(name, pa.string()) for name in self.names] + [(RECORD, pa.int64())])

    def reader(self) -> pa.RecordBatchReader:
        """The stream (read once)."""
        return pa.RecordBatchReader.from_batches(self.schema, self._batches())

    def _on_invalid(self, row: pacsv.InvalidRow) -> str:
        header_lines = 1 if self.has_header else 0
        line = row.number
        data_row = line - header_lines if line is not None else None
        if data_row is not None:
            self._pending_invalid.append(data_row)
        self.rejects.append(
            Reject(
                record=str(data_row) if data_row is not None else "?",
                reason=f"expected {row.expected_columns} fields, found {row.actual_columns} (line {line})",
                raw=row.text,
            )
        )
        return "skip"

    def _batches(self) -> Iterator[pa.RecordBatch]:
        arrow_encoding = "utf8" if self.encoding in ("utf-8", "utf-8-sig") else self.encoding
        read_options = pacsv.ReadOptions(
            column_names=self.names,
            skip_rows=1 if self.has_header else 0,
            encoding=arrow_encoding,
            block_size=settings.CSV_BLOCK_BYTES,
            use_threads=False,  # serial parsing is what gives rejected rows their line numbers
        )
        parse_options = pacsv.ParseOptions(
            delimiter=self.delimiter, newlines_in_values=True, invalid_row_handler=self._on_invalid
        )
        convert_options = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in self.names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        try:
            stream = pacsv.open_csv(
                self.path,
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert_options,
            )
            for batch in stream:
                yield self._numbered(batch)
        except pa.ArrowInvalid as exc:
            raise UnreadableInput(
                str(self.path), _line_of(exc), f"a CSV table with {len(self.names)} columns", str(exc)
            ) from exc

    def _numbered(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        n = batch.num_rows
        invalid = sorted(self._pending_invalid)
        self._pending_invalid.clear()
        start = self.rows_read + 1
        span = np.arange(start, start + n + len(invalid), dtype=np.int64)
        if invalid and all(start <= p < start + n + len(invalid) for p in invalid):
            numbers = np.setdiff1d(span, np.asarray(invalid, dtype=np.int64), assume_unique=True)[:n]
        else:
            numbers = span[:n]
        self.rows_read += n + len(invalid)
        return pa.RecordBatch.from_arrays([*batch.columns, pa.array(numbers)], schema=self.schema)


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique and non-empty (a repeated or blank header cell would break the table)."""
    seen: dict[str, int] = {}
    result = []
    for index, name in enumerate(names):
        base = name or f"column_{index + 1}"
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.append(base if count == 0 else f"{base}_{count + 1}")
    return result


def _line_of(exc: Exception) -> int | None:
    text = str(exc)
    marker = "row "
    if marker in text:
        digits = "".join(ch for ch in text.split(marker, 1)[1][:12] if ch.isdigit())
        return int(digits) if digits else None
    return None


def spreadsheet_rows(path: Path, sheet: str | int | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one sheet of an XLSX/XLS/ODS workbook, every cell as text."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for corrupt workbooks
        raise UnreadableInput(str(path), None, "a readable XLSX, XLS or ODS workbook", str(exc)) from exc
    chosen = sheet if sheet is not None else 0
    try:
        grid = book.get_sheet_by_index(chosen) if isinstance(chosen, int) else book.get_sheet_by_name(chosen)
    except Exception as exc:
        raise UnreadableInput(str(path), None, f"a sheet {chosen!r}", f"sheets {book.sheet_names}") from exc
    rows = [[_cell_text(cell) for cell in row] for row in grid.to_python(skip_empty_area=True)]
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise UnreadableInput(str(path), 1, "a header row", "an empty sheet")
    header, body = [cell.strip() for cell in rows[0]], rows[1:]
    return header, body


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # codes typed as numbers come back as floats: 8542310000.0 -> "8542310000"
    return str(cell)


def rows_to_arrow(header: list[str], rows: list[list[str]], numbers: list[int] | None = None) -> pa.Table:
    """Rows of text as an Arrow table with record numbers (1, 2, ... unless given); short rows padded.

    Rows longer than the header must be set aside by the caller first (see :func:`overlong_rows`).
    """
    names = unique_names(header)
    width = len(names)
    columns = [[(row[i] if i < len(row) else "") for row in rows] for i in range(width)]
    arrays = [pa.array(col, type=pa.string()) for col in columns]
    record = numbers if numbers is not None else list(range(1, len(rows) + 1))
    arrays.append(pa.array(record, type=pa.int64()))
    return pa.Table.from_arrays(arrays, names=[*names, RECORD])


def overlong_rows(header: list[str], rows: list[list[str]]) -> set[int]:
    """Indexes of rows with a value beyond the last header column: they would lose it, so they are rejects."""
    width = len(header)
    return {index for index, row in enumerate(rows) if any(cell.strip() for cell in row[width:])}


PARQUET_MAGIC: Final = b"PAR1"
PARQUET_BATCH_ROWS: Final = 65_536


def is_parquet(path: Path) -> bool:
    """Whether a file is Parquet: it starts with the format's magic bytes (whatever its name)."""
    with path.open("rb") as fh:
        return fh.read(4) == PARQUET_MAGIC


def parquet_columns(path: Path) -> list[str]:
    """The column names of a Parquet file, as a header; a damaged file is one clear error."""
    try:
        return list(pq.read_schema(path).names)
    except (OSError, pa.ArrowException) as exc:
        raise UnreadableInput(str(path), None, "a readable Parquet file", f"a damaged one ({exc})") from exc


def parquet_batches(path: Path, names: list[str], first_record: int = 1) -> Iterator[pa.RecordBatch]:
    """A Parquet file as batches of text columns (renamed to ``names``) plus the row number ``__record``.

    Values are turned into text so that they go through the same parsing and checks as CSV cells.
    """
    record = first_record
    try:
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            columns = [_as_text(column) for column in batch.columns]
            numbers = pa.array(np.arange(record, record + batch.num_rows, dtype=np.int64))
            record += batch.num_rows
            yield pa.RecordBatch.from_arrays([*columns, numbers], names=[*names, RECORD])
    except (OSError, pa.ArrowException) as exc:
        raise UnreadableInput(str(path), None, "a readable Parquet file", f"a damaged one ({exc})") from exc


def _as_text(column: pa.Array) -> pa.Array:
    if pa.types.is_string(column.type):
        return column
    if pa.types.is_large_string(column.type) or pa.types.is_dictionary(column.type):
        return column.cast(pa.string())
    try:
        return column.cast(pa.string())
    except pa.ArrowNotImplementedError:  # nested values: their JSON-like text
        return pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())
