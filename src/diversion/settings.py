"""Environment settings, all in one place, all prefixed DIVERSION_."""

from __future__ import annotations

import os
from pathlib import Path

DB_PATH = Path(os.environ.get("DIVERSION_DB", "diversion.duckdb"))
"""Default workspace file."""

BACKEND = os.environ.get("DIVERSION_BACKEND", "duckdb")
"""Default engine: duckdb, or spark for scale."""

MEMORY_LIMIT = os.environ.get("DIVERSION_MEMORY_LIMIT", "2GB")
"""DuckDB memory cap; bulk loads spill to disk beyond it instead of growing."""

THREADS = int(os.environ.get("DIVERSION_THREADS", "0")) or (os.cpu_count() or 2)
"""Engine threads."""

CSV_BLOCK_BYTES = int(os.environ.get("DIVERSION_CSV_BLOCK_BYTES", str(16 << 20)))
"""Bytes parsed per CSV batch: memory stays bounded by a few blocks, whatever the file size."""
