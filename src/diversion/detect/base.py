"""What every detector is and what it returns: a findings table, one row per red flag, with evidence.

A detector is a pure function from the workspace's canonical tables to a relation in the ``FINDINGS``
shape; its parameters are one frozen dataclass with a default and a help text for each. Metrics are
numbers by name; evidence is the list of input records (``source``, ``record``) behind each figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, Final

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from diversion.store import Workspace

EVIDENCE_TYPE: Final = dt.Array(dt.Struct({"source": dt.string, "record": dt.string}))
METRICS_TYPE: Final = dt.Map(dt.string, dt.float64)

FINDINGS: Final = ibis.schema(
    {
        "detector": dt.string,
        "subject_kind": dt.string,  # flow | company | person | route
        "subject_id": dt.string,
        "subject_name": dt.string,
        "country": dt.string,  # the hub (or the firm's country)
        "partner": dt.string,
        "hs_code": dt.string,
        "period": dt.string,
        "view": dt.string,  # which statistics office's figures, and whose report (reporter or partner)
        "approximate": dt.boolean,  # a figure depends on a many-to-many HS mapping
        "score": dt.float64,  # 0..1, comparable across detectors
        "explanation": dt.string,
        "metrics": METRICS_TYPE,
        "evidence": EVIDENCE_TYPE,
        # Entities the finding involves besides its subject (the consignee a hub firm sold to, the shared
        # owner): leads gather the findings about one scheme through them.
        "related": dt.Array(dt.string),
    }
)
"""The shape of every detector's output (``findings.parquet`` has one row per finding)."""


@dataclass(frozen=True)
class Detector:
    name: str
    run: Callable[[Workspace, Any], ir.Table]
    params: type
    rationale: str  # the red flag or method it implements, with its source

    def defaults(self) -> Any:
        return self.params()

    def parameters(self) -> list[tuple[str, object, str]]:
        """(name, default, help) of each parameter, for the documentation and the CLI."""
        return [(f.name, f.default, str(f.metadata.get("help", ""))) for f in fields(self.params)]


def conform(table: ir.Table) -> ir.Table:
    """A detector's relation in exactly the FINDINGS columns and types (so detectors' outputs union); a
    detector that names no related entities gets an empty list."""
    if "related" not in table.columns:
        table = table.mutate(related=ibis.literal([], type=dt.Array(dt.string)))
    return table.select(*[table[name].cast(dtype).name(name) for name, dtype in FINDINGS.items()])


def fetch(table: ir.Table) -> list[dict[str, Any]]:
    """Findings (a small, final result) as Python dicts, metrics as a dict on every engine.

    Spark's Arrow conversion cannot carry a map column, so names and values travel as two lists.
    """
    rows = table.mutate(__names=table.metrics.keys(), __values=table.metrics.values()).drop("metrics")
    found: list[dict[str, Any]] = rows.to_pyarrow().to_pylist()
    for row in found:
        row["metrics"] = dict(zip(row.pop("__names") or [], row.pop("__values") or [], strict=True))
    return found


def clip(value: ir.FloatingValue, low: float = 0.0, high: float = 1.0) -> ir.FloatingValue:
    return ibis.greatest(ibis.least(value, high), low)
