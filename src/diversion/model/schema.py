"""The canonical tables: the contract between pipeline stages, declared once.

Every canonical row carries provenance: ``source`` (file or dataset), ``record`` (row number or id in that
source) and ``run_id`` (the ingestion run), so any finding can point back to the exact input.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import ibis
import ibis.expr.schema as sch

PROVENANCE: Final = {"source": "string", "record": "string", "run_id": "string"}

_FLOW_COLUMNS: Final = {
    "dataset": "string",  # which statistics office or compilation: comtrade, comext, baci, kg_natstat ...
    "reporter": "string",  # ISO 3166 alpha-2, or an aggregate code such as "eu27" (see reporter_is_country)
    "reporter_is_country": "boolean",
    "partner": "string",
    "partner_is_country": "boolean",
    "flow": "string",  # import | export | re-export | re-import
    "hs_code": "string",  # 2, 4 or 6 digits as text, or "TOTAL" for all goods
    "hs_version": "string",  # HS2017, HS2022 ... or the dataset's own nomenclature label
    "period": "string",  # "2022" or "2022-03"
    "period_start": "date",
    "value": "float64",  # as published, in `currency`
    "currency": "string",
    "value_usd": "float64",  # null when the publisher gave another currency and no rate is shipped
    "quantity": "float64",
    "quantity_unit": "string",
    "net_kg": "float64",
}

TABLES: Final[MappingProxyType[str, dict[str, str]]] = MappingProxyType(
    {
        # Trade statistics: one row per reporter, partner, flow, product and period, never double counted:
        # rows broken down by mode of transport or customs procedure live in flow_breakdowns.
        "flows": _FLOW_COLUMNS | PROVENANCE,
        "flow_breakdowns": _FLOW_COLUMNS
        | {"breakdown": "string", "breakdown_value": "string"}  # e.g. ("mode_of_transport", "Road")
        | PROVENANCE,
        # Customs declarations: one row per consignment line.
        "declarations": {
            "declaration_id": "string",
            "date": "date",
            "declaring_country": "string",
            "direction": "string",  # import | export | transit
            "exporter_name": "string",
            "exporter_id": "string",
            "exporter_country": "string",
            "importer_name": "string",
            "importer_id": "string",
            "importer_country": "string",
            "origin_country": "string",
            "dispatch_country": "string",
            "destination_country": "string",
            "hs_code": "string",  # HS-6
            "national_code": "string",  # the code as declared, 6-10 digits
            "hs_version": "string",
            "description": "string",
            "brand": "string",
            "model": "string",
            "quantity": "float64",
            "unit": "string",
            "net_kg": "float64",
            "value": "float64",
            "currency": "string",
            "value_usd": "float64",
            "extra": "string",  # JSON object of the input's columns that have no canonical place
        }
        | PROVENANCE,
        # Every mention of a company, organisation or person in a registry, list or relation source.
        "parties": {
            "party_id": "string",  # the id the source gives (FtM id, registry id, list entry id)
            "kind": "string",  # company | organization | person | legal_entity | vessel | aircraft
            "name": "string",
            "aliases": "array<string>",
            "country": "string",
            "inn": "string",
            "ogrn": "string",
            "bin": "string",
            "kg_inn": "string",
            "lei": "string",
            "vat": "string",
            "registration_number": "string",
            "other_ids": "array<string>",
            "address": "string",
            "phone": "string",
            "email": "string",
            "website": "string",
            "incorporation_date": "date",
            "birth_date": "date",
            "topics": "array<string>",
            "dataset": "string",
        }
        | PROVENANCE,
        # Links between parties: ownership (with share), directorship, family, associate, payment, licence.
        "relations": {
            "relation_id": "string",
            "kind": "string",
            "subject_id": "string",  # owner, director, relative, associate, payer, licensee
            "object_id": "string",  # asset, organisation, relative, associate, beneficiary, licensed goods
            "share": "float64",  # percent, 0..100, ownership only
            "role": "string",
            "start_date": "date",
            "end_date": "date",
            "amount": "float64",
            "currency": "string",
            "description": "string",
            "dataset": "string",
        }
        | PROVENANCE,
        # Sanctions, export-control and defence-supplier list entries.
        "listings": {
            "listing_id": "string",
            "party_id": "string",
            "list": "string",  # dataset, e.g. us_ofac_sdn
            "program": "string",
            "authority": "string",
            "listed_on": "date",
            "reason": "string",
            "country": "string",
        }
        | PROVENANCE,
        # Resolved entities: clusters of party records (registries, lists, declarations) that are one firm or
        # person; each member says where it came from, each link why two members were joined.
        "entities": {
            "entity_id": "string",  # the smallest member id of the cluster
            "kind": "string",
            "name": "string",  # the name most sources use
            "names": "array<string>",  # every spelling met
            "country": "string",
            "members": "int64",
        },
        "entity_members": {
            "entity_id": "string",
            "member_id": "string",  # party_id, or declarations:<country>:<id>:<name> for declared parties
            "name": "string",
            "source": "string",
            "record": "string",
        },
        "entity_links": {
            "member_a": "string",
            "member_b": "string",
            "score": "float64",
            "match": "boolean",
            "name_score": "float64",
            "shared_id": "string",  # the identifier scheme both records share (decides a match)
            "conflicting_id": "string",  # a scheme where the records give different numbers
            "country_a": "string",
            "country_b": "string",
            "legal_form_a": "string",
            "legal_form_b": "string",
            "patronymic_conflict": "boolean",
            "birth_date_conflict": "boolean",
            "incorporation_date_conflict": "boolean",
            "same_phone": "boolean",
        },
        # The link graph between entities (written by `diversion graph`, and by every scan): ownership with its
        # share, directorship, control, family, associate, payment, licence, shared address or phone, and
        # trade (exporter -> importer, per HS code). Every link cites the input records behind it.
        "links": {
            "kind": "string",  # ownership | directorship | control | family | associate | payment | licence
            #                    | address | phone | trade | the relation kind as the source names it
            "subject_entity": "string",  # owner, director, relative, payer, licensor, exporter
            "object_entity": "string",  # owned firm, organisation, relative, payee, licensee, importer
            "share": "float64",  # ownership, percent 0..100; null when the source gives none
            "role": "string",
            "start_date": "date",  # trade: first shipment
            "end_date": "date",  # trade: last shipment
            "amount": "float64",  # payment or licence amount, in currency; trade: value in USD
            "currency": "string",
            "hs_code": "string",  # trade
            "shipments": "int64",  # trade: consignment lines
            "quantity": "float64",  # trade
            "description": "string",  # payment purpose, licence text, the shared address or phone
            "evidence": "array<struct<source: string, record: string>>",
        },
        # Controlled goods by HS code: CHPL tiers and any list the user loads.
        "commodity_lists": {
            "list": "string",
            "hs_code": "string",
            "hs_version": "string",
            "tier": "string",
            "description": "string",
            "list_version": "string",
        }
        | PROVENANCE,
        # The HS 2017 <-> 2022 correlation (UN Statistics Division).
        "hs_correlation": {"hs2022": "string", "hs2017": "string", "relationship": "string"},
        # Bookkeeping.
        "runs": {
            "run_id": "string",
            "command": "string",
            "started": "timestamp",
            "finished": "timestamp",
            "manifest": "string",  # the run manifest, JSON
        },
        "inputs": {
            "run_id": "string",
            "path": "string",
            "sha256": "string",
            "format": "string",
            "encoding": "string",
            "rows_read": "int64",
            "rows_accepted": "int64",
            "rows_quarantined": "int64",
            "error": "string",
        },
        "quarantine": {
            "run_id": "string",
            "source": "string",
            "record": "string",
            "reason": "string",
            "raw": "string",
        },
    }
)
"""Canonical table name -> column -> Ibis type."""

DATA_TABLES: Final = ("flows", "flow_breakdowns", "declarations", "parties", "relations", "listings")
"""Tables that ingestion fills from user inputs (the others are reference data and bookkeeping)."""

DERIVED_TABLES: Final = ("entities", "entity_members", "entity_links", "links")
"""Tables computed from the data tables (by `diversion resolve` and `diversion graph`), replaced on every run."""


def schema(table: str) -> sch.Schema:
    """The Ibis schema of a canonical table."""
    return ibis.schema(TABLES[table])


def columns(table: str) -> list[str]:
    """Column names of a canonical table, in order."""
    return list(TABLES[table])
