"""What an adapter is handed: the file, its detected encoding and layout, and ways to read it as relations."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pyarrow as pa

from diversion.ingest.tabular import CsvLayout, CsvStream, Reject, head_text, rows_to_arrow, sniff_csv, spreadsheet_rows
from diversion.model.countries import alias_rows
from diversion.store import Workspace

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


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

    def csv(self, *, column_names: list[str] | None = None, has_header: bool = True) -> ir.Table:
        """The file as a relation of text columns plus ``__record``, streamed (read once)."""
        layout = self.sample.layout
        if layout is None or not has_header:
            layout = sniff_csv(head_text(self.path, self.encoding), has_header=has_header) or layout
        assert layout is not None
        stream = CsvStream(self.path, self.encoding, layout, column_names=column_names, has_header=has_header)
        self.streams.append(stream)
        return self._stage(stream.reader())

    def spreadsheet(self, sheet: str | int | None = None) -> ir.Table:
        """One sheet of a workbook as a relation of text columns plus ``__record``."""
        header, rows = spreadsheet_rows(self.path, sheet)
        self.rows_read_direct += len(rows)
        return self._stage(rows_to_arrow(header, rows))

    def table(self, data: pa.Table, *, count_rows: bool = True) -> ir.Table:
        """Rows an adapter parsed itself (JSON and the like) as a relation."""
        if count_rows:
            self.rows_read_direct += data.num_rows
        return self._stage(data)

    def reject(self, record: str, reason: str, raw: str) -> None:
        """A record the adapter could not turn into rows at all (it is read and quarantined)."""
        self.rejects.append(Reject(record=record, reason=reason, raw=raw))

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

    def _stage(self, data: pa.Table | pa.RecordBatchReader) -> ir.Table:
        staged = self.ws.stage_arrow(data)
        self._staged.append(staged)
        return staged

    def release(self) -> None:
        for staged in self._staged:
            self.ws.drop_temp(staged)
        self._staged.clear()
        self._aliases = None
