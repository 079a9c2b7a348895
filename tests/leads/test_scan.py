"""The scan's outputs on the demo world (one real scan, shared by the session): the ``--out`` contract of
DESIGN.md, every evidence entry traced to an input row, scores recomputable from their findings, and the
reference cases among the top leads in an investigator's words."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from diversion.detect import DETECTORS
from diversion.detect.base import FINDINGS
from diversion.evaluate import evaluate
from diversion.scan import ScanResult
from diversion.store import Workspace
from tests.conftest import DEMO

LEAD_KEYS = {"rank", "lead_id", "score", "subject", "summary", "findings"}
SUBJECT_KEYS = {"kind", "id", "name", "names", "country", "member_ids"}
FINDING_KEYS = {"detector", "score", "explanation", "metrics", "evidence"}
PROVENANCE_TABLES = ("declarations", "flows", "parties", "relations", "listings", "commodity_lists")
CASE_WORDS = {
    # What each reference case is, in the words its summary must use.
    "case-1-sky-chariot": "linked",
    "case-2-family-chips": "sent",
    "case-3-kyrgyz-pass-through": "sent",
    "case-4-crop-dusters": "as agricultural or horticultural sprayers",
    "case-5-markup": "multiple of the market price",
}


@pytest.fixture(scope="module")
def leads(demo_scan: tuple[Workspace, ScanResult]) -> list[dict[str, Any]]:
    _, result = demo_scan
    with (result.out / "leads.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_leads_follow_the_contract_best_first(leads: list[dict[str, Any]]) -> None:
    assert len(leads) > 20
    assert [lead["rank"] for lead in leads] == list(range(1, len(leads) + 1))
    scores = [lead["score"] for lead in leads]
    assert scores == sorted(scores, reverse=True) and all(0.0 <= s <= 1.0 for s in scores)
    assert len({lead["lead_id"] for lead in leads}) == len(leads)
    for lead in leads:
        assert set(lead) >= LEAD_KEYS
        assert set(lead["subject"]) >= SUBJECT_KEYS
        assert lead["subject"]["kind"] in ("company", "person", "route", "flow")
        assert lead["subject"]["member_ids"] and lead["summary"].strip()
        for f in lead["findings"]:
            assert set(f) >= FINDING_KEYS and f["evidence"]


def test_every_score_is_recomputed_from_its_findings(leads: list[dict[str, Any]]) -> None:
    for lead in leads:
        miss = 1.0
        for f in lead["findings"]:
            miss *= 1.0 - f["weight"] * f["score"]
        assert 1.0 - miss == pytest.approx(lead["score"], abs=1e-3), lead["lead_id"]


def test_every_evidence_entry_resolves_to_an_input_row(
    demo_scan: tuple[Workspace, ScanResult], leads: list[dict[str, Any]]
) -> None:
    ws, _ = demo_scan
    rows: set[tuple[str, str]] = set()
    for name in PROVENANCE_TABLES:
        table = ws.table(name).select("source", "record").distinct().to_pyarrow()
        rows.update(zip(table["source"].to_pylist(), table["record"].to_pylist(), strict=True))
    cited = [(e["source"], e["record"]) for lead in leads for f in lead["findings"] for e in f["evidence"]]
    assert len(cited) > 500
    shipped = [c for c in cited if c[0].startswith("diversion:")]
    unresolved = [c for c in cited if c not in rows and c not in shipped]
    assert not unresolved, unresolved[:5]
    for source, record in shipped:  # reference rows shipped with the package, cited by line number
        text = resources.files("diversion").joinpath(source.removeprefix("diversion:")).read_text("utf-8")
        assert 1 <= int(record) <= len(text.splitlines()), (source, record)
    # And the cited rows are what the files hold: a declaration's line names the declared firm.
    declared = [c for c in cited if c[0].endswith("ru_customs_declarations.csv")][:20]
    with Path(declared[0][0]).open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    by_record = ws.table("declarations").filter(lambda t: t.source == declared[0][0]).to_pyarrow().to_pylist()
    known = {r["record"]: r for r in by_record}
    for _, record in declared:
        row = known[record]
        assert lines[int(record)][0] == row["declaration_id"]


def test_the_run_writes_every_file_of_the_contract(demo_scan: tuple[Workspace, ScanResult]) -> None:
    _, result = demo_scan
    names = {p.name for p in result.out.iterdir()}
    assert names == {"leads.jsonl", "findings.parquet", "report.html", "quarantine.csv", "manifest.json"}
    findings = pq.read_table(result.out / "findings.parquet")
    assert set(FINDINGS.names) - {"metrics"} <= set(findings.column_names)
    stages = {s["name"]: s for s in result.manifest.stages}
    assert list(stages) == ["ingest", "resolve", "graph", "detect", "leads", "write"]
    assert stages["detect"]["rows"] == findings.num_rows
    by_detector = json.loads((result.out / "manifest.json").read_text())["detectors"]  # where detect went
    assert set(by_detector) == {d.name for d in DETECTORS if not d.name.startswith("flows.")} | {"flows"}
    assert all(seconds >= 0 for seconds in by_detector.values())
    assert sum(by_detector.values()) <= stages["detect"]["seconds"]
    page = (result.out / "report.html").read_text(encoding="utf-8")
    assert page.count('<section class="lead"') == min(100, stages["leads"]["rows"])
    assert "<script" not in page


def test_flow_leads_carry_the_chart_of_their_series(
    demo_scan: tuple[Workspace, ScanResult], leads: list[dict[str, Any]]
) -> None:
    _, result = demo_scan
    page = (result.out / "report.html").read_text(encoding="utf-8")
    sections = {
        int(part.split('"', 1)[0]): part.split("</section>", 1)[0] for part in page.split('id="lead-')[1:]
    }
    flows = [lead["rank"] for lead in leads[:100] if lead["subject"]["kind"] == "flow"]
    assert flows, "the demo world has flow leads in its top 100"
    for rank in flows:
        assert "<svg" in sections[rank] and "<polyline" in sections[rank], rank
    assert all(
        "<svg" not in sections[lead["rank"]] for lead in leads[:100] if lead["subject"]["kind"] != "flow"
    )


def test_the_reference_cases_are_top_ten_leads_in_an_investigators_words(
    leads: list[dict[str, Any]],
) -> None:
    truth = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
    cases = {s["id"]: s for s in truth["schemes"] if s["id"] in CASE_WORDS}
    assert len(cases) == 5
    for case_id, words in CASE_WORDS.items():
        members = {
            m["party_id"] for m in cases[case_id]["members"] if m["role"] in ("hub firm", "intermediary")
        }
        rank, summary = next(
            (lead["rank"], lead["summary"]) for lead in leads if members & set(lead["subject"]["member_ids"])
        )
        assert rank <= 10, (case_id, rank, summary)
        assert words in summary, (case_id, summary)


def test_evaluate_finds_every_planted_scheme_and_no_decoy_on_top(
    demo_scan: tuple[Workspace, ScanResult],
) -> None:
    _, result = demo_scan
    report = evaluate(DEMO / "truth.json", result.out / "leads.jsonl")
    assert report["schemes"] == 14 and report["recall_top100"] == 1.0
    assert report["decoys_top10"] == 0
    assert {row["id"]: row["rank"] for row in report["per_scheme"]}["case-2-family-chips"] <= 5
