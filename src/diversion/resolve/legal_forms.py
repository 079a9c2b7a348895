"""Legal forms of companies (ТОО, ЖШС, LLP, ОсОО, ООО, АО, ПАО, GmbH, 有限公司 ...): found, removed, classed.

The table is ``data/legal_forms.yml`` (its header gives sources and fields). A form is recognised as whole
words at the start or the end of a name, after romanisation and the skeleton of :mod:`.translit`, so
"Товарищество с ограниченной ответственностью", "TOO" and "ЖШС" all land in the class ``llp``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Final

import yaml

from diversion.resolve.translit import romanize, skeleton

_WORD: Final = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The skeleton words of a name in any script (punctuation and quotes dropped), English business words
    borrowed by other scripts written as in English and common phrases as their abbreviation
    (``data/loanwords.yml``)."""
    loans, phrases = _loanwords()
    found = [loans.get(word, word) for word in _skeleton_words(text)]
    found = [w for i, w in enumerate(found) if i == 0 or w != found[i - 1]]  # 仪器仪表: instruments, once
    if len(found) < 2:
        return found
    result: list[str] = []
    index = 0
    while index < len(found):
        # only the phrases that start with this word, longest first: a name has few words, the table many
        for phrase, short in phrases.get(found[index], ()):
            if tuple(found[index : index + len(phrase)]) == phrase:
                result.append(short)
                index += len(phrase)
                break
        else:
            result.append(found[index])
            index += 1
    return result


def _skeleton_words(text: str) -> list[str]:
    return [skeleton(w) for w in _WORD.findall(romanize(text))]


@cache
def _loanwords() -> tuple[dict[str, str], dict[str, list[tuple[tuple[str, ...], str]]]]:
    """Loanwords (spelling -> English word) and phrases by their first word (longest phrase first)."""
    raw = yaml.safe_load(files("diversion").joinpath("data/loanwords.yml").read_text(encoding="utf-8"))
    phrases = [
        (tuple(_skeleton_words(str(spelling))), str(short))
        for short, spellings in raw.pop("phrases", {}).items()
        for spelling in spellings
    ]
    found: dict[str, str] = {}
    for english, spellings in raw.items():
        target = "".join(_skeleton_words(str(english)))
        for spelling in [english, *spellings]:
            for word in _skeleton_words(str(spelling)):
                found.setdefault(word, target)
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, short in sorted(phrases, key=lambda p: -len(p[0])):
        if phrase:
            by_first.setdefault(phrase[0], []).append((phrase, short))
    return found, by_first


@dataclass(frozen=True)
class LegalForm:
    """One legal form: its class (``llp``, ``llc``, ``jsc`` ...) and how it is shown."""

    form_class: str
    display: str


@cache
def _table() -> tuple[dict[tuple[str, ...], LegalForm], int]:
    raw = yaml.safe_load(files("diversion").joinpath("data/legal_forms.yml").read_text(encoding="utf-8"))
    table: dict[tuple[str, ...], LegalForm] = {}
    for entry in raw:
        form = LegalForm(str(entry["class"]), str(entry["display"]))
        for variant in entry["variants"]:
            key = tuple(words(str(variant)))
            if key:
                table.setdefault(key, form)
    return table, max(len(key) for key in table)


def split_legal_form(tokens: list[str]) -> tuple[list[str], LegalForm | None]:
    """The words of a name without its legal form(s) at either end, and the first form found.

    A name made of a legal form alone keeps its words (there would be nothing left to compare).

    Examples:
        >>> split_legal_form(words("ТОО «Аспан Арба»"))
        (['aspan', 'arba'], LegalForm(form_class='llp', display='ТОО'))
        >>> split_legal_form(words("Aspan Arba LLP"))[1].form_class
        'llp'
    """
    table, longest = _table()
    found: LegalForm | None = None
    rest = list(tokens)
    # Forms are stripped from each end while they are of the first form's class ("LLC (OOO)"); a form of
    # another class is more likely a word of the name (Ак-Суу, not АҚ).
    for at_start in (True, False):
        stripped = True
        while stripped and len(rest) > 1:
            stripped = False
            for size in range(min(longest, len(rest) - 1), 0, -1):
                edge = tuple(rest[:size]) if at_start else tuple(rest[-size:])
                form = table.get(edge)
                if form is not None and (found is None or form.form_class == found.form_class):
                    found = found or form
                    rest = rest[size:] if at_start else rest[:-size]
                    stripped = True
                    break
    return (rest, found) if rest else (list(tokens), found)
