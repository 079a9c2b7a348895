"""Party records made comparable: one row per (record, name) with its words, legal form and cleaned ids.

Normalising a name takes Python (transliteration, legal forms), so it runs once per *distinct* name and
identifier, and the results are joined back to the records relationally: a million records with a few
hundred thousand distinct names cost a few hundred thousand calls, not a Python loop over the records.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Final

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from diversion.model.identifiers import SCHEMES, clean_identifier
from diversion.model.regex import has_text, strip
from diversion.resolve.names import name_parts
from diversion.store import Workspace

RECORD_COLUMNS: Final = (
    "member_id", "kind", "country", *SCHEMES, "phone", "address", "incorporation_date", "birth_date",
    "source", "record",
)  # fmt: skip
"""What a party record brings to comparison (besides its names)."""


def records_from_parties(parties: ir.Table) -> tuple[ir.Table, ir.Table]:
    """The records of the ``parties`` table and their names (the name and every alias), one row each.

    A party met in several files (OFAC's main, alias and address files) is one record: each attribute is
    its value in any of them, and the source is the first file.
    """
    values = {
        column: parties[column].max()
        for column in ("kind", "country", *SCHEMES, "phone", "address", "incorporation_date", "birth_date")
    }
    records = parties.group_by(member_id=parties.party_id).aggregate(
        **values, source=parties.source.min(), record=parties.record.min()
    )
    main = parties.select(member_id=parties.party_id, name=parties.name)
    aliases = parties.filter(parties.aliases.length() > 0)
    aliases = aliases.select(member_id=aliases.party_id, name=aliases.aliases.unnest())
    names = ibis.union(main, aliases, distinct=True)
    return records, names.filter(names.name.notnull() & has_text(names.name))


def records_from_declarations(declarations: ir.Table) -> tuple[ir.Table, ir.Table]:
    """Exporters and importers named in declarations, one record per distinct (name, id, country).

    The record's id is that text itself (``declarations:KZ:<id>:<name>``), the same on every engine, so a
    declaration finds its party again by joining on the three columns.
    """
    sides = []
    for role in ("exporter", "importer"):
        side = declarations.filter(declarations[f"{role}_name"].notnull())
        sides.append(
            side.select(
                name=side[f"{role}_name"],
                party_id_text=side[f"{role}_id"],
                country=side[f"{role}_country"],
                source=side.source,
                record=side.record,
            )
        )
    mentions = ibis.union(*sides)
    grouped = mentions.group_by(["name", "party_id_text", "country"]).aggregate(
        source=mentions.source.min(), record=mentions.record.min()
    )
    member_id = declared_member_id(grouped.name, grouped.party_id_text, grouped.country)
    # Declarations give one id column; its scheme follows the party's country (a BIN in Kazakhstan).
    scheme_of = {"KZ": "bin", "RU": "inn", "KG": "kg_inn"}
    ids = {
        scheme: ibis.ifelse(grouped.country == country, grouped.party_id_text, ibis.null("string"))
        for country, scheme in scheme_of.items()
    }
    other = ibis.ifelse(grouped.country.isin(list(scheme_of)), ibis.null("string"), grouped.party_id_text)
    records = grouped.select(
        member_id=member_id,
        kind=ibis.literal("company"),
        country=grouped.country,
        **ids,
        registration_number=other.coalesce(ibis.null("string")),
        source=grouped.source,
        record=grouped.record,
    )
    names = grouped.select(member_id=member_id, name=grouped.name)
    return records, names


def declared_member_id(
    name: ir.StringValue, party_id: ir.StringValue, country: ir.StringValue
) -> ir.StringValue:
    """The member id of a party named in declarations: ``declarations:<country>:<id>:<name>``."""
    return ibis.literal("declarations:") + country.coalesce("") + ":" + party_id.coalesce("") + ":" + name


def contact_keys(phone: ir.StringValue, address: ir.StringValue, min_digits: int = 7) -> dict[str, ir.Value]:
    """A phone as its digits (null when too short to mean anything) and an address as its lower-case words:
    the keys on which two records share a contact."""
    digits = phone.re_replace(r"[^0-9]", "")
    # Letters of any script: RE2's \w (DuckDB) is ASCII only, and would leave a Cyrillic address its numbers.
    words = strip(address.lower().re_replace(r"[^\p{L}\p{N}]+", " "))
    return {
        "phone": ibis.ifelse(digits.length() >= min_digits, digits, ibis.null("string")),
        "address": words.nullif(""),
    }


def prepare(ws: Workspace, records: ir.Table, names: ir.Table) -> tuple[ir.Table, ir.Table]:
    """Records with cleaned identifiers and contact keys, and their names with words and legal forms.

    Returns ``(records, names)``, both materialised: records keyed by ``member_id`` (and numbered,
    ``member_no``); names with
    ``name_id`` (one per record and name), ``tokens`` (array of words), ``concat``, ``legal_form``,
    ``patronymic``, ``initials``, ``name_uses`` (records bearing the same normalised name), ``name_no``
    (a number per name) and ``text_no`` (a number per distinct name text and kind: every other column of
    a name but its record's follows from these two, so names written alike are scored once).
    """
    records = _clean_identifiers(ws, records)
    # numbers in member id order (so member_no < member_no' exactly when the ids compare so): a large
    # run joins and groups pairs of records by them, far cheaper than by ids that hold whole names
    records = ws.materialize(records.mutate(member_no=ibis.row_number().over(order_by=records.member_id)))
    kinds = records.select("member_id", "kind", "member_no")
    named = names.join(kinds, "member_id")
    distinct = ws.to_arrow(named.select("name", "kind").distinct())
    parsed = _parse_names(distinct)
    staged = ws.stage_arrow(parsed)
    joined = named.join(staged, ["name", "kind"])
    numbered = joined.mutate(name_id=joined.member_id + "\u241f" + joined.name)
    # How many records bear each name: a common name ("Anna Petrosyan") says little about identity.
    uses = numbered.group_by(["kind", "name_key"]).aggregate(name_uses=numbered.member_id.nunique())
    named = numbered.join(uses, ["kind", "name_key"])
    # a number per name: scoring groups crossed words by name pair, cheaper by number than by text
    return records, ws.materialize(named.mutate(name_no=ibis.row_number().over(order_by=named.name_id)))


def all_columns(records: ir.Table) -> ir.Table:
    """Records with every column of RECORD_COLUMNS (null where a source has none), in that order."""
    present = set(records.columns)
    types = {"incorporation_date": "date", "birth_date": "date"}
    return records.select(
        *[records[c] if c in present else ibis.null(types.get(c, "string")).name(c) for c in RECORD_COLUMNS]
    )


def _clean_identifiers(ws: Workspace, records: ir.Table) -> ir.Table:
    """Identifiers that pass their scheme's checks (others become null); phone digits; address words."""
    cleaned = records
    for scheme in SCHEMES:
        values = ws.to_arrow(records.select(raw=records[scheme]).filter(lambda t: t.raw.notnull()).distinct())
        raw = values.column("raw").to_pylist()
        lookup = pa.table(
            {"raw": pa.array(raw, pa.string()), "clean": [clean_identifier(scheme, v) for v in raw]},
            schema=pa.schema([("raw", pa.string()), ("clean", pa.string())]),
        )
        staged = ws.stage_arrow(lookup).rename(**{f"__raw_{scheme}": "raw", f"__clean_{scheme}": "clean"})
        cleaned = cleaned.left_join(staged, cleaned[scheme] == staged[f"__raw_{scheme}"])
        cleaned = cleaned.mutate(**{scheme: cleaned[f"__clean_{scheme}"]}).drop(
            f"__raw_{scheme}", f"__clean_{scheme}"
        )
    return cleaned.mutate(**contact_keys(cleaned.phone, cleaned.address))


_PARSED_SCHEMA: Final = pa.schema(
    [
        ("name", pa.string()),
        ("kind", pa.string()),
        ("tokens", pa.list_(pa.string())),
        ("concat", pa.string()),
        ("name_key", pa.string()),
        ("prefix_key", pa.string()),
        ("pair_keys", pa.list_(pa.string())),
        ("legal_form", pa.string()),
        ("patronymic", pa.string()),
        ("initials", pa.string()),
        ("text_no", pa.int64()),
    ]
)


PARALLEL_FROM: Final = 100_000
"""Distinct names from which parsing is shared among processes (one per core): ten million declarations
name some 970k parties, a minute of Python in one process; a few thousand are not worth starting one."""

_CHUNKS_PER_WORKER: Final = 4


def _parse_names(distinct: pa.Table, parallel_from: int = PARALLEL_FROM) -> pa.Table:
    names = distinct.column("name").to_pylist()
    kinds = distinct.column("kind").to_pylist()
    workers = min(os.cpu_count() or 1, 8)
    if len(names) < parallel_from or workers < 2:
        columns = _parsed_columns(names, kinds)
    else:
        size = -(-len(names) // (workers * _CHUNKS_PER_WORKER))
        starts = range(0, len(names), size)
        # spawned, not forked: the engine's threads live in this process
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            chunks = [names[i : i + size] for i in starts], [kinds[i : i + size] for i in starts]
            parts = list(pool.map(_parsed_columns, *chunks))
            columns = {key: [v for part in parts for v in part[key]] for key in _PARSED_COLUMNS}
    return pa.table(
        {"name": names, "kind": kinds, **columns, "text_no": range(len(names))}, schema=_PARSED_SCHEMA
    )


_PARSED_COLUMNS: Final = (
    "tokens", "concat", "name_key", "prefix_key", "pair_keys", "legal_form", "patronymic", "initials",
)  # fmt: skip


def _parsed_columns(names: list[str], kinds: list[str | None]) -> dict[str, list[Any]]:
    """The parsed columns of ``_PARSED_SCHEMA`` for these names (in a worker process, or not)."""
    parts = [name_parts(n, k or "company") for n, k in zip(names, kinds, strict=True)]
    return {
        "tokens": [list(p.tokens) for p in parts],
        "concat": ["".join(p.tokens) for p in parts],
        "name_key": [p.key for p in parts],
        # the first letters of every word, sorted: common words together still make a small block
        "prefix_key": ["|".join(sorted(t[:3] for t in p.tokens)) for p in parts],
        # every two words of a name: common words in pairs are rare ("gorizont" and "temir")
        "pair_keys": [_word_pairs(p.tokens) for p in parts],
        "legal_form": [p.legal_form for p in parts],
        "patronymic": [p.patronymic for p in parts],
        "initials": [p.initials for p in parts],
    }


MAX_PAIRED_WORDS: Final = 6
"""Word pairs are formed from the first words of a name only (a long name would give dozens)."""


def _word_pairs(tokens: tuple[str, ...]) -> list[str]:
    words = sorted(set(tokens[:MAX_PAIRED_WORDS]))
    return [f"{a}|{b}" for i, a in enumerate(words) for b in words[i + 1 :]]


def token_weights(names: ir.Table) -> ir.Table:
    """Each word with its weight: rare words say more about identity than common ones (inverse document
    frequency over the records' names), and how many records use it (to keep blocks small)."""
    exploded = names.select("member_id", token=names.tokens.unnest())
    counts = exploded.distinct().group_by("token").aggregate(df=lambda t: t.member_id.count())
    total = names.member_id.nunique().as_scalar()
    return counts.mutate(
        weight=(total.cast("float64") / counts.df + 1).ln(),
        token_no=ibis.row_number().over(order_by=counts.token),  # a number per word, for grouping
    )
