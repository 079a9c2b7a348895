"""The main job: scan a folder of sources into a workspace and write the run's outputs to a folder.

A scan reads every input (any mix of formats), resolves the parties of all sources into entities, draws
the link graph between them, runs every detector, turns the findings into ranked leads and writes the
``--out`` contract of DESIGN.md: ``leads.jsonl``, ``findings.parquet``, ``report.html``, ``quarantine.csv``
and ``manifest.json`` (with each stage's seconds and rows). Inputs that cannot be read are listed in the
manifest with their error; the scan goes on with the others.
"""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diversion.errors import DiversionError
from diversion.graph import Graph, build_graph
from diversion.ingest.run import Manifest, Progress, ingest
from diversion.leads import EVERYTHING, ScanScope, collect, rank, write
from diversion.report.leads import write_report
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
    leads: list[dict[str, Any]] | None = None

    @property
    def readable_inputs(self) -> int:
        return len(self.manifest.ok_inputs)


def scan(
    ws: Workspace,
    paths: list[Path],
    out: Path,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    scope: ScanScope = EVERYTHING,
) -> ScanResult:
    """Ingest ``paths`` into ``ws``, run every stage and write the run's files to ``out``.

    Example:
        >>> scan(ws, [Path("data/samples")], Path("runs/demo"))  # doctest: +SKIP
    """
    out.mkdir(parents=True, exist_ok=True)
    manifest = ingest(ws, paths, strict=strict, progress=progress, command="scan")
    manifest.parameters.update(
        {"since": scope.cutoff.isoformat(), "hubs": list(scope.hubs) if scope.hubs else None}
    )
    resolved, graph, leads = None, None, None
    if manifest.ok_inputs:
        resolved = _stage(manifest, "resolve", lambda: resolve(ws), lambda r: r.records)
        graph = _stage(manifest, "graph", lambda: build_graph(ws), lambda g: g.total)
        findings = _stage(manifest, "detect", lambda: collect(ws, scope, manifest.detectors), ws.count_rows)
        leads = _stage(manifest, "leads", lambda: rank(ws, findings, scope), len)
        _stage(
            manifest, "write", lambda: _write(ws, out, leads, findings, manifest, scope), lambda _: len(leads)
        )
    (out / "manifest.json").write_text(
        json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    digests = [i.sha256 for i in manifest.inputs if i.sha256 is not None]
    quarantined = write_quarantine_csv(ws, digests, out / "quarantine.csv")
    result = ScanResult(manifest, out, quarantined, resolved, graph, leads)
    if manifest.inputs and result.readable_inputs == 0:
        raise DiversionError(
            f"none of the {len(manifest.inputs)} inputs could be read; see {out / 'manifest.json'}"
        )
    return result


def _stage(manifest: Manifest, name: str, work: Any, rows: Any) -> Any:
    """Run one stage, recording its seconds and the rows it produced in the manifest."""
    started = time.perf_counter()
    result = work()
    manifest.stages.append(
        {"name": name, "seconds": round(time.perf_counter() - started, 3), "rows": rows(result)}
    )
    return result


def _write(
    ws: Workspace, out: Path, leads: list[dict[str, Any]], findings: Any, manifest: Manifest, scope: ScanScope
) -> None:
    write(out, leads, ws, findings)
    write_report(out / "report.html", leads, manifest, cutoff=scope.cutoff, ws=ws)


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
