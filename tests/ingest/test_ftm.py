"""FollowTheMoney entities in: OpenSanctions' real files, the nested and array forms, and bad entities."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from diversion.ingest.ftm import parse_share
from diversion.store import Workspace
from tests.conftest import SAMPLES, shared
from tests.factory import ingest_one as run

ZALA = "lists/opensanctions_zala_aero_cluster.ftm.jsonl"
EU_FSF = "lists/opensanctions_eu_fsf_sample.ftm.jsonl"
CST = "NK-abdzbEBkqyT29GyREbiURZ"  # LLC CST (ZALA Aero)
ZAKHAROV = "NK-aU5ybkbRFJucf8YMwsJvDw"  # Aleksandr Vyacheslavovich Zakharov


def rows(ws: Workspace, table: str) -> list[dict[str, Any]]:
    return ws.table(table).to_pyarrow().to_pylist()


def by_id(ws: Workspace, table: str, key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows(ws, table)}


def test_zala_cluster_ingests_whole(ws: Workspace) -> None:
    report = run(ws, shared(ZALA))
    # 91 lines: 11 Address and 1 Passport entity are folded into the parties that reference them.
    assert (report.format, report.rows_read, report.rows_accepted, report.rows_quarantined) == (
        "ftm",
        79,
        79,
        0,
    )
    assert (ws.count("parties"), ws.count("relations"), ws.count("listings")) == (17, 21, 41)
    parties = by_id(ws, "parties", "party_id")
    cst = parties[CST]
    assert (cst["kind"], cst["name"], cst["country"]) == ("company", 'Limited Liability Company "CST"', "RU")
    assert "Zala Aero" in cst["aliases"]
    assert parties[ZAKHAROV]["kind"] == "person"
    assert parties["NK-56Edov9bas9puzaChH5pBy"]["inn"] == "1835045074"
    assert parties["NK-56Edov9bas9puzaChH5pBy"]["ogrn"] == "1021801671462"
    assert parties["NK-56Edov9bas9puzaChH5pBy"]["address"].startswith(
        "УЛ. ВОРОВСКОГО Д.130"
    )  # from its Address
    assert "referent:ofac-46001" in parties["NK-2Tbri3s6GgNtAwsSXh4qpL"]["other_ids"]


def test_zala_ownership_share_and_listings(ws: Workspace) -> None:
    run(ws, shared(ZALA))
    relations = by_id(ws, "relations", "relation_id")
    stake = relations["ru-770bdf5f22537fa2a94176f53fa87fe28ecf94fa"]
    assert (stake["kind"], stake["subject_id"], stake["object_id"], stake["share"]) == (
        "ownership",
        ZAKHAROV,
        CST,
        50.0,
    )
    assert str(stake["start_date"]) == "2015-11-25"
    kinds = sorted(r["kind"] for r in relations.values())
    assert kinds.count("ownership") == 14 and kinds.count("family") == 4 and kinds.count("directorship") == 3
    listings = rows(ws, "listings")
    ofac = [r for r in listings if r["list"] == "us_ofac_sdn" and r["party_id"] == CST]
    assert ofac and ofac[0]["program"] == "US-RUSHAR" and ofac[0]["country"] == "US"
    eu = [r for r in listings if r["list"] == "eu_fsf"]
    assert eu and all(
        r["country"] is None for r in eu
    )  # the EU is no country: the listing is kept without one


def test_eu_fsf_sample(ws: Workspace) -> None:
    report = run(ws, shared(EU_FSF))
    assert (report.rows_read, report.rows_accepted) == (6, 6)
    parties = by_id(ws, "parties", "party_id")
    tobacco = parties["NK-2GdmHtZTeNXjNVrBGEXZNj"]
    assert (tobacco["kind"], tobacco["country"], tobacco["registration_number"]) == (
        "organization",
        "BY",
        "808000714",
    )
    assert tobacco["dataset"] == "eu_fsf"
    assert str(parties["NK-2Ka3UvopqbpZmVDFjWd4LA"]["birth_date"]) == "1971-01-22"


def test_customs_declaration_payment_and_share_range(ws: Workspace) -> None:
    report = run(ws, SAMPLES / "registries" / "ftm_trade_sample.ftm.jsonl")
    assert (report.rows_read, report.rows_accepted) == (6, 6)  # the Address entity is folded
    declaration = rows(ws, "declarations")[0]
    assert declaration["declaration_id"] == "10702070/010622/3012345"
    assert (declaration["direction"], declaration["hs_code"], declaration["national_code"]) == (
        "import",
        "854231",
        "8542310000",
    )
    assert (declaration["exporter_name"], declaration["exporter_country"]) == ("ТОО «Аспан Арба»", "KZ")
    assert (declaration["importer_id"], declaration["importer_country"]) == ("ru-inn-7701234560", "RU")
    assert (declaration["value"], declaration["currency"], declaration["value_usd"]) == (
        92_500_000.0,
        "RUB",
        1_250_000.0,
    )
    relations = by_id(ws, "relations", "relation_id")
    assert relations["own-1"]["share"] == 25.0  # "25-50%": the lower bound
    assert (relations["pay-1"]["kind"], relations["pay-1"]["amount"], relations["pay-1"]["currency"]) == (
        "payment",
        1250000.0,
        "USD",
    )
    parties = by_id(ws, "parties", "party_id")
    assert (parties["kz-bin-220440031187"]["bin"], parties["kz-bin-220440031187"]["address"]) == (
        "220440031187",
        "Almaty, Dostyk ave. 38",
    )
    assert parties["kg-person-1"]["kg_inn"] == "21506198700123"
    assert parties["kg-person-1"]["birth_date"] is None  # "1987" alone is no day


def test_nested_entities_in_an_array(ws: Workspace) -> None:
    report = run(ws, SAMPLES / "registries" / "ftm_nested_sample.json")
    assert (report.format, report.rows_read, report.rows_accepted) == ("ftm", 4, 4)
    relation = rows(ws, "relations")[0]
    assert (relation["subject_id"], relation["object_id"], relation["role"]) == (
        "person-dir-1",
        "company-1",
        "General director",
    )
    parties = by_id(ws, "parties", "party_id")
    assert parties["company-1"]["ogrn"] == "1037700000018"
    assert rows(ws, "listings")[0]["party_id"] == "company-1"


def test_nested_export_with_reverse_properties(ws: Workspace, tmp_path: Path) -> None:
    """OpenSanctions' targets.nested.json: adjacent entities inline under reverse properties."""
    company = {"id": "c1", "schema": "Company", "properties": {"name": ["Alpha LLC"], "jurisdiction": ["kz"]}}
    stake = {"id": "o1", "schema": "Ownership", "properties": {"percentage": ["51"], "asset": [company]}}
    sanction = {
        "id": "s1",
        "schema": "Sanction",
        "properties": {"program": ["RUSSIA-EO14024"]},
        "datasets": ["us_ofac_sdn"],
    }
    person = {"name": ["Ivan Petrov"], "sanctions": [sanction], "ownershipOwner": [stake]}
    path = tmp_path / "targets.nested.json"
    path.write_text(
        json.dumps({"id": "p1", "schema": "Person", "properties": person}) + "\n", encoding="utf-8"
    )
    report = run(ws, path)
    assert (report.rows_read, report.rows_accepted) == (4, 4)
    relation = rows(ws, "relations")[0]
    assert (relation["subject_id"], relation["object_id"], relation["share"]) == ("p1", "c1", 51.0)
    assert (rows(ws, "listings")[0]["party_id"], rows(ws, "listings")[0]["list"]) == ("p1", "us_ofac_sdn")
    assert sorted(by_id(ws, "parties", "party_id")) == ["c1", "p1"]


def entity(id: str, schema: str = "Company", **properties: list[str]) -> str:
    return json.dumps(
        {"id": id, "schema": schema, "properties": properties or {"name": [id]}}, ensure_ascii=False
    )


def test_bad_entities_are_quarantined_and_the_rest_kept(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "mixed.ftm.jsonl"
    lines = [
        entity("good-1", name=["Good One"], country=["kz"]),
        entity("alien-1", "Spaceship", name=["X"]),
        entity("odd-1", name=["Odd"], favouriteColour=["blue"]),
        '{"id": "broken-1", "schema": "Company", "properties": {"name": ["Broken"]',
        entity("good-2", "Person", name=["Good Two"]),
        entity("note-1", "Note", description=["a note has no canonical table"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run(ws, path)
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (6, 2, 4)
    assert sorted(by_id(ws, "parties", "party_id")) == ["good-1", "good-2"]
    reasons = {r["record"]: r["reason"] for r in rows(ws, "quarantine")}
    assert reasons["2"] == "unknown FtM schema 'Spaceship'"
    assert reasons["3"] == "unknown FtM property favouriteColour of schema Company"
    assert reasons["4"].startswith("not valid JSON")
    assert reasons["6"] == "FtM schema Note has no canonical table"
    raw = {r["record"]: r["raw"] for r in rows(ws, "quarantine")}
    assert json.loads(raw["3"])["id"] == "odd-1"


def test_bad_values_are_quarantined_with_the_entity_json(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "values.ftm.jsonl"
    lines = [
        entity("own-1", "Ownership", owner=["a"], asset=["b"], percentage=["150"]),
        entity("own-2", "Ownership", owner=["a"], asset=["b"], percentage=["majority"]),
        entity("nameless", "Company", country=["kz"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run(ws, path)
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (3, 1, 2)
    reasons = {r["record"]: r["reason"] for r in rows(ws, "quarantine")}
    assert reasons == {"1": "share above 100%: '150.0'", "3": "missing name"}
    kept = rows(ws, "relations")[0]
    assert (kept["relation_id"], kept["share"], kept["description"]) == (
        "own-2",
        None,
        "percentage: majority",
    )
    raw = rows(ws, "quarantine")[0]["raw"]
    assert json.loads(raw)["schema"] in ("Ownership", "Company")


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("50", "50"),
        ("50%", "50"),
        ("50.5", "50.5"),
        ("50,5 %", "50.5"),
        ("25-50", "25"),
        ("25 – 50%", "25"),
        ("n/a", None),
    ],
)
def test_percentages(text: str, share: str | None) -> None:
    assert parse_share([text])[0] == share
