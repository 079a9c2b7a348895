"""Labelled party records: deterministic, one kind and country per entity, valid identifiers, decoys planted."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from stdnum import get_cc_module

from diversion.simulate import identifiers as ids
from diversion.simulate import parties
from diversion.simulate.parties import (
    COLUMNS,
    COUNTRY_MIX,
    DECOY_FAMILIES,
    labelled_parties,
    lang_set,
    write_labelled_parties,
)

Row = dict[str, Any]
ID_COLUMNS = ("inn", "ogrn", "bin", "kg_inn", "lei", "vat", "registration_number")
SCHEMES = {"KZ": {"bin"}, "RU": {"inn", "ogrn"}, "KG": {"kg_inn"}}
GENERIC = tuple(
    dict.fromkeys(w for _, words in (*parties._GENERIC.values(), parties._GENERIC_ELSE) for w in words)
)
LANG_SETS = {"ru", "kz", "kg", "uz", "am", "ge", "cn", "kr", "eu", "other"}


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    rows: list[Row] = labelled_parties(11, 2000).to_pylist()
    return rows


@pytest.fixture(scope="module")
def entities(rows: list[Row]) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        found[row["truth_id"]].append(row)
    return found


def _registry(records: list[Row]) -> Row:
    return next(r for r in records if r["source_kind"] == "registry")


def _groups(rows: list[Row]) -> dict[str, list[Row]]:
    """Decoy group -> the registry record of each member."""
    found: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row["decoy_group"] and row["source_kind"] == "registry":
            found[row["decoy_group"]].append(row)
    return found


def test_same_seed_same_table() -> None:
    first = labelled_parties(5, 300)
    assert labelled_parties(5, 300).equals(first)
    assert not labelled_parties(6, 300).equals(first)


def test_same_table_whatever_the_hash_seed() -> None:
    script = (
        "import hashlib; from diversion.simulate.parties import labelled_parties\n"
        "print(hashlib.sha256(repr(labelled_parties(3, 400).to_pylist()).encode()).hexdigest())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_columns_and_types() -> None:
    table = labelled_parties(1, 500)
    assert table.num_rows == 500
    assert tuple(table.column_names) == COLUMNS
    for name in COLUMNS:
        expected = pa.date32() if name in ("incorporation_date", "birth_date") else pa.string()
        assert table.schema.field(name).type == expected, name
    party_ids = table.column("party_id").to_pylist()
    assert len(set(party_ids)) == 500 and all(re.fullmatch(r"p\d{6}", p) for p in party_ids)
    for name in ("truth_id", "kind", "name", "country", "source_kind", "script", "lang_set"):
        assert table.column(name).null_count == 0, name


def test_each_entity_has_one_kind_country_and_registry_record(entities: dict[str, list[Row]]) -> None:
    for records in entities.values():
        assert len({(r["kind"], r["country"], r["decoy_family"], r["decoy_group"]) for r in records}) == 1
        assert [r["source_kind"] for r in records].count("registry") == 1
        for column in (*ID_COLUMNS, "address", "phone", "incorporation_date", "birth_date"):
            assert len({r[column] for r in records} - {None}) <= 1, column  # never another entity's value


def test_dates_by_kind(rows: list[Row]) -> None:
    for row in rows:
        assert row["birth_date" if row["kind"] == "company" else "incorporation_date"] is None
    for column, kind in (("incorporation_date", "company"), ("birth_date", "person")):
        shown = [r[column] is not None for r in rows if r["kind"] == kind]
        assert 0.2 < sum(shown) / len(shown) < 0.45, column


def test_identifiers_only_in_the_country_scheme(rows: list[Row]) -> None:
    for row in rows:
        shown = {c for c in ID_COLUMNS if row[c]}
        country = row["country"]
        if row["kind"] == "person":
            assert shown <= ({"inn"} if country == "RU" else SCHEMES.get(country, set())), row
        elif country in SCHEMES:
            assert shown <= SCHEMES[country], row
        else:
            vat = lang_set(country) == "eu" and country != "US"  # a US EIN is no VAT number
            assert shown <= {"vat" if vat else "registration_number", "lei"}, row


def test_identifiers_valid(rows: list[Row]) -> None:
    for row in rows:
        kind, country = row["kind"], row["country"]
        if row["bin"]:
            assert ids.valid_kz_bin(row["bin"]) and (row["bin"][4] in "456") == (kind == "company"), row
        if row["inn"]:
            assert ids.valid_ru_inn(row["inn"]) and len(row["inn"]) == (10 if kind == "company" else 12), row
        if row["ogrn"]:
            assert ids.valid_ogrn(row["ogrn"]) and row["inn"], row  # OGRN shown only beside the INN
        if row["lei"]:
            assert ids.valid_lei(row["lei"]), row
        if row["kg_inn"]:
            assert re.fullmatch(r"[01]\d{13}" if kind == "company" else r"[12]\d{13}", row["kg_inn"]), row
            kg = row["kg_inn"]
            date(int(kg[5:9]), int(kg[3:5]), int(kg[1:3]))
        number = row["vat"] or row["registration_number"]
        module = get_cc_module(country.lower(), "vat") if number else None
        if number and module is not None:
            assert module.is_valid(number), row
        elif number:
            assert re.fullmatch(r"\d{8,15}", number), row


def test_identifiers_agree_with_dates(entities: dict[str, list[Row]]) -> None:
    for records in entities.values():
        kg = next((r["kg_inn"] for r in records if r["kg_inn"]), None)
        day = next(
            (
                r["incorporation_date"] or r["birth_date"]
                for r in records
                if r["incorporation_date"] or r["birth_date"]
            ),
            None,
        )
        iin = next((r["bin"] for r in records if r["bin"] and r["kind"] == "person"), None)
        if kg and day:
            assert kg[1:9] == f"{day:%d%m%Y}"
        if iin and day:
            assert iin[:6] == f"{day:%y%m%d}"


def test_a_firm_shows_its_identifier_in_about_40_percent(rows: list[Row]) -> None:
    firms = [r for r in rows if r["kind"] == "company"]
    shown = sum(any(r[c] for c in ("inn", "bin", "kg_inn", "vat", "registration_number")) for r in firms)
    assert 0.33 < shown / len(firms) < 0.47
    for column in ("address", "phone"):
        assert 0.22 < sum(r[column] is not None for r in rows) / len(rows) < 0.4, column


def test_records_per_entity(entities: dict[str, list[Row]]) -> None:
    counts = Counter(len(records) for records in entities.values())
    assert min(counts) == 1 and max(counts) <= 8
    assert counts.most_common(1)[0][0] in (2, 3)
    assert 2.5 < sum(k * n for k, n in counts.items()) / len(entities) < 3.6


def test_lang_sets(rows: list[Row]) -> None:
    assert {r["lang_set"] for r in rows} <= LANG_SETS
    assert {"ru", "kz", "kg", "cn", "eu"} <= {r["lang_set"] for r in rows}
    assert all(r["lang_set"] == lang_set(r["country"]) for r in rows)
    assert (lang_set("KZ"), lang_set("DE"), lang_set("GB"), lang_set("AE")) == ("kz", "eu", "eu", "other")


def test_country_mix(entities: dict[str, list[Row]]) -> None:
    countries = Counter(records[0]["country"] for records in entities.values())
    for country in ("RU", "KZ", "KG", "CN"):
        assert abs(countries[country] / len(entities) - COUNTRY_MIX[country] / 100) < 0.05, country
    assert min(countries["RU"], countries["KZ"]) > countries["KG"] > countries["KR"]


def test_every_decoy_family_is_planted(entities: dict[str, list[Row]], rows: list[Row]) -> None:
    families = Counter(records[0]["decoy_family"] for records in entities.values())
    assert set(DECOY_FAMILIES) <= set(families)
    assert sum(n for family, n in families.items() if family) / len(entities) >= 0.08
    for members in _groups(rows).values():
        assert len(members) >= 2 and len({m["truth_id"] for m in members}) == len(members)
        assert len({m["decoy_family"] for m in members}) == 1


def _words(name: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]{3,}", name))


def test_decoys_look_alike(rows: list[Row]) -> None:
    for members in _groups(rows).values():
        family, names = members[0]["decoy_family"], [m["name"] for m in members]
        countries = {m["country"] for m in members}
        if family == "firm_namesake":
            assert set.intersection(*map(_words, names)), names
            assert len({(m["country"], m["name"]) for m in members}) == len(members)
        elif family in ("firm_near_miss", "generic_name"):
            assert len(countries) == 1 and len(set(names)) == len(names)
            assert family == "firm_near_miss" or any(all(g in n for n in names) for g in GENERIC)
        elif family == "shared_address":
            assert (
                len({r["address"] for r in rows if r["decoy_group"] == members[0]["decoy_group"]} - {None})
                == 1
            )
        elif family == "person_patronymic":
            assert len({tuple(n.split(" ")[:2]) for n in names}) == 1 and len(set(names)) == len(names)
        elif family == "person_birth_date":
            assert len(set(names)) == 1


def test_people_spelled_with_initials_and_in_latin(rows: list[Row]) -> None:
    people = [r["name"] for r in rows if r["kind"] == "person" and r["source_kind"] != "registry"]
    assert any(re.search(r"\b\w\. ?\w\.", n) for n in people)  # "Petrov A. V.", "A.V. Petrov"
    cis = [r for r in rows if r["kind"] == "person" and r["country"] in ("RU", "KZ", "KG")]
    assert any(r["script"] == "Latn" for r in cis) and any(r["script"] == "Cyrl" for r in cis)


def test_write_parquet(tmp_path: Path) -> None:
    path = write_labelled_parties(tmp_path / "out" / "parties.parquet", 4, 200)
    assert pq.read_table(path).equals(labelled_parties(4, 200))
