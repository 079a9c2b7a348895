"""Synthetic names of firms and people in each country's style, and the spellings other sources give them.

A name is drawn from word lists (``data/simulate/names.yml``) with the caller's seeded ``random.Random``, so
the same state gives the same name. :func:`company_spelling` and :func:`person_spelling` then write one
name as a customs declaration, a sanctions list or a licence might: transliterated by another standard,
legal form abbreviated, written out, translated, moved or dropped, other quotes, upper case, and at high
variance a typo (never more than one per 8 letters).

Transliteration standards of Cyrillic (:data:`STANDARDS`):
``passport`` ICAO Doc 9303 as used in Russian passports since 2014 (FMS order 320) and, for the Kazakh
letters, Kazakhstan's passports (ә a, ғ g, қ k, ң n, ө o, ұ u, ү u, һ h, і i); ``bgn`` BGN/PCGN 1947 for
Russian (е/ё as ye/yë at the start of a word and after a vowel, й, ъ or ь; ь ’ and ъ ”) with the BGN/PCGN
1979 Kazakh letters (ä gh q ng ö u ü h i); ``gost779b`` GOST 7.79-2000 system B (ц cz, or c before е и ы й;
х x, щ shh, ы y', э e'); its Kazakh letters (ә a`, ғ g`, қ k`, ң n`, ө o`, ұ u`, ү u``, һ h`, і i`) are an
approximation; ``iso9`` ISO 9:1995 (= GOST 7.79 system A) including its non-Slavic letters (ә a̋, ғ ġ,
қ ķ, ң ṇ, ө ô, ұ u̇, ү ù, һ ḥ, і ì); ``kazakh_latin_2021`` the Kazakh Latin alphabet approved in January
2021 (ә ä, ғ ğ, қ q, ң ñ, ө ö, ұ ū, ү ü, ш ş, ч ç, ж j, і ı, и/й i, ы y). ``armenian`` is BGN/PCGN-style
Eastern Armenian (ու u, initial ե ye and ո vo, և ev) and ``georgian`` the Georgian national system of 2002
without the apostrophes of ejectives, as in passports. Characters a standard does not map are kept.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml


@dataclass(frozen=True)
class CompanyName:
    country: str  # ISO alpha-2
    core: str  # distinctive part in the native script, e.g. "Аспан Арба"
    legal_form: str  # native abbreviation, e.g. "ТОО"
    native: str  # as registered, e.g. "ТОО «Аспан Арба»"
    latin: str  # the registry's own Latin form, e.g. "Aspan Arba LLP" or "TOO Aspan Arba"


@dataclass(frozen=True)
class PersonName:
    country: str
    given: str
    patronymic: str | None
    surname: str
    sex: str  # "m" | "f"
    native: str  # "Иванов Сергей Петрович" (registry order) or "Hans Müller"
    latin: str  # passport-style "Sergei Petrovich Ivanov"


# --- transliteration -------------------------------------------------------------------------------------

_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_KK = "әғқңөұүһі"


def _pairs(letters: str, romans: str) -> dict[str, str]:
    return dict(zip(letters, romans.split(","), strict=True))


def _table(russian: str, kazakh: str) -> dict[str, str]:
    return _pairs(_RU + _KK, f"{russian},{kazakh}")


_TABLES: dict[str, dict[str, str]] = {
    "passport": _table(
        "a,b,v,g,d,e,e,zh,z,i,i,k,l,m,n,o,p,r,s,t,u,f,kh,ts,ch,sh,shch,ie,y,,e,iu,ia", "a,g,k,n,o,u,u,h,i"
    ),
    "bgn": _table(
        "a,b,v,g,d,e,ë,zh,z,i,y,k,l,m,n,o,p,r,s,t,u,f,kh,ts,ch,sh,shch,”,y,’,e,yu,ya", "ä,gh,q,ng,ö,u,ü,h,i"
    ),
    "gost779b": _table(
        "a,b,v,g,d,e,yo,zh,z,i,j,k,l,m,n,o,p,r,s,t,u,f,x,cz,ch,sh,shh,``,y',`,e',yu,ya",
        "a`,g`,k`,n`,o`,u`,u``,h`,i`",
    ),
    "iso9": _table("a,b,v,g,d,e,ë,ž,z,i,j,k,l,m,n,o,p,r,s,t,u,f,h,c,č,š,ŝ,ʺ,y,ʹ,è,û,â", "a̋,ġ,ķ,ṇ,ô,u̇,ù,ḥ,ì"),
    "kazakh_latin_2021": _table(
        "a,b,v,g,d,e,io,j,z,i,i,k,l,m,n,o,p,r,s,t,u,f,h,ts,ç,ş,şş,,y,,e,iu,ia", "ä,ğ,q,ñ,ö,ū,ü,h,ı"
    ),
    "armenian": _pairs(
        "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆև",
        "a,b,g,d,e,z,e,y,t,zh,i,l,kh,ts,k,h,dz,gh,ch,m,y,n,sh,o,ch,p,j,r,s,v,t,r,ts,v,p,k,o,f,ev",
    ),
    "georgian": _pairs(
        "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
        "a,b,g,d,e,v,z,t,i,k,l,m,n,o,p,zh,r,s,t,u,p,k,gh,q,sh,ch,ts,dz,ts,ch,kh,j,h",
    ),
}
STANDARDS: tuple[str, ...] = tuple(_TABLES)
_BGN_Y_AFTER = set("аеёиоуыэюяйъьәөұүі")
_GOST_C_BEFORE = set("еиыйі")


def _upper(s: str, standard: str) -> str:
    return (s.replace("i", "İ") if standard == "kazakh_latin_2021" else s).upper()


def transliterate(text: str, standard: str) -> str:
    """``text`` in Latin letters by one of :data:`STANDARDS`; characters it does not map are kept."""
    if standard not in _TABLES:
        raise ValueError(f"unknown transliteration standard {standard!r}: one of {', '.join(STANDARDS)}")
    return _transliterate(text, standard)


@lru_cache(maxsize=1 << 16)
def _transliterate(text: str, standard: str) -> str:
    table, out, i, n = _TABLES[standard], [], 0, len(text)
    while i < n:
        ch = text[i]
        low = ch.lower()
        rep = table.get(low)
        if rep is None:
            out.append(ch)
            i += 1
            continue
        prev = text[i - 1].lower() if i else " "
        nxt = text[i + 1].lower() if i + 1 < n else " "
        start = not prev.isalpha()
        if standard == "bgn" and low in "её" and (start or prev in _BGN_Y_AFTER):
            rep = "y" + rep
        elif standard == "gost779b" and low == "ц" and nxt in _GOST_C_BEFORE:
            rep = "c"
        elif standard == "armenian":
            if low == "ո" and nxt == "ւ":
                rep, i = "u", i + 1
            elif start and low in "եոև":
                rep = {"ե": "ye", "ո": "vo", "և": "yev"}[low]
        if ch != low:  # an upper-case letter: all capitals inside an upper-case word, else capitalised
            after = text[i + 1] if i + 1 < n else " "
            shout = after.isupper() or (not after.isalpha() and i > 0 and text[i - 1].isupper())
            rep = _upper(rep, standard) if shout else _upper(rep[:1], standard) + rep[1:]
        out.append(rep)
        i += 1
    return "".join(out)


# --- scripts ---------------------------------------------------------------------------------------------

SCRIPTS: tuple[str, ...] = ("Cyrl", "Latn", "Armn", "Geor", "Hans", "Hang", "Jpan", "Arab", "Zyyy")
_SCRIPT_PREFIXES = (
    ("CYRILLIC", "Cyrl"), ("LATIN", "Latn"), ("ARMENIAN", "Armn"), ("GEORGIAN", "Geor"), ("CJK", "Hans"),
    ("HANGUL", "Hang"), ("HIRAGANA", "Kana"), ("KATAKANA", "Kana"), ("ARABIC", "Arab"),
)  # fmt: skip


@lru_cache(maxsize=4096)
def _char_script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    if name.startswith("MODIFIER LETTER"):
        return None
    return next((code for prefix, code in _SCRIPT_PREFIXES if name.startswith(prefix)), "Zyyy")


def script_of(text: str) -> str:
    """ISO 15924 code of the script of at least 3/4 of the letters ("Jpan": kana with or without Han),
    or "Zyyy" for mixed or unknown text."""
    counts: dict[str, int] = {}
    for ch in text:
        code = _char_script(ch)
        if code is not None:
            counts[code] = counts.get(code, 0) + 1
    total = sum(counts.values())
    if not total:
        return "Zyyy"
    if counts.get("Kana"):
        counts["Jpan"] = counts.pop("Kana") + counts.pop("Hans", 0)
    best = max(counts, key=lambda code: (counts[code], code))
    return best if counts[best] * 4 >= total * 3 else "Zyyy"


# --- data ------------------------------------------------------------------------------------------------

Word = tuple[str, str, str]  # native, Latin ("" = transliterate), traditional Chinese
Form = tuple[str, str, str, bool]  # native abbreviation, Latin abbreviation, written out, English


@dataclass(frozen=True)
class _Group:
    weight: float
    forms: tuple[Form, ...]
    person: float


def _load() -> dict[str, Any]:
    text = files("diversion.data").joinpath("simulate").joinpath("names.yml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data


def _word(item: str) -> Word:
    parts = item.split("|")
    return parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else parts[0]


_DATA = _load()
_WORDS: dict[str, tuple[Word, ...]] = {
    key: tuple(_word(w) for w in words) for key, words in {**_DATA["words"], **_DATA["family_words"]}.items()
}
_GROUPS: dict[str, tuple[_Group, ...]] = {
    country: tuple(
        _Group(g["w"], tuple((f[0], f[1], f[2], len(f) > 3) for f in g["forms"]), g.get("person", 0.0))
        for g in groups
    )
    for country, groups in _DATA["legal_forms"].items()
}
LEGAL_FORMS: dict[str, list[tuple[str, str, str]]] = {
    country: [form[:3] for group in groups for form in group.forms] for country, groups in _GROUPS.items()
}
"""Per country (``"*"``: any other) the legal forms as (native abbreviation, Latin abbreviation, written out)."""
_GROUP_OF: dict[tuple[str, str], _Group] = {  # reversed: the first group of a form wins
    (c, f[0]): g for c, groups in _GROUPS.items() for g in reversed(groups) for f in g.forms
}
_PREFIX: dict[str, frozenset[str]] = {
    country: frozenset(forms) for country, forms in _DATA["prefix_forms"].items()
}
_EITHER = frozenset(_DATA["either_forms"])
_QUOTES: dict[str, str] = _DATA["quotes"]
_NO_SPACE = frozenset(_DATA["no_space"])
_LATIN_STD: dict[str, str] = _DATA["latin_standard"]
_ABBREVIATIONS: tuple[tuple[str, str], ...] = tuple((a, b) for a, b in _DATA["abbreviations"])
_PATTERNS: dict[str, tuple[tuple[float, str, str | None, str | None], ...]] = {
    country: tuple((r[0], r[1], r[2] if len(r) > 2 else None, r[3] if len(r) > 3 else None) for r in rows)
    for country, spec in _DATA["patterns"].items()
    for rows in [_DATA["patterns"][spec["like"]] if isinstance(spec, dict) else spec]
}
_LEADS = {w[1]: w[0] for key in ("cn_city", "tw_city") for w in _WORDS[key]}
_LONG_WORD = re.compile(r"[^\W\d_]{5,}")
_NO_TYPOS = frozenset(("Hans", "Hang", "Jpan", "Arab"))
_GEORGIAN = re.compile("[\u10a0-\u10ff]")
_SLOT = re.compile(r"\{(\w+)(?::(\w))?\}")
_QUOTE_PAIRS = {"«": "»", '"': '"', "„": "“", "“": "”"}
_MARKS = str.maketrans("", "", "’”ʹʺ`'")
_FOLD = str.maketrans(
    {"ß": "ss", "ł": "l", "Ł": "L", "ı": "i", "ø": "o", "Ø": "O", "æ": "ae", "đ": "d", "œ": "oe"}
)
_DE_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _pick(rng: random.Random, weighted: dict[str, float]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _title(text: str) -> str:
    return re.sub(r"(^|[\s\-«\"„(])(\w)", lambda m: m.group(1) + m.group(2).upper(), text)


def _latinise(text: str, standard: str) -> str:
    return _title(transliterate(text, standard).translate(_MARKS))


def _fold(text: str, german: bool = False) -> str:
    text = text.translate(_DE_FOLD) if german else text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# --- firms -----------------------------------------------------------------------------------------------


def _render(template: str, draws: dict[str, list[Word]], field: int) -> str:
    used: dict[str, int] = {}

    def one(m: re.Match[str]) -> str:
        key, fmt = m.group(1), m.group(2)
        used[key] = used.get(key, 0) + 1
        word = draws[key][used[key] - 1]
        text = word[field] or word[0]
        return text.lower() if fmt == "l" else text[:1].upper() + text[1:] if fmt == "c" else text

    return _SLOT.sub(one, template)


def _draw(rng: random.Random, templates: str) -> dict[str, list[Word]]:
    draws: dict[str, list[Word]] = {}
    for key in _SLOT.findall(templates):
        pool = draws.setdefault(key[0], [])
        if key[0] == "num":
            n = str(rng.choice((rng.randint(1, 99), rng.randint(1995, 2023))))
            pool.append((n, n, n))
            continue
        word = rng.choice(_WORDS[key[0]])
        if word in pool:  # one redraw against "Алтын Алтын"
            word = rng.choice(_WORDS[key[0]])
        pool.append(word)
    return draws


def _assemble(body: str, form: str, prefix: bool, quotes: str, sep: str) -> str:
    quoted = f"{quotes[0]}{body}{quotes[1]}" if quotes else body
    if not form:
        return quoted
    return f"{form}{sep}{quoted}" if prefix else f"{quoted}{sep}{form}"


def company_name(rng: random.Random, country: str) -> CompanyName:
    """A firm's name as its registry holds it, in the naming style of ``country`` (any ISO code; countries
    without their own lists get English-style names with "Ltd" or "LLC")."""
    country = country.upper()
    groups = _GROUPS.get(country) or _GROUPS["*"]
    group = rng.choices(groups, weights=[g.weight for g in groups])[0]
    natives = list(dict.fromkeys(f[0] for f in group.forms))
    form = rng.choices(natives, weights=[4] + [1] * (len(natives) - 1))[0]
    prefix = form in _PREFIX.get(country, ()) or (form in _EITHER and rng.random() < 0.5)
    latin_std = _LATIN_STD.get(country)
    sep = "" if country in _NO_SPACE or form.startswith("(") else " "
    if group.person and rng.random() < group.person:
        owner = person_name(rng, country)
        core, lead, quotes = owner.native, "", ""
        latin_core = " ".join(_latinise(p, latin_std or "passport") for p in owner.native.split(" "))
        latin_lead = ""
    else:
        _, template, latin_template, lead_template = rng.choices(
            patterns := _PATTERNS.get(country) or _PATTERNS["*"], weights=[p[0] for p in patterns]
        )[0]
        draws = _draw(rng, (lead_template or "") + template)
        field = 2 if country in ("TW", "HK") else 0
        core = _render(template, draws, field)
        lead = _render(lead_template, draws, field) if lead_template else ""
        latin_lead = _render(lead_template, draws, 1) if lead_template else ""
        latin_core = _render(latin_template, draws, 1) if latin_template else core
        latin_core = _latinise(core, latin_std) if latin_std and not latin_template else latin_core
        quotes = _QUOTES.get(country, "")
    native = _assemble(lead + core, form, prefix, quotes, sep)
    if latin_std or latin_core != core:  # a romanised name: Latin or English legal form
        candidates = [f for f in group.forms if f[0] == form]
        chosen = candidates[0] if rng.random() < 0.5 else rng.choice(candidates)
        latin_body = f"{latin_lead} {latin_core}".strip()
        latin = _assemble(latin_body, chosen[1], prefix and not chosen[3], "", " ")
    else:
        latin = _assemble(lead + core, form, prefix, "", sep)
    return CompanyName(country=country, core=core, legal_form=form, native=native, latin=latin)


def _strip_form(text: str, forms: list[str], tight: bool) -> str:
    text = text.strip()
    for form in sorted((f for f in forms if f), key=len, reverse=True):
        if text.startswith(form + " ") or (tight and text.startswith(form)):
            text = text[len(form) :]
            break
        if text.endswith(" " + form) or text.endswith("," + form) or (tight and text.endswith(form)):
            text = text[: -len(form)]
            break
    text = text.strip(" ,")
    if len(text) > 2 and _QUOTE_PAIRS.get(text[0]) == text[-1] and not any(q in text[1:-1] for q in '«»"„“”'):
        text = text[1:-1]
    return text


def _typos(rng: random.Random, text: str, variance: float) -> str:
    letters = sum(ch.isalpha() for ch in text)
    if variance < 0.5 or letters < 8 or script_of(text) in _NO_TYPOS or rng.random() >= variance - 0.3:
        return text
    for _ in range(1 if letters < 16 or rng.random() >= variance - 0.6 else 2):
        inner = [i for m in _LONG_WORD.finditer(text) for i in range(m.start() + 1, m.end())]  # not initials
        if not inner:
            break
        i = rng.choice(inner)
        kind = rng.random()
        if kind < 0.4 or i + 1 >= len(text) or not text[i + 1].isalpha():
            text = text[:i] + text[i + 1 :]
        elif kind < 0.7:
            text = text[:i] + text[i] + text[i:]
        else:
            text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def _case(rng: random.Random, text: str, variance: float) -> str:
    """Upper case as in customs data (not Georgian: its capitals are not used in names), rarely lower case."""
    roll = rng.random()
    if _GEORGIAN.search(text):
        return text
    return text.upper() if roll < 0.15 + 0.35 * variance else text.lower() if roll > 0.98 else text


def company_spelling(rng: random.Random, name: CompanyName, *, variance: float) -> str:
    """One spelling of the firm as another source might write it: ``variance`` 0 gives the registered native or
    Latin name, 1 a thoroughly re-written (but recognisable) one."""
    v = min(max(variance, 0.0), 1.0)
    if rng.random() >= v:
        return name.latin if name.latin and rng.random() < 0.3 else name.native
    country = name.country.upper()
    script = script_of(name.core or name.native)
    tight = country in _NO_SPACE or name.legal_form.startswith("(")
    prefixed = _PREFIX.get(country, frozenset()) | _EITHER
    group = _GROUP_OF.get((country, name.legal_form)) or _Group(1, ((name.legal_form,) * 3 + (False,),), 0.0)
    forms = [f for f in group.forms if f[0]] if name.legal_form else []
    body = _strip_form(name.native, [f[0] for f in forms], tight)
    to_latin = script != "Latn" and rng.random() < (0.8 if script in ("Hans", "Hang", "Jpan") else 0.6)
    options: dict[tuple[str, bool], float] = {}
    if to_latin:
        if script in ("Cyrl", "Armn", "Geor") and rng.random() < 0.8:
            stds = {"Cyrl": ("passport", "bgn", "gost779b", "passport", "bgn", "iso9"), "Armn": ("armenian",)}
            std = rng.choice(
                stds.get(script, ("georgian",)) + (("kazakh_latin_2021",) if country == "KZ" else ())
            )
            body = transliterate(body, std)
            body = body.translate(_MARKS) if rng.random() < 0.5 else body
            body = _title(body) if script == "Geor" or rng.random() < 0.4 else body
            for nat, _, full, english in forms:
                if not english and script_of(full) != "Latn":
                    options[(transliterate(full, std).translate(_MARKS), nat in prefixed)] = 0.5
        else:
            body = _strip_form(name.latin, [x for f in forms for x in f[1:3]], False)
            if body.split(" ")[0] in _LEADS and rng.random() < 0.3:
                body = body.split(" ", 1)[-1]
        for nat, lat, full, english in forms:
            options[(lat, not english and nat in prefixed)] = 3.0
            if english:
                options[(full, False)] = 1.0
        body = body.replace("Ye", "E", 1) if script == "Armn" and rng.random() < 0.2 else body
        body = re.sub(r"yan\b", "ian", body) if script == "Armn" and rng.random() < 0.3 else body
        quotes = _pick(rng, {"": 6, '""': 3, "«»": 1 if country in _QUOTES else 0})
    else:
        if script == "Latn" and rng.random() < 0.2 + 0.4 * v:
            body = _fold(body, german=country in ("DE", "AT", "CH") and rng.random() < 0.5)
        for nat, lat, full, english in forms:
            prefix = nat in prefixed
            options[(nat, prefix)] = 6.0 if nat == name.legal_form else 1.0
            if not english:
                options[(full, prefix)] = 1.0
            if script == "Latn":
                options[(lat, prefix and not english)] = 1.0
        lead = next(
            (lead for lead in _LEADS.values() if body.startswith(lead) and len(body) > len(lead) + 2), ""
        )
        body = body[len(lead) :] if lead and rng.random() < 0.25 else body
        has_quotes = any(q in name.native for q in '«"„')
        registry = _QUOTES.get(country, '""')
        quotes = _pick(rng, {registry: 5, '""': 3, "": 2 + 2 * v} if has_quotes else {"": 9, '""': 1})
    form, prefix = _pick_form(rng, options, v)
    if form and country in _QUOTES and rng.random() < 0.2:  # "LLC «Romashka»", "Romashka OOO"
        prefix = not prefix
    short_body = body
    for long, short in _ABBREVIATIONS:
        if long in body and rng.random() < 0.2 + 0.3 * v:
            short_body = short_body.replace(long, short)
            break
    body = short_body if short_body != body else _typos(rng, body, v)  # not both: one word stays whole
    sep = "" if tight and not to_latin else ", " if not prefix and rng.random() < 0.1 else " "
    return _case(rng, _assemble(body, form, prefix, quotes, sep), v)


def _pick_form(rng: random.Random, options: dict[tuple[str, bool], float], v: float) -> tuple[str, bool]:
    options[("", False)] = 1.0 + 4.0 * v
    keys = list(options)
    return rng.choices(keys, weights=[options[k] for k in keys])[0]


# --- people ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _People:
    m: tuple[Word, ...]
    f: tuple[Word, ...]
    surnames: tuple[Word, ...]
    mix: tuple[str, float] | None


def _people(spec: dict[str, Any]) -> _People:
    spec = _DATA["people"][spec["like"]] if "like" in spec else spec
    m, f, surnames = (tuple(_word(w) for w in spec[key]) for key in ("m", "f", "surnames"))
    return _People(m, f, surnames, (spec["mix"][0], float(spec["mix"][1])) if "mix" in spec else None)


_PEOPLE = {country: _people(spec) for country, spec in _DATA["people"].items()}
_ALTS: dict[str, dict[str, tuple[str, ...]]] = {
    country: {
        w[k]: tuple(w[1].split("/")) for ws in (p.m, p.f, p.surnames) for w in ws for k in (2, 0) if w[1]
    }
    for country, p in _PEOPLE.items()
}
_RU_STYLE = frozenset(("RU", "KZ", "KG", "BY"))
_EAST_ASIA = frozenset(("CN", "TW", "HK", "KR", "JP"))
_SWAPS: dict[str, list[tuple[str, str]]] = {
    country: [(m, f) for m, f in swaps]
    for countries, swaps in _DATA["surname_forms"]
    for country in countries
}


def _gendered(country: str, surname: str, sex: str) -> str:
    """The family name in its form for ``sex``: Петров/Петрова, Kowalski/Kowalska, Butkus/Butkuvienė."""
    swaps = _SWAPS.get(country, ())  # a stem of two letters at least: not Цой -> Цая
    base = next(
        (surname[: -len(f)] + m for m, f in swaps if surname.endswith(f) and len(surname) > len(f) + 1),
        surname,
    )
    if sex == "m":
        return base
    return next((base[: -len(m)] + f for m, f in swaps if base.endswith(m) and len(base) > len(m) + 1), base)


def _patronymic(father: str, sex: str) -> str:
    """Russian patronymic of a father's given name: Сергей -> Сергеевич/Сергеевна, Нұрлан -> Нұрланович."""
    if father in ("Илья", "Никита", "Лука"):
        return father[:-1] + ("ич" if sex == "m" else "инична" if father == "Илья" else "ична")
    if father.endswith("ий") and father != "Дмитрий":
        stem, m, f = father[:-2], "ьевич", "ьевна"
    elif father[-1] in "йь":
        stem, m, f = father[:-1], "евич", "евна"
    elif father[-1] in "иіеоуэжшчщц":
        stem, m, f = father, "евич", "евна"
    else:
        stem, m, f = father, "ович", "овна"
    return stem + (m if sex == "m" else f)


def person_name(
    rng: random.Random, country: str, *, sex: str | None = None, surname: str | None = None
) -> PersonName:
    """A person's name in the style of ``country``; ``surname`` (as another member of the family bears it)
    keeps the family name, in its form for this person's sex."""
    country = country.upper()
    sex = sex or rng.choice("mf")
    people = _PEOPLE.get(country) or _PEOPLE["*"]
    alts = _ALTS.get(country) or _ALTS["*"]
    if people.mix and rng.random() < people.mix[1]:
        people = _PEOPLE[people.mix[0]]
    pool = people.m if sex == "m" else people.f
    if country in _EAST_ASIA:  # surname first, no patronymic
        field = 2 if country in ("TW", "HK") else 0
        drawn = rng.choice(people.surnames)
        family, family_latin = (
            (surname, alts.get(surname, (surname,))[0]) if surname else (drawn[field], drawn[1])
        )
        if country in ("KR", "JP"):
            word = rng.choice(pool)
            given, given_latin = word[field], word[1]
        else:
            chars = [rng.choice(pool) for _ in range(1 if country != "HK" and rng.random() < 0.35 else 2)]
            given = "".join(c[field] for c in chars)
            given_latin = (
                " ".join(c[1] for c in chars)
                if country == "HK"
                else "".join(c[1] for c in chars).capitalize()
            )
        return PersonName(country, given, None, family, sex, family + given, f"{family_latin} {given_latin}")
    given = rng.choice(pool)[0]
    family = _gendered(country, surname or rng.choice(people.surnames)[0], sex)
    father = rng.choice(people.m)[0]
    patronymic: str | None = None
    roll = rng.random()
    if country == "KZ" and roll < 0.12 and father[-1] not in "аяо":
        patronymic = father + ("ұлы" if sex == "m" else "қызы")
    elif country == "KG" and roll < 0.2 and surname is None:
        family = father + (" уулу" if sex == "m" else " кызы")
    elif country in _RU_STYLE:
        patronymic = _patronymic(father, sex)
    elif country == "UZ":
        patronymic = (
            father + (" o'g'li" if sex == "m" else " qizi")
            if roll < 0.5
            else father + ("ovich", "ovna")[sex == "f"]
        )
    elif country == "AE" and roll < 0.6:
        patronymic = father
    std = {"AM": "armenian", "GE": "georgian"}.get(country, "passport")
    if country in _RU_STYLE or country == "UZ":  # registry order: surname, given name, patronymic
        native = " ".join(p for p in (family, given, patronymic) if p)
    else:
        native = " ".join(p for p in (given, patronymic, family) if p)
    latin = " ".join(
        alts[p][0] if p in alts else p if script_of(p) == "Latn" else _latinise(p, std)
        for p in (given, patronymic, family)
        if p
    )
    return PersonName(country, given, patronymic, family, sex, native, latin)


def person_spelling(rng: random.Random, name: PersonName, *, variance: float) -> str:
    """One spelling of the person as another source might write it (see :func:`company_spelling`)."""
    v = min(max(variance, 0.0), 1.0)
    if rng.random() >= v:
        return name.latin if name.latin and rng.random() < 0.4 else name.native
    country = name.country.upper()
    script = script_of(name.native)
    east = country in _EAST_ASIA and script != "Latn"
    parts = [name.given, name.patronymic or "", name.surname]
    latin = False
    if script in ("Cyrl", "Armn", "Geor") and rng.random() < 0.65:
        stds = {"Armn": ("armenian",), "Geor": ("georgian",)}.get(
            script, ("passport", "passport", "bgn", "gost779b")
        )
        std = rng.choice(stds + (("kazakh_latin_2021",) if country in ("KZ", "KG") else ()))
        parts, latin = [_latinise(p, std) for p in parts], True
    elif east and rng.random() < 0.75:
        family, _, given = name.latin.partition(" ")
        given = given.replace("-", rng.choice(("-", "", " "))) if country == "KR" else given
        parts, latin = [given, "", family], True
    elif script == "Arab" and rng.random() < 0.8:
        alts = _ALTS.get(country, {})
        parts, latin = [rng.choice(alts.get(p, (p,))) if p else "" for p in parts], True
        if parts[2].startswith("Al ") and rng.random() < 0.4:
            parts[2] = parts[2].replace("Al ", rng.choice(("Al-", "Al", "AL ", "El ")), 1)
    elif script == "Latn" and rng.random() < 0.3:
        parts = [_fold(p) for p in parts]
    if parts[1] and rng.random() < 0.3 + 0.3 * v:
        parts[1] = ""
    if not east and rng.random() < 0.1 + 0.3 * v:  # initials: "Ivanov S. P.", "S.P. Ivanov"
        dot = rng.choice((". ", "."))
        initials = dot.join(p[0] for p in parts[:2] if p) + "."
        text = f"{parts[2]} {initials}" if rng.random() < 0.6 else f"{initials} {parts[2]}"
    elif east and not latin:
        text = parts[2] + (" " if rng.random() < 0.2 else "") + parts[0]
    else:
        surname_first = rng.random() < (0.7 if east or (script == "Cyrl" and not latin) else 0.3)
        text = " ".join(parts[i] for i in ((2, 0, 1) if surname_first else (0, 1, 2)) if parts[i])
        if surname_first and rng.random() < 0.15:
            text = parts[2].upper() + text[len(parts[2]) :]
    typo = rng.random() < 0.5 and script != "Arab"  # Arabic names vary by their romanisations instead
    return _case(rng, _typos(rng, text, v) if typo else text, v)
