"""On a synthetic world with its answer key: every planted scheme shows in its hub's first 20 lines, and
the legitimate background (EAEU trade in goods on no control list) in none of them.

A scheme shows when a line of its hub's list (``diversion flows --hub``), or a finding folded under it,
concerns one of the flows the scheme's shipments went into: the same two countries and the scheme's HS
code or a heading or chapter holding it, after the cut-off. The worlds are ``small`` ones (32 schemes of
8 types at three difficulty levels, 12 decoys) from two seeds; only their statistics are read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from diversion.detect.flows import ranked
from diversion.detect.flows.common import FlowParams, controls
from diversion.ingest.run import ingest
from diversion.simulate import params_for, simulate
from diversion.simulate.params import EAEU, HUBS
from diversion.store import open_workspace

TOP = 20
Cell = tuple[str, str, str]  # reporter, partner, HS code


@pytest.fixture(scope="module", params=[7, 2022])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp(f"world{request.param}")
    simulate(request.param, params_for("small", None), out)
    ws = open_workspace(out / "world.duckdb", "duckdb")
    ingest(ws, [out / "inputs" / "flows"])
    lists = {hub: ranked(ws, hubs=[hub], limit=TOP) for hub in HUBS}
    yield json.loads((out / "truth.json").read_text(encoding="utf-8")), lists, ws
    ws.close()


def _cells(plan: dict[str, Any], after_only: bool = True) -> set[Cell]:
    return {
        (r["reporter"], r["partner"], r["hs_code"])
        for r in plan["flows"]
        if not after_only or r["period"][:4] >= "2022"
    }


def _concerns(line: dict[str, Any], cells: set[Cell], digits: int) -> bool:
    """Whether a line, or a finding folded under it, is about one of these flows."""
    return any(
        code != "TOTAL" and len(code) >= digits and pair == {a, b} and hs.startswith(code)
        for pair, code in [
            ({line["country"], line["partner"]}, line["hs_code"]),
            *(({r["country"], r["partner"]}, r["hs_code"]) for r in line["related"]),
        ]
        for a, b, hs in cells
    )


def test_every_planted_scheme_is_in_its_hubs_first_twenty(world: Any) -> None:
    truth, lists, _ = world
    missed = []
    for plan in truth["schemes"]:
        hubs = {m["country"] for m in plan["members"] if m["country"] in HUBS}
        cells = _cells(plan)
        if not any(_concerns(line, cells, 4) for hub in hubs for line in lists[hub]):
            missed.append((plan["id"], plan["type"], plan["difficulty"]))
    assert len(truth["schemes"]) == 32 and not missed


def test_eaeu_trade_in_unlisted_goods_stays_out_of_the_first_twenty(world: Any) -> None:
    truth, lists, ws = world
    weights = controls(ws, FlowParams()).to_pyarrow().to_pylist()
    listed = {(w["control_level"], w["control_code"]) for w in weights if w["control"] >= 1.0}
    planted = set().union(*(_cells(p, after_only=False) for p in truth["schemes"] + truth["decoys"]))
    background = [
        (hub, line["rank"], line["explanation"])
        for hub, lines in lists.items()
        for line in lines
        if {line["country"], line["partner"]} <= set(EAEU)
        and line["hs_code"] != "TOTAL"
        and (len(line["hs_code"]), line["hs_code"]) not in listed
        and not _concerns(line, planted, 2)
    ]
    assert background == []
    assert sum(len(lines) for lines in lists.values()) >= 40  # the lists are not empty: they hold the schemes
