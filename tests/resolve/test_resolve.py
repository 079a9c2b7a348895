"""Resolution of a whole workspace: the demo world's parties and declared exporters and importers."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from diversion.ingest.run import ingest
from diversion.resolve import resolve
from diversion.store import Workspace, open_workspace

DEMO = Path(__file__).parents[2] / "data" / "demo" / "inputs"


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = open_workspace(tmp_path_factory.mktemp("demo") / "work.duckdb", "duckdb")
    ingest(ws, [DEMO])
    resolve(ws)
    return ws


def test_every_record_is_in_one_entity(resolved: Workspace) -> None:
    members = resolved.table("entity_members").to_pyarrow().to_pylist()
    ids = [m["member_id"] for m in members]
    assert len(ids) == len(set(ids)) > 1000
    entities = {e["entity_id"]: e for e in resolved.table("entities").to_pyarrow().to_pylist()}
    sizes: dict[str, int] = defaultdict(int)
    for m in members:
        sizes[m["entity_id"]] += 1
    assert all(entities[e]["members"] == n for e, n in sizes.items())


def test_every_entity_says_why_its_members_were_joined(resolved: Workspace) -> None:
    """The matched links inside an entity connect all its members: each join has its features."""
    members = resolved.table("entity_members").to_pyarrow().to_pylist()
    entity_of = {m["member_id"]: m["entity_id"] for m in members}
    links = resolved.table("entity_links")
    matched = links.filter(links.match).to_pyarrow().to_pylist()
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in matched:
        a, b = link["member_a"], link["member_b"]
        assert link["score"] >= 0.8 and (link["shared_id"] or link["name_score"] > 0)
        if entity_of[a] == entity_of[b]:
            neighbours[a].add(b)
            neighbours[b].add(a)
    by_entity: dict[str, list[str]] = defaultdict(list)
    for member, entity in entity_of.items():
        by_entity[entity].append(member)
    for entity, group in by_entity.items():
        seen, todo = {group[0]}, [group[0]]
        while todo:
            for other in neighbours[todo.pop()] - seen:
                seen.add(other)
                todo.append(other)
        assert seen == set(group), entity


def test_the_reference_firm_is_one_entity(resolved: Workspace) -> None:
    entities = resolved.table("entities")
    aspan = entities.filter(entities.name.re_search("(?i)aspan arba|аспан арба")).to_pyarrow().to_pylist()
    assert len(aspan) == 1 and aspan[0]["country"] == "KZ" and aspan[0]["members"] >= 2
    assert {"Aspan Arba LLP", "ТОО «Аспан Арба»"} <= set(aspan[0]["names"])
    tauar = entities.filter(entities.name.re_search("(?i)aspan tauar|аспан тауар")).to_pyarrow().to_pylist()
    assert len(tauar) == 1 and tauar[0]["entity_id"] != aspan[0]["entity_id"]  # a near miss stays apart


def test_resolving_again_replaces(resolved: Workspace) -> None:
    before = resolved.count("entities"), resolved.count("entity_members"), resolved.count("entity_links")
    resolve(resolved)
    assert (
        resolved.count("entities"),
        resolved.count("entity_members"),
        resolved.count("entity_links"),
    ) == before


@pytest.mark.spark
def test_spark_resolves_alike(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    samples = Path(__file__).parents[2] / "data" / "samples"
    inputs = [
        samples / "registries" / "registry_sample.csv",
        samples / "declarations" / "declarations_2022_sample.csv",
    ]
    found = {}
    for backend in ("duckdb", "spark"):
        with open_workspace(tmp_path / backend / "work.duckdb", backend) as ws:
            ingest(ws, inputs)
            result = resolve(ws)
            groups: dict[str, set[str]] = defaultdict(set)
            for row in ws.table("entity_members").to_pyarrow().to_pylist():
                groups[row["entity_id"]].add(row["member_id"])
            found[backend] = (result.pairs_matched, sorted(sorted(g) for g in groups.values()))
    assert found["duckdb"] == found["spark"] and found["duckdb"][0] > 0
