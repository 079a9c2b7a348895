"""Labelled party records: firms and people as registries, declarations, lists and licences write them.

For measuring entity resolution. Each record mentions one real firm or person, named by ``truth_id``; the
first record of an entity is its registry form (native name, identifier shown), the others are spellings by
:func:`names.company_spelling` / :func:`names.person_spelling` showing an identifier, address, phone or date
only now and then. Hard negatives are planted, each member a different entity (``decoy_family``):
``firm_namesake`` (same core name, another country or legal form class: ТОО «Аспан Арба» in KZ and
ОсОО «Аспан Арба» in KG), ``firm_near_miss`` (one meaningful word differs), ``shared_address`` (firms in one
business centre), ``person_patronymic`` (same surname and given name, another patronymic),
``person_birth_date`` (same full name, another birth date) and ``generic_name`` (only the legal form and a
word such as "Trade" or "Group" in common). Rows are shuffled: neighbours say nothing about identity.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from itertools import count
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq

from diversion.simulate import identifiers as ids
from diversion.simulate import names
from diversion.simulate.world import CALLING_CODES, CITIES, _address, _phone, day_between

__all__ = [
    "COLUMNS",
    "COUNTRY_MIX",
    "DECOY_FAMILIES",
    "labelled_parties",
    "lang_set",
    "write_labelled_parties",
]

COUNTRY_MIX: Final = {
    "KZ": 20.0, "RU": 25.0, "KG": 12.0, "UZ": 6.0, "AM": 6.0, "GE": 4.0, "CN": 10.0, "KR": 3.0,
    "DE": 3.0, "NL": 1.5, "FR": 1.5, "IT": 1.5, "PL": 1.5, "LT": 1.0, "FI": 1.0, "CZ": 1.0,
    "AE": 0.6, "TR": 0.5, "HK": 0.3, "US": 0.3, "GB": 0.3,
}  # fmt: skip
"""Share (%) of entities per country, weighted towards the hubs of CASES.md: EU 12%, others 2%."""
_LANG_SETS: Final = {c: c.lower() for c in ("RU", "KZ", "KG", "UZ", "AM", "GE", "CN", "KR")}
_WESTERN: Final = ("DE", "NL", "FR", "IT", "PL", "LT", "FI", "CZ", "AT", "BE", "ES", "SE", "US", "GB", "CH")
_EXTRA_CONTACT: Final = {"CZ": ("+420", ("Praha", "Brno", "Ostrava"))}
"""Countries world.py has no cities or calling code for."""

COLUMNS: Final = (
    "party_id", "truth_id", "kind", "name", "country", "inn", "ogrn", "bin", "kg_inn", "lei", "vat",
    "registration_number", "address", "phone", "incorporation_date", "birth_date", "source_kind", "script",
    "lang_set", "decoy_family", "decoy_group",
)  # fmt: skip
_IDS: Final = ("inn", "ogrn", "bin", "kg_inn", "lei", "vat", "registration_number")
_SOMETIMES: Final = ("ogrn", "lei")
SOMETIMES_SHOWN: Final = 0.5
"""Share of later records showing the OGRN or LEI beside the main identifier (the registry record: all)."""
LEI_SHARE: Final = 0.2
"""Share of non-CIS firms with an LEI."""
_DATES: Final = ("incorporation_date", "birth_date")
SCHEMA: Final = pa.schema([(c, pa.date32() if c in _DATES else pa.string()) for c in COLUMNS])

RECORDS_PER_ENTITY: Final = {1: 15, 2: 30, 3: 25, 4: 12, 5: 8, 6: 5, 7: 3, 8: 2}
_REGISTRY_SHARE = sum(RECORDS_PER_ENTITY.values()) / sum(k * w for k, w in RECORDS_PER_ENTITY.items())
SOURCES: Final = {"declaration": 60, "list": 25, "licence": 15}
"""Sources of the records after the first (which is always "registry")."""


def _later_share(target: float, first: float) -> float:
    """The chance a later record shows a field, so that ``target`` of all records do when the registry
    record shows it with chance ``first``."""
    return (target - _REGISTRY_SHARE * first) / (1 - _REGISTRY_SHARE)


ID_SHOWN: Final = _later_share(0.40, 1.0)
DETAIL_FIRST: Final = 0.6
DETAIL_SHOWN: Final = _later_share(0.30, DETAIL_FIRST)
EMPHASIS_SHOWN: Final = 0.7
"""Share of records showing the field a decoy family turns on (the shared address, the birth date)."""

FIRM_DECOYS: Final = {"firm_namesake": 3.0, "firm_near_miss": 2.0, "shared_address": 3.0, "generic_name": 2.0}
"""Weights of the firm decoy families (CN and KR firms, whose cores cannot be recast, share addresses)."""
PATRONYMIC_DECOYS: Final = 0.8
"""Share of RU/KZ/KG/UZ person decoys differing by patronymic; the rest, and all others, by birth date."""
DECOY_FAMILIES: Final = (*FIRM_DECOYS, "person_patronymic", "person_birth_date")
DECOY_SHARE: Final = 0.13
"""Share of entities in decoy groups: a group is planted whenever the share so far falls below it."""
_EMPHASIS: Final = {"shared_address": "address", "person_birth_date": "date"}
_PATRONYMIC_COUNTRIES: Final = ("RU", "KZ", "KG", "UZ")
_NAMESAKE_REGIONS: Final = (
    ("KZ", "RU", "KG"),
    ("UZ", "TR", "AE", "HK"),
    ("DE", "NL", "FR", "IT", "PL", "LT", "FI", "CZ", "US", "GB"),
    ("AM",),
    ("GE",),
)
"""Countries whose firms can bear one core name: one script, one region (CJK cores cannot be recast)."""
_REGION: Final = {c: region for region in _NAMESAKE_REGIONS for c in region}
_GENERIC: Final = {
    "RU": ("ru_word", ("Трейд", "Инвест", "Логистик", "Групп")),
    "KZ": ("kk", ("Трейд", "Инвест", "Логистика", "Групп")),
    "KG": ("ky", ("Трейд", "Инвест", "Логистик", "Групп")),
    "UZ": ("uz", ("Trade", "Invest", "Logistik", "Group")),
    "AM": ("hy", ("Թրեյդ", "Ինվեստ", "Լոգիստիկ", "Գրուպ")),
    "GE": ("ka", ("ტრეიდი", "ინვესტი", "ლოჯისტიკი", "ჯგუფი")),
}
_GENERIC_ELSE: Final = ("en_word", ("Trade", "Invest", "Logistics", "Group"))
_WORD_LIST: Final = {w[0]: key for key, words in reversed(names._WORDS.items()) for w in words}
"""The word list each word of a name comes from (the first list holding it), to swap one for a near miss."""
_TOKENS = re.compile(r"([\s\-]+)")


def lang_set(country: str) -> str:
    """The reporting group of an entity's country: ru, kz, kg, uz, am, ge, cn, kr, eu (EU and other Western
    countries) or other (AE, TR, HK ...)."""
    return _LANG_SETS.get(country) or ("eu" if country in _WESTERN else "other")


@dataclass(frozen=True)
class _Entity:
    country: str
    name: names.CompanyName | names.PersonName
    ident: dict[str, str]
    address: str
    phone: str
    day: date  # incorporation or birth
    family: str = ""
    group: str = ""


# --- entities --------------------------------------------------------------------------------------------


def _contact(rng: random.Random, country: str) -> tuple[str, str]:
    """Address and phone as world.py gives firms; its fallback city and code replaced where it has none."""
    address, phone = _address(rng, country), _phone(rng, country)
    if country not in CITIES and country in _EXTRA_CONTACT:
        code, cities = _EXTRA_CONTACT[country]
        address = address.replace("Capital City", rng.choice(cities))
        phone = phone.replace("+1", code, 1) if country not in CALLING_CODES else phone
    return address, phone


def _firm_ids(rng: random.Random, country: str, day: date) -> dict[str, str]:
    """The firm's identifiers in its country's scheme: a KG INN and an OGRN carry the registration date
    (world.py's ``_company_ids`` draws the KG one apart), an EU firm has a VAT number, others a national
    tax number as ``registration_number``, and some non-CIS firms an LEI."""
    if country == "KZ":
        return {"bin": ids.kz_bin(rng, registered=day)}
    if country == "RU":
        return {"inn": ids.ru_inn(rng), "ogrn": ids.ru_ogrn(rng, registered=max(day, date(2002, 7, 1)))}
    if country == "KG":
        return {"kg_inn": ids.kg_inn(rng, registered=day)}
    scheme = "vat" if lang_set(country) == "eu" and country != "US" else "registration_number"
    found = {scheme: ids.vat(rng, country)}
    if rng.random() < LEI_SHARE:
        found["lei"] = ids.lei(rng)
    return found


def _person_ids(rng: random.Random, country: str, born: date, sex: str) -> dict[str, str]:
    """A person's taxpayer number where the country's sources show one (RU INN, KZ IIN, KG PIN)."""
    if country == "RU":
        return {"inn": ids.ru_inn(rng, person=True)}
    if country == "KZ":
        return {"bin": ids.kz_bin(rng, person=True, born=born, sex=sex)}
    if country == "KG":
        return {"kg_inn": ids.kg_inn(rng, person=True, born=born, sex=sex)}
    return {}


def _firm(
    rng: random.Random, country: str, name: names.CompanyName | None = None, address: str = ""
) -> _Entity:
    day = day_between(rng, date(1995, 1, 1), date(2021, 6, 30))
    where, phone = _contact(rng, country)
    name = name or names.company_name(rng, country)
    return _Entity(country, name, _firm_ids(rng, country, day), address or where, phone, day)


def _person(rng: random.Random, country: str, name: names.PersonName | None = None) -> _Entity:
    born = day_between(rng, date(1950, 1, 1), date(1998, 12, 31))
    name = name or names.person_name(rng, country)
    address, phone = _contact(rng, country)
    return _Entity(country, name, _person_ids(rng, country, born, name.sex), address, phone, born)


# --- decoys ----------------------------------------------------------------------------------------------


def _template(rng: random.Random, country: str, taken: list[names.CompanyName]) -> names.CompanyName | None:
    """A registered name of ``country`` not named after a person, in a legal form class none of ``taken``
    of that country has."""
    used = [names._GROUP_OF.get((t.country, t.legal_form)) for t in taken if t.country == country]
    for _ in range(20):
        name = names.company_name(rng, country)
        group = names._GROUP_OF.get((country, name.legal_form))
        if group is not None and not group.person and all(group is not u for u in used):
            return name
    return None


def _recore(name: names.CompanyName, core: str) -> names.CompanyName | None:
    """``name`` with another core: same country, legal form, quotes and registry transliteration."""
    std = names._LATIN_STD.get(name.country)
    old, new = (names._latinise(name.core, std), names._latinise(core, std)) if std else (name.core, core)
    if not name.core or name.core not in name.native or old not in name.latin:
        return None
    native, latin = name.native.replace(name.core, core, 1), name.latin.replace(old, new, 1)
    return names.CompanyName(name.country, core, name.legal_form, native, latin)


def _namesakes(rng: random.Random, country: str) -> list[_Entity]:
    """Firms with one core name: in another country of the region, or in another legal form class."""
    base = _template(rng, country, [])
    if base is None:
        return []
    found = [base]
    for _ in range(rng.randint(1, 2)):
        other = rng.choice(_REGION[country]) if rng.random() < 0.6 else country
        template = _template(rng, other, found)
        name = _recore(template, base.core) if template else None
        found += [name] if name else []
    return [_firm(rng, n.country, n) for n in found] if len(found) > 1 else []


def _near_miss_core(rng: random.Random, core: str, taken: list[str]) -> str | None:
    """``core`` with one word from a word list swapped for another of the same list."""
    parts = _TOKENS.split(core)
    slots = [i for i, part in enumerate(parts) if part in _WORD_LIST]
    if not slots:
        return None
    i = rng.choice(slots)
    pool = names._WORDS[_WORD_LIST[parts[i]]]
    for _ in range(5):
        parts[i] = rng.choice(pool)[0]
        if "".join(parts) not in taken:
            return "".join(parts)
    return None


def _near_misses(rng: random.Random, country: str) -> list[_Entity]:
    """Firms of one country and legal form whose names differ by one meaningful word."""
    for _ in range(10):
        base = _template(rng, country, [])
        if base is None:
            continue
        cores = [base.core]
        for _ in range(rng.randint(1, 2)):
            core = _near_miss_core(rng, base.core, cores)
            cores += [core] if core else []
        found = [n for n in (_recore(base, c) for c in cores[1:]) if n]
        if found:
            return [_firm(rng, country, n) for n in [base, *found]]
    return []


def _generic_names(rng: random.Random, country: str) -> list[_Entity]:
    """Firms of one legal form whose names share one generic word ("Trade", "Group") and nothing else."""
    template = _template(rng, country, [])
    key, generics = _GENERIC.get(country, _GENERIC_ELSE)
    if template is None:
        return []
    generic = rng.choice(generics)
    words = list(dict.fromkeys(rng.choice(names._WORDS[key])[0] for _ in range(rng.randint(2, 4))))
    found = [_recore(template, f"{word} {generic}") for word in words]
    return [_firm(rng, country, n) for n in found if n] if len(words) > 1 else []


def _shared_address(rng: random.Random, country: str) -> list[_Entity]:
    """Different firms registered at one address, as in a business centre."""
    address, _ = _contact(rng, country)
    return [_firm(rng, country, address=address) for _ in range(rng.randint(2, 5))]


def _same_given(
    rng: random.Random, base: names.PersonName, taken: list[str | None]
) -> names.PersonName | None:
    """Another person with ``base``'s surname and given name and another patronymic."""
    other = names.person_name(rng, base.country, sex=base.sex, surname=base.surname)
    native, latin = other.native.split(" "), other.latin.split(" ")
    if other.patronymic in taken or " " in base.given or other.given not in native:
        return None
    native[native.index(other.given)], latin[0] = base.given, base.latin.split(" ")[0]
    return replace(other, given=base.given, native=" ".join(native), latin=" ".join(latin))


def _person_namesakes(rng: random.Random, country: str, family: str) -> list[_Entity]:
    """People named alike: another patronymic (RU, KZ, KG, UZ) or the same full name and another birth."""
    base = names.person_name(rng, country)
    for _ in range(5):  # a KG "... уулу" surname has no patronymic to differ by
        if base.patronymic or family != "person_patronymic":
            break
        base = names.person_name(rng, country)
    found = [base]
    for _ in range(rng.randint(1, 2)):
        if family == "person_birth_date":
            found.append(base)
        elif name := _same_given(rng, base, [n.patronymic for n in found]):
            found.append(name)
    return [_person(rng, country, n) for n in found] if len(found) > 1 else []


def _decoys(rng: random.Random, person: bool, country: str) -> tuple[str, list[_Entity]]:
    """A decoy group of ``country``: its family and members (none when it could not be made)."""
    if person:
        patronymic = country in _PATRONYMIC_COUNTRIES and rng.random() < PATRONYMIC_DECOYS
        family = "person_patronymic" if patronymic else "person_birth_date"
        return family, _person_namesakes(rng, country, family)
    family = rng.choices(list(FIRM_DECOYS), weights=list(FIRM_DECOYS.values()))[0]
    if country not in _REGION or family == "shared_address":  # CJK cores: no namesakes
        return "shared_address", _shared_address(rng, country)
    plant = {"firm_namesake": _namesakes, "firm_near_miss": _near_misses, "generic_name": _generic_names}
    return family, plant[family](rng, country)


def _groups(rng: random.Random, person_share: float) -> Iterator[list[_Entity]]:
    """Endless entities, one at a time or as a decoy group."""
    countries, weights = list(COUNTRY_MIX), list(COUNTRY_MIX.values())
    planted = drawn = 0
    for number in count(1):
        person = rng.random() < person_share
        country = rng.choices(countries, weights=weights)[0]
        if planted < DECOY_SHARE * drawn:
            family, members = _decoys(rng, person, country)
            if len(members) > 1:
                planted, drawn = planted + len(members), drawn + len(members)
                yield [replace(m, family=family, group=f"d{number:07d}") for m in members]
                continue
        drawn += 1
        yield [_person(rng, country) if person else _firm(rng, country)]


# --- records ---------------------------------------------------------------------------------------------


def _spelling(rng: random.Random, name: names.CompanyName | names.PersonName, variance: float) -> str:
    """How a declaration, list or licence writes the name."""
    if isinstance(name, names.PersonName):
        return names.person_spelling(rng, name, variance=variance)
    return names.company_spelling(rng, name, variance=variance)


def _emit(
    rng: random.Random, e: _Entity, records: int, variance: float, truth: str, cols: dict[str, list[object]]
) -> None:
    """Append ``records`` records of ``e`` to the columns: the registry form, then other sources' spellings."""
    person = isinstance(e.name, names.PersonName)
    emphasis = _EMPHASIS.get(e.family)
    sources, weights = list(SOURCES), list(SOURCES.values())
    for k in range(records):
        first = k == 0
        name = e.name.native if first else _spelling(rng, e.name, variance)
        source = "registry" if first else rng.choices(sources, weights)[0]
        show_id = first or rng.random() < ID_SHOWN
        for key in _IDS:
            value = e.ident.get(key) if show_id else None
            hide = value and not first and key in _SOMETIMES and rng.random() >= SOMETIMES_SHOWN
            cols[key].append(None if hide else value)
        detail = DETAIL_FIRST if first else DETAIL_SHOWN
        shown = {
            f: rng.random() < (EMPHASIS_SHOWN if f == emphasis else detail)
            for f in ("address", "phone", "date")
        }
        cols["address"].append(e.address if shown["address"] else None)
        cols["phone"].append(e.phone if shown["phone"] else None)
        cols["incorporation_date"].append(e.day if shown["date"] and not person else None)
        cols["birth_date"].append(e.day if shown["date"] and person else None)
        for column, value in (
            ("truth_id", truth), ("kind", "person" if person else "company"), ("name", name),
            ("country", e.country), ("source_kind", source), ("script", names.script_of(name)),
            ("lang_set", lang_set(e.country)), ("decoy_family", e.family or None), ("decoy_group", e.group or None),
        ):  # fmt: skip
            cols[column].append(value)


def labelled_parties(
    seed: int, records: int, *, person_share: float = 0.25, variance: float = 0.6
) -> pa.Table:
    """``records`` party records of firms and people with the ``truth_id`` of the entity each mentions,
    decoys planted, rows shuffled; the same seed gives the same table."""
    rng = random.Random(seed)
    cols: dict[str, list[object]] = {c: [] for c in COLUMNS if c != "party_id"}
    width, truth, counts = max(6, len(str(records))), 0, list(RECORDS_PER_ENTITY)
    groups = _groups(rng, person_share)
    while len(cols["truth_id"]) < records:
        group = next(groups)
        left = records - len(cols["truth_id"])
        if len(group) > 1 and left < max(counts) * len(group):  # a decoy group is planted whole or not at all
            continue
        for entity in group:
            truth += 1
            n = min(rng.choices(counts, weights=list(RECORDS_PER_ENTITY.values()))[0], left)
            _emit(rng, entity, n, variance, f"t{truth:0{width}d}", cols)
            left -= n
    order = list(range(records))
    rng.shuffle(order)
    data = {c: [values[i] for i in order] for c, values in cols.items()}
    data["party_id"] = [f"p{i:0{width}d}" for i in range(1, records + 1)]
    return pa.table({c: data[c] for c in COLUMNS}, schema=SCHEMA)


def write_labelled_parties(path: Path, seed: int, records: int) -> Path:
    """Write :func:`labelled_parties` of ``seed`` to a Parquet file at ``path`` and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(labelled_parties(seed, records), path)
    return path
