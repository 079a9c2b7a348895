"""The flow detectors at scale: the whole suite on a large Parquet file of trade statistics, next to a bare
DuckDB aggregation of the same file; and flows.surge + flows.pass_through next to a plain pandas
implementation of the same two detectors (benchmarks/pandas_flows.py), whose findings must be identical.

Each contender runs in its own process, one after the other: wall seconds and peak resident memory (from
the kernel's accounting of that process). The suite reads the file where it lies (the workspace's
``flows`` is a view over it) and computes every flow detector's findings with their evidence (materialised,
as ``diversion flows`` does before ranking). The bare contender is one group-by over all rows (reporter,
partner, flow, product and year). The engine is given ``MEMORY`` (the target is under 12 GiB).

Sizes: ``DIVERSION_BENCH_FLOW_ROWS`` (default 100M) for the suite, ``DIVERSION_BENCH_PANDAS_ROWS``
(default 10M) for the pandas comparison.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.flows_data import make_flows_parquet
from benchmarks.ingest_declarations import timed

DATA = Path(__file__).parent / "data"
RESULTS = Path(__file__).parent / "results"
SUITE_ROWS = int(os.environ.get("DIVERSION_BENCH_FLOW_ROWS", "100000000"))
PANDAS_ROWS = int(os.environ.get("DIVERSION_BENCH_PANDAS_ROWS", "10000000"))
MEMORY = "10GB"

BARE = """
import duckdb, sys
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
groups = con.execute(
    "SELECT count(*) FROM (SELECT reporter, partner, flow, hs_code, substr(period, 1, 4) AS year, sum(value) "
    "FROM read_parquet(?) GROUP BY ALL)", [sys.argv[1]]
).fetchone()[0]
print(groups)
"""

OURS = """
import json, sys
from pathlib import Path
from diversion.store import open_workspace
from diversion.detect.flows import findings
from diversion.detect import flows
ws = open_workspace(Path(sys.argv[2]), "duckdb")
ws.con.con.execute("DROP TABLE flows")
ws.con.con.execute("CREATE VIEW flows AS SELECT * FROM read_parquet(?)".replace("?", repr(sys.argv[1])))
which = sys.argv[3]
if which == "suite":
    found = findings(ws)
else:  # flows.surge and flows.pass_through, their figures as benchmarks/pandas_flows.py writes them
    from benchmarks.flow_suite import ours_figures
    found = None
    Path(sys.argv[4]).write_text(json.dumps(ours_figures(ws)))
if found is not None:
    by = found.group_by("detector").aggregate(n=found.count()).to_pyarrow().to_pylist()
    print(json.dumps({r["detector"]: r["n"] for r in by}))
else:
    print("{}")
"""


def _env() -> dict[str, str]:
    return {**os.environ, "DIVERSION_MEMORY_LIMIT": MEMORY, "PYTHONPATH": str(Path(__file__).parents[1])}


def suite_against_bare(rows: int, work: Path) -> dict[str, Any]:
    path = make_flows_parquet(DATA / f"flows_{rows}.parquet", rows)
    bare_s, bare_rss, groups = timed([sys.executable, "-c", BARE, str(path)], _env())
    ours_s, ours_rss, out = timed(
        [sys.executable, "-c", OURS, str(path), str(work / "suite.duckdb"), "suite"], _env()
    )
    found = json.loads(out)
    return {
        "rows": _rows(path),
        "file_bytes": path.stat().st_size,
        "bare": {"seconds": round(bare_s, 2), "peak_rss_mib": round(bare_rss), "groups": int(groups)},
        "suite": {"seconds": round(ours_s, 2), "peak_rss_mib": round(ours_rss), "findings": found},
        "ratio_to_bare": round(ours_s / bare_s, 2),
        "targets": {"ratio <= 6": ours_s / bare_s <= 6, "peak < 12 GiB": ours_rss < 12 * 1024},
    }


def pandas_against_ours(rows: int, work: Path) -> dict[str, Any]:
    path = make_flows_parquet(DATA / f"flows_{rows}.parquet", rows)
    theirs_json, ours_json = work / "pandas.json", work / "ours.json"
    pandas_s, pandas_rss, _ = timed(
        [sys.executable, "-m", "benchmarks.pandas_flows", str(path), str(theirs_json)], _env()
    )
    ours_s, ours_rss, _ = timed(
        [sys.executable, "-c", OURS, str(path), str(work / "two.duckdb"), "two", str(ours_json)], _env()
    )
    theirs, ours = normalised(json.loads(theirs_json.read_text())), json.loads(ours_json.read_text())
    return {
        "rows": _rows(path),
        "pandas": {"seconds": round(pandas_s, 2), "peak_rss_mib": round(pandas_rss)},
        "ours": {"seconds": round(ours_s, 2), "peak_rss_mib": round(ours_rss)},
        "findings": {name: len(ours[name]) for name in ours},
        "identical": theirs == ours,
        "speedup": round(pandas_s / ours_s, 2),
        "targets": {"identical findings": theirs == ours, "pandas >= 10x slower": pandas_s / ours_s >= 10},
    }


def ours_figures(ws: Any) -> dict[str, list[list[Any]]]:
    """flows.surge's and flows.pass_through's findings as the figures both implementations give."""
    from diversion.detect.flows import pass_through, surge

    def rows(table: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = table.to_pyarrow().to_pylist()
        for row in found:
            row["metrics"] = dict(row["metrics"])
        return found

    surges = []
    for row in rows(surge.run(ws, surge.Params())):
        dataset, route, flow, code = row["subject_id"].split(":")
        reporter, partner = route.split(">")
        m = row["metrics"]
        surges.append({"dataset": dataset, "reporter": reporter, "partner": partner, "flow": flow,
                       "level": int(m["level"]), "code": code, "year": int(row["period"]),
                       "value": m["value"], "baseline": m["baseline"]})  # fmt: skip
    passes = []
    for row in rows(pass_through.run(ws, pass_through.Params())):
        dataset, route, _, code = row["subject_id"].split(":")
        m = row["metrics"]
        passes.append({"dataset": dataset, "hub": route.split(">")[0], "level": int(m["level"]), "code": code,
                       "lag": int(m["lag"]), "correlation": m["correlation"], "months": int(m["months"]),
                       "exported_after": m["exported_after"], "imported_after": m["imported_after"]})  # fmt: skip
    return normalised({"surge": surges, "pass_through": passes})


SURGE_FIGURES = ("dataset", "reporter", "partner", "flow", "level", "code", "year", "value", "baseline")
PASS_FIGURES = ("dataset", "hub", "level", "code", "lag", "correlation", "months", "exported_after",
                "imported_after")  # fmt: skip


def normalised(found: dict[str, list[dict[str, Any]]]) -> dict[str, list[list[Any]]]:
    """Both implementations' findings as sorted lists of figures, numbers to 6 significant digits."""

    def figure(value: Any) -> Any:
        return float(f"{value:.6g}") if isinstance(value, float) else value

    return {
        name: sorted([figure(row[c]) for c in columns] for row in found[name])
        for name, columns in (("surge", SURGE_FIGURES), ("pass_through", PASS_FIGURES))
    }


def _rows(path: Path) -> int:
    import duckdb

    return int(duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0])  # type: ignore[index]


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        suite = suite_against_bare(SUITE_ROWS, Path(tmp))
        print(json.dumps(suite), flush=True)
        pandas = pandas_against_ours(PANDAS_ROWS, Path(tmp))
        print(json.dumps(pandas), flush=True)
    result = {
        "benchmark": "flow_suite",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "engine_memory_limit": MEMORY,
        "suite_against_bare_duckdb": suite,
        "surge_and_pass_through_against_pandas": pandas,
    }
    (RESULTS / "flow_suite.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
