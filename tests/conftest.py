"""Shared fixtures: a real DuckDB workspace in a temporary folder, and one real scan of the demo world."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from diversion.scan import ScanResult, scan
from diversion.store import Workspace, open_workspace

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO / "tests" / "data" / "real"
"""Real public data (trade statistics, lists, BODS) copied from shared/data with its SOURCES.md."""
SAMPLES = REPO / "data" / "samples"
DEMO = REPO / "data" / "demo"
"""The shipped synthetic world (seed 2022, the reference cases reconstructed) and its answer key."""


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "work.duckdb", "duckdb")
    yield workspace
    workspace.close()


def shared(relative: str) -> Path:
    """A file of the real public data kept with the tests (see tests/data/real/README.md)."""
    path = SHARED_DATA / relative
    assert path.exists(), f"missing test data: {path}"
    return path


@pytest.fixture(scope="session")
def demo_scan(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, ScanResult]]:
    """``diversion scan data/demo/inputs`` once for the session: its workspace and result (``result.out``
    holds leads.jsonl, findings.parquet, report.html, quarantine.csv and manifest.json)."""
    root = tmp_path_factory.mktemp("demo-scan")
    workspace = open_workspace(root / "work.duckdb", "duckdb")
    result = scan(workspace, [DEMO / "inputs"], root / "out")
    yield workspace, result
    workspace.close()
