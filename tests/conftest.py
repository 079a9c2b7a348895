"""Shared fixtures: a real DuckDB workspace in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from diversion.store import Workspace, open_workspace

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO / "tests" / "data" / "real"
"""Real public data (trade statistics, lists, BODS) copied from shared/data with its SOURCES.md."""
SAMPLES = REPO / "data" / "samples"


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
