"""Regular-expression rewriting that means the same on every engine.

Back-references in a replacement are written ``\\1`` in DuckDB and ``$1`` in Spark, and Ibis passes the
replacement through as it is: a rewrite with ``re_replace`` and ``\\1`` silently differs between engines.
Group extraction (``re_extract``) is the same everywhere, so rewrites are built from extracted groups.
"""

from __future__ import annotations

import re

import ibis
import ibis.expr.types as ir


def fill(text: ir.StringValue, pattern: str, template: str) -> ir.StringValue:
    """The template with ``\\N`` replaced by group N of the pattern's match in the text ('' when no match)."""
    pieces: list[ir.StringValue] = []
    for index, piece in enumerate(re.split(r"\\([0-9])", template)):
        if index % 2 == 1:
            pieces.append(text.re_extract(pattern, int(piece)))
        elif piece:
            pieces.append(ibis.literal(piece))
    if not pieces:
        return ibis.literal("")
    return pieces[0] if len(pieces) == 1 else ibis.literal("").join(pieces)


def substitute(text: ir.StringValue, pattern: str, template: str) -> ir.StringValue:
    """``re.sub(pattern, template, text, count=1)`` for a pattern that matches the whole text (``^...$``):
    the template filled from the match where the text matches, else the text unchanged."""
    if not (pattern.startswith("^") and pattern.endswith("$")):
        raise ValueError(f"substitute needs a pattern anchored at both ends: {pattern!r}")
    return ibis.ifelse(text.re_search(pattern), fill(text, pattern, template), text)


BLANKS = " \t\n\r"
"""What :func:`strip` removes."""


def strip(text: ir.StringValue) -> ir.StringValue:
    """Text without blanks (spaces, tabs, line breaks) at either end, the same on every engine.

    Ibis compiles ``strip()`` for Spark into ``TRIM(' \\t\\n\\r\\v\\f' FROM x)``, and Spark reads ``\\v``
    and ``\\f`` in a literal as the letters v and f: "family" came out as "amily", "Kyiv" as "Kyi".
    """
    return text.re_replace(f"^[{BLANKS}]+|[{BLANKS}]+$", "")


def has_text(text: ir.StringValue) -> ir.BooleanValue:
    """Whether text holds anything but blanks."""
    return text.re_search(f"[^{BLANKS}]")
