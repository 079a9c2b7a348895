"""Registries, ownership and lists of the synthetic world, in Diversion's CSVs, FollowTheMoney and
OpenSanctions' targets.simple.csv.

Russian companies and people come as FtM entities (as OpenSanctions and Aleph publish registry data);
everyone else as Diversion's registry and relations CSVs. Listed parties are published under their own
list ids and a spelling of the list's choosing, as real lists do: linking them back to registry records is
entity resolution's job, and the answer key says which records are the same party.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Final

from diversion.simulate import names
from diversion.simulate.params import DESTINATION
from diversion.simulate.world import Firm, Person, Relation, World

MILITARY_ROLES: Final = ("defence", "military_support")
"""Firm roles a registry publishes with the FtM topic ``mil``."""
REGISTRY_COLUMNS: Final = (
    "party_id",
    "kind",
    "name",
    "aliases",
    "country",
    "bin",
    "inn",
    "ogrn",
    "kg_inn",
    "lei",
    "vat",
    "registration_number",
    "address",
    "phone",
    "incorporation_date",
    "birth_date",
    "dataset",
)
RELATION_COLUMNS: Final = (
    "relation_id",
    "kind",
    "subject_id",
    "object_id",
    "share",
    "role",
    "start_date",
    "amount",
    "currency",
    "description",
    "dataset",
)
TARGETS_COLUMNS: Final = (
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "countries",
    "addresses",
    "identifiers",
    "sanctions",
    "phones",
    "emails",
    "dataset",
    "first_seen",
    "last_seen",
    "last_change",
)
LIST_NAME: Final = "Synthetic sanctions list"


def _csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _firm_row(firm: Firm) -> list[object]:
    ident = firm.ident
    aliases = ";".join(dict.fromkeys(a for a in (firm.name.latin,) if a and a != firm.name.native))
    return [
        firm.id,
        "company",
        firm.name.native,
        aliases,
        firm.country,
        ident.get("bin", ""),
        ident.get("inn", ""),
        ident.get("ogrn", ""),
        ident.get("kg_inn", ""),
        ident.get("lei", ""),
        ident.get("vat", ""),
        ident.get("registration_number", ""),
        firm.address,
        firm.phone,
        _day(firm.incorporated),
        "",
        f"synthetic_{firm.country.lower()}_registry",
    ]


def _person_row(person: Person) -> list[object]:
    aliases = person.name.latin if person.name.latin != person.name.native else ""
    return [
        person.id,
        "person",
        person.name.native,
        aliases,
        person.country,
        person.bin,
        person.inn,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        _day(person.born),
        f"synthetic_{person.country.lower()}_registry",
    ]


def _relation_row(r: Relation) -> list[object]:
    return [
        r.id,
        r.kind,
        r.subject_id,
        r.object_id,
        "" if r.share is None else f"{r.share:g}",
        r.role,
        _day(r.start),
        "" if r.amount is None else f"{r.amount:g}",
        r.currency,
        r.description,
        "synthetic_registries",
    ]


def write(world: World, folder: Path) -> dict[str, Path]:
    """The registry and relations files; returns a name for each file written."""
    ru_firms = [f for f in world.firms if f.country == DESTINATION]
    ru_people = [p for p in world.people if p.country == DESTINATION]
    ru_ids = {f.id for f in ru_firms} | {p.id for p in ru_people}
    files = {
        "registry": folder / "registries" / "registry.csv",
        "relations": folder / "registries" / "relations.csv",
        "ftm": folder / "registries" / "ru_companies.ftm.jsonl",
    }
    _csv(
        files["registry"],
        REGISTRY_COLUMNS,
        [
            *(_firm_row(f) for f in world.firms if f.id not in ru_ids),
            *(_person_row(p) for p in world.people if p.id not in ru_ids),
        ],
    )
    # Links into Russian companies travel with them, as FtM; all others in the relations CSV.
    in_ftm = [r for r in world.relations if r.object_id in ru_ids and r.kind in _FTM_LINKS]
    ftm_ids = {r.id for r in in_ftm}
    _csv(
        files["relations"],
        RELATION_COLUMNS,
        [_relation_row(r) for r in world.relations if r.id not in ftm_ids],
    )
    with files["ftm"].open("w", encoding="utf-8") as handle:
        for entity in [
            *(_ftm_company(f) for f in ru_firms),
            *(_ftm_person(p) for p in ru_people),
            *(_ftm_link(r) for r in in_ftm),
        ]:
            handle.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
    return files


_FTM_LINKS: Final = {
    "ownership": ("Ownership", "owner", "asset"),
    "directorship": ("Directorship", "director", "organization"),
    "family": ("Family", "person", "relative"),
    "payment": ("Payment", "payer", "beneficiary"),
}


def _ftm_company(firm: Firm) -> dict[str, Any]:
    props: dict[str, list[str]] = {
        "name": [firm.name.native],
        "alias": [firm.name.latin],
        "jurisdiction": ["ru"],
        "innCode": [firm.ident.get("inn", "")],
        "ogrnCode": [firm.ident.get("ogrn", "")],
        "address": [firm.address],
        "phone": [firm.phone],
        "incorporationDate": [_day(firm.incorporated)],
        # Registries and OpenSanctions mark the military sector (FtM topic "mil"): defence suppliers and the
        # organisations that equip units (the "People's Front" of CASES.md).
        "topics": ["mil"] if firm.role in MILITARY_ROLES else [],
    }
    return {
        "id": firm.id,
        "schema": "Company",
        "properties": {k: v for k, v in props.items() if v and v[0]},
        "datasets": ["synthetic_ru_registry"],
    }


def _ftm_person(person: Person) -> dict[str, Any]:
    n = person.name
    props = {
        "name": [n.native],
        "alias": [n.latin],
        "firstName": [n.given],
        "lastName": [n.surname],
        "fatherName": [n.patronymic or ""],
        "birthDate": [_day(person.born)],
        "nationality": ["ru"],
        "innCode": [person.inn],
    }
    return {
        "id": person.id,
        "schema": "Person",
        "properties": {k: v for k, v in props.items() if v and v[0]},
        "datasets": ["synthetic_ru_registry"],
    }


def _ftm_link(r: Relation) -> dict[str, Any]:
    schema, source, target = _FTM_LINKS[r.kind]
    props: dict[str, list[str]] = {source: [r.subject_id], target: [r.object_id]}
    if r.share is not None:
        props["percentage"] = [f"{r.share:g}"]
    if r.start:
        props["startDate" if r.kind != "payment" else "date"] = [_day(r.start)]
    if r.role:
        props["role" if r.kind != "family" else "relationship"] = [r.role]
    if r.amount is not None:
        props["amount"] = [f"{r.amount:g}"]
        props["currency"] = [r.currency]
    if r.description:
        props["summary" if r.kind != "payment" else "purpose"] = [r.description]
    return {"id": r.id, "schema": schema, "properties": props, "datasets": ["synthetic_ru_registry"]}


def write_lists(world: World, folder: Path, rng: random.Random, variance: float) -> dict[str, list[str]]:
    """The listed parties under list ids and list spellings; returns party id -> its list entry ids."""
    path = folder / "lists" / "synthetic_sanctions.targets.simple.csv"
    entries: dict[str, list[str]] = {}
    rows: list[tuple[list[object], bool]] = []
    people = {p.id: p for p in world.people}
    for number, listing in enumerate(world.listings, start=1):
        entry = f"syn-list-{number:06d}"
        entries.setdefault(listing.party_id, []).append(entry)
        sanction = f"{listing.program} - {listing.reason} - {listing.listed_on.isoformat()}"
        if listing.party_id in people:
            person = people[listing.party_id]
            name = names.person_spelling(rng, person.name, variance=variance)
            rows.append(
                (
                    [
                        entry,
                        "Person",
                        name,
                        person.name.native,
                        _day(person.born),
                        person.country.lower(),
                        "",
                        person.inn,
                        sanction,
                        "",
                        "",
                        LIST_NAME,
                        "",
                        "",
                        "",
                    ],
                    listing.program == EU_PROGRAM,
                )
            )
        else:
            firm = world.firm(listing.party_id)
            name = names.company_spelling(rng, firm.name, variance=variance)
            shown = [v for k, v in sorted(firm.ident.items()) if k in ("inn", "ogrn", "bin")]
            identifiers = ";".join(shown) if rng.random() < 0.6 else ""
            rows.append(
                (
                    [
                        entry,
                        "Company",
                        name,
                        firm.name.native,
                        "",
                        firm.country.lower(),
                        firm.address,
                        identifiers,
                        sanction,
                        firm.phone,
                        "",
                        LIST_NAME,
                        "",
                        "",
                        "",
                    ],
                    listing.program == EU_PROGRAM,
                )
            )
    _csv(path, TARGETS_COLUMNS, [row for row, in_ftm in rows if not in_ftm])
    with (folder / "lists" / "synthetic_eu_sanctions.ftm.jsonl").open("w", encoding="utf-8") as handle:
        for row, in_ftm in rows:
            if in_ftm:
                for entity in _ftm_listing(row):
                    handle.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
    return entries


EU_PROGRAM: Final = "EU-833/2014"
"""Entries under this program are published as FtM (the EU list), the others in targets.simple.csv."""


def _ftm_listing(row: list[object]) -> list[dict[str, Any]]:
    entry, schema, name, alias, born, country, address, identifiers, sanction = (str(v) for v in row[:9])
    program, reason, listed_on = sanction.split(" - ")
    props: dict[str, list[str]] = {"name": [name], "alias": [alias]}
    if schema == "Person":
        props |= {"nationality": [country], "birthDate": [born], "innCode": [identifiers]}
    else:
        props |= {"jurisdiction": [country], "address": [address]}
        if identifiers:
            props["registrationNumber"] = identifiers.split(";")
    party = {
        "id": entry,
        "schema": schema,
        "properties": {k: v for k, v in props.items() if v and v[0]},
        "datasets": ["synthetic_eu_sanctions"],
    }
    sanction_props = {
        "entity": [entry],
        "program": [program],
        "authority": ["Synthetic Council of the EU"],
        "listingDate": [listed_on],
        "reason": [reason],
    }
    return [
        party,
        {
            "id": f"{entry}-sanction",
            "schema": "Sanction",
            "properties": sanction_props,
            "datasets": ["synthetic_eu_sanctions"],
        },
    ]
