"""The 50 percent rule and the look-through share on random small ownership graphs, against brute force in
plain Python: the blocked set as the intersection of every closed superset of the listed parties, and the
look-through share by enumerating simple paths."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from diversion.graph.ownership import blocked_by_ownership, look_through
from diversion.graph.params import GraphParams
from diversion.store import Workspace

THRESHOLD = 50.0
# Ids that are prefixes or substrings of one another, so that a path test by substring would show.
NAMES = ("a", "ab", "b", "ofac-1", "ofac-10", "x y", "Q1", "Q11")
STATED = st.sampled_from([None, 10.0, 20.0, 25.0, 30.0, 40.0, 49.9, 50.0, 60.0, 100.0])
SHARES = st.one_of(STATED, STATED, st.integers(1, 1000).map(lambda tenths: tenths / 10))  # 2/3 stated
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@dataclass(frozen=True)
class Graph:
    nodes: tuple[str, ...]
    edges: Mapping[tuple[str, str], float | None]  # (owner, owned) -> share
    listed: frozenset[str]
    max_layers: int

    def owners_of(self, node: str) -> dict[str, float | None]:
        return {owner: share for (owner, owned), share in self.edges.items() if owned == node}


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    n = draw(st.integers(3, 8))
    nodes = tuple(draw(st.permutations(NAMES))[:n])
    pairs = [(a, b) for a in nodes for b in nodes if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=n - 1, max_size=min(len(pairs), 20), unique=True))
    edges = {pair: draw(SHARES) for pair in chosen}
    # A spine of large stakes from a listed party, so that many examples block beyond the listed ones.
    spine = draw(st.lists(st.sampled_from(nodes), min_size=2, max_size=n, unique=True))
    for pair in itertools.pairwise(spine):
        edges[pair] = draw(st.sampled_from([50.0, 60.0, 100.0, 49.9, 25.0]))
    listed = draw(st.lists(st.sampled_from(nodes), max_size=3, unique=True)) + spine[:1]
    return Graph(nodes, edges, frozenset(listed), draw(st.sampled_from([1, 2, 3, 8])))


def _stage(ws: Workspace, g: Graph) -> tuple[Any, Any]:
    rows = sorted(g.edges.items())
    edges = ws.stage_arrow(
        pa.table(
            {
                "owner": pa.array([owner for (owner, _), _ in rows], pa.string()),
                "owned": pa.array([owned for (_, owned), _ in rows], pa.string()),
                "share": pa.array([share for _, share in rows], pa.float64()),
            }
        )
    )
    listed = ws.stage_arrow(pa.table({"entity_id": pa.array(sorted(g.listed), pa.string())}))
    return edges, listed


# --- brute force ------------------------------------------------------------------------------------


def _known_share(g: Graph, node: str, owners: frozenset[str]) -> float:
    return round(sum(s for o, s in g.owners_of(node).items() if o in owners and s is not None), 6)


def _closed(g: Graph, s: frozenset[str]) -> bool:
    return all(x in s for x in g.nodes if _known_share(g, x, s) >= THRESHOLD)


def _least_fixed_point(g: Graph) -> frozenset[str]:
    """The intersection of every set of nodes that holds the listed ones and is closed under the rule."""
    rest = [x for x in g.nodes if x not in g.listed]
    least = frozenset(g.nodes)
    for k in range(len(rest) + 1):
        for extra in itertools.combinations(rest, k):
            s = g.listed | frozenset(extra)
            if _closed(g, s):
                least &= s
    assert _closed(g, least)
    return least


def _layers(g: Graph) -> dict[str, tuple[int, str | None]]:
    """node -> (the round in which it joins, the largest blocked owner then: ties to the smallest id)."""
    found: dict[str, tuple[int, str | None]] = {x: (0, None) for x in g.listed}
    layer = 0
    while True:
        layer += 1
        inside = frozenset(found)
        fresh = {}
        for x in g.nodes:
            if x not in inside and _known_share(g, x, inside) >= THRESHOLD:
                stakes = [(o, s) for o, s in g.owners_of(x).items() if o in inside and s is not None]
                fresh[x] = (layer, min(stakes, key=lambda os: (-os[1], os[0]))[0])
        if not fresh:
            return found
        found.update(fresh)


def _paths(g: Graph) -> tuple[dict[str, float], dict[str, int]]:
    """Per end node: the sum of products of known shares over simple paths from a listed root that go
    through no other listed party and have at most max_layers edges (in percent), and how many."""
    total: dict[str, float] = {}
    count: dict[str, int] = {}

    def walk(node: str, seen: list[str], weight: float) -> None:
        if len(seen) > g.max_layers:
            return
        for (owner, owned), share in g.edges.items():
            if owner != node or share is None or owned in seen:
                continue
            w = weight * share / 100.0
            total[owned] = total.get(owned, 0.0) + 100.0 * w
            count[owned] = count.get(owned, 0) + 1
            if owned not in g.listed:
                walk(owned, [*seen, owned], w)

    for root in g.listed:
        walk(root, [root], 1.0)
    return total, count


# --- properties -------------------------------------------------------------------------------------


def test_brute_force_on_faq_401_example_3() -> None:
    edges = {("X", "A"): 50.0, ("X", "B"): 10.0, ("A", "B"): 40.0}
    g = Graph(("X", "A", "B"), edges, frozenset({"X"}), 8)
    assert _least_fixed_point(g) == {"X", "A", "B"}
    assert _layers(g) == {"X": (0, None), "A": (1, "X"), "B": (2, "A")}
    assert _paths(g) == ({"A": 50.0, "B": 30.0}, {"A": 1, "B": 2})


@SETTINGS
@given(g=graphs())
def test_blocked_set_is_the_least_fixed_point(ws: Workspace, g: Graph) -> None:
    edges, listed = _stage(ws, g)
    blocking = blocked_by_ownership(ws, edges, listed, GraphParams(max_layers=g.max_layers))
    rows = blocking.blocked.to_pyarrow().to_pylist()
    ids = [r["entity_id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert set(ids) == _least_fixed_point(g)

    layers = _layers(g)
    assert {r["entity_id"]: (r["layer"], r["main_owner"]) for r in rows} == layers
    assert blocking.rounds == max(layer for layer, _ in layers.values()) + 1
    assert blocking.rounds <= len(g.nodes) + 1
    event(f"deepest layer {blocking.rounds - 1}")

    final = frozenset(ids)
    expected = {}
    for x in g.nodes:
        owners = {o: s for o, s in g.owners_of(x).items() if o in final}
        if owners:
            expected[x] = (
                _known_share(g, x, final),
                sum(s is None for s in owners.values()),
                len(owners),
            )
    holdings = {
        r["entity_id"]: (r["blocked_share"], r["unknown_shares"], r["blocked_owners"])
        for r in blocking.holdings.to_pyarrow().to_pylist()
    }
    assert holdings.keys() == expected.keys()
    for x, (share, unknown, count) in expected.items():
        assert holdings[x][0] == pytest.approx(share, abs=1e-6), x
        assert holdings[x][1:] == (unknown, count), x


@SETTINGS
@given(g=graphs())
def test_look_through_sums_simple_paths(ws: Workspace, g: Graph) -> None:
    edges, listed = _stage(ws, g)
    exact = GraphParams(max_layers=g.max_layers, min_path_share=0.0)  # every path, however thin
    rows = look_through(ws, edges, listed, exact).to_pyarrow().to_pylist()
    got = {r["entity_id"]: r["look_through_share"] for r in rows}
    assert len(got) == len(rows)
    total, count = _paths(g)
    for x in g.nodes:
        assert got.get(x, 0.0) == pytest.approx(total.get(x, 0.0), abs=1e-6), x
    assert set(got) <= set(g.nodes)
    if rows and "paths" in rows[0]:  # how many paths make up the figure, where reported
        assert {r["entity_id"]: r["paths"] for r in rows} == {x: count[x] for x in got}
