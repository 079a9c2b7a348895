"""The ranked list of flow findings (`diversion flows`): one line per figure, best first, filters."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

from diversion.detect.flows import ranked
from diversion.store import Workspace, open_workspace
from tests.detect.flows.fixtures import kazakh_chips
from tests.test_cli import diversion


def test_a_heading_and_its_rolled_up_chapter_are_one_finding(ws: Workspace, tmp_path: Path) -> None:
    kazakh_chips(ws, tmp_path)
    found = ranked(ws, hubs=["KZ"], limit=100, fold=False)
    codes = [(f["detector"], f["hs_code"], f["period"], f["partner"]) for f in found]
    assert ("flows.surge", "8542", "2022", "RU") in codes
    assert ("flows.surge", "85", "2022", "RU") not in codes  # the same rows as heading 8542
    assert [f["rank"] for f in found] == list(range(1, len(found) + 1))
    assert all(a["score"] >= b["score"] for a, b in pairwise(found))
    assert found[0]["hs_code"].startswith("8542") and found[0]["partner"] == "RU"
    assert all("KZ" in (f["country"], f["partner"]) for f in found)
    assert all(f["hs_code"].startswith("9013") for f in ranked(ws, hs_prefix="9013"))


def test_one_line_per_heading_with_the_rest_related(ws: Workspace, tmp_path: Path) -> None:
    kazakh_chips(ws, tmp_path)
    every = ranked(ws, limit=500, fold=False, min_score=0)
    folded = ranked(ws, limit=500, min_score=0)

    def goods(f: dict[str, object]) -> tuple[object, ...]:
        code = str(f["hs_code"])
        sides = (
            (f["partner"], f["country"])
            if ":import:" in str(f["subject_id"])
            else (f["country"], f["partner"])
        )
        return sides, code[:4] if len(code) >= 4 else code

    assert len({goods(f) for f in folded}) == len(folded)  # one line per exporter, importer and heading
    assert sum(1 + len(f["related"]) for f in folded) == len(every)  # nothing lost: the rest is related
    chips = next(f for f in folded if goods(f) == (("KZ", "RU"), "8542"))
    # Headed by the heading's own figure, ranked by the line's best finding.
    assert (chips["detector"], chips["hs_code"]) == ("flows.surge", "8542")
    assert chips["line_score"] == max([chips["score"], *(r["score"] for r in chips["related"])])
    assert {r["hs_code"] for r in chips["related"]} >= {"854231"}
    hub = ranked(ws, hubs=["KZ"], limit=500, min_score=0)
    assert len({(f["hs_code"][:4] if len(f["hs_code"]) >= 4 else f["hs_code"]) for f in hub}) == len(hub)


def test_cli_flows_json_and_bad_usage(tmp_path: Path) -> None:
    db = tmp_path / "work.duckdb"
    with open_workspace(db, "duckdb") as ws:
        kazakh_chips(ws, tmp_path)
    done = diversion(
        "flows", "--db", db, "--hub", "KZ", "--limit", "3", "--every", "--min-score", "0", "--json"
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert len(found) == 3 and found[0]["rank"] == 1
    assert set(found[0]) >= {"detector", "score", "explanation", "metrics", "evidence", "view", "hs_code"}
    assert found[0]["evidence"] and {"source", "record"} == set(found[0]["evidence"][0])
    folded = json.loads(diversion("flows", "--db", db, "--hub", "KZ", "--json").stdout)
    assert len(folded) == 1 and folded[0]["hs_code"] == "8542" and folded[0]["related"]  # chips, one line
    assert diversion("flows", "--db", db, "--since", "24.02.2022").returncode == 2
