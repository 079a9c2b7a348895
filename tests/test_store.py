"""The workspace's engine settings: memory sizes and the lower cap an ingest runs under."""

from __future__ import annotations

from pathlib import Path

import pytest

from diversion import settings
from diversion.errors import DiversionError
from diversion.store import Workspace, byte_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2GB", 2e9), ("512MB", 512e6), ("1.5 GiB", 1.5 * 2**30), ("1GiB", 2**30), ("100", 100.0)],
)
def test_byte_size_reads_sizes_as_duckdb_takes_them(text: str, expected: float) -> None:
    assert byte_size(text) == expected


def test_byte_size_rejects_what_is_not_a_size() -> None:
    with pytest.raises(DiversionError, match="not a memory size"):
        byte_size("lots")


def _limit(ws: Workspace) -> float:
    row = ws.con.con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert row is not None
    return byte_size(str(row[0]))


def test_memory_capped_lowers_the_cap_and_restores_it(tmp_path: Path) -> None:
    with Workspace(tmp_path / "w.duckdb") as ws:
        before = _limit(ws)
        assert before > 1.2 * 2**30  # this machine's default is half its memory
        with ws.memory_capped("1GiB"):
            assert _limit(ws) == pytest.approx(2**30, rel=0.01)
        assert _limit(ws) == pytest.approx(before, rel=0.01)
        with ws.memory_capped("100TB"):  # never raised above the workspace's own cap
            assert _limit(ws) == pytest.approx(before, rel=0.01)
    assert byte_size(settings.INGEST_MEMORY_LIMIT) <= 2e9
