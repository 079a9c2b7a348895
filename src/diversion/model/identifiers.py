"""Registry and tax identifiers of firms and people: cleaned, and validated by shape and check digit.

A shared valid identifier is the strongest evidence that two records are one entity, and a mistyped one
the most misleading, so an identifier counts only when its check digits hold where the scheme has them:

- Kazakhstan BIN/IIN (12 digits): weights 1..11 mod 11, second pass 3..11,1,2 (Law "On national registers
  of identification numbers", 2007).
- Russia INN (10 digits for firms, 12 for people): Order of the Federal Tax Service ММВ-7-6/435@, checked
  by python-stdnum through rigour. OGRN (13) / OGRNIP (15): Government decree No. 438 (2002).
- Kyrgyzstan INN/PIN (14 digits): no published check digit; shape and embedded date only.
- LEI (ISO 17442): ISO/IEC 7064 MOD 97-10.
- VAT and other registration numbers: kept by shape (letters and digits), not checked.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from rigour.ids import INN, LEI

SCHEMES: Final = ("inn", "ogrn", "bin", "kg_inn", "lei", "vat", "registration_number")
"""Identifier columns of the ``parties`` table, strongest first."""

CHECKED: Final = frozenset({"inn", "ogrn", "bin", "lei"})
"""Schemes with check digits: a number that fails them is not an identifier of anything."""


def _weighted(weights: tuple[int, ...], digits: str) -> int:
    return sum(w * int(d) for w, d in zip(weights, digits, strict=False))


_KZ_W1: Final = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_KZ_W2: Final = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def kz_check_digit(body: str) -> int | None:
    """The control digit of an 11-digit BIN/IIN body, or None when the number cannot be issued."""
    check = _weighted(_KZ_W1, body) % 11
    if check == 10:
        check = _weighted(_KZ_W2, body) % 11
    return None if check == 10 else check


def valid_kz_bin(s: str) -> bool:
    """A well-formed BIN (5th digit 4/5/6, month 01-12) or IIN (a real birth date, century digit 1-6) with a
    correct control digit."""
    if not re.fullmatch(r"\d{12}", s) or kz_check_digit(s[:11]) != int(s[11]):
        return False
    if s[4] in "456":
        return "01" <= s[2:4] <= "12"
    if s[6] not in "123456":
        return False
    try:
        date(1800 + 100 * ((int(s[6]) - 1) // 2) + int(s[:2]), int(s[2:4]), int(s[4:6]))
    except ValueError:
        return False
    return True


def valid_ru_inn(s: str) -> bool:
    """A 10- or 12-digit INN with correct check digits (python-stdnum through rigour)."""
    return bool(re.fullmatch(r"\d{10}|\d{12}", s)) and INN.is_valid(s)


def valid_ogrn(s: str) -> bool:
    """A 13-digit OGRN (first digit 1 or 5) or 15-digit OGRNIP (first digit 3 or 4) with a correct check digit.

    Not delegated to rigour: rigour 2.6 compares an OGRNIP's check digit with the raw remainder mod 13, so it
    rejects the valid numbers whose remainder is 10, 11 or 12 (the last digit of the remainder is the check)."""
    if re.fullmatch(r"[15]\d{12}", s):
        return int(s[:12]) % 11 % 10 == int(s[12])
    if re.fullmatch(r"[34]\d{14}", s):
        return int(s[:14]) % 13 % 10 == int(s[14])
    return False


def valid_kg_inn(s: str) -> bool:
    """14 digits: type or sex digit (0/1 firm, 1/2 person) and a real date DDMMYYYY."""
    if not re.fullmatch(r"[012]\d{13}", s):
        return False
    try:
        date(int(s[5:9]), int(s[3:5]), int(s[1:3]))
    except ValueError:
        return False
    return True


def valid_lei(s: str) -> bool:
    """20 upper-case alphanumerics ending in two digits whose ISO 7064 MOD 97-10 check holds."""
    return bool(re.fullmatch(r"[0-9A-Z]{18}[0-9]{2}", s)) and LEI.is_valid(s)


_VALIDATORS: Final = {
    "inn": valid_ru_inn,
    "ogrn": valid_ogrn,
    "bin": valid_kz_bin,
    "kg_inn": valid_kg_inn,
    "lei": valid_lei,
}
_DIGITS: Final = frozenset({"inn", "ogrn", "bin", "kg_inn"})


def clean_identifier(scheme: str, text: str | None) -> str | None:
    """An identifier as comparable text (digits only, or upper-case letters and digits), or None when it
    fails its scheme's shape or check digits.

    Examples:
        >>> clean_identifier("inn", " 7707083893 ")
        '7707083893'
        >>> clean_identifier("inn", "7707083890") is None
        True
        >>> clean_identifier("vat", "de 123.456.789")
        'DE123456789'
    """
    if text is None:
        return None
    if scheme in _DIGITS:
        value = re.sub(r"[\s.\-/]", "", text)
        if not value.isdigit():
            return None
    else:
        value = re.sub(r"[^0-9A-Za-z]", "", text).upper()
    if not value:
        return None
    validator = _VALIDATORS.get(scheme)
    return value if validator is None or validator(value) else None
