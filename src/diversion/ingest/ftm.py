"""FollowTheMoney entities (OpenSanctions, Aleph): companies, people, their links, sanctions, customs records.

Input is JSON lines (one entity a line, as OpenSanctions publishes ``entities.ftm.json``), a JSON array of
entities, or the nested form where property values are entity objects inline. Each entity is checked
against the installed followthemoney model; an entity of an unknown schema, with a property its schema does
not have, or of a schema with no canonical table, is quarantined with the reason, and the rest of the file
is read.

Mapping:

* Company, Organization, Person, LegalEntity, PublicBody, Vessel, Airplane -> ``parties`` (kind in snake
  case; ``aircraft`` for Airplane). Identifiers: innCode, ogrnCode, leiCode, vatCode to their columns;
  registrationNumber and taxNumber by the entity's countries: 12 digits of a Kazakh entity are its BIN,
  14 digits of a Kyrgyz one its INN, 10/12-digit Russian tax numbers an INN, 13/15-digit Russian
  registration numbers an OGRN, other registration numbers ``registration_number``. Every other identifier,
  the numbers of Identification/Passport entities held by the party and the entity's ``referents`` (its
  ids in other datasets, e.g. ``ofac-46001``) go to ``other_ids`` as ``scheme:value``.
  The name is the entity's caption; ``aliases`` are its other names (name, alias, weakAlias,
  previousName). Country: the first known of jurisdiction, country, nationality, citizenship. Address:
  the full text of the first Address entity it references (from anywhere in the file), else its own
  ``address``. ``dataset`` is the entity's ``datasets`` joined with ";", else the file name.
* Ownership, Directorship, Family, Associate, UnknownLink, Employment, Membership, Representation,
  Control, Succession, Payment -> ``relations``: subject = the schema's source (owner, director, person,
  payer ...), object = its target (asset, organization, relative, beneficiary ...). Ownership
  ``percentage`` becomes ``share``: "50", "50%", "50,5" as written; a range "25-50" gives its lower bound
  (the share is at least that); text that is no number leaves ``share`` empty and is kept in
  ``description``.
* Sanction -> ``listings`` (program = programId, else program; listed_on = the earliest listingDate, else
  startDate).
* EconomicActivity (a customs declaration) -> ``declarations``: sender is the exporter, receiver the
  importer (the declarant or contract holder stands in for the missing side of an export or import);
  parties are named from their entities in the file, else by their id. vedCode (the FEACN code) is the
  declared code. The customs value of these (Russian) declarations is in roubles: ``value_usd`` is
  computed only where the declaration gives its dollar rate.
* Address, Identification and Passport entities are folded into the parties that reference them: they are
  parts of those records, not records of their own, so they add to no count.

Only complete dates fill date columns: a year or a month alone ("1975", "1975-06") is left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

import ibis
import ibis.expr.types as ir
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.proxy import EntityProxy

from diversion.ingest.context import Context, Sample
from diversion.ingest.jsondocs import (
    RAW_COLUMN,
    arrow_rows,
    compact,
    full_date,
    known_country,
    read_records,
    reject,
    stage_json,
    text_fields,
    unique,
)
from diversion.ingest.stage import Staged, clean_text, quoted
from diversion.ingest.tabular import RECORD
from diversion.model.countries import aliases, fold
from diversion.model.hs import HS2022_START, hs6_expr, normalize_hs_expr

FORMAT: Final = "ftm"
TABLES: Final = ("parties", "relations", "listings", "declarations")

PARTY_KINDS: Final = {
    "Company": "company",
    "Organization": "organization",
    "Person": "person",
    "LegalEntity": "legal_entity",
    "PublicBody": "public_body",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
RELATION_KINDS: Final = {
    "Ownership": "ownership",
    "Directorship": "directorship",
    "Family": "family",
    "Associate": "associate",
    "UnknownLink": "unknown_link",
    "Employment": "employment",
    "Membership": "membership",
    "Representation": "representation",
    "Control": "control",
    "Succession": "succession",
    "Payment": "payment",
}
FOLDED: Final = frozenset({"Address", "Identification", "Passport"})
"""Schemata whose entities are parts of the parties that reference them."""

ID_COLUMNS: Final = {"innCode": "inn", "ogrnCode": "ogrn", "leiCode": "lei", "vatCode": "vat"}
NOT_IDS: Final = frozenset({"programId"})
"""Identifier-typed properties that do not identify the party (a sanctions programme)."""

PARTY_TEXT: Final = (
    "party_id", "kind", "name", "country", "inn", "ogrn", "bin", "kg_inn", "lei", "vat",
    "registration_number",
    "address", "phone", "email", "website", "incorporation_date", "birth_date", "dataset",
)  # fmt: skip
PARTY_LISTS: Final = ("aliases", "other_ids", "topics")
RELATION_TEXT: Final = (
    "relation_id", "kind", "subject_id", "object_id", "share", "role", "start_date", "end_date", "amount",
    "currency", "description", "dataset",
)  # fmt: skip
LISTING_TEXT: Final = (
    "listing_id", "party_id", "list", "program", "authority", "listed_on", "reason", "country",
)  # fmt: skip
DECLARATION_TEXT: Final = (
    "declaration_id", "date", "direction", "exporter_name", "exporter_id", "exporter_country",
    "importer_name", "importer_id", "importer_country", "origin_country", "dispatch_country",
    "destination_country", "hs_code", "description", "value", "currency", "rate", "extra",
)  # fmt: skip

EXTRA_PROPS: Final = (
    "ccdValue", "invoiceAmount", "customsProcedure", "tradingCountry", "vedCodeDescription", "declarant",
    "contractHolder", "dollarExchRate", "transport", "contract",
)  # fmt: skip
"""EconomicActivity properties with no canonical column: kept in the declaration's ``extra``."""

DIRECTIONS: Final = {
    "im": "import", "им": "import", "import": "import", "импорт": "import",
    "ek": "export", "эк": "export", "ex": "export", "export": "export", "экспорт": "export",
    "tt": "transit", "тт": "transit", "transit": "transit", "транзит": "transit",
}  # fmt: skip
"""Directions of transportation as Russian customs and FtM exports write them."""

_NUMBER: Final = r"[0-9]+(?:[.,][0-9]+)?"
_SHARE: Final = re.compile(rf"^\s*({_NUMBER})\s*%?\s*(?:(?:-|–|—|to|\.\.)\s*{_NUMBER}\s*%?)?\s*$")


def sniff(sample: Sample) -> bool:
    """An FtM entity: ``schema`` and ``properties`` keys (in the first record, or at the head of an array)."""
    first = sample.first_json
    if isinstance(first, list) and first:
        first = first[0]
    if isinstance(first, dict):
        return "schema" in first and isinstance(first.get("properties"), dict)
    head = sample.text[:4096]
    return sample.text.lstrip().startswith("[") and '"schema"' in head and '"properties"' in head


@dataclass
class Entity:
    """One FtM entity of the file, checked against the model."""

    proxy: EntityProxy
    number: int
    raw: str
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.proxy.id)

    @property
    def schema(self) -> str:
        return str(self.proxy.schema.name)

    def values(self, *props: str) -> list[str]:
        found: list[str] = []
        for prop in props:
            if prop in self.proxy.schema.properties:
                found.extend(self.proxy.get(prop, quiet=True))
        return found

    def first(self, *props: str) -> str | None:
        values = self.values(*props)
        return values[0] if values else None

    def dataset(self, fallback: str) -> str:
        datasets = [str(d) for d in self.data.get("datasets") or [] if d]
        return ";".join(datasets) if datasets else fallback


@dataclass
class Graph:
    """The entities of a file, with the lookups that fold one entity into another."""

    entities: list[Entity] = field(default_factory=list)
    addresses: dict[str, str] = field(default_factory=dict)
    documents: dict[str, list[str]] = field(default_factory=dict)  # holder id -> "scheme:number"
    parties: dict[str, Entity] = field(default_factory=dict)


def read(ctx: Context) -> list[Staged]:
    graph = _load(ctx)
    fallback = ctx.path.name.split(".")[0]
    parties, relations, listings, declarations = [], [], [], []
    for entity in graph.entities:
        if entity.schema in PARTY_KINDS:
            parties.append(_party(entity, graph, fallback))
        elif entity.schema in RELATION_KINDS:
            relations.append(_relation(entity, fallback))
        elif entity.schema == "Sanction":
            listings.append(_listing(entity, fallback))
        elif entity.schema == "EconomicActivity":
            declarations.append(_declaration(entity, graph))
        elif entity.schema not in FOLDED:
            reject(ctx, entity.number, f"FtM schema {entity.schema} has no canonical table", entity.raw)
    staged = []
    if parties:
        raw = ctx.table(arrow_rows(parties, PARTY_TEXT, PARTY_LISTS))
        staged.append(stage_json(ctx, "parties", raw, text_fields(raw, PARTY_TEXT + PARTY_LISTS)))
    if relations:
        raw = ctx.table(arrow_rows(relations, RELATION_TEXT))
        staged.append(stage_json(ctx, "relations", raw, text_fields(raw, RELATION_TEXT)))
    if listings:
        raw = ctx.table(arrow_rows(listings, LISTING_TEXT))
        staged.append(stage_json(ctx, "listings", raw, text_fields(raw, LISTING_TEXT)))
    if declarations:
        staged.append(_stage_declarations(ctx, ctx.table(arrow_rows(declarations, DECLARATION_TEXT))))
    return staged


# -- reading and checking ---------------------------------------------------------------------------------


def _load(ctx: Context) -> Graph:
    graph = Graph()
    for record in read_records(ctx):
        if not isinstance(record.value, dict):
            reject(ctx, record.number, "not an FtM entity: a JSON object was expected", record.raw)
            continue
        for data, raw in _flatten(record.value, record.raw):
            entity = _check(ctx, data, record.number, raw)
            if entity is not None:
                graph.entities.append(entity)
    for entity in graph.entities:
        if entity.schema == "Address":
            graph.addresses[entity.id] = _address_text(entity)
        elif entity.schema in ("Identification", "Passport"):
            numbers = entity.values("number", "passportNumber")
            scheme = "passport" if entity.schema == "Passport" else (entity.first("type") or "identification")
            for holder in entity.values("holder"):
                graph.documents.setdefault(holder, []).extend(f"{scheme}:{n}" for n in numbers)
        elif entity.schema in PARTY_KINDS:
            graph.parties.setdefault(entity.id, entity)
    return graph


def _flatten(data: dict[str, Any], raw: str) -> Iterator[tuple[dict[str, Any], str]]:
    """The entity and, in the nested form, each entity given inline as a property value (then its id).

    An entity inline under a reverse property (OpenSanctions' ``targets.nested.json``: a person's
    ``sanctions``, ``ownershipOwner`` ...) points back to its parent through the forward property.
    """
    properties = data.get("properties")
    if not isinstance(properties, dict) or not any(
        isinstance(v, dict) for values in properties.values() if isinstance(values, list) for v in values
    ):
        yield data, raw
        return
    schema = model.get(data["schema"]) if isinstance(data.get("schema"), str) else None
    inline: list[dict[str, Any]] = []
    flat: dict[str, Any] = {}
    for prop, values in properties.items():
        spec = schema.properties.get(prop) if schema is not None else None
        if not isinstance(values, list):
            flat[prop] = values
            continue
        kept = []
        for value in values:
            if isinstance(value, dict) and "schema" in value:
                if spec is not None and spec.stub and spec.reverse is not None:
                    back = value.setdefault("properties", {}).setdefault(spec.reverse.name, [])
                    if data.get("id") not in back:
                        back.append(data.get("id"))
                inline.append(value)
                kept.append(value.get("id"))
            else:
                kept.append(value)
        if spec is None or not spec.stub:  # a reverse property is held by the other side
            flat[prop] = kept
    yield {**data, "properties": flat}, raw
    for child in inline:
        yield from _flatten(child, compact(child))


def _check(ctx: Context, data: dict[str, Any], number: int, raw: str) -> Entity | None:
    name = data.get("schema")
    schema = model.get(name) if isinstance(name, str) else None
    if schema is None:
        reject(ctx, number, f"unknown FtM schema {name!r}", raw)
        return None
    properties = data.get("properties") or {}
    if not isinstance(properties, dict):
        reject(ctx, number, "FtM properties must be an object of lists", raw)
        return None
    unknown = sorted(p for p in properties if p not in schema.properties)
    if unknown:
        noun = "properties" if len(unknown) > 1 else "property"
        reject(ctx, number, f"unknown FtM {noun} {', '.join(unknown)} of schema {schema.name}", raw)
        return None
    if not data.get("id"):
        reject(ctx, number, f"FtM {schema.name} entity without an id", raw)
        return None
    try:
        checked = {"id": data["id"], "schema": schema.name, "properties": properties}
        proxy = model.get_proxy(checked, cleaned=True)  # values as given: a bad checksum is not dropped
    except (InvalidData, TypeError, ValueError) as exc:
        reject(ctx, number, f"not a valid FtM entity: {exc}", raw)
        return None
    return Entity(proxy, number, raw, data)


def _address_text(entity: Entity) -> str:
    full = entity.first("full")
    if full:
        return full
    parts = entity.values("street", "street2", "postalCode", "city", "region", "state")
    return ", ".join(unique(parts + entity.values("country")))


# -- parties ----------------------------------------------------------------------------------------------


@cache
def _other_identifiers(schema_name: str) -> tuple[str, ...]:
    """A schema's identifier properties that have no column of their own (kept in ``other_ids``); looked
    up once per schema, not once per entity (sorting a schema's hundred properties for each of 200k
    companies took 13 s)."""
    properties = model.schemata[schema_name].properties
    return tuple(
        prop
        for prop in sorted(properties)
        if properties[prop].type.name == "identifier"
        and prop not in ID_COLUMNS
        and prop not in NOT_IDS
        and prop not in ("registrationNumber", "taxNumber")
    )


def _party(entity: Entity, graph: Graph, fallback: str) -> dict[str, Any]:
    countries = entity.values("jurisdiction", "country", "nationality", "citizenship")
    codes = {country.code.lower() for c in countries if (country := aliases().get(fold(c))) is not None}
    columns: dict[str, list[str]] = {}
    others: list[str] = []
    for prop, column in ID_COLUMNS.items():
        columns.setdefault(column, []).extend(entity.values(prop))
    for prop in ("registrationNumber", "taxNumber"):
        for value in entity.values(prop):
            home = _id_column(prop, value, codes)
            if home is None:
                others.append(f"{prop}:{value}")
            else:
                columns.setdefault(home, []).append(value)
    placed: dict[str, str] = {}
    for column, values in columns.items():
        kept = unique(values)
        if kept:
            placed[column] = kept[0]
            others.extend(f"{column}:{v}" for v in kept[1:])
    for prop in _other_identifiers(entity.schema):
        others.extend(f"{prop}:{v}" for v in entity.values(prop))
    others.extend(graph.documents.get(entity.id, []))
    others.extend(f"referent:{r}" for r in entity.data.get("referents") or [] if r)
    used = set(placed.values())
    others = unique(o for o in others if o.split(":", 1)[-1] not in used)
    caption = entity.proxy.caption
    name = caption if caption and caption != entity.proxy.schema.label else entity.first("name")
    names = entity.values("name", "alias", "weakAlias", "previousName")
    addresses = [graph.addresses[a] for a in entity.values("addressEntity") if graph.addresses.get(a)]
    return {
        "party_id": entity.id,
        "kind": PARTY_KINDS[entity.schema],
        "name": name,
        "aliases": unique(names, without=[name]),
        "country": known_country(countries),
        **placed,
        "other_ids": others,
        "address": next(iter(addresses or entity.values("address")), None),
        "phone": entity.first("phone"),
        "email": entity.first("email"),
        "website": entity.first("website"),
        "incorporation_date": full_date(entity.values("incorporationDate"), earliest=True),
        "birth_date": full_date(entity.values("birthDate")),
        "topics": unique(entity.values("topics")),
        "dataset": entity.dataset(fallback),
        RAW_COLUMN: entity.raw,
        RECORD: entity.number,
    }


def _id_column(prop: str, value: str, countries: set[str]) -> str | None:
    """Where a registration or tax number goes, by its length and the entity's countries (None: other_ids)."""
    digits = value.replace(" ", "")
    if not digits.isdigit():
        return "registration_number" if prop == "registrationNumber" else None
    if "kz" in countries and len(digits) == 12:
        return "bin"
    if "kg" in countries and len(digits) == 14:
        return "kg_inn"
    if "ru" in countries and prop == "taxNumber" and len(digits) in (10, 12):
        return "inn"
    if "ru" in countries and prop == "registrationNumber" and len(digits) in (13, 15):
        return "ogrn"
    return "registration_number" if prop == "registrationNumber" else None


# -- relations and listings -------------------------------------------------------------------------------


def parse_share(values: Iterable[str]) -> tuple[str | None, str | None]:
    """A percentage as a number (the lower bound of a range), and the text when it is no number.

    >>> parse_share(["25-50%"])
    ('25', None)
    >>> parse_share(["majority"])
    (None, 'majority')
    """
    for value in values:
        match = _SHARE.match(value)
        if match:
            return match.group(1).replace(",", "."), None
    texts = [v for v in values if v.strip()]
    return None, ("; ".join(texts) if texts else None)


def _relation(entity: Entity, fallback: str) -> dict[str, Any]:
    schema = entity.proxy.schema
    source = schema.source_prop.name if schema.source_prop else None
    target = schema.target_prop.name if schema.target_prop else None
    share, unparsed = parse_share(entity.values("percentage"))
    notes = entity.values("summary", "description", "purpose")
    if unparsed:
        notes.append(f"percentage: {unparsed}")
    roles = entity.values("role", "relationship", "controlType")
    return {
        "relation_id": entity.id,
        "kind": RELATION_KINDS[entity.schema],
        "subject_id": entity.first(source) if source else None,
        "object_id": entity.first(target) if target else None,
        "share": share,
        "role": "; ".join(unique(roles)) or None,
        "start_date": full_date(entity.values("startDate", "date"), earliest=True),
        "end_date": full_date(entity.values("endDate")),
        "amount": entity.first("amount"),
        "currency": entity.first("currency"),
        "description": "; ".join(unique(notes)) or None,
        "dataset": entity.dataset(fallback),
        RAW_COLUMN: entity.raw,
        RECORD: entity.number,
    }


def _listing(entity: Entity, fallback: str) -> dict[str, Any]:
    datasets = [str(d) for d in entity.data.get("datasets") or [] if d]
    return {
        "listing_id": entity.id,
        "party_id": entity.first("entity"),
        "list": datasets[0] if datasets else fallback,
        "program": entity.first("programId") or entity.first("program"),
        "authority": entity.first("authority"),
        "listed_on": full_date(entity.values("listingDate"), earliest=True)
        or full_date(entity.values("startDate"), earliest=True),
        "reason": "; ".join(unique(entity.values("reason"))) or None,
        "country": known_country(entity.values("country")),
        RAW_COLUMN: entity.raw,
        RECORD: entity.number,
    }


# -- customs declarations ---------------------------------------------------------------------------------


def _declaration(entity: Entity, graph: Graph) -> dict[str, Any]:
    direction_text = entity.first("directionOfTransportation")
    direction = DIRECTIONS.get(direction_text.strip().lower(), direction_text) if direction_text else None
    exporter = entity.first("sender")
    importer = entity.first("receiver")
    stand_in = entity.first("declarant", "contractHolder")
    if exporter is None and direction == "export":
        exporter = stand_in
    if importer is None and direction == "import":
        importer = stand_in
    extra = {prop: values for prop in EXTRA_PROPS if (values := entity.values(prop))}
    extra["ftm_id"] = [entity.id]
    value = entity.first("customsAmount")
    return {
        "declaration_id": entity.first("ccdNumber") or entity.id,
        "date": full_date(entity.values("date", "startDate")),
        "direction": direction,
        "exporter_name": _party_name(graph, exporter),
        "exporter_id": exporter,
        "exporter_country": _party_country(graph, exporter),
        "importer_name": _party_name(graph, importer),
        "importer_id": importer,
        "importer_country": _party_country(graph, importer),
        "origin_country": known_country(entity.values("originCountry")),
        "dispatch_country": known_country(entity.values("departureCountry")),
        "destination_country": known_country(entity.values("destinationCountry")),
        "hs_code": entity.first("vedCode"),
        "description": entity.first("goodsDescription", "description"),
        "value": value,
        "currency": "RUB" if value else None,
        "rate": entity.first("dollarExchRate"),
        "extra": json.dumps(extra, ensure_ascii=False),
        RAW_COLUMN: entity.raw,
        RECORD: entity.number,
    }


def _party_name(graph: Graph, party_id: str | None) -> str | None:
    if party_id is None:
        return None
    party = graph.parties.get(party_id)
    return (party.proxy.caption if party is not None else None) or party_id


def _party_country(graph: Graph, party_id: str | None) -> str | None:
    party = graph.parties.get(party_id) if party_id else None
    if party is None:
        return None
    return known_country(party.values("jurisdiction", "country"))


def _stage_declarations(ctx: Context, raw: ir.Table) -> Staged:
    fields: dict[str, ir.Value | str | None] = {
        name: name for name in DECLARATION_TEXT if name not in ("hs_code", "rate", "direction")
    }
    hs_text = clean_text(raw.hs_code)
    code = normalize_hs_expr(hs_text)
    fields["direction"] = clean_text(raw.direction).lower()
    fields["national_code"] = code
    fields["hs_code"] = hs6_expr(code)
    fields["__hs_raw"] = hs_text
    fields["__rate"] = clean_text(raw.rate).try_cast("float64")
    return stage_json(
        ctx,
        "declarations",
        raw,
        fields,
        derive=_derive_declarations,
        extra_checks=lambda rows: [
            (
                rows.national_code.isnull() & rows.__hs_raw.notnull(),
                "not an HS code: vedCode " + quoted(rows.__hs_raw),
            ),
            (rows.national_code.length() < 6, "vedCode shorter than 6 digits: " + quoted(rows.national_code)),
        ],
    )


def _derive_declarations(rows: ir.Table) -> dict[str, ir.Value]:
    """Dollars from the declaration's own rouble rate, and the HS edition in force on its date."""
    edition = ibis.ifelse(rows.date >= ibis.literal(HS2022_START), "HS2022", "HS2017")
    return {
        "value_usd": ibis.ifelse(rows.__rate > 0, rows.value / rows.__rate, ibis.null("float64")),
        "hs_version": ibis.ifelse(rows.date.isnull(), ibis.null("string"), edition),
    }
