"""Synthetic registry and tax identifiers of firms and people, with the right shape and check digits.

Every generator takes the caller's seeded ``random.Random`` and draws only from it, so the same state gives the
same identifier. Where a published check-digit algorithm exists it is applied, so that a resolver validating
identifiers treats synthetic ones like real ones:

- Kazakhstan BIN/IIN: Law "On national registers of identification numbers" (2007) and its rules: weights 1..11
  mod 11, second pass with weights 3..11,1,2; a number whose both passes give 10 is not issued.
- Russia INN: Order of the Federal Tax Service ММВ-7-6/435@ (weights 2,4,10,3,5,9,4,6,8 and, for people,
  7,2,4,10,3,5,9,4,6,8 / 3,7,2,4,10,3,5,9,4,6,8; mod 11 mod 10). OGRN/OGRNIP: Government decree No. 438 (2002):
  remainder of the first 12 digits mod 11 (13 mod 13 for the 15-digit OGRNIP), last digit of the remainder.
- Kyrgyzstan INN (ИНН/ПИН): 14 digits, type or sex digit + date + serial; no published check digit.
- EU VAT: the national algorithms as documented by the European Commission's VIES and implemented in
  python-stdnum (ISO 7064 MOD 11,10 for DE, Luhn for FR SIREN/IT/SE/ES, MOD 97 for BE/FR key, weighted mod 11
  for NL/PL/CZ/FI/LT/LV/CH, weighted mod 10 for EE/AT, GB weights 8..2 mod 97).
- China USCC: GB 32100-2015 (mod 31) with the GB 11714-1997 organisation code check inside; Korea BRN: the
  National Tax Service check (weights 1,3,7,1,3,7,1,3,5); Taiwan UBN: Ministry of Finance weights 1,2,1,2,1,2,4,1;
  Japan corporate number: Act on the Use of Numbers (2013), check digit 9 - (weighted sum mod 9); Turkey VKN:
  Revenue Administration algorithm.
- LEI: ISO 17442 with check digits per ISO/IEC 7064 MOD 97-10.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from diversion.model.identifiers import kz_check_digit, valid_kz_bin, valid_lei, valid_ogrn, valid_ru_inn

__all__ = [
    "kg_inn",
    "kz_bin",
    "lei",
    "ru_inn",
    "ru_ogrn",
    "valid_kz_bin",
    "valid_lei",
    "valid_ogrn",
    "valid_ru_inn",
    "vat",
]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


RU_REGIONS: tuple[str, ...] = _words(
    "77 77 77 78 78 50 50 54 66 52 16 02 61 23 74 63 59 24 47 39 25 38 55 72 36 34 64 26 42 86 03 05 70 76 40 71"
)
"""Tax region codes (the first two digits of INN and the 4th-5th of OGRN), Moscow and St Petersburg weighted up."""

_REGISTERED = (date(1995, 1, 1).toordinal(), date(2024, 12, 31).toordinal())
_OGRN_START = (date(2002, 7, 1).toordinal(), date(2024, 12, 31).toordinal())
_BORN = (date(1950, 1, 1).toordinal(), date(2002, 12, 31).toordinal())
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _num(rng: random.Random, n: int) -> str:
    """n random digits (leading zeros allowed)."""
    return f"{rng.randrange(10**n):0{n}d}"


def _day(rng: random.Random, given: date | None, bounds: tuple[int, int]) -> date:
    return given if given is not None else date.fromordinal(rng.randint(*bounds))


def _weighted(weights: tuple[int, ...], digits: str) -> int:
    return sum(w * int(d) for w, d in zip(weights, digits, strict=False))


def _luhn_check(body: str) -> str:
    """The Luhn digit to append to body."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


# --- Kazakhstan -------------------------------------------------------------------------------------------


_kz_check = kz_check_digit


def kz_bin(
    rng: random.Random,
    *,
    person: bool = False,
    registered: date | None = None,
    born: date | None = None,
    sex: str | None = None,
) -> str:
    """A Kazakh BIN (firm: YYMM, entity type 4/5/6, office 0/1/2, serial) or IIN (person: YYMMDD, century and
    sex digit, serial), 12 digits with the control digit. ``sex`` ("m"/"f") only matters for an IIN."""
    if person:
        day = _day(rng, born, _BORN)
        sex = sex or rng.choice("mf")
        century = {18: 1, 19: 3, 20: 5}.get(day.year // 100, 3) + (1 if sex == "f" else 0)
        head = f"{day:%y%m%d}{century}"
    else:
        day = _day(rng, registered, _REGISTERED)
        kind = rng.choices("456", weights=(90, 6, 4))[0]
        office = rng.choices("012", weights=(85, 10, 5))[0]
        head = f"{day:%y%m}{kind}{office}"
    while True:
        body = head + _num(rng, 11 - len(head))
        check = _kz_check(body)
        if check is not None:
            return f"{body}{check}"


# --- Russia -----------------------------------------------------------------------------------------------

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12A = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12B = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def ru_inn(rng: random.Random, *, person: bool = False, region: str | None = None) -> str:
    """A Russian INN: region, tax office, serial and check digit(s); 10 digits for firms, 12 for people."""
    head = (region or rng.choice(RU_REGIONS)) + f"{rng.randint(1, 51):02d}"
    if not person:
        body = head + _num(rng, 5)
        return body + str(_weighted(_INN10, body) % 11 % 10)
    body = head + _num(rng, 6)
    body += str(_weighted(_INN12A, body) % 11 % 10)
    return body + str(_weighted(_INN12B, body) % 11 % 10)


def ru_ogrn(
    rng: random.Random, *, registered: date | None = None, region: str | None = None, person: bool = False
) -> str:
    """A Russian OGRN (13 digits: 1 or 5, year, region, office, serial, check) or, with ``person``, the
    15-digit OGRNIP of an individual entrepreneur (starting with 3)."""
    day = _day(rng, registered, _OGRN_START)
    region = region or rng.choice(RU_REGIONS)
    if person:
        body = f"3{day:%y}{region}{_num(rng, 9)}"
        return body + str(int(body) % 13 % 10)
    body = f"{rng.choices('15', weights=(85, 15))[0]}{day:%y}{region}{rng.randint(1, 51):02d}{_num(rng, 5)}"
    return body + str(int(body) % 11 % 10)


# --- Kyrgyzstan -------------------------------------------------------------------------------------------


def kg_inn(
    rng: random.Random,
    *,
    person: bool = False,
    registered: date | None = None,
    born: date | None = None,
    sex: str | None = None,
) -> str:
    """A Kyrgyz INN, 14 digits: firms 0 or 1 + registration date DDMMYYYY + 5 digits; people (the PIN)
    sex digit (1 woman, 2 man) + birth date DDMMYYYY + 5 digits. No check digit is published."""
    if person:
        lead = "1" if (sex or rng.choice("mf")) == "f" else "2"
        day = _day(rng, born, _BORN)
    else:
        lead = rng.choice("01")
        day = _day(rng, registered, _REGISTERED)
    return f"{lead}{day:%d%m%Y}{_num(rng, 5)}"


# --- VAT and other national tax numbers ---------------------------------------------------------------------


def _de(rng: random.Random) -> str:
    body = str(rng.randint(1, 9)) + _num(rng, 7)
    product = 10
    for ch in body:  # ISO 7064 MOD 11,10
        s = (int(ch) + product) % 10 or 10
        product = 2 * s % 11
    return f"DE{body}{(11 - product) % 10}"


def _nl(rng: random.Random) -> str:
    while True:
        body = _num(rng, 8)
        check = _weighted((9, 8, 7, 6, 5, 4, 3, 2), body) % 11
        if check < 10 and int(body) > 0:
            return f"NL{body}{check}B{rng.choices(('01', '02', '03'), weights=(90, 7, 3))[0]}"


def _fr(rng: random.Random) -> str:
    body = str(rng.randint(3, 9)) + _num(rng, 7)
    siren = body + _luhn_check(body)
    return f"FR{int(siren + '12') % 97:02d}{siren}"


def _it(rng: random.Random) -> str:
    body = f"{rng.randint(1, 9999999):07d}{rng.randint(1, 100):03d}"
    return f"IT{body}{_luhn_check(body)}"


def _pl(rng: random.Random) -> str:
    while True:
        body = str(rng.randint(1, 9)) + _num(rng, 8)
        check = _weighted((6, 5, 7, 2, 3, 4, 5, 6, 7), body) % 11
        if check < 10:
            return f"PL{body}{check}"


def _cz(rng: random.Random) -> str:
    body = str(rng.randint(0, 8)) + _num(rng, 6)
    check = (11 - _weighted((8, 7, 6, 5, 4, 3, 2), body)) % 11
    return f"CZ{body}{(check or 1) % 10}"


def _fi(rng: random.Random) -> str:
    while True:
        body = str(rng.randint(0, 3)) + _num(rng, 6)
        rest = _weighted((7, 9, 10, 5, 8, 4, 2), body) % 11
        if rest != 1:
            return f"FI{body}{(11 - rest) % 11}"


def _lt(rng: random.Random) -> str:
    body = _num(rng, 7) + "1" if rng.random() < 0.8 else _num(rng, 10) + "1"
    check = sum((1 + i % 9) * int(d) for i, d in enumerate(body)) % 11
    if check == 10:
        check = sum((1 + (i + 2) % 9) * int(d) for i, d in enumerate(body)) % 11
    return f"LT{body}{check % 10}"


def _lv(rng: random.Random) -> str:
    while True:
        body = "4000" + _num(rng, 6)
        check = (3 - _weighted((9, 1, 4, 8, 3, 10, 2, 5, 7, 6), body)) % 11
        if check < 10:
            return f"LV{body}{check}"


def _ee(rng: random.Random) -> str:
    body = "10" + _num(rng, 6)
    return f"EE{body}{-_weighted((3, 7, 1, 3, 7, 1, 3, 7), body) % 10}"


def _at(rng: random.Random) -> str:
    body = _num(rng, 7)
    total = sum(sum(divmod(int(d) * (1 + i % 2), 10)) for i, d in enumerate(body))
    return f"ATU{body}{(96 - total) % 10}"


def _be(rng: random.Random) -> str:
    body = rng.choice("01") + str(rng.randint(1, 9)) + _num(rng, 6)
    return f"BE{body}{97 - int(body) % 97:02d}"


def _es(rng: random.Random) -> str:
    body = f"{rng.randint(1, 52):02d}{_num(rng, 5)}"
    return f"ES{rng.choices('AB', weights=(30, 70))[0]}{body}{_luhn_check(body)}"


def _se(rng: random.Random) -> str:
    body = "55" + _num(rng, 7)
    return f"SE{body}{_luhn_check(body)}01"


def _gb(rng: random.Random) -> str:
    body = str(rng.randint(1, 9)) + _num(rng, 6)
    return f"GB{body}{-_weighted((8, 7, 6, 5, 4, 3, 2), body) % 97:02d}"


def _ch(rng: random.Random) -> str:
    while True:
        body = str(rng.randint(1, 9)) + _num(rng, 7)
        check = (11 - _weighted((5, 4, 3, 2, 7, 6, 5, 4), body)) % 11
        if check < 10:
            return f"CHE{body}{check}"


def _tr(rng: random.Random) -> str:
    body = str(rng.randint(1, 9)) + _num(rng, 8)
    total = 0
    for i, d in enumerate(reversed(body), 1):
        c1 = (int(d) + i) % 10
        if c1:
            total += (c1 * 2**i) % 9 or 9
    return f"{body}{(10 - total) % 10}"


_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CN_DIVISIONS = _words(
    "440300 440305 440306 310115 310000 110105 110108 440100 330100 320500 "
    "370200 120000 500000 440600 441900 350200 320100 420100 510100 330200"
)


def _cn(rng: random.Random) -> str:
    """Unified social credit code: dept 9 (market regulation), type 1 (enterprise), division, org code, check."""
    org = rng.choice(("MA", "MA", "MA", "7", "6", "1")) + "".join(rng.choices(_USCC, k=7))
    org = org[:8]
    rest = 11 - sum(w * int(c, 36) for w, c in zip((3, 7, 9, 10, 5, 8, 4, 2), org, strict=True)) % 11
    body = "91" + rng.choice(_CN_DIVISIONS) + org + {10: "X", 11: "0"}.get(rest, str(rest))
    total = sum(_USCC.index(c) * w for c, w in zip(body, _USCC_W, strict=True))
    return body + _USCC[-total % 31]


def _kr(rng: random.Random) -> str:
    kind = rng.choice(("81", "86", "87", "88", "85", "01", "05"))
    body = f"{rng.randint(101, 899)}{kind}{rng.randint(1, 9999):04d}"
    total = _weighted((1, 3, 7, 1, 3, 7, 1, 3, 5), body) + int(body[8]) * 5 // 10
    return f"{body}{(10 - total % 10) % 10}"


def _tw(rng: random.Random) -> str:
    body = _num(rng, 7)
    total = sum(sum(divmod(w * int(d), 10)) for w, d in zip((1, 2, 1, 2, 1, 2, 4), body, strict=True))
    return f"{body}{-total % 10}"


def _jp(rng: random.Random) -> str:
    base = f"{rng.choice(('0100', '0104', '0106', '0110', '1200', '2700', '4000'))}01{_num(rng, 6)}"
    total = sum((2 if i % 2 else 1) * int(d) for i, d in enumerate(reversed(base)))
    return f"{9 - total % 9}{base}"


_EIN_PREFIXES = _words(
    "20 26 27 45 46 47 81 82 83 84 30 35 36 38 61 33 41 42 52 54 56 65 74 75 76 77 85 88 91 94 95 98"
)

_VAT: dict[str, Callable[[random.Random], str]] = {
    "DE": _de, "NL": _nl, "FR": _fr, "IT": _it, "PL": _pl, "CZ": _cz, "FI": _fi, "LT": _lt, "LV": _lv,
    "EE": _ee, "AT": _at, "BE": _be, "ES": _es, "SE": _se, "GB": _gb, "CH": _ch,
    "TR": _tr, "CN": _cn, "KR": _kr, "TW": _tw, "JP": _jp,
    "AE": lambda rng: "100" + _num(rng, 12),
    "US": lambda rng: rng.choice(_EIN_PREFIXES) + _num(rng, 7),
    "GE": lambda rng: rng.choice(("2", "4")) + _num(rng, 8),
    "AM": lambda rng: "0" + _num(rng, 7),
    "UZ": lambda rng: rng.choice(("2", "3")) + _num(rng, 8),
    "BY": lambda rng: rng.choice(("1", "6", "7")) + _num(rng, 8),
    "HK": lambda rng: str(rng.randint(1, 7)) + _num(rng, 7),
    "KZ": kz_bin,
    "RU": ru_inn,
    "KG": kg_inn,
}  # fmt: skip
VAT_COUNTRIES: tuple[str, ...] = tuple(sorted(_VAT))
"""Countries with a specific format; any other country gets ten digits."""


def vat(rng: random.Random, country: str) -> str:
    """A firm's VAT number (EU, GB, CH: with the country prefix, e.g. "DE123456788", "NL123456782B01",
    "ATU12345675") or national tax number (no prefix: TR VKN, AE TRN, CN USCC, KR BRN, TW UBN, JP corporate
    number, US EIN, GE, AM, UZ, BY, HK; KZ BIN, RU INN, KG INN). Unknown countries get ten plain digits."""
    make = _VAT.get(country.upper())
    if make is None:
        return str(rng.randint(1, 9)) + _num(rng, 9)
    return make(rng)


# --- LEI --------------------------------------------------------------------------------------------------

_LOU_PREFIXES = _words("5493 2138 9695 8156 5299 7245 2549 3157 9845 2594 6354 8945")


def _lei_number(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s))


def lei(rng: random.Random) -> str:
    """An ISO 17442 Legal Entity Identifier: issuer prefix, "00", 12 entity characters, 2 check digits."""
    body = rng.choice(_LOU_PREFIXES) + "00" + "".join(rng.choices(_ALNUM, k=12))
    return f"{body}{98 - _lei_number(body + '00') % 97:02d}"
