"""The 50 percent rule and the look-through share on hand-built ownership graphs with known answers
(OFAC, Revised Guidance of 13 Aug 2014 and FAQ 401)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pytest

from diversion.graph.ownership import Blocking, blocked_by_ownership, look_through
from diversion.graph.params import GraphParams
from diversion.store import Workspace

P = GraphParams()
MAX_ROUNDS = 10


def _edges(ws: Workspace, rows: Sequence[tuple[str, str, float | None]]) -> Any:
    return ws.stage_arrow(
        pa.table(
            {
                "owner": pa.array([r[0] for r in rows], pa.string()),
                "owned": pa.array([r[1] for r in rows], pa.string()),
                "share": pa.array([r[2] for r in rows], pa.float64()),
            }
        )
    )


def _listed(ws: Workspace, ids: list[str]) -> Any:
    return ws.stage_arrow(pa.table({"entity_id": pa.array(ids, pa.string())}))


def _run(
    ws: Workspace, rows: Sequence[tuple[str, str, float | None]], listed: list[str], p: GraphParams = P
) -> tuple[Blocking, dict[str, dict[str, Any]], dict[str, dict[str, Any]], dict[str, float]]:
    """The Blocking, blocked rows and holdings rows by entity_id, and the look-through shares."""
    blocking = blocked_by_ownership(ws, _edges(ws, rows), _listed(ws, listed), p)
    blocked = {r["entity_id"]: r for r in blocking.blocked.to_pyarrow().to_pylist()}
    holdings = {r["entity_id"]: r for r in blocking.holdings.to_pyarrow().to_pylist()}
    through_rows = look_through(ws, _edges(ws, rows), _listed(ws, listed), p).to_pyarrow().to_pylist()
    through = {r["entity_id"]: r["look_through_share"] for r in through_rows}
    assert len(blocked) == blocking.blocked.count().execute()  # no entity blocked twice
    assert len(through) == len(through_rows)
    assert 1 <= blocking.rounds <= MAX_ROUNDS
    return blocking, blocked, holdings, through


def _layers(blocked: dict[str, dict[str, Any]]) -> dict[str, int]:
    return {k: v["layer"] for k, v in blocked.items()}


def _main(blocked: dict[str, dict[str, Any]]) -> dict[str, str | None]:
    return {k: v["main_owner"] for k, v in blocked.items()}


# --- a single listed owner -------------------------------------------------------------------------


def test_single_listed_owner_of_50_percent_blocks(ws: Workspace) -> None:
    blocking, blocked, holdings, through = _run(ws, [("X", "A", 50.0)], ["X"])
    assert _layers(blocked) == {"X": 0, "A": 1}
    assert _main(blocked) == {"X": None, "A": "X"}
    assert holdings == {
        "A": {"entity_id": "A", "blocked_share": 50.0, "unknown_shares": 0, "blocked_owners": 1}
    }
    assert through == {"A": pytest.approx(50.0)}
    assert blocking.rounds == 2


def test_single_listed_owner_of_49_9_percent_does_not_block(ws: Workspace) -> None:
    blocking, blocked, holdings, through = _run(ws, [("X", "A", 49.9)], ["X"])
    assert _layers(blocked) == {"X": 0}
    assert holdings["A"]["blocked_share"] == pytest.approx(49.9)
    assert holdings["A"]["unknown_shares"] == 0
    assert through == {"A": pytest.approx(49.9)}
    assert blocking.rounds == 1


def test_nothing_listed_owns_anything(ws: Workspace) -> None:
    blocking, blocked, holdings, through = _run(ws, [("A", "B", 100.0)], ["X"])
    assert _layers(blocked) == {"X": 0}
    assert holdings == {}
    assert through == {}
    assert blocking.rounds == 1


# --- aggregation ------------------------------------------------------------------------------------


def test_two_listed_owners_of_30_and_20_percent_block_in_aggregate(ws: Workspace) -> None:
    _, blocked, holdings, through = _run(ws, [("X", "A", 30.0), ("Y", "A", 20.0)], ["X", "Y"])
    assert _layers(blocked) == {"X": 0, "Y": 0, "A": 1}
    assert _main(blocked)["A"] == "X"  # the larger stake
    assert holdings["A"] == {
        "entity_id": "A",
        "blocked_share": 50.0,
        "unknown_shares": 0,
        "blocked_owners": 2,
    }
    assert through == {"A": pytest.approx(50.0)}


def test_two_listed_owners_of_30_and_19_9_percent_do_not_block(ws: Workspace) -> None:
    _, blocked, holdings, through = _run(ws, [("X", "A", 30.0), ("Y", "A", 19.9)], ["X", "Y"])
    assert _layers(blocked) == {"X": 0, "Y": 0}
    assert holdings["A"]["blocked_share"] == pytest.approx(49.9)
    assert holdings["A"]["blocked_owners"] == 2
    assert through == {"A": pytest.approx(49.9)}


def test_float_shares_adding_up_to_exactly_50_block(ws: Workspace) -> None:
    _, blocked, holdings, _ = _run(ws, [("X", "A", 29.7), ("Y", "A", 20.3)], ["X", "Y"])
    assert _layers(blocked) == {"X": 0, "Y": 0, "A": 1}
    assert holdings["A"]["blocked_share"] == 50.0
    assert _main(blocked)["A"] == "X"


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_float_shares_summing_to_50_in_any_order_block(ws: Workspace, order: tuple[int, ...]) -> None:
    """0.3 + 49.4 + 0.3 is 49.99999999999999 in floating point when summed in this order; it is 50."""
    assert 0.3 + 49.4 + 0.3 < 50.0
    stakes = [("X", "A", 0.3), ("Y", "A", 49.4), ("Z", "A", 0.3)]
    _, blocked, holdings, _ = _run(ws, [stakes[i] for i in order], ["X", "Y", "Z"])
    assert _layers(blocked) == {"X": 0, "Y": 0, "Z": 0, "A": 1}
    assert holdings["A"]["blocked_share"] == 50.0
    assert _main(blocked)["A"] == "Y"


def test_float_shares_just_under_50_do_not_block(ws: Workspace) -> None:
    rows = [("X", "A", 29.7), ("Y", "A", 20.299)]
    _, blocked, holdings, _ = _run(ws, rows, ["X", "Y"])
    assert "A" not in blocked
    assert holdings["A"]["blocked_share"] == pytest.approx(49.999)


def test_ties_for_main_owner_go_to_the_smallest_id(ws: Workspace) -> None:
    _, blocked, _, _ = _run(ws, [("Y", "A", 25.0), ("X", "A", 25.0)], ["X", "Y"])
    assert _main(blocked)["A"] == "X"


# --- layers -----------------------------------------------------------------------------------------


def test_chain_of_two_50_percent_holdings(ws: Workspace) -> None:
    blocking, blocked, holdings, through = _run(ws, [("X", "A", 50.0), ("A", "B", 50.0)], ["X"])
    assert _layers(blocked) == {"X": 0, "A": 1, "B": 2}
    assert _main(blocked) == {"X": None, "A": "X", "B": "A"}
    assert holdings["B"]["blocked_share"] == 50.0
    assert through == {"A": pytest.approx(50.0), "B": pytest.approx(25.0)}
    assert blocking.rounds == 3


def test_ownership_through_an_entity_not_blocked_does_not_count(ws: Workspace) -> None:
    _, blocked, holdings, through = _run(ws, [("X", "A", 40.0), ("A", "B", 100.0)], ["X"])
    assert _layers(blocked) == {"X": 0}
    assert "B" not in holdings  # A, its only owner, is not blocked
    assert holdings["A"]["blocked_share"] == 40.0
    assert through == {"A": pytest.approx(40.0), "B": pytest.approx(40.0)}


def test_faq_401_example_1(ws: Workspace) -> None:
    """X owns 50% of A, A owns 50% of B: A and B are blocked."""
    _, blocked, _, _ = _run(ws, [("X", "A", 50.0), ("A", "B", 50.0)], ["X"])
    assert set(blocked) == {"X", "A", "B"}


def test_faq_401_example_2(ws: Workspace) -> None:
    """X owns 50% of A and of B, A and B each own 25% of C: C is blocked (A's and B's whole stakes count)."""
    rows = [("X", "A", 50.0), ("X", "B", 50.0), ("A", "C", 25.0), ("B", "C", 25.0)]
    blocking, blocked, holdings, through = _run(ws, rows, ["X"])
    assert _layers(blocked) == {"X": 0, "A": 1, "B": 1, "C": 2}
    assert _main(blocked)["C"] == "A"  # a tie, broken by id
    assert holdings["C"] == {
        "entity_id": "C",
        "blocked_share": 50.0,
        "unknown_shares": 0,
        "blocked_owners": 2,
    }
    assert through["C"] == pytest.approx(25.0)  # 0.5 * 0.25 + 0.5 * 0.25
    assert blocking.rounds == 3


def test_faq_401_example_3(ws: Workspace) -> None:
    """X owns 50% of A and 10% of B, A owns 40% of B: B is blocked (40 + 10)."""
    rows = [("X", "A", 50.0), ("X", "B", 10.0), ("A", "B", 40.0)]
    _, blocked, holdings, through = _run(ws, rows, ["X"])
    assert _layers(blocked) == {"X": 0, "A": 1, "B": 2}
    assert _main(blocked)["B"] == "A"
    assert holdings["B"]["blocked_share"] == 50.0
    assert holdings["B"]["blocked_owners"] == 2
    assert through == {"A": pytest.approx(50.0), "B": pytest.approx(30.0)}  # 10 + 0.5 * 40


def test_faq_401_example_3_without_a_blocked_parent(ws: Workspace) -> None:
    """X owns 49% of A and 10% of B, A owns 40% of B: neither is blocked (A's stake does not count)."""
    rows = [("X", "A", 49.0), ("X", "B", 10.0), ("A", "B", 40.0)]
    _, blocked, holdings, _ = _run(ws, rows, ["X"])
    assert set(blocked) == {"X"}
    assert holdings["B"]["blocked_share"] == 10.0


def test_diamond(ws: Workspace) -> None:
    """X -> A, B (50% each) -> D (30% each), D -> E 50%."""
    rows = [("X", "A", 50.0), ("X", "B", 50.0), ("A", "D", 30.0), ("B", "D", 30.0), ("D", "E", 50.0)]
    blocking, blocked, holdings, through = _run(ws, rows, ["X"])
    assert _layers(blocked) == {"X": 0, "A": 1, "B": 1, "D": 2, "E": 3}
    assert _main(blocked) == {"X": None, "A": "X", "B": "X", "D": "A", "E": "D"}
    assert holdings["D"]["blocked_share"] == 60.0
    assert through == {
        "A": pytest.approx(50.0),
        "B": pytest.approx(50.0),
        "D": pytest.approx(30.0),  # two paths of 15
        "E": pytest.approx(15.0),
    }
    assert blocking.rounds == 4


def test_diamond_under_the_threshold(ws: Workspace) -> None:
    rows = [("X", "A", 40.0), ("X", "B", 40.0), ("A", "D", 50.0), ("B", "D", 50.0)]
    _, blocked, holdings, through = _run(ws, rows, ["X"])
    assert set(blocked) == {"X"}
    assert "D" not in holdings
    assert through["D"] == pytest.approx(40.0)


# --- cycles -----------------------------------------------------------------------------------------


def test_cycle_reached_from_a_listed_owner_terminates(ws: Workspace) -> None:
    rows = [("A", "B", 60.0), ("B", "A", 60.0), ("X", "A", 50.0)]
    blocking, blocked, holdings, through = _run(ws, rows, ["X"])
    assert _layers(blocked) == {"X": 0, "A": 1, "B": 2}
    assert _main(blocked) == {"X": None, "A": "X", "B": "A"}
    assert holdings["A"]["blocked_share"] == 110.0  # X's 50 and B's 60 (ownership as stated)
    assert holdings["A"]["blocked_owners"] == 2
    assert through == {"A": pytest.approx(50.0), "B": pytest.approx(30.0)}  # simple paths only
    assert blocking.rounds == 3


def test_cycle_without_a_listed_party_blocks_nothing_and_terminates(ws: Workspace) -> None:
    rows = [("A", "B", 60.0), ("B", "A", 60.0), ("B", "C", 100.0)]
    blocking, blocked, holdings, through = _run(ws, rows, ["X"])
    assert set(blocked) == {"X"}
    assert holdings == {}
    assert through == {}
    assert blocking.rounds == 1


def test_long_chain_stops_at_max_layers_for_look_through_only(ws: Workspace) -> None:
    rows = [(f"N{i}", f"N{i + 1}", 100.0) for i in range(5)]
    _, blocked, _, through = _run(ws, rows, ["N0"], GraphParams(max_layers=3))
    assert _layers(blocked) == {f"N{i}": i for i in range(6)}  # the rule has no depth limit
    assert through == {"N1": 100.0, "N2": 100.0, "N3": 100.0}


# --- listed parties owning listed parties -----------------------------------------------------------


def test_listed_owner_of_a_listed_party(ws: Workspace) -> None:
    """X (listed) owns 60% of Y (listed), Y owns 50% of A: Y stays at layer 0, A is blocked by Y, and the
    look-through of A counts Y's path only (not X -> Y -> A again)."""
    rows = [("X", "Y", 60.0), ("Y", "A", 50.0), ("X", "B", 20.0), ("Y", "B", 10.0)]
    _, blocked, holdings, through = _run(ws, rows, ["X", "Y"])
    assert _layers(blocked) == {"X": 0, "Y": 0, "A": 1}
    assert _main(blocked) == {"X": None, "Y": None, "A": "Y"}
    assert holdings["Y"]["blocked_share"] == 60.0  # a listed party's own holdings are reported too
    assert holdings["B"]["blocked_share"] == 30.0
    assert through == {
        "Y": pytest.approx(60.0),  # paths may end at a listed party
        "A": pytest.approx(50.0),  # not 50 + 0.6 * 50
        "B": pytest.approx(30.0),  # not 30 + 0.6 * 10
    }


def test_listed_parties_owning_each_other(ws: Workspace) -> None:
    rows = [("X", "Y", 50.0), ("Y", "X", 50.0), ("Y", "A", 40.0)]
    _, blocked, _, through = _run(ws, rows, ["X", "Y"])
    assert _layers(blocked) == {"X": 0, "Y": 0}
    assert through == {"X": pytest.approx(50.0), "Y": pytest.approx(50.0), "A": pytest.approx(40.0)}


def test_listed_duplicates_are_one_party(ws: Workspace) -> None:
    _, blocked, _, through = _run(ws, [("X", "A", 30.0)], ["X", "X"])
    assert _layers(blocked) == {"X": 0}
    assert through == {"A": pytest.approx(30.0)}


# --- unknown percentages ----------------------------------------------------------------------------


def test_unknown_share_neither_blocks_nor_carries(ws: Workspace) -> None:
    _, blocked, holdings, through = _run(ws, [("X", "A", None), ("A", "B", 100.0)], ["X"])
    assert set(blocked) == {"X"}
    assert holdings == {
        "A": {"entity_id": "A", "blocked_share": 0.0, "unknown_shares": 1, "blocked_owners": 1}
    }
    assert through.get("A", 0.0) == 0.0 and through.get("B", 0.0) == 0.0


def test_known_and_unknown_shares_of_listed_owners(ws: Workspace) -> None:
    _, blocked, holdings, through = _run(ws, [("X", "A", 30.0), ("Y", "A", None)], ["X", "Y"])
    assert set(blocked) == {"X", "Y"}
    assert holdings["A"] == {
        "entity_id": "A",
        "blocked_share": 30.0,
        "unknown_shares": 1,
        "blocked_owners": 2,
    }
    assert through == {"A": pytest.approx(30.0)}


def test_main_owner_prefers_a_known_share_to_an_unknown_one(ws: Workspace) -> None:
    rows = [("X", "A", 50.0), ("W", "A", None)]  # W sorts first, but its share is unknown
    _, blocked, _, _ = _run(ws, rows, ["X", "W"])
    assert _main(blocked)["A"] == "X"


# --- empty input ------------------------------------------------------------------------------------


def test_no_edges(ws: Workspace) -> None:
    blocking, blocked, holdings, through = _run(ws, [], ["X"])
    assert _layers(blocked) == {"X": 0}
    assert holdings == {}
    assert through == {}
    assert blocking.rounds == 1


def test_nothing_listed(ws: Workspace) -> None:
    blocking, blocked, holdings, through = _run(ws, [("X", "A", 100.0)], [])
    assert blocked == {} and holdings == {} and through == {}
    assert blocking.rounds == 1


# --- known defects ----------------------------------------------------------------------------------


def test_ids_containing_the_path_separator(ws: Workspace) -> None:
    _, blocked, _, through = _run(ws, [("X", "a|b", 50.0), ("a|b", "b", 50.0)], ["X"])
    assert _layers(blocked) == {"X": 0, "a|b": 1, "b": 2}  # the rule itself is right
    assert through == {"a|b": pytest.approx(50.0), "b": pytest.approx(25.0)}  # b is missing
