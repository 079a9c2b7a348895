"""Party records joined into entities: the obvious cases of CASES.md and their near-miss decoys."""

from __future__ import annotations

import importlib
from pathlib import Path

import pyarrow as pa
import pytest

from diversion.resolve import features
from diversion.resolve.link import Linked, link
from diversion.resolve.params import DEFAULT
from diversion.store import Workspace, open_workspace

link_module = importlib.import_module("diversion.resolve.link")  # the module: the package exports link()

# member, kind, country, name, BIN, INN, birth date
RECORDS = [
    ("a1", "company", "KZ", "ТОО «Аспан Арба»", None, None, None),
    ("a2", "company", "KZ", "TOO ASPAN ARBA", None, None, None),
    ("a3", "company", "KZ", "Aspan Arba LLP", "180540012343", None, None),
    ("a4", "company", "KZ", "Aspan Arba Limited Liability Partnership", "180540012343", None, None),
    ("t1", "company", "KZ", "Aspan Trade LLP", None, None, None),
    ("k1", "company", "KG", "ОсОО «Аспан Арба»", None, None, None),
    ("n1", "company", "RU", "ООО «Небесная механика»", None, "7707083893", None),
    ("n2", "company", "RU", "Nebesnaya Mekhanika LLC", None, None, None),
    ("n3", "company", "RU", "Nebesnaya Tekhnika LLC", None, None, None),
    ("n4", "company", "RU", "OOO NEBESNAYA MEKHANIKA", None, "7728168971", None),
    ("p1", "person", "RU", "Петров Алексей Викторович", None, None, "1970-03-01"),
    ("p2", "person", "RU", "Petrov A. V.", None, None, None),
    ("p3", "person", "RU", "Петров Алексей Сергеевич", None, None, None),
    ("p4", "person", "RU", "Petrova Anna", None, None, None),
    ("p5", "person", "RU", "Aleksei Viktorovich Petrov", None, None, "1981-11-02"),
]
EXPECTED = [
    {"a1", "a2", "a3", "a4"},
    {"t1"},
    {"k1"},
    {"n1", "n2"},
    {"n3"},
    {"n4"},
    {"p1", "p2"},
    {"p3"},
    {"p4"},
    {"p5"},
]


def linked(ws: Workspace) -> Linked:
    schema = pa.schema(
        [("member_id", pa.string()), ("kind", pa.string()), ("country", pa.string()), ("bin", pa.string()),
         ("inn", pa.string()), ("birth_date", pa.date32())]
    )  # fmt: skip
    from datetime import date

    records = pa.Table.from_pylist(
        [
            {"member_id": m, "kind": k, "country": c, "bin": b, "inn": i,
             "birth_date": date.fromisoformat(d) if d else None}
            for m, k, c, _, b, i, d in RECORDS
        ],
        schema=schema,
    )  # fmt: skip
    names = pa.table({"member_id": [r[0] for r in RECORDS], "name": [r[3] for r in RECORDS]})
    prepared, named = features.prepare(
        ws, features.all_columns(ws.stage_arrow(records)), ws.stage_arrow(names)
    )
    weights = ws.materialize(features.token_weights(named))
    return link(ws, prepared, named, weights, DEFAULT)


def clusters(result: Linked) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for row in result.members.to_pyarrow().to_pylist():
        groups.setdefault(row["entity_id"], set()).add(row["member_id"])
    return sorted(groups.values(), key=min)


def test_entities(ws: Workspace) -> None:
    assert clusters(linked(ws)) == sorted(EXPECTED, key=min)


def test_each_link_says_why(ws: Workspace) -> None:
    pairs = {(r["member_a"], r["member_b"]): r for r in linked(ws).pairs.to_pyarrow().to_pylist()}
    assert pairs[("a3", "a4")]["shared_id"] == "bin" and pairs[("a3", "a4")]["score"] == 1.0
    assert pairs[("n1", "n4")]["conflicting_id"] == "inn" and not pairs[("n1", "n4")]["match"]
    assert pairs[("p1", "p3")]["patronymic_conflict"] and pairs[("p1", "p3")]["score"] <= DEFAULT.conflict_cap
    assert pairs[("p1", "p5")]["birth_date_conflict"] and not pairs[("p1", "p5")]["match"]
    assert pairs[("a1", "k1")]["country_a"] == "KZ" and pairs[("a1", "k1")]["country_b"] == "KG"
    assert not pairs[("a1", "k1")]["match"]
    near_miss = pairs.get(("n2", "n3")) or pairs[("n3", "n2")]
    assert near_miss["name_score"] < DEFAULT.match_threshold and not near_miss["match"]


def test_pairs_scored_in_several_passes_score_alike(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large run scores its name pairs and record pairs a slice at a time: the pairs and entities are the same."""
    once = linked(ws)
    expected = sorted(once.pairs.to_pyarrow().to_pylist(), key=lambda r: (r["member_a"], r["member_b"]))
    monkeypatch.setattr(link_module, "NAME_PAIRS_PER_PASS", 7)
    monkeypatch.setattr(link_module, "RECORD_PAIRS_PER_PASS", 5)
    sliced = linked(ws)
    got = sorted(sliced.pairs.to_pyarrow().to_pylist(), key=lambda r: (r["member_a"], r["member_b"]))
    assert len(got) > 7 and got == expected
    assert clusters(sliced) == sorted(EXPECTED, key=min)


@pytest.mark.spark
def test_spark_links_alike(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    with open_workspace(tmp_path / "spark" / "work.duckdb", "spark") as ws:
        assert clusters(linked(ws)) == sorted(EXPECTED, key=min)
