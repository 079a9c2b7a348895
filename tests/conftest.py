"""Shared fixtures: a real DuckDB workspace in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from diversion.store import Workspace, open_workspace

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLES = REPO / "data" / "samples"


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "work.duckdb", "duckdb")
    yield workspace
    workspace.close()


def shared(relative: str) -> Path:
    """A file of the shared real data, or skip the test when this checkout has none beside it."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path
