"""Entity resolution and bulk screening at scale: wall seconds and peak memory, one process per measure.

- resolve: link N labelled party records (``simulate/parties.py``, seed 7) into entities, and their
  pairwise accuracy; sizes from ``DIVERSION_BENCH_RESOLVE_SIZES`` (default 100k and 1M).
- screen: ``DIVERSION_BENCH_SCREEN_QUERIES`` names (default 100k, seed 2) screened against
  ``DIVERSION_BENCH_SCREEN_LIST`` list entries (default 1M, seed 1) loaded as ``parties`` and ``listings``.

Targets of issue #6: 1M records resolved in under 5 minutes and 8 GiB; 100k names screened against 1M
list entries in under 2 minutes. Run: ``.venv/bin/python -m benchmarks.resolve_scale``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
RESOLVE_SIZES = tuple(
    int(s) for s in os.environ.get("DIVERSION_BENCH_RESOLVE_SIZES", "100000,1000000").split(",")
)
SCREEN_QUERIES = int(os.environ.get("DIVERSION_BENCH_SCREEN_QUERIES", "100000"))
SCREEN_LIST = int(os.environ.get("DIVERSION_BENCH_SCREEN_LIST", "1000000"))


def run_resolve(records: int) -> dict[str, Any]:
    """One measure, in this process: generate, then link (timed) and score accuracy."""
    from diversion.resolve.evaluate import link_labelled, pairwise_accuracy
    from diversion.simulate.parties import labelled_parties
    from diversion.store import Workspace

    labelled = labelled_parties(7, records)
    with tempfile.TemporaryDirectory() as tmp, Workspace(Path(tmp) / "w.duckdb") as ws:
        members, seconds = link_labelled(ws, labelled)
        accuracy = [a.to_dict() for a in pairwise_accuracy(ws, labelled, members)]
    return {"records": records, "link_seconds": round(seconds, 1), "accuracy": accuracy}


def run_screen(queries: int, entries: int) -> dict[str, Any]:
    """One measure, in this process: load the list, then screen every query (timed)."""
    import pyarrow as pa

    from diversion.model import schema
    from diversion.resolve.screen_many import screen_many
    from diversion.simulate.parties import labelled_parties
    from diversion.store import Workspace

    listed = labelled_parties(1, entries)
    asked = labelled_parties(2, queries)
    with tempfile.TemporaryDirectory() as tmp, Workspace(Path(tmp) / "w.duckdb") as ws:
        parties = {
            name: listed.column(name) if name in listed.column_names else None
            for name in schema.TABLES["parties"]
        }
        columns = {
            name: (
                values
                if values is not None
                else pa.nulls(listed.num_rows, schema.schema("parties")[name].to_pyarrow())
            )
            for name, values in parties.items()
        }
        columns["source"] = pa.array(["bench"] * listed.num_rows)
        columns["record"] = listed.column("party_id")
        with ws.transaction():
            ws.insert_arrow(
                "parties", pa.table(columns).cast(schema.schema("parties").to_pyarrow(), safe=False)
            )
            ws.insert_arrow(
                "listings",
                pa.table(
                    {
                        "listing_id": listed.column("party_id"),
                        "party_id": listed.column("party_id"),
                        "list": pa.array(["bench"] * listed.num_rows),
                        **{
                            c: pa.nulls(listed.num_rows, pa.string())
                            for c in (
                                "program",
                                "authority",
                                "reason",
                                "country",
                                "source",
                                "record",
                                "run_id",
                            )
                        },
                        "listed_on": pa.nulls(listed.num_rows, pa.date32()),
                    }
                ),
            )
        query_table = pa.table(
            {
                "query_id": asked.column("party_id"),
                "name": asked.column("name"),
                "country": asked.column("country"),
                "kind": asked.column("kind"),
            }
        )
        started = time.perf_counter()
        found = screen_many(ws, query_table)
        seconds = time.perf_counter() - started
    return {
        "queries": queries,
        "list_entries": entries,
        "screen_seconds": round(seconds, 1),
        "candidates": found.num_rows,
        "queries_with_a_match": len(set(found.filter(found.column("match")).column("query_id").to_pylist())),
    }


def measure(args: list[str]) -> dict[str, Any]:
    """Run one measure in a child process: its wall seconds and peak memory, and what it returned."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.resolve_scale", *args], stdout=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read() if proc.stdout else ""
    if status != 0:
        raise RuntimeError(f"{args} failed ({status})")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["process_seconds"] = round(time.perf_counter() - started, 1)
    result["peak_rss_mib"] = round(usage.ru_maxrss / 1024)
    return result


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    resolve = []
    for size in RESOLVE_SIZES:
        resolve.append(measure(["resolve", str(size)]))
        print(json.dumps(resolve[-1])[:400], flush=True)
    screen = measure(["screen", str(SCREEN_QUERIES), str(SCREEN_LIST)])
    print(json.dumps(screen), flush=True)
    result = {
        "benchmark": "resolve_scale",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "resolve": resolve,
        "screen": screen,
        "targets": {
            "1M records resolved in < 300 s": any(
                r["records"] >= 1_000_000 and r["link_seconds"] < 300 for r in resolve
            ),
            "1M records in < 8 GiB": any(
                r["records"] >= 1_000_000 and r["peak_rss_mib"] < 8192 for r in resolve
            ),
            "100k vs 1M screened in < 120 s": screen["screen_seconds"] < 120,
        },
    }
    (RESULTS / "resolve_scale.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["targets"], indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "resolve":
        print(json.dumps(run_resolve(int(sys.argv[2]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "screen":
        print(json.dumps(run_screen(int(sys.argv[2]), int(sys.argv[3]))))
    else:
        main()
