"""The main job at scale: ``diversion scan`` of a synthetic world (declarations, statistics, registries,
relations, lists) at several sizes, with each stage's seconds, peak memory, and how the time grows.

Each size is generated once (``diversion simulate --declarations N``, not timed) and scanned in its own
process (peak RSS from the kernel's accounting of that process). Issue #8's targets: a full scan of 10M
declarations plus registries in under 10 minutes and 16 GiB; scaling from 1M to 10M no worse than 1.2
times linear (``(seconds at 10M / seconds at 1M) / 10 <= 1.2``). The world's answer key is scored too
(``diversion evaluate``), so speed is never bought with lost leads.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.ingest_declarations import DATA, RESULTS, timed

SIZES = tuple(int(s) for s in os.environ.get("DIVERSION_SCAN_SIZES", "1000000,10000000").split(","))
SCHEMES_PER_TYPE = 4
"""32 planted schemes at every size (the acceptance's "at least 30"), so sizes compare like for like."""


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "diversion.cli", *args]


def _scan(world: Path, size: int) -> dict[str, Any]:
    out = world / "scan"
    seconds, rss, _ = timed(
        _cli("scan", str(world / "inputs"), "--out", str(out), "--db", str(world / "scan.duckdb"), "--json")
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    _, _, report = timed(
        _cli("evaluate", "--truth", str(world / "truth.json"), "--leads", str(out / "leads.jsonl"), "--json")
    )
    scores = json.loads(report)
    rows = sum(i["rows_read"] for i in manifest["inputs"])
    return {
        "declarations_asked": size,
        "rows_read": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mib": round(rss),
        "stages": {s["name"]: {"seconds": s["seconds"], "rows": s["rows"]} for s in manifest["stages"]},
        "detectors": manifest.get("detectors", {}),
        "evaluation": {
            k: scores[k]
            for k in ("schemes", "found_top100", "recall_top100", "precision_top30", "decoys_top10")
        },
        "targets": {
            "10M under 600 s": None if size < 10_000_000 else seconds < 600,
            "peak under 16 GiB": rss < 16 * 1024,
        },
    }


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        with tempfile.TemporaryDirectory(dir=DATA) as tmp:
            world = Path(tmp) / "world"
            timed(
                _cli("simulate", "--seed", "8", "--declarations", str(size), "--schemes", str(SCHEMES_PER_TYPE),
                     "--decoys", "2", "--out", str(world), "--json")
            )  # fmt: skip
            try:
                measure = _scan(world, size)
            except RuntimeError as error:  # a scan that fails is a result too: say where it stopped
                measure = {"declarations_asked": size, "failed": str(error)[-1500:]}
            print(json.dumps(measure), flush=True)
            _record(measure)  # after each size: a later size that runs for an hour loses nothing
            shutil.rmtree(world, ignore_errors=True)


def _record(measure: dict[str, Any]) -> None:
    """Add one size's measure to ``scan_scale.json``, replacing an earlier one of that size (sizes measured
    in an earlier run and not this one are kept: a 10M run alone adds to the 1M one)."""
    path = RESULTS / "scan_scale.json"
    earlier = json.loads(path.read_text())["measures"] if path.exists() else []
    measures = sorted([m for m in earlier if m["declarations_asked"] != measure["declarations_asked"]] + [measure],
                      key=lambda m: m["declarations_asked"])  # fmt: skip
    by_size = {m["declarations_asked"]: m for m in measures if "seconds" in m}
    scaling = None
    if 1_000_000 in by_size and 10_000_000 in by_size:
        ratio = float(by_size[10_000_000]["seconds"]) / float(by_size[1_000_000]["seconds"])
        scaling = {
            "time_10M_over_1M": round(ratio, 2),
            "over_linear": round(ratio / 10, 2),
            "target": ratio / 10 <= 1.2,
        }
    result = {
        "benchmark": "scan_scale",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "measures": measures,
        "scaling": scaling,
    }
    path.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
