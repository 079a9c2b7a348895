"""OpenSanctions ``targets.simple.csv``: sanctioned and listed people, companies, vessels, one row each.

Header: ``id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,emails,
dataset,first_seen,last_seen,last_change`` (newer exports add ``program_ids``). Cells with several
values join them with ";" (a value holding ";" is quoted, CSV-style).

* Each row -> one ``parties`` row (the record), party_id = the OpenSanctions id, kind from the FtM
  schema (Airplane -> aircraft, LegalEntity -> legal_entity, PublicBody -> public_body). Country: the first
  known of ``countries``. The export drops the identifier schemes, so identifiers are placed by shape and
  the party's country: a Russian party's 10/12 digits are its INN and 13/15 digits its OGRN, a Kazakh
  party's 12 digits its BIN, a Kyrgyz party's 14 digits its INN, 18 characters and two check digits an
  LEI; the others go to ``other_ids`` as ``id:value``. Only a complete birth date is kept.
* Each entry of ``sanctions`` -> one ``listings`` row (rows of the same record, not counted again):
  OpenSanctions writes a sanction as "program - reason - status - start date - end date"; the first
  part is the program, the first complete date the listing date, the whole text the reason. ``list`` is
  the ``dataset`` cell (the titles of the lists the entity is on); the export names no authority.
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.ingest.context import Context, Sample
from diversion.ingest.listtext import first_full_date, first_known_country, multi_values
from diversion.ingest.stage import Staged, clean_text, stage
from diversion.ingest.tabular import RECORD
from diversion.model.countries import fold_expr

FORMAT: Final = "opensanctions.csv"
TABLES: Final = ("parties", "listings")

REQUIRED_HEADER: Final = frozenset(
    {"id", "schema", "name", "aliases", "countries", "identifiers", "sanctions", "dataset"}
)
KINDS: Final = {
    "Person": "person",
    "Company": "company",
    "Organization": "organization",
    "LegalEntity": "legal_entity",
    "PublicBody": "public_body",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
LEI: Final = r"^[A-Z0-9]{18}[0-9]{2}$"


def sniff(sample: Sample) -> bool:
    """The header of a targets.simple.csv export."""
    return REQUIRED_HEADER.issubset({name.strip().lower() for name in sample.header})


def read(ctx: Context) -> list[Staged]:
    # Two tables come from each row: read the stream once into memory, then stage it for both.
    raw = ctx.table(ctx.ws.to_arrow(ctx.csv()), count_rows=False)
    raw = raw.rename({name.strip().lower(): name for name in raw.columns if name.strip().lower() != name})
    countries = multi_values(raw.countries)
    country = first_known_country(countries)
    code = fold_expr(country)
    ids = multi_values(raw.identifiers)

    def shaped(pattern: str, *homes: str) -> ir.StringValue:
        found = ids.filter(lambda v: v.re_search(pattern))[0]
        return ibis.ifelse(code.isin(list(homes)), found, ibis.null("string")) if homes else found

    placed = {
        "inn": shaped(r"^([0-9]{10}|[0-9]{12})$", "ru", "rus", "russia"),
        "ogrn": shaped(r"^([0-9]{13}|[0-9]{15})$", "ru", "rus", "russia"),
        "bin": shaped(r"^[0-9]{12}$", "kz", "kaz", "kazakhstan"),
        "kg_inn": shaped(r"^[0-9]{14}$", "kg", "kgz", "kyrgyzstan"),
        "lei": shaped(LEI),
    }
    used = ibis.array([value.coalesce("") for value in placed.values()])
    schema = clean_text(raw["schema"])
    parties = {
        "party_id": "id",
        "kind": ibis.cases(*[(schema == key, value) for key, value in KINDS.items()], else_=schema.lower()),
        "name": "name",
        "aliases": multi_values(raw.aliases),
        "country": country,
        **placed,
        "other_ids": ids.filter(lambda v: ~used.contains(v)).map(lambda v: "id:" + v),
        "address": multi_values(raw.addresses)[0],
        "phone": multi_values(raw.phones)[0],
        "email": multi_values(raw.emails)[0],
        "birth_date": first_full_date(multi_values(raw.birth_date)),
        "dataset": "dataset",
    }
    staged = [stage(ctx, "parties", raw, parties)]
    listed = raw.mutate(__sanction=multi_values(raw.sanctions)).unnest(
        "__sanction", offset="__n", keep_empty=False
    )
    parts = listed.__sanction.split(" - ")
    listings = {
        "listing_id": listed.id + "#" + (listed.__n + 1).cast("string"),
        "party_id": "id",
        "list": "dataset",
        "program": parts[0],
        "listed_on": first_full_date(parts),
        "reason": listed.__sanction,
    }
    columns = [c for c in listed.columns if c not in (RECORD, "__n")]
    staged.append(stage(ctx, "listings", listed, listings, raw_columns=columns, counted=False))
    return staged
