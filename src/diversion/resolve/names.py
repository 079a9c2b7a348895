"""A party's name reduced to what comparison needs: its distinctive words, legal form, patronymic, initials.

``ТОО «Аспан Арба»``, ``TOO ASPAN ARBA`` and ``Aspan Arba LLP`` all give the words ``aspan arba`` and the
legal-form class ``llp``. For people, ``Петров Алексей Викторович`` and ``Petrov A. V.`` give the words
``petrov`` and ``aleksei``/``a`` and ``viktorovich``/``v``: full words, initials and the patronymic are kept
apart, because a different patronymic means a different person while an initial agrees with any name that
starts with its letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from diversion.resolve.legal_forms import split_legal_form, words

PATRONYMIC: Final = re.compile(r"(?:ovich|evich|ich|ovna|evna|ovn|evn|ichna|inichna|uli|ulu|kizi|ogli|ugli)$")
"""Endings of patronymics in skeleton form: Russian -ovich/-ovna, Kazakh -uly/-kyzy, Uzbek -o'g'li/-qizi."""

_INITIAL: Final = re.compile(r"(?<![^\W\d_])[^\W\d_](?![^\W\d_])")
"""A letter standing alone (an initial, with or without its dot)."""

_PATRONYMIC_WORDS: Final = frozenset({"uli", "ulu", "kizi", "ogli", "ugli"})
"""Kazakh, Kyrgyz and Uzbek patronymics may be written as a separate word after the father's name."""


@dataclass(frozen=True)
class NameParts:
    """What comparison uses of one name."""

    tokens: tuple[str, ...]  # distinctive words, skeleton form, in written order
    legal_form: str | None  # class of the legal form (llp, llc, jsc ...) when one is written
    patronymic: str | None  # people: the father's name in the patronymic, skeleton form ("viktor")
    initials: str  # people: single letters written for given names ("a v" -> "av")

    @property
    def key(self) -> str:
        """The words in sorted order: equal keys are equal names up to order, script and legal form."""
        return " ".join(sorted(self.tokens))


@lru_cache(maxsize=1 << 18)
def name_parts(name: str, kind: str = "company") -> NameParts:
    """The comparable parts of a company's or person's name, in any script.

    Examples:
        >>> name_parts("ТОО «Аспан Арба»").key == name_parts("Aspan Arba LLP").key == "arba aspan"
        True
        >>> p = name_parts("Petrov A. V.", "person")
        >>> p.tokens, p.initials, p.patronymic
        (('petrov',), 'av', None)
        >>> name_parts("Петров Алексей Викторович", "person").patronymic
        'viktor'
    """
    tokens, form = split_legal_form(words(name))
    # A firm's name is read as a person's when it is a sole trader's, or has no legal form and carries a
    # patronymic ("Кравченко Галина Юрьевна" in a declaration's importer field).
    person_like = (form is not None and form.form_class == "sole_trader") or (
        form is None and any(PATRONYMIC.search(t) and len(t) > 5 for t in tokens)
    )
    if kind != "person" and not person_like:
        return NameParts(tuple(tokens), form.form_class if form else None, None, "")
    if kind == "person" and form is not None and form.form_class != "sole_trader":
        tokens, form = words(name), None  # "Syzdykova A.S.": initials, not a joint-stock company
    # Initials are single letters as written: "Ю." romanises to two letters, "iu", but is one initial.
    full = list(tokens)
    initials = ""
    for letter in _INITIAL.findall(name):
        romanized = words(letter)
        if romanized and romanized[0] in full:
            full.remove(romanized[0])
            initials += romanized[0][0]
    full = [t for t in full if len(t) > 1]
    patronymic = None
    for index, token in enumerate(full):
        if token in _PATRONYMIC_WORDS and index > 0:
            patronymic = full[index - 1] + token  # "serik uli" -> "serikuli"
            full = full[: index - 1] + full[index + 1 :]
            break
        if PATRONYMIC.search(token) and len(token) > 5:
            patronymic = token
            full = full[:index] + full[index + 1 :]
            break
    stem = _PATRONYMIC_SUFFIX.sub("", patronymic) if patronymic else None
    return NameParts(tuple(full), form.form_class if form else None, stem or patronymic, initials)


_PATRONYMIC_SUFFIX: Final = re.compile(
    r"(?:ovich|evich|ich|ovna|evna|ovn|evn|ichna|inichna|uli|ulu|kizi|ogli|ugli)$"
)
"""Cut from a patronymic to leave the father's name: Серікұлы and Серикович both give "serik"."""
