"""The same scan on both engines: ``diversion scan data/demo`` with ``--backend duckdb`` and ``--backend spark``,
each in its own process, and how far their outputs agree.

Issue #8 asks that every detector stay backend-neutral. A Spark scan of even the small demo world takes
minutes (Spark plans and checkpoints every step), too long for ``make test``; this run measures it and
compares the two outputs instead: findings per detector, the leads (subject and score, rank by rank) and
each stage's seconds. Figures in ``benchmarks/results/scan_backends.json``.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from benchmarks.ingest_declarations import DATA, RESULTS, timed
from benchmarks.scan_scale import _cli

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "inputs"
BACKENDS = ("duckdb", "spark")


def _scan(backend: str, work: Path) -> dict[str, Any]:
    out = work / backend
    seconds, rss, _ = timed(
        _cli(
            "scan",
            str(DEMO),
            "--out",
            str(out),
            "--db",
            str(work / f"{backend}.duckdb"),
            "--backend",
            backend,
        )
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    findings = pq.read_table(out / "findings.parquet").column("detector").to_pylist()
    leads = [json.loads(line) for line in (out / "leads.jsonl").read_text(encoding="utf-8").splitlines()]
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(rss),
        "stages": {s["name"]: s["seconds"] for s in manifest["stages"]},
        "findings": dict(sorted(Counter(findings).items())),
        "leads": [(lead["subject"]["id"], round(lead["score"], 3)) for lead in leads],
    }


def compare(runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """How the two engines' outputs agree: detectors whose finding counts differ, and the leads."""
    duck, spark = runs["duckdb"], runs["spark"]
    detectors = sorted(set(duck["findings"]) | set(spark["findings"]))
    differing = {
        d: [duck["findings"].get(d, 0), spark["findings"].get(d, 0)]
        for d in detectors
        if duck["findings"].get(d, 0) != spark["findings"].get(d, 0)
    }
    same_rank = sum(1 for a, b in zip(duck["leads"], spark["leads"], strict=False) if a == b)
    scores = {s: v for s, v in duck["leads"]}
    close = sum(1 for s, v in spark["leads"] if s in scores and abs(scores[s] - v) <= 0.001)
    return {
        "leads": [len(duck["leads"]), len(spark["leads"])],
        "same_subject_and_score_at_the_same_rank": same_rank,
        "same_subject_and_score_anywhere": close,
        "detectors_with_other_finding_counts": differing,
        "findings": [sum(duck["findings"].values()), sum(spark["findings"].values())],
    }


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        runs = {backend: _scan(backend, Path(tmp)) for backend in BACKENDS}
    result = {
        "benchmark": "scan_backends",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "world": "data/demo (diversion simulate --seed 2022 --scale demo)",
        "runs": {b: {k: v for k, v in r.items() if k != "leads"} for b, r in runs.items()},
        "agreement": compare(runs),
    }
    (RESULTS / "scan_backends.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["agreement"]), flush=True)


if __name__ == "__main__":
    main()
