"""Parquet inputs: read by any table format, their rows numbered as in the file, checked like CSV cells."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from diversion.ingest.run import ingest
from diversion.store import Workspace, open_workspace
from tests.factory import decl, ingest_one, write_decls


def _rows(ws: Workspace, table: str) -> list[dict[str, Any]]:
    rows = ws.table(table).drop("source", "run_id").to_pyarrow().to_pylist()
    return sorted(rows, key=lambda r: str(r.get("record")))


def _decls() -> list[dict[str, str]]:
    return [
        decl(declaration_id="A-1"),
        decl(declaration_id="A-2", quantity="-3"),  # quarantined: negative
        decl(declaration_id="A-3", hs_code="8542.31", date="15.03.2022", value="1 250 000,50"),
        decl(declaration_id="A-4", exporter_country="Atlantis"),  # quarantined: unknown country
        decl(declaration_id="A-5", quantity="12.0"),
    ]


def test_parquet_of_text_columns_reads_exactly_as_the_csv(tmp_path: Path) -> None:
    csv_path = write_decls(tmp_path / "decls.csv", _decls())
    parquet_path = tmp_path / "decls.parquet"
    duckdb.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar = true)) TO '{parquet_path}' (FORMAT parquet)"
    )
    results = {}
    for path in (csv_path, parquet_path):
        with open_workspace(tmp_path / f"{path.suffix[1:]}.duckdb", "duckdb") as ws:
            report = ingest_one(ws, path)
            assert (report.format, report.rows_read, report.rows_accepted) == ("declarations.csv", 5, 3)
            results[path.suffix] = (_rows(ws, "declarations"), _rows(ws, "quarantine"))
    assert results[".parquet"] == results[".csv"]
    quarantined = {row["record"]: row["reason"] for row in results[".parquet"][1]}
    assert set(quarantined) == {"2", "4"} and "negative quantity" in quarantined["2"]


def test_typed_parquet_values_go_through_the_same_checks(ws: Workspace, tmp_path: Path) -> None:
    table = pa.table(
        {
            "declaration_id": ["T-1", "T-2"],
            "date": pa.array([pa.scalar(19000, pa.date32()).as_py(), None], pa.date32()),
            "direction": ["export", "export"],
            "hs_code": ["854231", "854231"],
            "quantity": pa.array([10.5, -1.0]),
            "value_usd": pa.array([100, 200], pa.int64()),
        }
    )
    pq.write_table(table, tmp_path / "typed.parquet")
    report = ingest_one(ws, tmp_path / "typed.parquet")
    assert (report.rows_accepted, report.rows_quarantined) == (1, 1)
    row = ws.table("declarations").to_pyarrow().to_pylist()[0]
    assert (row["record"], str(row["date"]), row["quantity"], row["value_usd"]) == (
        "1",
        "2022-01-08",
        10.5,
        100.0,
    )


def test_a_damaged_parquet_file_is_one_clear_error_and_the_rest_is_read(
    ws: Workspace, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1" + b"\x00garbage" * 20)
    good = write_decls(tmp_path / "good.csv", [decl()])
    manifest = ingest(ws, [broken, good])
    errors = {Path(r.path).name: r.error for r in manifest.inputs}
    assert errors["good.csv"] is None
    assert errors["broken.parquet"] is not None and "broken.parquet" in errors["broken.parquet"]
    assert "Parquet" in errors["broken.parquet"]


@pytest.mark.spark
def test_spark_reads_parquet_alike(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    csv_path = write_decls(tmp_path / "decls.csv", _decls())
    parquet_path = tmp_path / "decls.parquet"
    duckdb.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar = true)) TO '{parquet_path}' (FORMAT parquet)"
    )
    results = {}
    for backend in ("duckdb", "spark"):
        with open_workspace(tmp_path / backend / "work.duckdb", backend) as ws:
            ingest_one(ws, parquet_path)
            results[backend] = _rows(ws, "declarations")
    assert results["spark"] == results["duckdb"] and len(results["duckdb"]) == 3
