"""Names in any script to one Latin skeleton, so that spellings by different standards compare equal.

Customs declarations, registries and lists write the same Cyrillic name by different romanisation
standards: GOST 7.79 system B (Механика -> Mexanika), BGN/PCGN (Mekhanika), ISO 9 (Nebesnaâ), the
passport standard (Nebesnaia) and, in Kazakhstan, the Latin alphabet of 2021 (қ q, ж j, ш ş). Rather than
guess which standard a spelling used, every name is carried to a *skeleton*: one fixed romanisation of
Cyrillic (Russian, Kazakh, Kyrgyz and Uzbek letters), then rules that fold what the standards write
differently (kh/x/h, zh/ž/j, ya/ia/â, shch/shh/ŝ, ts/cz/c, doubled letters, y/i) to one form. Armenian,
Georgian and Chinese go through ICU's transliteration (``rigour.text.ascii_text``), which is slower and
therefore used only for those scripts.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files
from typing import Final

import yaml
from rigour.text import ascii_text

_CYRILLIC: Final = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "iu", "я": "ia",
    # Kazakh, Kyrgyz and Uzbek letters, as their Russian look-alikes are read
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i", "ў": "o",
    "ҳ": "h", "ј": "j", "ї": "i", "є": "e", "ґ": "g",
}  # fmt: skip
"""One fixed romanisation of Cyrillic (close to the passport standard); the skeleton rules do the rest."""

_LATIN_LETTERS: Final = {
    # letters of romanisation standards that stand for two-letter sounds
    "ž": "zh", "š": "sh", "č": "ch", "ŝ": "shch", "â": "ia", "û": "iu", "ë": "e", "ǧ": "g", "ğ": "g",
    "ş": "sh", "ç": "ch", "ı": "i", "ñ": "n", "ķ": "k", "ġ": "g", "ṇ": "n", "ḥ": "h", "ü": "u", "ö": "o",
    "ä": "a", "ū": "u", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
}  # fmt: skip

_TABLE: Final = str.maketrans({**_CYRILLIC, **_LATIN_LETTERS})

_ICU_SCRIPTS: Final = re.compile(
    r"[\u0530-\u058f\u10a0-\u10ff\u1c90-\u1cbf\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]"
)
"""Armenian, Georgian, kana, CJK ideographs and Hangul: left to ICU."""

_MARKS: Final = re.compile(r"[\u0300-\u036f]")
_APOSTROPHES: Final = re.compile(r"['`’ʼʹʻ″”]")

# Applied in order to lower-case ASCII words: what romanisation standards write differently, made equal.
_SKELETON_RULES: Final = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"shch|shh|sch", "sh"),
        (r"(?<=[aeiou])j(?![aeiou])", "i"),  # й written j (Andrej, Sergej); not the j of zh
        (r"dzh|zh|dj", "j"),
        (r"kh", "h"),
        (r"ks", "x"),
        (r"tch", "ch"),
        (r"ts|tz|cz", "\x00"),  # ц, kept apart from the c of Latin names
        (r"c(?!h)", "k"),
        (r"\x00", "ts"),
        (r"ph", "f"),
        (r"q", "k"),
        (r"gh", "g"),
        (r"w", "v"),
        (r"(?<=[bcdfgklmnprstvz])yo", "e"),  # ё written yo (Solov'yov, Fyodor / Соловьёв, Фёдор)
        (r"y", "i"),
        (r"(?:\b|(?<=[aeiou]))ie(?=[a-z])", "e"),  # BGN's ye for е at the start and after a vowel
        (r"ij\b", "i"),  # -ий written -ij
        (r"(.)\1+", r"\1"),
    )
)


def romanize(text: str) -> str:
    """A name in lower-case Latin letters, whatever its script (diacritics removed, punctuation kept).

    Examples:
        >>> romanize("ТОО «Әлем Бүркіт»")
        'too «alem burkit»'
    """
    return _romanize(text)


@lru_cache(maxsize=1 << 18)
def _romanize(text: str) -> str:
    lowered = unicodedata.normalize("NFKC", text).casefold()
    if _ICU_SCRIPTS.search(lowered):
        lowered = _romanize_cjk(lowered)
    folded = lowered.translate(_TABLE)
    folded = _MARKS.sub("", unicodedata.normalize("NFKD", folded))
    return _APOSTROPHES.sub("", folded)


_HAN: Final = re.compile(r"[\u3400-\u9fff]+")


@cache
def _cjk_terms() -> tuple[re.Pattern[str], dict[str, str]]:
    raw = yaml.safe_load(files("diversion").joinpath("data/cjk_terms.yml").read_text(encoding="utf-8"))
    terms = {str(k): str(v) for group in raw.values() for k, v in group.items()}
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    return pattern, terms


def _romanize_cjk(text: str) -> str:
    """Chinese and Korean names as their firms write them in Latin letters (see data/cjk_terms.yml):
    trade words and legal forms translated, the characters between them romanised and written together;
    Armenian and Georgian through ICU as they are."""
    pattern, terms = _cjk_terms()
    marked = pattern.sub(lambda m: f" {terms[m.group(0)]} ", text)
    joined = _HAN.sub(lambda m: " " + _han_latin(m.group(0)) + " ", marked)
    # Word by word: ICU's transliteration costs about 0.4 ms per Armenian or Georgian name, and the
    # words of names recur (ten million declarations: 35k such names, 14 s whole, a fraction by word).
    return " ".join(_ascii_word(word) for word in joined.split(" ")).lower()


@lru_cache(maxsize=1 << 16)
def _han_latin(characters: str) -> str:
    """A run of Chinese characters in pinyin, written together (a run, not each character: 重庆 is
    Chongqing, though 重 alone reads zhong)."""
    return ascii_text(characters).replace(" ", "")


@lru_cache(maxsize=1 << 16)
def _ascii_word(word: str) -> str:
    return ascii_text(word)


@lru_cache(maxsize=1 << 18)
def skeleton(word: str) -> str:
    """The skeleton of one romanised word: spellings of one name by different standards come out equal.

    Examples:
        >>> [skeleton(w) for w in ("mekhanika", "mehanika", "yekaterina", "ekaterina")]
        ['mehanika', 'mehanika', 'ekaterina', 'ekaterina']
        >>> skeleton("nebesnaya") == skeleton("nebesnaia")
        True
    """
    text = word
    for pattern, replacement in _SKELETON_RULES:
        text = pattern.sub(replacement, text)
    return text
