"""Hand-built registries, relations, lists and declarations where the answer is obvious, ingested through the
real adapters, resolved into entities and drawn into the link graph before a detector runs."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from diversion.detect import get_detector
from diversion.detect.base import fetch
from diversion.detect.entities.common import with_params
from diversion.graph import build_graph
from diversion.model.identifiers import valid_kg_inn, valid_kz_bin, valid_ru_inn
from diversion.resolve import resolve
from diversion.simulate.identifiers import kg_inn, kz_bin, ru_inn
from diversion.store import Workspace, open_workspace
from tests.factory import csv_text, ingest_one, write_decls

REGISTRY = (
    "party_id", "kind", "name", "aliases", "country", "bin", "inn", "ogrn", "kg_inn", "lei", "vat",
    "registration_number", "address", "phone", "incorporation_date", "birth_date", "dataset", "topics",
)  # fmt: skip
RELATIONS = (
    "relation_id", "kind", "subject_id", "object_id", "share", "role", "start_date", "amount", "currency",
    "description", "dataset",
)  # fmt: skip
TARGETS = (
    "id", "schema", "name", "aliases", "birth_date", "countries", "addresses", "identifiers", "sanctions",
    "phones", "emails", "dataset", "first_seen", "last_seen", "last_change",
)  # fmt: skip
COMTRADE = "freqCode,refYear,period,reporterISO,partnerISO,flowCode,classificationCode,cmdCode,primaryValue"


def bin_of(name: str, registered: date) -> str:
    """A valid Kazakh BIN of the firm registered in that month (seeded by the name: the same on every run)."""
    number = kz_bin(random.Random(name), registered=registered)
    assert valid_kz_bin(number), number
    return number


def inn_of(name: str) -> str:
    """A valid ten-digit Russian INN of the firm (seeded by the name)."""
    number = ru_inn(random.Random(name))
    assert valid_ru_inn(number), number
    return number


def kg_inn_of(name: str, registered: date) -> str:
    """A valid fourteen-digit Kyrgyz INN of the firm registered that day (seeded by the name)."""
    number = kg_inn(random.Random(name), registered=registered)
    assert valid_kg_inn(number), number
    return number


def party(party_id: str, name: str, country: str, **fields: object) -> dict[str, str]:
    """One registry row: a company unless ``kind`` says otherwise."""
    row = {
        "party_id": party_id,
        "kind": "company",
        "name": name,
        "country": country,
        "dataset": "test_registry",
    }
    row.update({key: str(value) for key, value in fields.items()})
    return row


def relation(relation_id: str, kind: str, subject: str, obj: str, **fields: object) -> dict[str, str]:
    """One relations row: ``subject`` owns, directs, is family of or pays ``obj``."""
    row = {"relation_id": relation_id, "kind": kind, "subject_id": subject, "object_id": obj}
    row.update({key: str(value) for key, value in fields.items()})
    return row


def target(target_id: str, name: str, **fields: object) -> dict[str, str]:
    """One OpenSanctions targets.simple.csv row: a Russian company on the OFAC SDN list."""
    row = {
        "id": target_id,
        "schema": "Company",
        "name": name,
        "countries": "ru",
        "sanctions": "Russia-related Designations - Executive Order 14024 (Russia) - 2023-02-24",
        "dataset": "US OFAC Specially Designated Nationals (SDN) List",
    }
    row.update({key: str(value) for key, value in fields.items()})
    return row


def comtrade_row(year: int, reporter: str, partner: str, flow: str, code: str, value: float) -> str:
    """One annual Comtrade bulk row (ISO3 codes; H5 before 2022, H6 after)."""
    edition = "H6" if year >= 2022 else "H5"
    return f"A,{year},{year},{reporter},{partner},{flow},{edition},{code},{value}"


def load(
    ws: Workspace,
    tmp: Path,
    *,
    parties: Sequence[dict[str, str]] = (),
    relations: Sequence[dict[str, str]] = (),
    decls: Sequence[dict[str, str]] = (),
    targets: Sequence[dict[str, str]] = (),
    flows: Sequence[str] = (),
) -> None:
    """Write each kind of input to a file, ingest it (no row quarantined), resolve and build the graph."""
    files: list[Path] = []
    if parties:
        files.append(tmp / "registry.csv")
        files[-1].write_text(csv_text(list(parties), REGISTRY), encoding="utf-8")
    if relations:
        files.append(tmp / "relations.csv")
        files[-1].write_text(csv_text(list(relations), RELATIONS), encoding="utf-8")
    if targets:
        files.append(tmp / "targets.simple.csv")
        files[-1].write_text(csv_text(list(targets), TARGETS), encoding="utf-8")
    if decls:
        files.append(write_decls(tmp / "declarations.csv", list(decls)))
    if flows:
        files.append(tmp / "comtrade.csv")
        files[-1].write_text("\n".join([COMTRADE, *flows]) + "\n", encoding="utf-8")
    for path in files:
        report = ingest_one(ws, path)
        assert report.rows_quarantined == 0, report
    resolve(ws)
    build_graph(ws)


def scenario(tmp: Path, **inputs: Any) -> Iterator[Workspace]:
    """A workspace holding these inputs, resolved and with its graph, for every test of a module (resolution
    takes seconds: one scenario per module, its decoys beside its positives, keeps the suite fast)."""
    ws = open_workspace(tmp / "work.duckdb", "duckdb")
    try:
        load(ws, tmp, **inputs)
        yield ws
    finally:
        ws.close()


def run(ws: Workspace, name: str, **changes: object) -> list[dict[str, Any]]:
    """The findings of one detector (defaults, with some parameters changed), as dicts."""
    detector = get_detector(name)
    assert detector is not None, name
    params = with_params(detector.defaults(), **changes) if changes else detector.defaults()
    return fetch(detector.run(ws, params))


def by_name(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Findings by subject name (each subject flagged once)."""
    named = {f["subject_name"]: f for f in found}
    assert len(named) == len(found), [f["subject_name"] for f in found]
    return named


def entity_of(ws: Workspace, *member_ids: str) -> str:
    """The one entity these records resolved into (fails when they are not one entity)."""
    members = ws.table("entity_members").to_pyarrow().to_pylist()
    found: dict[str, str] = {m["member_id"]: m["entity_id"] for m in members}
    missing = [m for m in member_ids if m not in found]
    assert not missing, (missing, sorted(found))
    entities = {found[m] for m in member_ids}
    assert len(entities) == 1, {m: found[m] for m in member_ids}
    return entities.pop()


def declared(name: str, party_id: str, country: str) -> str:
    """The member id resolution gives a party named in declarations."""
    return f"declarations:{country}:{party_id}:{name}"


def records(finding: dict[str, Any], source_suffix: str) -> list[str]:
    """The evidence records of a finding that come from the file whose name ends so, in order."""
    return [str(e["record"]) for e in finding["evidence"] if str(e["source"]).endswith(source_suffix)]
