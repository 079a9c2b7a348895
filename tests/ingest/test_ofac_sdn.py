"""OFAC's SDN.CSV in, as published (no header, "-0-", the end-of-file marker), with ALT.CSV and ADD.CSV."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from diversion.ingest.run import InputReport, ingest
from diversion.store import Workspace
from tests.conftest import SAMPLES, shared

OFAC = SAMPLES / "lists" / "ofac"


def run(ws: Workspace, *paths: Path) -> list[InputReport]:
    reports = ingest(ws, list(paths)).inputs
    for report in reports:
        assert report.error is None, report.error
        assert report.rows_read == report.rows_accepted + report.rows_quarantined, report
    return reports


def rows(ws: Workspace, table: str) -> list[dict[str, Any]]:
    return ws.table(table).to_pyarrow().to_pylist()


def test_real_sdn_list(ws: Workspace) -> None:
    (report,) = run(ws, shared("lists/ofac_sdn_2024-05-03.csv"))
    # 14,965 entries; the end-of-file marker is no record.
    assert (report.format, report.rows_read, report.rows_accepted, report.rows_quarantined) == (
        "ofac_sdn",
        14965,
        14965,
        0,
    )
    assert ws.count("parties") == 14965 and ws.count("quarantine") == 0
    parties = {row["party_id"]: row for row in rows(ws, "parties")}
    volga = parties["ofac-16806"]
    assert (volga["name"], volga["kind"], volga["country"]) == ("OOO VOLGA GROUP", "company", "RU")
    assert (volga["inn"], volga["ogrn"]) == ("7718989383", "1147746803049")
    person = parties["ofac-15892"]
    assert (person["kind"], person["inn"], person["aliases"]) == (
        "person",
        "773407989940",
        ["Ivan Pavlovitch PROKOPENKO"],
    )
    assert parties["ofac-36427"]["bin"] == "110140012405"  # Kazakhstan
    assert "vessel_registration_identification_imo:8674156" in parties["ofac-30823"]["other_ids"]
    listings = ws.table("listings")
    russia = listings.filter(listings.program == "RUSSIA-EO14024")
    assert int(russia.count().execute()) == 4439
    volga_listings = {row["program"] for row in rows(ws, "listings") if row["party_id"] == "ofac-16806"}
    assert volga_listings == {"UKRAINE-EO13661", "RUSSIA-EO14024"}


def test_sample_with_alt_and_add(ws: Workspace) -> None:
    reports = {Path(r.path).name: r for r in run(ws, OFAC)}
    assert {name: r.format for name, r in reports.items()} == {
        "add.csv": "ofac_sdn.add", "alt.csv": "ofac_sdn.alt", "sdn.csv": "ofac_sdn",
    }  # fmt: skip
    assert {name: (r.rows_read, r.rows_quarantined) for name, r in reports.items()} == {
        "add.csv": (5, 0), "alt.csv": (5, 0), "sdn.csv": (8, 0),
    }  # fmt: skip
    mentions = [row for row in rows(ws, "parties") if row["party_id"] == "ofac-16806"]
    assert len(mentions) == 4  # the entry, two other names, one address
    assert {row["kind"] for row in mentions} == {"company"}  # from SDN.CSV
    names = {row["name"] for row in mentions}
    assert names == {"OOO VOLGA GROUP", "VOLGA GROUP LLC", "VOLGA GROUP INVESTMENTS"}
    address = next(row for row in mentions if row["address"])
    assert (address["address"], address["country"]) == ("Moscow, Russia", "RU")
    korea = next(row for row in rows(ws, "parties") if row["party_id"] == "ofac-44578" and row["address"])
    assert (korea["address"], korea["country"]) == ("Pyongyang, Korea, North", None)
    person_alt = next(row for row in rows(ws, "parties") if row["name"] == "PROKOPENKO, Ivan Pavlovich")
    assert person_alt["aliases"] == ["Ivan Pavlovich PROKOPENKO", "PROKOPENKO, Ivan Pavlovitch"]


def test_alt_without_sdn_beside_it(ws: Workspace, tmp_path: Path) -> None:
    shutil.copy(OFAC / "alt.csv", tmp_path / "alt.csv")
    (report,) = run(ws, tmp_path / "alt.csv")
    assert (report.rows_read, report.rows_accepted) == (5, 5)
    assert {row["kind"] for row in rows(ws, "parties")} == {"legal_entity"}


def test_broken_lines_are_quarantined_not_the_marker(ws: Workspace, tmp_path: Path) -> None:
    lines = (OFAC / "sdn.csv").read_bytes().split(b"\r\n")
    lines.insert(2, b'99999,"BROKEN ENTRY",-0- ,"RUSSIA-EO14024"')
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"\r\n".join(lines))
    (report,) = run(ws, path)
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (9, 8, 1)
    (reject,) = rows(ws, "quarantine")
    assert reject["reason"].startswith("expected 12 fields, found 4")
    assert "BROKEN ENTRY" in reject["raw"]


def test_rows_after_a_broken_line_keep_their_line_numbers(ws: Workspace, tmp_path: Path) -> None:
    lines = (OFAC / "sdn.csv").read_bytes().split(b"\r\n")
    lines.insert(2, b'99999,"BROKEN ENTRY",-0- ,"RUSSIA-EO14024"')
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"\r\n".join(lines))
    run(ws, path)
    assert [row["record"] for row in rows(ws, "quarantine")] == ["3"]
    assert sorted(int(row["record"]) for row in rows(ws, "parties")) == [1, 2, 4, 5, 6, 7, 8, 9]


def test_latin1_file(ws: Workspace, tmp_path: Path) -> None:
    text = (
        (OFAC / "sdn.csv")
        .read_bytes()
        .replace(b"AEROCARIBBEAN AIRLINES", "AÉROCARIBBEAN AIRLINES".encode("latin-1"))
    )
    path = tmp_path / "sdn.csv"
    path.write_bytes(text)
    (report,) = run(ws, path)
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (8, 8, 0)
    assert "AÉROCARIBBEAN AIRLINES" in {row["name"] for row in rows(ws, "parties")}
