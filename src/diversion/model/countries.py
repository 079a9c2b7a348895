"""Countries as ISO 3166 alpha-2, from codes and names in English, Russian, Kazakh and Kyrgyz.

Trade data names countries every way: alpha-2, alpha-3, numeric, Comtrade's own numeric codes, Eurostat's
(EL for Greece, UK), and names in several languages. Aggregates (World, EU-27, "Areas nes", CIS) are not
countries: they map to a lower-case aggregate code and are flagged. Anything else is unknown: quarantined,
never guessed.
"""

from __future__ import annotations

import gettext
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Final, NamedTuple

import ibis
import ibis.expr.types as ir
import pycountry
import yaml

from diversion.model.regex import strip

LANGUAGES: Final = ("ru", "kk", "ky", "uk", "de", "fr")
"""Languages whose country names pycountry's ISO 3166 translations contribute."""

TRANSSHIPMENT_HUBS: Final = ("AE", "AM", "BR", "GE", "HK", "IL", "IN", "KG", "KZ", "MO", "MX", "NI", "RS", "TJ",
                              "TR", "TW", "UZ", "ZA")  # fmt: skip
"""Countries named as transshipment points for goods bound for Russia: FinCEN and BIS joint alerts of 28 Jun
2022 and 19 May 2023 (Armenia, Brazil, Georgia, India, Israel, Kazakhstan, Kyrgyzstan, Mexico, Nicaragua,
Serbia, South Africa, Taiwan, Tajikistan, UAE, Uzbekistan, Hong Kong, Macau) and later alerts (Turkey)."""

_FOLD_PATTERN: Final = r"[^\p{L}\p{N}]+"
_SHORT: Final = 3
"""Codes (KZ, KAZ, 398) are only lower-cased: it spares a regular expression on most cells."""


class Country(NamedTuple):
    code: str  # ISO alpha-2, or an aggregate code
    is_country: bool


def fold(text: str) -> str:
    """The comparison key of a country name or code: lower case, ё as е, letters and digits only.

    >>> fold("  Korea, Rep. ")
    'korea rep'
    """
    if len(text.strip()) <= _SHORT:
        return text.strip().lower()
    lowered = text.lower().replace("ё", "е").replace("’", "'")
    kept = "".join(ch if _is_letter_or_digit(ch) else " " for ch in lowered)
    return " ".join(kept.split())


def _is_letter_or_digit(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("L", "N")


def fold_expr(raw: ir.StringValue, *, cleaned: bool = False) -> ir.StringValue:
    """The engine form of :func:`fold`; ``cleaned`` says the text is already trimmed."""
    text = raw if cleaned else raw.strip()
    folded = strip(text.lower().replace("ё", "е").replace("’", "'").re_replace(_FOLD_PATTERN, " "))
    # Codes (the common case) take the short branch: a lower-casing, no regular expression.
    return ibis.ifelse(text.length() <= _SHORT, text.lower(), folded)


@cache
def aliases() -> dict[str, Country]:
    """Every known folded alias -> country or aggregate. Ambiguous ISO-derived keys are dropped."""
    found: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for key in _iso_keys(country):
            found.setdefault(fold(key), set()).add(country.alpha_2)
    table = {key: Country(next(iter(codes)), True) for key, codes in found.items() if len(codes) == 1 and key}
    curated = yaml.safe_load(files("diversion.data").joinpath("countries.yml").read_text(encoding="utf-8"))
    for alias, code in curated["countries"].items():
        table[fold(str(alias))] = Country(str(code), True)
    for alias, code in curated["aggregates"].items():
        table[fold(str(alias))] = Country(str(code), False)
    return table


def _iso_keys(country: object) -> list[str]:
    names = [getattr(country, attr, None) for attr in ("name", "official_name", "common_name")]
    english = [name for name in names if name]
    keys = [country.alpha_2, country.alpha_3, country.numeric, str(int(country.numeric)), *english]  # type: ignore[attr-defined]
    for language in LANGUAGES:
        translate = _translation(language)
        keys.extend(translate(name) for name in english)
    return keys


@cache
def _translation(language: str) -> Callable[[str], str]:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]).gettext
    except OSError:  # a language pycountry does not ship: contribute nothing
        return gettext.NullTranslations().gettext


def normalize_country(raw: str | None) -> Country | None:
    """The country (or aggregate) a code or name stands for, or None when unknown.

    >>> normalize_country("Российская Федерация"), normalize_country("643"), normalize_country("EL")
    (Country(code='RU', is_country=True), Country(code='RU', is_country=True), Country(code='GR', is_country=True))
    """
    if raw is None:
        return None
    return aliases().get(fold(raw))


def alias_rows() -> dict[str, list[object]]:
    """The alias table as columns, for loading into the workspace and joining in the engine."""
    table = aliases()
    return {
        "country_key": list(table),
        "country_code": [c.code for c in table.values()],
        "country_is_country": [c.is_country for c in table.values()],
    }
