"""Generating synthetic worlds: seconds, declaration lines per second and peak memory, at several sizes.

Each size runs ``diversion simulate --declarations N`` in its own process (peak RSS from the kernel's
accounting of that process and its children). Issue #4's target: 10M declarations in under 5 minutes and
under 4 GiB on this machine.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.ingest_declarations import DATA, RESULTS, timed

SIZES = tuple(
    int(s) for s in os.environ.get("DIVERSION_SIMULATE_SIZES", "100000,1000000,10000000").split(",")
)


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    measures = []
    for size in SIZES:
        with tempfile.TemporaryDirectory(dir=DATA) as tmp:
            out = Path(tmp) / "world"
            command = [
                sys.executable,
                "-m",
                "diversion.cli",
                "simulate",
                "--seed",
                "1",
                "--declarations",
                str(size),
                "--out",
                str(out),
                "--json",
            ]
            seconds, rss, stdout = timed(command)
            summary = json.loads(stdout)
            size_bytes = sum(p.stat().st_size for p in (out / "inputs").rglob("*") if p.is_file())
            measure = {
                "declarations_asked": size,
                "declarations": summary["declarations"],
                "shipments": summary["shipments"],
                "firms": summary["firms"],
                "schemes": summary["schemes"],
                "decoys": summary["decoys"],
                "seconds": round(seconds, 2),
                "declarations_per_second": round(summary["declarations"] / seconds),
                "peak_rss_mib": round(rss),
                "inputs_bytes": size_bytes,
                "targets": {
                    "10M under 300 s": None if size < 10_000_000 else seconds < 300,
                    "peak under 4 GiB": rss < 4096,
                },
            }
            measures.append(measure)
            print(json.dumps(measure), flush=True)
            shutil.rmtree(out, ignore_errors=True)
    result = {
        "benchmark": "simulate_world",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "measures": measures,
    }
    (RESULTS / "simulate_world.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
