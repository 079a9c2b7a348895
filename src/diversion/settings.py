"""Environment settings, all in one place, all prefixed DIVERSION_."""

from __future__ import annotations

import os
from pathlib import Path

DB_PATH = Path(os.environ.get("DIVERSION_DB", "diversion.duckdb"))
"""Default workspace file."""

BACKEND = os.environ.get("DIVERSION_BACKEND", "duckdb")
"""Default engine: duckdb, or spark for scale."""


def _default_memory_limit() -> str:
    """Half the machine's memory (at least 2 GB): joins and sorts spill to disk beyond it, but the lists
    of evidence a detector collects per group cannot, and a scan of a million declarations needs more than
    2 GB for them."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2GB"
    return f"{max(2, int(total / 2**30 / 2))}GB"


MEMORY_LIMIT = os.environ.get("DIVERSION_MEMORY_LIMIT") or _default_memory_limit()
"""DuckDB memory cap (``DIVERSION_MEMORY_LIMIT``, default half the machine's memory); beyond it bulk loads
and joins spill to disk instead of growing."""

INGEST_MEMORY_LIMIT = os.environ.get("DIVERSION_INGEST_MEMORY_LIMIT") or "2GB"
"""DuckDB memory cap while ingesting (``DIVERSION_INGEST_MEMORY_LIMIT``; the lower of it and MEMORY_LIMIT
applies): staging tables spill to disk beyond it, so a file of any size ingests in bounded memory while
the detectors keep the larger cap they need."""

THREADS = int(os.environ.get("DIVERSION_THREADS", "0")) or (os.cpu_count() or 2)
"""Engine threads."""

CSV_BLOCK_BYTES = int(os.environ.get("DIVERSION_CSV_BLOCK_BYTES", str(16 << 20)))
"""Bytes parsed per CSV batch: memory stays bounded by a few blocks, whatever the file size."""
