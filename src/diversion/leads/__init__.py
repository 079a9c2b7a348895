"""Leads: every detector's findings, grouped by subject, scored, ranked and written as ``leads.jsonl`` and
``findings.parquet`` (DESIGN.md's ``--out`` contract).

``collect`` runs every registered detector with the scan's cut-off and hubs and unions their findings;
``rank`` turns them into leads (``build``: grouping, the scoring model of ``weights``, folding; flow lines
from ``detect.flows.ranked``); ``write`` writes the two files.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from diversion.detect.base import conform, fetch
from diversion.leads.build import Finding, Lead, build, lead_id, score
from diversion.leads.summary import summarise
from diversion.leads.weights import FLOW_LEADS
from diversion.store import Workspace

CUTOFF = date(2022, 2, 24)


@dataclass(frozen=True)
class ScanScope:
    """What the scan examines: trade from ``since`` on (the cut-off) and, when given, only these hubs."""

    since: date | None = None
    hubs: tuple[str, ...] | None = None

    @property
    def cutoff(self) -> date:
        return self.since or CUTOFF


EVERYTHING = ScanScope()
"""The default scope: the standard cut-off, every hub."""


def _params(detector: Any, scope: ScanScope) -> Any:
    params = detector.defaults()
    changes: dict[str, object] = {}
    if scope.since is not None and hasattr(params, "cutoff_date"):
        changes["cutoff_date"] = scope.since
    if scope.hubs and hasattr(params, "hubs"):
        changes["hubs"] = scope.hubs
    return type(params)(**{**params.__dict__, **changes}) if changes else params


def collect(
    ws: Workspace, scope: ScanScope = EVERYTHING, seconds: dict[str, float] | None = None
) -> ir.Table:
    """Every detector's findings in one materialised relation (``detect.base.FINDINGS``).

    ``seconds``, when given, receives each detector's wall seconds (the flow detectors together, as
    "flows": they share one series), so a slow scan says which detector to look at.
    """
    from diversion.detect import DETECTORS
    from diversion.detect.flows import findings as flow_findings

    timed = seconds if seconds is not None else {}
    # Each detector's findings computed in statements of their own: left as expressions, every detector
    # ran in one statement with the final union, which at ten million declarations outgrew the machine.
    parts = []
    for detector in DETECTORS:
        if detector.name.startswith("flows."):
            continue
        started = time.perf_counter()
        # conform: the stored types, read back as FINDINGS
        parts.append(conform(ws.materialize(detector.run(ws, _params(detector, scope)))))
        timed[detector.name] = round(time.perf_counter() - started, 3)
    if ws.count("flows"):
        started = time.perf_counter()
        parts.append(flow_findings(ws, since=scope.since))
        timed["flows"] = round(time.perf_counter() - started, 3)
    return ws.materialize(ibis.union(*parts))


def _entity_labels(ws: Workspace, ids: set[str]) -> dict[str, tuple[str, str | None, str]]:
    if not ids:
        return {}
    entities = ws.table("entities")
    wanted = ws.stage_arrow(pa.table({"entity_id": pa.array(sorted(ids), pa.string())}))
    rows = ws.to_arrow(entities.join(wanted, "entity_id").select("entity_id", "name", "country", "kind"))
    return {r["entity_id"]: (r["name"], r["country"], r["kind"]) for r in rows.to_pylist()}


def _members(ws: Workspace, ids: set[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """member ids and names of each entity."""
    if not ids:
        return {}, {}
    members = ws.table("entity_members")
    wanted = ws.stage_arrow(pa.table({"entity_id": pa.array(sorted(ids), pa.string())}))
    rows = ws.to_arrow(members.join(wanted, "entity_id").select("entity_id", "member_id", "name"))
    member_ids: dict[str, set[str]] = {}
    names: dict[str, set[str]] = {}
    for r in rows.to_pylist():
        member_ids.setdefault(r["entity_id"], set()).add(r["member_id"])
        if r["name"]:
            names.setdefault(r["entity_id"], set()).add(r["name"])
    return (
        {k: sorted(v) for k, v in member_ids.items()},
        {k: sorted(v) for k, v in names.items()},
    )


def _flow_leads(ws: Workspace, scope: ScanScope) -> list[Lead]:
    from diversion.detect.flows import ranked

    if not ws.count("flows"):
        return []
    hubs = list(scope.hubs) if scope.hubs else None
    # Lines are ranked by their best finding; a lead by all of its detectors: read more lines than kept.
    lines = ranked(ws, hubs=hubs, since=scope.since, limit=3 * FLOW_LEADS)
    leads = [_flow_lead(line) for line in lines]
    leads.sort(key=lambda lead: -lead.score)
    return leads[:FLOW_LEADS]


def _flow_lead(line: dict[str, Any]) -> Lead:
    """A flow line as a lead: its headline finding and the line's other findings (other years, views,
    detectors), scored like any lead (the best finding of each detector)."""
    lead = Lead("flow", line["subject_id"], line["subject_name"] or line["subject_id"], line["country"])
    related = [{**r, "subject_id": line["subject_id"], "subject_kind": "flow", "subject_name": line["subject_name"],
                "metrics": {}, "evidence": r.get("evidence") or [], "related": []}
               for r in line.get("related") or []]  # fmt: skip
    lead.own = [line, *related]
    lead.score = score(lead)
    return lead


def rank(ws: Workspace, findings: ir.Table, scope: ScanScope = EVERYTHING) -> list[dict[str, Any]]:
    """The scan's leads, best first, as ``leads.jsonl`` records."""
    rows = fetch(findings.filter(~findings.detector.startswith("flows.")))
    subjects = {r["subject_id"] for r in rows if r["subject_kind"] in ("company", "person")}
    hubs_of_routes = {r["related"][0] for r in rows if r["subject_kind"] == "route" and r["related"]}
    labels = _entity_labels(ws, subjects | hubs_of_routes)
    leads = build(rows, labels) + _flow_leads(ws, scope)
    leads.sort(key=lambda lead: (-lead.score, lead.kind, lead.subject_id))
    entity_ids = {lead.subject_id for lead in leads if lead.kind != "flow"}
    member_ids, names = _members(ws, entity_ids)
    return [
        _record(lead, position, member_ids, names, scope.cutoff)
        for position, lead in enumerate(leads, start=1)
    ]


def _finding(f: Finding, lead: Lead, supporting: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "detector": f["detector"],
        "score": round(float(f["score"]), 4),
        "weight": lead.weight_of(f),
        "explanation": f["explanation"],
        "metrics": {
            k: (None if v is None else round(float(v), 6)) for k, v in (f.get("metrics") or {}).items()
        },
        "evidence": [{"source": e["source"], "record": e["record"]} for e in f.get("evidence") or []],
    }
    for key in ("hs_code", "period", "partner", "view"):
        if f.get(key) is not None:
            record[key] = f[key]
    if supporting or f["subject_id"] != lead.subject_id:
        record["about"] = {"kind": f["subject_kind"], "id": f["subject_id"], "name": f["subject_name"]}
    return record


def _record(
    lead: Lead, position: int, member_ids: dict[str, list[str]], names: dict[str, list[str]], cutoff: date
) -> dict[str, Any]:
    own = sorted(lead.own, key=lambda f: (-lead.weight_of(f) * float(f["score"]), f["detector"]))
    return {
        "rank": position,
        "lead_id": lead_id(lead),
        "score": round(lead.score, 4),
        "subject": {
            "kind": lead.kind,
            "id": lead.subject_id,
            "name": lead.name,
            "names": names.get(lead.subject_id, [lead.name]),
            "country": lead.country,
            "member_ids": member_ids.get(lead.subject_id, [lead.subject_id]),
        },
        "summary": summarise(lead, cutoff),
        "findings": [_finding(f, lead, False) for f in own] + [_finding(f, lead, True) for f in lead.support],
        "folded": lead.folded,
    }


def write(out: Path, leads: list[dict[str, Any]], ws: Workspace, findings: ir.Table) -> None:
    """``leads.jsonl`` (one lead per line, best first) and ``findings.parquet`` (one row per finding)."""
    with (out / "leads.jsonl").open("w", encoding="utf-8") as fh:
        for lead in leads:
            fh.write(json.dumps(lead, ensure_ascii=False) + "\n")
    table = findings.mutate(metric_names=findings.metrics.keys(), metric_values=findings.metrics.values())
    arrow = ws.to_arrow(table.drop("metrics").order_by([ibis.desc("score"), "detector", "subject_id"]))
    pq.write_table(arrow, out / "findings.parquet")
