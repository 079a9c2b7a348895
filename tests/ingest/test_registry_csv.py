"""The project's registry and relations CSVs: canonical columns in, lists split, bad rows quarantined."""

from __future__ import annotations

from diversion.ingest.run import ingest
from diversion.store import Workspace
from tests.conftest import SAMPLES


def test_registry_and_relations_samples(ws: Workspace) -> None:
    manifest = ingest(
        ws, [SAMPLES / "registries" / "registry_sample.csv", SAMPLES / "registries" / "relations_sample.csv"]
    )
    registry, relations = manifest.inputs
    assert (registry.format, registry.rows_read, registry.rows_accepted) == ("registry.csv", 4, 3)
    assert (relations.format, relations.rows_read, relations.rows_accepted) == ("relations.csv", 4, 3)
    parties = {row["party_id"]: row for row in ws.table("parties").to_pyarrow().to_pylist()}
    aspan = parties["kz-220440031187"]
    assert (aspan["kind"], aspan["bin"], aspan["country"]) == ("company", "220440031187", "KZ")
    assert aspan["aliases"] == ["TOO Aspan Arba", "Aspan Arba LLP"]
    assert str(aspan["incorporation_date"]) == "2022-04-12"
    assert parties["person-ivanov-av"]["kind"] == "person"
    shares = {row["relation_id"]: row["share"] for row in ws.table("relations").to_pyarrow().to_pylist()}
    assert shares == {"own-1": 100.0, "own-2": 100.0, "dir-1": None}
    reasons = sorted(row["reason"] for row in ws.table("quarantine").to_pyarrow().to_pylist())
    assert reasons == ["not a date: incorporation_date '2022-13-40'", "share above 100%: '150.0'"]
