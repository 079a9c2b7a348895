"""The same ingest on DuckDB and on Spark gives identical canonical tables (100k declaration rows)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks.declarations_data import make_declarations_csv
from diversion.ingest.run import ingest
from diversion.store import open_workspace

pytestmark = pytest.mark.spark

ROWS = 100_000
COMPARED = ("declarations", "quarantine")


def _rows(table: list[dict[str, object]]) -> list[tuple[object, ...]]:
    def normal(value: object) -> object:
        return None if isinstance(value, float) and math.isnan(value) else value

    return sorted(
        (tuple(normal(v) for k, v in row.items() if k != "run_id") for row in table),
        key=lambda r: tuple(str(v) for v in r),
    )


def test_duckdb_and_spark_ingest_alike(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    source = make_declarations_csv(tmp_path / "declarations.csv", ROWS)
    results = {}
    for backend in ("duckdb", "spark"):
        with open_workspace(tmp_path / backend / "work.duckdb", backend) as ws:
            manifest = ingest(ws, [source])
            report = manifest.inputs[0]
            assert report.error is None
            assert report.rows_read == ROWS == report.rows_accepted + report.rows_quarantined
            results[backend] = {name: _rows(ws.table(name).to_pyarrow().to_pylist()) for name in COMPARED}
    assert len(results["duckdb"]["declarations"]) > 0.99 * ROWS
    assert len(results["duckdb"]["quarantine"]) > 0
    for name in COMPARED:
        assert results["spark"][name] == results["duckdb"][name], name
