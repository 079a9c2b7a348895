"""The main job: scan a folder of sources into a workspace and write the run's outputs to a folder.

As of now a scan reads every input (any mix of formats), resolves the parties of all sources into
entities, draws the link graph between them, writes ``manifest.json`` and ``quarantine.csv`` to the output
folder, and says which inputs
could not be read. Graph, detectors and leads plug in after these stages as they are built.
"""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path

from diversion.errors import DiversionError
from diversion.graph import Graph, build_graph
from diversion.ingest.run import Manifest, Progress, ingest
from diversion.resolve import Resolved, resolve
from diversion.store import Workspace

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make spreadsheets run a cell as a formula: neutralised in CSV exports."""


@dataclass
class ScanResult:
    manifest: Manifest
    out: Path
    quarantined: int
    resolved: Resolved | None = None
    graph: Graph | None = None

    @property
    def readable_inputs(self) -> int:
        return len(self.manifest.ok_inputs)


def scan(
    ws: Workspace, paths: list[Path], out: Path, *, strict: bool = False, progress: Progress | None = None
) -> ScanResult:
    """Ingest ``paths`` into ``ws`` and write ``manifest.json`` and ``quarantine.csv`` to ``out``.

    Example:
        >>> scan(ws, [Path("data/samples")], Path("runs/demo"))  # doctest: +SKIP
    """
    out.mkdir(parents=True, exist_ok=True)
    manifest = ingest(ws, paths, strict=strict, progress=progress, command="scan")
    resolved, graph = None, None
    if manifest.ok_inputs:
        started = time.perf_counter()
        resolved = resolve(ws)
        manifest.stages.append(
            {"name": "resolve", "seconds": round(time.perf_counter() - started, 3), "rows": resolved.records}
        )
        started = time.perf_counter()
        graph = build_graph(ws)
        manifest.stages.append(
            {"name": "graph", "seconds": round(time.perf_counter() - started, 3), "rows": graph.total}
        )
    (out / "manifest.json").write_text(
        json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    digests = [i.sha256 for i in manifest.inputs if i.sha256 is not None]
    quarantined = write_quarantine_csv(ws, digests, out / "quarantine.csv")
    result = ScanResult(manifest, out, quarantined, resolved, graph)
    if manifest.inputs and result.readable_inputs == 0:
        raise DiversionError(
            f"none of the {len(manifest.inputs)} inputs could be read; see {out / 'manifest.json'}"
        )
    return result


def write_quarantine_csv(ws: Workspace, digests: list[str], path: Path) -> int:
    """Every quarantined row of the inputs with these contents, as ``source,record,reason,raw``."""
    quarantine, inputs = ws.table("quarantine"), ws.table("inputs")
    ingested = inputs.filter(inputs.sha256.isin(digests or [""])).select(
        q_run=inputs.run_id, q_path=inputs.path
    )
    rows = quarantine.join(
        ingested, (quarantine.run_id == ingested.q_run) & (quarantine.source == ingested.q_path)
    )
    table = rows.select("source", "record", "reason", "raw").to_pyarrow()
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source", "record", "reason", "raw"])
        for row in sorted(table.to_pylist(), key=_record_order):
            writer.writerow([_safe_cell(row[c]) for c in ("source", "record", "reason", "raw")])
    return int(table.num_rows)


def _record_order(row: dict[str, str]) -> tuple[str, int, str]:
    record = row["record"] or ""
    return (row["source"], int(record) if record.isdigit() else -1, record)


def _safe_cell(value: object) -> str:
    """Untrusted text made inert for spreadsheets (no formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
