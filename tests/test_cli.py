"""The command-line contract of DESIGN.md, run as a user runs it: a real process, real files."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLES
from tests.factory import decl, write_decls

MANIFEST_KEYS = {"run_id", "started", "finished", "versions", "parameters", "inputs", "stages"}
INPUT_KEYS = {
    "path",
    "sha256",
    "format",
    "encoding",
    "rows_read",
    "rows_accepted",
    "rows_quarantined",
    "error",
}


def diversion(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "diversion.cli", *map(str, args)], capture_output=True, text=True, timeout=300
    )


def test_scan_writes_manifest_and_quarantine_exactly_as_the_contract_says(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    (inputs / "nested").mkdir(parents=True)
    write_decls(inputs / "nested" / "good.csv", [decl(), decl(declaration_id="2", quantity="-3")])
    (inputs / "broken.csv").write_text("this,is,not\na,known,layout\n")
    out = tmp_path / "out"
    result = diversion("scan", inputs, "--out", out, "--db", tmp_path / "w.duckdb")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest) >= MANIFEST_KEYS
    by_name = {Path(i["path"]).name: i for i in manifest["inputs"]}
    assert set(by_name) == {"good.csv", "broken.csv"}  # the folder was read recursively
    for item in manifest["inputs"]:
        assert set(item) >= INPUT_KEYS
        assert item["rows_read"] == item["rows_accepted"] + item["rows_quarantined"]
    assert (by_name["good.csv"]["rows_accepted"], by_name["good.csv"]["error"]) == (1, None)
    assert "broken.csv" in by_name["broken.csv"]["error"] and "line 1" in by_name["broken.csv"]["error"]
    stages = {s["name"]: s for s in manifest["stages"]}
    assert list(stages) == ["ingest", "resolve", "graph", "detect", "leads", "write"]
    assert stages["resolve"]["rows"] == 2  # the exporter and importer of the good declaration
    assert stages["graph"]["rows"] == 1  # one trade link: that exporter sent goods to that importer
    assert all(set(s) == {"name", "seconds", "rows"} for s in stages.values())
    assert {p.name for p in out.iterdir()} == {
        "leads.jsonl",
        "findings.parquet",
        "report.html",
        "quarantine.csv",
        "manifest.json",
    }
    with (out / "quarantine.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["source", "record", "reason", "raw"]
    assert [(Path(r["source"]).name, r["record"], r["reason"]) for r in rows] == [
        ("good.csv", "2", "negative quantity: '-3.0'")
    ]
    assert "broken.csv" in result.stderr  # the unreadable file is printed too


def test_status_json_and_idempotent_ingest(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    sample = SAMPLES / "declarations" / "declarations_2022_sample.csv"
    first = diversion("ingest", sample, "--db", db, "--json")
    assert first.returncode == 0, first.stderr
    status = json.loads(diversion("status", "--db", db, "--json").stdout)
    assert set(status) == {"tables", "runs", "quarantined"}
    assert status["tables"]["declarations"] == 7 and status["runs"] == 1 and status["quarantined"] == 3
    assert {"flows", "declarations", "parties", "relations", "listings"} <= set(status["tables"])
    again = diversion("ingest", sample, "--db", db, "--json")
    assert json.loads(again.stdout)["inputs"][0]["skipped"] is not None
    assert json.loads(diversion("status", "--db", db, "--json").stdout) == status


def test_quarantine_lists_rejected_rows(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    diversion("ingest", SAMPLES / "declarations" / "declarations_2022_sample.csv", "--db", db)
    listed = json.loads(diversion("quarantine", "--db", db, "--json").stdout)
    assert listed["total"] == 3
    assert sorted(r["reason"] for r in listed["rows"]) == [
        "negative quantity: '-12000.0'",
        "not a date: date '2022-02-30'",
        "not a number: value 'not reported'",
    ]


def test_exit_statuses(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("nothing,we,know\n1,2,3\n")
    nothing_readable = diversion("scan", bad, "--out", tmp_path / "o", "--db", tmp_path / "w.duckdb")
    assert nothing_readable.returncode == 1
    assert "could be read" in nothing_readable.stderr
    assert (
        diversion("ingest", bad, "--format", "no.such.format", "--db", tmp_path / "w.duckdb").returncode == 2
    )
    assert diversion("scan", bad).returncode == 2  # --out is required
    assert diversion("ingest", tmp_path / "missing.csv").returncode == 2


def test_every_command_has_help() -> None:
    for command in ("ingest", "scan", "status", "quarantine", "formats"):
        result = diversion(command, "--help")
        assert result.returncode == 0 and "Example: diversion" in result.stdout
