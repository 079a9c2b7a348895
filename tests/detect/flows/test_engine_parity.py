"""The flow detectors give the same findings on DuckDB and on Spark (same code, both engines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from diversion.detect import get_detector
from diversion.detect.base import fetch
from diversion.store import open_workspace
from tests.detect.flows.fixtures import kazakh_chips, two_views

pytestmark = pytest.mark.spark
COMPARED = ("flows.surge", "flows.new_line", "flows.mirror_gap")


def test_flow_detectors_agree_on_duckdb_and_spark(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    found: dict[str, dict[str, list[tuple[object, ...]]]] = {}
    for backend in ("duckdb", "spark"):
        folder = tmp_path / backend
        folder.mkdir()
        with open_workspace(folder / "work.duckdb", backend) as ws:
            kazakh_chips(ws, folder)
            two_views(ws, folder)
            found[backend] = {}
            for name in COMPARED:
                detector = get_detector(name)
                assert detector is not None
                rows = fetch(detector.run(ws, detector.defaults()))
                found[backend][name] = sorted(
                    (r["subject_id"], r["period"], round(r["score"], 9), r["explanation"], len(r["evidence"]),
                     tuple(sorted((k, round(v, 6)) for k, v in r["metrics"].items() if v is not None)))
                    for r in rows
                )  # fmt: skip
    for name in COMPARED:
        assert found["duckdb"][name], name
        assert found["spark"][name] == found["duckdb"][name], name
