"""Beneficial Ownership Data Standard statements: who owns and controls companies, as registries publish them.

Input is a JSON array of statements or JSON lines, BODS 0.4 (``recordType`` entity, person,
relationship) or 0.2/0.3 (``statementType`` entityStatement, personStatement,
ownershipOrControlStatement). Parties are named by ``recordId`` (0.4) or ``statementID`` (0.1-0.3), the
ids relationships use to point at them.

* entity -> ``parties``: kind from entityType (registeredEntity -> company, stateBody/state ->
  public_body, arrangement -> organization, legalEntity/anonymous/unknown -> legal_entity);
  identifiers XI-LEI -> lei, RU-INN -> inn, RU-OGRN -> ogrn, KZ-BIN -> bin, KG-INN -> kg_inn, the first other
  one -> registration_number, the rest to ``other_ids`` as ``scheme:id`` (schemeName when no scheme);
  foundingDate -> incorporation_date, jurisdiction or (before 0.4) incorporatedInJurisdiction, else an
  address's country, else the country of an org-id scheme such as GB-COH -> country.
* person -> ``parties`` of kind person: the legal (else first) name, the other names as aliases,
  nationality as country, birthDate when a complete date (BODS often gives only year and month).
* relationship -> ``relations``, one row per interest: subject = interestedParty (the owner or
  controller), object = subject (the entity owned). shareholding and votingRights are ``ownership``,
  boardMember, boardChair and seniorManagingOfficial ``directorship``, any other interest ``control``.
  share = exact, else minimum (the share is at least that; a range is kept in the description).
  Indirect interests have role "indirect"; the interest type is in the description. A closed record
  ends on its statement date when the interest gives no end date.

A relationship with several interests is one record: its first interest's row is the record (counted),
the others are extra rows of it. A party without a name (anonymous, unknown) is named by its id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from diversion.ingest.context import Context, Sample
from diversion.ingest.jsondocs import (
    RAW_COLUMN,
    arrow_rows,
    full_date,
    known_country,
    read_records,
    reject,
    stage_json,
    text_fields,
    unique,
)
from diversion.ingest.stage import Staged
from diversion.ingest.tabular import RECORD
from diversion.model.countries import aliases, fold

FORMAT: Final = "bods"
TABLES: Final = ("parties", "relations")

ENTITY_KINDS: Final = {
    "registeredentity": "company",
    "legalentity": "legal_entity",
    "arrangement": "organization",
    "anonymousentity": "legal_entity",
    "unknownentity": "legal_entity",
    "state": "public_body",
    "statebody": "public_body",
}
SCHEME_COLUMNS: Final = {
    "XI-LEI": "lei",
    "RU-INN": "inn",
    "RU-OGRN": "ogrn",
    "KZ-BIN": "bin",
    "KG-INN": "kg_inn",
}
OWNERSHIP: Final = frozenset({"shareholding", "votingrights"})
DIRECTORSHIP: Final = frozenset({"boardmember", "boardchair", "seniormanagingofficial"})
RECORD_TYPES: Final = {
    "entity": "entity",
    "entitystatement": "entity",
    "person": "person",
    "personstatement": "person",
    "relationship": "relationship",
    "ownershiporcontrolstatement": "relationship",
}

PARTY_TEXT: Final = (
    "party_id", "kind", "name", "country", "inn", "ogrn", "bin", "kg_inn", "lei", "registration_number",
    "address", "incorporation_date", "birth_date", "dataset",
)  # fmt: skip
PARTY_LISTS: Final = ("aliases", "other_ids")
RELATION_TEXT: Final = (
    "relation_id", "kind", "subject_id", "object_id", "share", "role", "start_date", "end_date",
    "description", "dataset",
)  # fmt: skip


def sniff(sample: Sample) -> bool:
    """A BODS statement: ``statementId`` with ``recordType`` (0.4), or ``statementID`` (or ``statementId``)
    with ``statementType`` (0.1-0.3)."""
    first = sample.first_json
    if isinstance(first, list) and first:
        first = first[0]
    if isinstance(first, dict):
        return _statement_id(first) is not None and ("recordType" in first or "statementType" in first)
    head = sample.text[:8192]
    named = '"statementId"' in head or '"statementID"' in head
    return named and ('"recordType"' in head or '"statementType"' in head)


def _statement_id(statement: dict[str, Any]) -> str | None:
    """``statementId`` in BODS 0.4, ``statementID`` in 0.1-0.3."""
    value = statement.get("statementId") or statement.get("statementID")
    return str(value) if value else None


def read(ctx: Context) -> list[Staged]:
    fallback = ctx.path.name.split(".")[0]
    parties: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    for record in read_records(ctx):
        statement = record.value
        kind = _record_type(statement)
        if kind is None:
            found = (
                statement.get("recordType") or statement.get("statementType")
                if isinstance(statement, dict)
                else None
            )
            reason = (
                f"not a BODS statement: unknown record type {found!r}" if found else "not a BODS statement"
            )
            reject(ctx, record.number, reason, record.raw)
            continue
        row = {RAW_COLUMN: record.raw, RECORD: record.number, "dataset": _dataset(statement, fallback)}
        if kind == "entity":
            parties.append(row | _entity(statement))
        elif kind == "person":
            parties.append(row | _person(statement))
        else:
            rows = [row | interest for interest in _interests(statement)]
            relations.append(rows[0])
            extra.extend(rows[1:])
    staged = []
    if parties:
        raw = ctx.table(arrow_rows(parties, PARTY_TEXT, PARTY_LISTS))
        staged.append(stage_json(ctx, "parties", raw, text_fields(raw, PARTY_TEXT + PARTY_LISTS)))
    if relations:
        raw = ctx.table(arrow_rows(relations, RELATION_TEXT))
        staged.append(stage_json(ctx, "relations", raw, text_fields(raw, RELATION_TEXT)))
    if extra:
        raw = ctx.table(arrow_rows(extra, RELATION_TEXT), count_rows=False)
        staged.append(stage_json(ctx, "relations", raw, text_fields(raw, RELATION_TEXT), counted=False))
    return staged


def _record_type(statement: Any) -> str | None:
    if not isinstance(statement, dict) or _statement_id(statement) is None:
        return None
    kind = statement.get("recordType") or statement.get("statementType")
    return RECORD_TYPES.get(str(kind).lower()) if kind else None


def _details(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement's own fields: ``recordDetails`` in 0.4, the statement itself before."""
    details = statement.get("recordDetails")
    return details if isinstance(details, dict) else statement


def _party_id(statement: dict[str, Any]) -> str | None:
    value = statement.get("recordId") or _statement_id(statement)
    return str(value) if value else None


def _dataset(statement: dict[str, Any], fallback: str) -> str:
    publisher = (statement.get("publicationDetails") or {}).get("publisher") or {}
    name = publisher.get("name") if isinstance(publisher, dict) else None
    return str(name) if name else fallback


def _code(value: Any) -> str | None:
    """A country given as {"code": ..., "name": ...} (or as text)."""
    if isinstance(value, dict):
        return value.get("code") or value.get("name")
    return str(value) if value else None


def _addresses(details: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in details.get("addresses") or [] if isinstance(a, dict)]


def _address_text(addresses: list[dict[str, Any]]) -> str | None:
    for address in addresses:
        country = address.get("country")
        country_name = country.get("name") if isinstance(country, dict) else country
        parts = unique([address.get("address"), address.get("postCode"), country_name])
        if parts:
            return ", ".join(parts)
    return None


def _entity(statement: dict[str, Any]) -> dict[str, Any]:
    details = _details(statement)
    entity_type = details.get("entityType")
    type_name = entity_type.get("type") if isinstance(entity_type, dict) else entity_type
    party_id = _party_id(statement)
    placed, others = _identifiers(details.get("identifiers") or [])
    addresses = _addresses(details)
    # BODS 0.4 says "jurisdiction"; 0.2 and 0.3 said "incorporatedInJurisdiction".
    jurisdiction = details.get("jurisdiction") or details.get("incorporatedInJurisdiction")
    countries = [_code(jurisdiction), *(_code(a.get("country")) for a in addresses)]
    if not any(countries):
        countries = _scheme_countries(details.get("identifiers") or [])
    name = details.get("name") or party_id
    return {
        "party_id": party_id,
        "kind": ENTITY_KINDS.get(str(type_name or "").lower(), "legal_entity"),
        "name": name,
        "aliases": unique([str(a) for a in details.get("alternateNames") or []], without=[name]),
        "country": known_country(countries),
        **placed,
        "other_ids": others,
        "address": _address_text(addresses),
        "incorporation_date": full_date([details.get("foundingDate")]),
    }


def _scheme_countries(identifiers: Iterable[Any]) -> list[str | None]:
    """Countries of org-id schemes (GB-COH -> GB; XI-LEI names none), for entities with no other country."""
    found: list[str | None] = []
    for identifier in identifiers:
        scheme = str(identifier.get("scheme") or "") if isinstance(identifier, dict) else ""
        prefix = scheme[:2]
        country = aliases().get(fold(prefix)) if re.match(r"^[A-Z]{2}-", scheme) else None
        if country is not None and country.is_country:
            found.append(prefix)
    return found


def _identifiers(identifiers: Iterable[Any]) -> tuple[dict[str, str], list[str]]:
    placed: dict[str, str] = {}
    others: list[str] = []
    for identifier in identifiers:
        if not isinstance(identifier, dict) or not identifier.get("id"):
            continue
        value = str(identifier["id"]).strip()
        scheme = str(identifier.get("scheme") or identifier.get("schemeName") or "id")
        column = SCHEME_COLUMNS.get(scheme.upper())
        if column is None and "registration_number" not in placed and identifier.get("scheme"):
            column = "registration_number"
        if column is not None and column not in placed:
            placed[column] = value
        else:
            others.append(f"{scheme}:{value}")
    return placed, unique(others)


def _person(statement: dict[str, Any]) -> dict[str, Any]:
    details = _details(statement)
    names = [n for n in details.get("names") or [] if isinstance(n, dict)]
    texts = [_full_name(n) for n in names]
    legal = [_full_name(n) for n in names if n.get("type") == "legal"]
    party_id = _party_id(statement)
    name = next((n for n in legal + texts if n), None) or party_id
    addresses = _addresses(details)
    countries = [_code(c) for c in details.get("nationalities") or []]
    countries += [_code(a.get("country")) for a in addresses]
    placed, others = _identifiers(details.get("identifiers") or [])
    return {
        "party_id": party_id,
        "kind": "person",
        "name": name,
        "aliases": unique(texts, without=[name]),
        "country": known_country(countries),
        **placed,
        "other_ids": others,
        "address": _address_text(addresses),
        "birth_date": full_date([details.get("birthDate")]),
    }


def _full_name(name: dict[str, Any]) -> str | None:
    full = name.get("fullName")
    if full:
        return str(full)
    parts = [name.get("givenName"), name.get("patronymicName"), name.get("familyName")]
    return " ".join(str(p) for p in parts if p) or None


def _pointer(value: Any) -> str | None:
    """The party a relationship names: a record id (0.4) or a statement reference (0.2/0.3)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("describedByEntityStatement", "describedByPersonStatement"):
            if value.get(key):
                return str(value[key])
    return None


def _interests(statement: dict[str, Any]) -> list[dict[str, Any]]:
    details = _details(statement)
    relation_id = _party_id(statement)
    subject = _pointer(details.get("interestedParty"))
    obj = _pointer(details.get("subject"))
    closed = str(statement.get("recordStatus") or "").lower() == "closed"
    unspecified = details.get("interestedParty")
    note = None
    if subject is None and isinstance(unspecified, dict):
        note = "interested party not disclosed: " + str(
            unspecified.get("reason") or unspecified.get("description")
        )
    interests = [i for i in details.get("interests") or [] if isinstance(i, dict)] or [{}]
    rows = []
    for index, interest in enumerate(interests):
        interest_type = str(interest.get("type") or "")
        folded = interest_type.replace("-", "").lower()
        kind = "ownership" if folded in OWNERSHIP else "directorship" if folded in DIRECTORSHIP else "control"
        share, share_note = _share(interest.get("share"))
        indirect = str(interest.get("directOrIndirect") or "").lower() == "indirect"
        notes = [
            note,
            interest_type or None,
            "beneficial ownership or control" if interest.get("beneficialOwnershipOrControl") else None,
            share_note,
            interest.get("details"),
        ]
        end = full_date([interest.get("endDate")]) or (
            full_date([statement.get("statementDate")]) if closed else None
        )
        rows.append(
            {
                "relation_id": relation_id if index == 0 else f"{relation_id}#{index + 1}",
                "kind": kind,
                "subject_id": subject,
                "object_id": obj,
                "share": share,
                "role": "indirect" if indirect else (interest_type or None),
                "start_date": full_date([interest.get("startDate")]),
                "end_date": end,
                "description": "; ".join(unique(str(n) for n in notes if n)) or None,
            }
        )
    return rows


def _share(share: Any) -> tuple[str | None, str | None]:
    """The share in percent (exact, else the minimum), and a note when it was a range."""
    if not isinstance(share, dict):
        return None, None
    exact = share.get("exact")
    if exact is not None:
        return str(exact), None
    low, high = share.get("minimum"), share.get("maximum")
    if low is None and high is None:
        return None, None
    note = f"share {'>' if share.get('exclusiveMinimum') else ''}{low if low is not None else '?'}"
    note += f" to {'<' if share.get('exclusiveMaximum') else ''}{high if high is not None else '?'}%"
    return (str(low) if low is not None else None), note
