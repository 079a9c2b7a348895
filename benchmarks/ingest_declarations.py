"""Ingest of a large declarations CSV with full validation and quarantine, next to a bare DuckDB read.

Each contender runs in its own process, one after the other, on the same file: wall seconds, rows per
second and peak resident memory (from the kernel's accounting of that process). The bare read is
DuckDB's own ``CREATE TABLE AS SELECT * FROM read_csv(...)`` into a fresh database file: parsing and
storing, no checks. Ours is ``diversion ingest FILE --db NEW --json``.

A last run caps the engine's memory well below the file's size (``DIVERSION_MEMORY_LIMIT``) to show that
a file larger than the memory it is given still ingests (rows spill to disk instead of staying resident).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.declarations_data import make_declarations_csv

DATA = Path(__file__).parent / "data"
RESULTS = Path(__file__).parent / "results"
SIZES = tuple(int(s) for s in os.environ.get("DIVERSION_BENCH_SIZES", "1000000,10000000").split(","))
SMALL_MEMORY = "1GB"

BARE = """
import duckdb, sys
con = duckdb.connect(sys.argv[2])
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE declarations AS SELECT * FROM read_csv(?)", [sys.argv[1]])
print(con.execute("SELECT count(*) FROM declarations").fetchone()[0])
"""


@dataclass
class Measure:
    contender: str
    rows: int
    file_bytes: int
    seconds: float
    rows_per_second: float
    peak_rss_mib: float
    accepted: int | None = None
    quarantined: int | None = None
    memory_limit: str | None = None


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stdout of one process."""
    # Output goes to files, not pipes: a chatty process (Spark's logs) would fill a pipe nobody reads
    # until it ends, and wait for ever.
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        stdout.seek(0)
        out = stdout.read()
        if status != 0:
            stderr.seek(0)
            raise RuntimeError(f"{command[:3]} failed ({status}): {stderr.read()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, out


def bare(path: Path, rows: int, work: Path) -> Measure:
    seconds, rss, out = timed([sys.executable, "-c", BARE, str(path), str(work / "bare.duckdb")])
    assert int(out.strip()) == rows
    return Measure(
        "duckdb read_csv (bare)",
        rows,
        path.stat().st_size,
        round(seconds, 2),
        round(rows / seconds),
        round(rss),
    )


def ours(path: Path, rows: int, work: Path, memory_limit: str | None = None) -> Measure:
    env = dict(os.environ)
    if memory_limit is not None:
        env["DIVERSION_MEMORY_LIMIT"] = memory_limit
    db = work / f"ours-{memory_limit or 'default'}.duckdb"
    command = [sys.executable, "-m", "diversion.cli", "ingest", str(path), "--db", str(db), "--json"]
    seconds, rss, out = timed(command, env)
    report = json.loads(out)["inputs"][0]
    assert report["error"] is None and report["rows_read"] == rows
    assert report["rows_read"] == report["rows_accepted"] + report["rows_quarantined"]
    name = "diversion ingest" + (f" (memory limit {memory_limit})" if memory_limit else "")
    return Measure(
        name, rows, path.stat().st_size, round(seconds, 2), round(rows / seconds), round(rss),
        report["rows_accepted"], report["rows_quarantined"], memory_limit,
    )  # fmt: skip


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    measures: list[Measure] = []
    for rows in SIZES:
        path = make_declarations_csv(DATA / f"declarations_{rows}.csv", rows)
        with tempfile.TemporaryDirectory(dir=DATA) as tmp:
            work = Path(tmp)
            for run in (bare, ours):
                measure = run(path, rows, work)
                measures.append(measure)
                print(json.dumps(asdict(measure)), flush=True)
                for leftover in work.iterdir():  # each contender starts from an empty folder
                    shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
            if rows == max(SIZES):
                measure = ours(path, rows, work, SMALL_MEMORY)
                measures.append(measure)
                print(json.dumps(asdict(measure)), flush=True)
    summary = []
    for rows in SIZES:
        base = next(m for m in measures if m.rows == rows and m.contender.startswith("duckdb"))
        mine = next(m for m in measures if m.rows == rows and m.contender == "diversion ingest")
        summary.append(
            {
                "rows": rows,
                "ratio_to_bare": round(mine.seconds / base.seconds, 2),
                "rows_per_second": mine.rows_per_second,
                "peak_rss_mib": mine.peak_rss_mib,
                "targets": {"rows_per_second >= 400k": mine.rows_per_second >= 400_000,
                            "ratio <= 1.5": mine.seconds / base.seconds <= 1.5,
                            "peak < 4 GiB": mine.peak_rss_mib < 4096},
            }
        )  # fmt: skip
    result = {
        "benchmark": "ingest_declarations",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "measures": [asdict(m) for m in measures],
        "summary": summary,
    }
    (RESULTS / "ingest_declarations.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
