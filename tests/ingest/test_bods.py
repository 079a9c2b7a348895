"""Beneficial-ownership statements in: BODS 0.4 real files, a 0.2 file, and statements that are not BODS."""

from __future__ import annotations

import json
from pathlib import Path

from diversion.store import Workspace
from tests.conftest import SAMPLES, shared
from tests.factory import ingest_one as run
from tests.factory import rows_by as by_id


def test_gleif_relationship(ws: Workspace) -> None:
    report = run(ws, shared("bods/gleif_bods_0_4_relationship_issued.json"))
    assert (report.format, report.rows_read, report.rows_accepted, report.rows_quarantined) == (
        "bods",
        3,
        3,
        0,
    )
    parties = by_id(ws, "parties", "party_id")
    parent = parties["30030096HNNZNN7BZK36"]
    assert (parent["kind"], parent["lei"], parent["country"]) == ("company", "30030096HNNZNN7BZK36", "CN")
    assert parent["other_ids"] == ["RA000092:91330783717672584H"]
    assert str(parent["incorporation_date"]) == "1999-11-22"
    assert parties["3003005JY7KTP8L48N10"]["country"] == "HK"
    relation = by_id(ws, "relations", "relation_id")["rr-u-3003005JY7KTP8L48N10-36fdf1"]
    assert (relation["subject_id"], relation["object_id"]) == ("30030096HNNZNN7BZK36", "3003005JY7KTP8L48N10")
    assert (relation["kind"], relation["role"], relation["share"]) == ("control", "indirect", None)
    assert "IS_ULTIMATELY_CONSOLIDATED_BY" in relation["description"]
    assert str(relation["start_date"]) == "2016-02-23"


def test_example_package(ws: Workspace) -> None:
    report = run(ws, shared("bods/bods_example_package.json"))
    assert (report.rows_read, report.rows_accepted) == (3, 3)
    parties = by_id(ws, "parties", "party_id")
    company = parties["c359f58d2977"]
    assert (company["registration_number"], company["country"]) == (
        "2063384560",
        "GB",
    )  # from the GB-COH scheme
    person = parties["10478c6cf6de"]
    assert (person["kind"], person["name"], person["aliases"]) == (
        "person",
        "Jennifer Hewitson-Smith",
        ["Jenny Hewitson-Smith"],
    )
    assert person["birth_date"] is None  # "1978-07": no day
    relation = by_id(ws, "relations", "relation_id")["93b53022ae6a"]
    assert (relation["kind"], relation["subject_id"], relation["object_id"], relation["share"]) == (
        "ownership", "10478c6cf6de", "c359f58d2977", 100.0,
    )  # fmt: skip


def test_multiple_indirect_ownership(ws: Workspace) -> None:
    report = run(ws, shared("bods/bods_example_multiple_indirect_ownership.json"))
    assert (report.rows_read, report.rows_accepted) == (9, 9)
    assert (ws.count("parties"), ws.count("relations")) == (4, 5)
    relations = by_id(ws, "relations", "relation_id")
    indirect = relations["8af302e17272"]
    assert (indirect["role"], indirect["share"], indirect["subject_id"]) == ("indirect", 60.0, "92ebf964a1f6")
    assert relations["40b9a74c70c4"]["share"] == 50.0


def test_bods_0_2_statements_and_several_interests(ws: Workspace) -> None:
    report = run(ws, SAMPLES / "registries" / "bods_0_2_sample.json")
    assert (report.rows_read, report.rows_accepted) == (
        3,
        3,
    )  # one relationship with three interests: one record
    parties = by_id(ws, "parties", "party_id")
    assert parties["0b1c2d3e-entity-0001"]["kg_inn"] == "01234201810123"
    relations = by_id(ws, "relations", "relation_id")
    assert sorted(relations) == ["0b1c2d3e-ooc-0001", "0b1c2d3e-ooc-0001#2", "0b1c2d3e-ooc-0001#3"]
    first = relations["0b1c2d3e-ooc-0001"]
    assert (first["subject_id"], first["object_id"]) == ("0b1c2d3e-person-0001", "0b1c2d3e-entity-0001")
    assert (first["share"], first["description"]) == (
        25.0,
        "shareholding; share >25 to 50%",
    )  # minimum of a range
    assert (relations["0b1c2d3e-ooc-0001#2"]["kind"], relations["0b1c2d3e-ooc-0001#2"]["share"]) == (
        "ownership",
        40.0,
    )
    assert relations["0b1c2d3e-ooc-0001#3"]["kind"] == "control"


def test_statements_that_are_not_bods_are_quarantined(ws: Workspace, tmp_path: Path) -> None:
    undisclosed = {"reason": "subjectExemptFromDisclosure"}
    details = {"subject": "e1", "interestedParty": undisclosed, "interests": [{"type": "shareholding"}]}
    statements = [
        {"statementId": "e1", "recordId": "e1", "recordType": "entity", "recordDetails": {"name": "Alpha"}},
        {"statementId": "x1", "recordId": "x1", "recordType": "annotation"},
        {"statementId": "r1", "recordId": "r1", "recordType": "relationship", "recordDetails": details},
    ]
    path = tmp_path / "statements.json"
    path.write_text("\n".join(json.dumps(s) for s in statements) + "\n", encoding="utf-8")
    report = run(ws, path)
    assert (report.format, report.rows_read, report.rows_accepted, report.rows_quarantined) == (
        "bods",
        3,
        1,
        2,
    )
    reasons = {r["record"]: r["reason"] for r in ws.table("quarantine").to_pyarrow().to_pylist()}
    assert reasons == {
        "2": "not a BODS statement: unknown record type 'annotation'",
        "3": "missing subject_id",
    }


def test_bods_0_3_jurisdiction_gives_the_country(ws: Workspace, tmp_path: Path) -> None:
    statement = {
        "statementID": "e-1",
        "statementType": "entityStatement",
        "entityType": "registeredEntity",
        "name": "Aspan Arba LLP",
        "incorporatedInJurisdiction": {"name": "Kazakhstan", "code": "KZ"},
        "identifiers": [{"scheme": "XX-UNKNOWN", "id": "123"}],
        "publicationDetails": {
            "bodsVersion": "0.3",
            "publicationDate": "2023-01-01",
            "publisher": {"name": "x"},
        },
    }
    path = tmp_path / "bods_0_3.json"
    path.write_text(json.dumps([statement]), encoding="utf-8")
    run(ws, path)
    assert by_id(ws, "parties", "party_id")["e-1"]["country"] == "KZ"
