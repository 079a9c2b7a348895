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
    found = ranked(ws, hubs=["KZ"], limit=100)
    codes = [(f["detector"], f["hs_code"], f["period"], f["partner"]) for f in found]
    assert ("flows.surge", "8542", "2022", "RU") in codes
    assert ("flows.surge", "85", "2022", "RU") not in codes  # the same rows as heading 8542
    assert [f["rank"] for f in found] == list(range(1, len(found) + 1))
    assert all(a["score"] >= b["score"] for a, b in pairwise(found))
    assert found[0]["hs_code"].startswith("8542") and found[0]["partner"] == "RU"
    assert all(f["country"] == "KZ" for f in found)
    assert all(f["hs_code"].startswith("9013") for f in ranked(ws, hs_prefix="9013"))


def test_cli_flows_json_and_bad_usage(tmp_path: Path) -> None:
    db = tmp_path / "work.duckdb"
    with open_workspace(db, "duckdb") as ws:
        kazakh_chips(ws, tmp_path)
    done = diversion("flows", "--db", db, "--hub", "KZ", "--limit", "3", "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert len(found) == 3 and found[0]["rank"] == 1
    assert set(found[0]) >= {"detector", "score", "explanation", "metrics", "evidence", "view", "hs_code"}
    assert found[0]["evidence"] and {"source", "record"} == set(found[0]["evidence"][0])
    assert diversion("flows", "--db", db, "--since", "24.02.2022").returncode == 2
