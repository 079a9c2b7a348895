"""HS codes as text: normalised the same way in Python and in the engine.

Spreadsheets and exports mangle codes: ``8542.31``, ``8542 31``, ``8542310000.0``, ``'0101210000``, or a
lost leading zero (``10121`` for ``010121``). A normalised code is 2, 4, 6, 8 or 10 digits; the HS-6 is its
first six digits. ``TOTAL`` stands for "all goods" in national statistics tables.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

import ibis
import ibis.expr.types as ir

from diversion.model.regex import substitute

TOTAL: Final = "TOTAL"
"""The product code of flows that cover all goods."""

HS2022_START: Final = date(2022, 1, 1)
"""HS 2022 came into force on 1 January 2022: heading 8806 (drones) exists only from here."""

_TOTAL_WORDS: Final = frozenset({"total", "all", "ag", "all goods", "total goods", "всего", "ta"})
# Float artefacts of a spreadsheet (8542310000.0): only codes of 5+ digits, so "8542.00" stays a heading.
_FLOAT_ARTEFACT: Final = r"^([0-9]{5,})\.0+$"
# Separators people put inside codes: spaces (incl. no-break), dots, dashes, apostrophes, quotes.
_SEPARATORS: Final = "[ \t\u00a0.\\-'\"]"


def normalize_hs(raw: str | None) -> str | None:
    """Return the normalised code (2-10 digits, even length) or ``TOTAL``, or None when unreadable.

    >>> normalize_hs("8542.31"), normalize_hs("8542310000.0"), normalize_hs("10121")
    ('854231', '8542310000', '010121')
    """
    if raw is None:
        return None
    text = raw.strip()
    if text.lower() in _TOTAL_WORDS:
        return TOTAL
    text = re.sub(_FLOAT_ARTEFACT, r"\1", text)
    text = re.sub(_SEPARATORS, "", text)
    if not re.fullmatch(r"[0-9]{1,10}", text):
        return None
    if len(text) % 2 == 1:
        text = "0" + text
    if len(text) > 10 or text[:2] == "00":
        return None
    return text


def hs6(code: str | None) -> str | None:
    """The HS-6 (or shorter heading) of a normalised code."""
    if code is None or code == TOTAL:
        return code
    return code[:6]


def normalize_hs_expr(raw: ir.StringValue, *, cleaned: bool = False) -> ir.StringValue:
    """The engine form of :func:`normalize_hs`: the same rules as one column expression.

    ``cleaned`` says the text is already trimmed (the trim is then not repeated in every branch).
    """
    raw = raw if cleaned else raw.strip()
    text = raw
    # A regular expression rather than isin: DuckDB turns constant lists into a join per column.
    plain = text.re_search(r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{8}|[0-9]{10})$") & (
        text.substr(0, 2) != "00"
    )
    is_total = text.lower().re_search("^(?:" + "|".join(re.escape(w) for w in sorted(_TOTAL_WORDS)) + ")$")
    text = substitute(text, _FLOAT_ARTEFACT, r"\1")
    text = text.re_replace(_SEPARATORS, "")
    text = ibis.ifelse(text.length() % 2 == 1, ibis.literal("0") + text, text)
    digits_ok = text.re_search(r"^[0-9]{2,10}$") & (text.substr(0, 2) != "00")
    # Well-formed codes (nearly all) skip the rewriting.
    return ibis.cases(
        (plain, raw), (is_total, ibis.literal(TOTAL)), (digits_ok, text), else_=ibis.null("string")
    )


def hs6_expr(code: ir.StringValue) -> ir.StringValue:
    """The engine form of :func:`hs6`."""
    return ibis.ifelse(code == TOTAL, code, code.substr(0, 6))


def hs_version_for(day: date) -> str:
    """The HS edition in force on a day (for sources that do not say)."""
    return "HS2022" if day >= HS2022_START else "HS2017"
