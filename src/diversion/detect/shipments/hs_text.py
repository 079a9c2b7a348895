"""What a goods description says the goods are: the HS heading its words point to, and the dual-use make and
model it names, read against two shipped references.

- ``hs_vocabulary_ru.csv``: curated Russian (and Kazakh, Kyrgyz, English) stems -> HS 2022 headings, with
  a weight; "беспилотный" points to 8806, "опрыскиватель" to 8424, "части беспилотных" to 8807.
- The HS 2022 nomenclature texts (``hs2022_nomenclature.csv``, English): each heading's words, weighted by
  how few headings use them, so an English description that repeats a heading's own wording supports it.
- ``dual_use_models.csv``: makes and model patterns (DJI Agras, TMS320, STM32, u-blox NEO, Pulsar Thermion)
  with the headings their goods belong to.

Everything is built from the shipped files at first use (no download) and cached. Declaration descriptions
repeat endlessly, so callers classify the distinct (description, brand, model, heading) tuples once
(:func:`classify_goods`: one compiled regular expression per stem and per model rule run over the distinct
texts, the scores summed by a numpy matrix product) and join the answers back to the lines in the engine.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Final

import numpy as np
import pyarrow as pa

from diversion.model.reference import hs2022_descriptions

VOCABULARY_FILE: Final = "hs_vocabulary_ru.csv"
MODELS_FILE: Final = "dual_use_models.csv"
NOMENCLATURE_WEIGHT: Final = 1.5
"""What a perfect match of a heading's own English text counts, against the vocabulary weights (1-3): as
much as a strong hint, less than a settling phrase."""
PURPOSE_WEIGHT: Final = 0.5
"""What a term counts when it only names what the goods serve ("для дронов"): never the goods' own name."""
_PURPOSE: Final = re.compile(r"(?:^|\s)(?:для|for)(?:\s|$)")
_NOISE: Final = re.compile(r"[\W_]+")
_ENGLISH_WORD: Final = re.compile(r"[a-z]{3,}")
_STOP: Final = frozenset(
    ("and", "or", "of", "for", "the", "other", "than", "not", "with", "whether", "nec", "heading", "item",
     "including", "excluding", "incl", "excl", "their", "such", "its", "all", "any", "but", "being", "from",
     "into", "this", "these", "those", "same", "type", "kind")
)  # fmt: skip
_STEM: Final = 6  # English words are compared by their first six letters ("aircraft" ~ "aircra")


def clean(text: str | None) -> str:
    """A description with punctuation as single spaces and ё as е, case kept.

    >>> clean("  Квадрокоптер «DJI Mavic-3»; 2 шт. ")
    'Квадрокоптер DJI Mavic 3 2 шт'
    """
    if text is None:
        return ""
    return _NOISE.sub(" ", text.replace("ё", "е").replace("Ё", "Е")).strip()


def normalise(text: str | None) -> str:
    """The comparison form of a description: :func:`clean` and lower case.

    >>> normalise("ОПРЫСКИВАТЕЛЬ сельскохозяйственный, DJI  Agras-T30")
    'опрыскиватель сельскохозяйственный dji agras t30'
    """
    return clean(text).casefold()


# -- the shipped references ---------------------------------------------------------------------------


def _rows(name: str) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a shipped CSV with their line numbers in the file (comment lines counted)."""
    text = files("diversion.data").joinpath(name).read_text(encoding="utf-8")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO("\n".join(lines[first:])))
    return [(first + reader.line_num, dict(row)) for row in reader]


@dataclass(frozen=True)
class Term:
    """Stems that together point to a heading: every stem must begin a word of the description."""

    stems: tuple[str, ...]
    heading: str
    weight: float
    record: int  # the line in hs_vocabulary_ru.csv


def _stem_pattern(stem: str) -> str:
    """The regular expression of one stem on a normalised text: at a word start, the whole word for "x$"."""
    if stem.endswith("$"):
        return r"(?:^|\s)" + re.escape(stem[:-1]) + r"(?:\s|$)"
    return r"(?:^|\s)" + re.escape(stem)


@lru_cache(maxsize=1)
def vocabulary() -> tuple[Term, ...]:
    """The curated terms, in file order."""
    return tuple(
        Term(tuple(_stem(word) for word in row["terms"].split()), row["heading"], float(row["weight"]), line)
        for line, row in _rows(VOCABULARY_FILE)
    )


def _stem(word: str) -> str:
    """A vocabulary stem in normalised form, its whole-word mark ("$") kept."""
    whole = word.endswith("$")
    return normalise(word.rstrip("$")) + ("$" if whole else "")


@lru_cache(maxsize=1)
def heading_labels() -> dict[str, str]:
    """Plain-English names of headings: the vocabulary's, else the first clause of the nomenclature text
    of the heading's first subheading ("Unmanned aircraft")."""
    labels: dict[str, str] = {}
    for code, text in sorted(hs2022_descriptions().items()):
        labels.setdefault(code[:4], text.split(";")[0].strip())
    for _, row in _rows(VOCABULARY_FILE):
        if row["label"]:
            labels[row["heading"]] = row["label"]
    return labels


_GENERIC: Final = ("appliances", "apparatus", "instruments", "machines", "machinery", "devices", "articles")


@lru_cache(maxsize=1)
def subheading_labels() -> dict[str, str]:
    """What each HS 2022 subheading says its goods are, for prose: the first clause of its nomenclature
    text, or the second when the first only names a class ("Mechanical appliances; agricultural or
    horticultural sprayers; ..." -> "agricultural or horticultural sprayers").

    >>> subheading_labels()["842449"], subheading_labels()["880624"]
    ('agricultural or horticultural sprayers', 'unmanned aircraft')
    """
    labels: dict[str, str] = {}
    for code, text in hs2022_descriptions().items():
        clauses = [c.strip() for c in text.split(";") if c.strip()]
        if len(clauses) > 1 and clauses[0].casefold().endswith(_GENERIC):
            clauses = clauses[1:]
        first = clauses[0] if clauses else text
        labels[code] = first[:1].lower() + first[1:] if first[1:2].islower() else first
    return labels


@lru_cache(maxsize=1)
def headings() -> frozenset[str]:
    """Every HS 2022 heading (four digits) of the shipped nomenclature."""
    return frozenset(code[:4] for code in hs2022_descriptions())


@dataclass(frozen=True)
class ModelRule:
    """A dual-use make and model family and the headings a correct declaration of it may use."""

    brand: str
    brand_pattern: str
    model_pattern: str
    requires: str
    headings: tuple[str, ...]  # the proper heading first
    proper: str
    kind: str
    goods: str
    record: int  # the line in dual_use_models.csv


@lru_cache(maxsize=1)
def model_rules() -> tuple[ModelRule, ...]:
    """The shipped dual-use makes and models, in file order (the first rule a line matches is used)."""
    return tuple(
        ModelRule(
            brand=row["brand"],
            brand_pattern=row["brand_pattern"],
            model_pattern=row["model_pattern"],
            requires=row["requires"],
            headings=tuple(row["headings"].split(";")),
            proper=row["proper"],
            kind=row["kind"],
            goods=row["goods"],
            record=line,
        )
        for line, row in _rows(MODELS_FILE)
    )


@dataclass(frozen=True)
class _Nomenclature:
    postings: dict[str, dict[str, float]]  # stem -> heading -> tf-idf weight
    norms: dict[str, float]  # heading -> length of its vector
    idf: dict[str, float]


def _english_stems(text: str) -> set[str]:
    return {w[:_STEM] for w in _ENGLISH_WORD.findall(text) if w not in _STOP}


@lru_cache(maxsize=1)
def nomenclature() -> _Nomenclature:
    """Each heading as the set of English word stems of its subheadings' texts, weighted by inverse
    document frequency over headings (a word every heading uses says nothing)."""
    words: dict[str, set[str]] = defaultdict(set)
    for code, text in hs2022_descriptions().items():
        words[code[:4]] |= _english_stems(normalise(text))
    frequency: dict[str, int] = defaultdict(int)
    for stems in words.values():
        for stem in stems:
            frequency[stem] += 1
    idf = {stem: math.log(len(words) / count) for stem, count in frequency.items()}
    postings: dict[str, dict[str, float]] = defaultdict(dict)
    norms: dict[str, float] = {}
    for heading, stems in words.items():
        for stem in stems:
            postings[stem][heading] = idf[stem]
        norms[heading] = math.sqrt(sum(idf[s] ** 2 for s in stems)) or 1.0
    return _Nomenclature(dict(postings), norms, idf)


def nomenclature_scores(text: str) -> dict[str, float]:
    """Cosine similarity (0..1) of a normalised English text with each heading's nomenclature words."""
    model = nomenclature()
    stems = [s for s in _english_stems(text) if s in model.postings]
    if not stems:
        return {}
    length = math.sqrt(sum(model.idf[s] ** 2 for s in stems))
    scores: dict[str, float] = defaultdict(float)
    for stem in stems:
        for heading, weight in model.postings[stem].items():
            scores[heading] += weight * model.idf[stem]
    return {h: v / (length * model.norms[h]) for h, v in scores.items()}


# -- classification -----------------------------------------------------------------------------------


def _contains(texts: Sequence[str], pattern: str) -> np.ndarray:
    """Whether each text holds the regular expression (Python's engine: ``\\b`` knows Cyrillic letters)."""
    search = re.compile(pattern).search
    return np.fromiter((search(text) is not None for text in texts), dtype=bool, count=len(texts))


def _term_matrix(texts: Sequence[str]) -> np.ndarray:
    """Which terms (columns, in vocabulary order) each normalised text (rows) holds: one vectorised
    regular-expression pass per distinct stem, then the more specific term wins over a term it contains."""
    terms = vocabulary()
    stems = sorted({s for t in terms for s in t.stems})
    found = {s: _contains(texts, _stem_pattern(s)) for s in stems}
    matched = np.ones((len(texts), len(terms)), dtype=bool)
    for j, term in enumerate(terms):
        for stem in term.stems:
            matched[:, j] &= found[stem]
    kept = matched.copy()
    for j, narrow in enumerate(terms):
        for k, wide in enumerate(terms):
            if set(narrow.stems) < set(wide.stems):
                kept[:, j] &= ~matched[:, k]
    return kept


def head(text: str) -> str:
    """The part of a normalised description that names the goods: before its first "для" / "for" (what
    follows says what they serve: "шины для легковых автомобилей" are tyres, not cars).

    >>> head("части для беспилотных летательных аппаратов")
    'части'
    """
    return _PURPOSE.split(text, maxsplit=1)[0].strip()


def _vocabulary_scores(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Headings (columns) and the summed weight of each text's terms for each; a term found only after
    "для" / "for" counts ``PURPOSE_WEIGHT`` of its weight."""
    terms = vocabulary()
    codes = sorted({t.heading for t in terms})
    weights = np.zeros((len(terms), len(codes)))
    for j, term in enumerate(terms):
        weights[j, codes.index(term.heading)] = term.weight
    whole = _term_matrix(texts)
    named = _term_matrix([head(text) for text in texts])
    served = whole & ~named
    return codes, (named.astype(float) + PURPOSE_WEIGHT * served.astype(float)) @ weights


def heading_scores(description: str | None) -> dict[str, float]:
    """How strongly a description points to each HS 2022 heading (vocabulary weights plus the nomenclature
    similarity times ``NOMENCLATURE_WEIGHT``); headings it says nothing about are left out.

    >>> max(heading_scores("Квадрокоптер DJI Mavic 3").items(), key=lambda kv: kv[1])
    ('8806', 2.0)
    """
    text = normalise(description)
    codes, scores = _vocabulary_scores([text])
    found = {code: float(v) for code, v in zip(codes, scores[0], strict=True) if v > 0}
    for code, similarity in nomenclature_scores(text).items():
        found[code] = found.get(code, 0.0) + NOMENCLATURE_WEIGHT * similarity
    return found


def best_heading(description: str | None) -> str | None:
    """The heading a description's words point to most (ties go to the lower code), or None.

    >>> best_heading("Опрыскиватель садовый ранцевый"), best_heading("unmanned aerial vehicle")
    ('8424', '8806')
    """
    scores = heading_scores(description)
    if not scores:
        return None
    return min(scores, key=lambda code: (-scores[code], code))


@dataclass(frozen=True)
class ModelMatch:
    rule: ModelRule
    named: str  # the make and model as the line writes them, e.g. "DJI Agras T30"
    basis: str  # "brand" (the make and model), "model" (a model only its maker uses) or "context"


def _named(rule: ModelRule, cleaned: str, model: str | None) -> str:
    """How the goods are named in an explanation: the make and the line's model (or the matched words)."""
    found = re.search(rule.model_pattern, cleaned, flags=re.IGNORECASE)
    words = clean(model) if model else (found.group(0) if found else "")
    if words.casefold().startswith(rule.brand.casefold()):
        return words
    return f"{rule.brand} {words}".strip()


def _rule_matrix(texts: Sequence[str]) -> np.ndarray:
    """Which model rules (columns, file order) each normalised text (rows) matches."""
    rules = model_rules()
    out = np.zeros((len(texts), len(rules)), dtype=bool)
    for j, rule in enumerate(rules):
        hit = _contains(texts, rule.model_pattern)
        if rule.brand_pattern:
            hit &= _contains(texts, rule.brand_pattern)
        if rule.requires:
            hit &= _contains(texts, rule.requires)
        out[:, j] = hit
    return out


def _basis(rule: ModelRule) -> str:
    if rule.brand_pattern:
        return "brand"
    return "context" if rule.requires else "model"


def match_model(brand: str | None, model: str | None, description: str | None) -> ModelMatch | None:
    """The first shipped dual-use make and model a line names (in its brand, model or description).

    >>> match_model("DJI", "Agras T30", "Опрыскиватель сельскохозяйственный").named
    'DJI Agras T30'
    """
    cleaned = clean(" ".join(x for x in (brand, model, description) if x))
    hits = _rule_matrix([cleaned.casefold()])[0]
    if not hits.any():
        return None
    rule = model_rules()[int(np.argmax(hits))]
    return ModelMatch(rule, _named(rule, cleaned, model), _basis(rule))


GOODS_SCHEMA: Final = pa.schema(
    {
        "description": pa.string(),
        "brand": pa.string(),
        "model": pa.string(),
        "hs4": pa.string(),
        "model_heading": pa.string(),  # the proper heading of the make and model named, if any
        "model_headings": pa.list_(pa.string()),  # every heading a correct declaration of it may use
        "model_proper": pa.string(),  # e.g. "8542.31"
        "model_goods": pa.string(),  # e.g. "drones"
        "model_named": pa.string(),  # e.g. "DJI Agras T30"
        "model_basis": pa.string(),  # brand | model | context
        "model_record": pa.string(),  # the line of dual_use_models.csv
        "text_heading": pa.string(),  # the heading the words point to most
        "text_score": pa.float64(),
        "declared_score": pa.float64(),  # how strongly the words point to the declared heading (hs4)
        "text_label": pa.string(),  # the text heading's goods in plain English
    }
)


def classify_goods(goods: pa.Table) -> pa.Table:
    """Classify distinct goods: ``description``, ``brand``, ``model`` and the declared ``hs4`` (text, nulls
    allowed) in, the same rows with their make-and-model match and text heading out (``GOODS_SCHEMA``).

    Column-wise over the rows: one regular-expression pass per vocabulary stem and per model rule, term
    and score matrices in numpy; the English nomenclature similarity and the naming of matched models go
    text by text. Callers pass distinct tuples, so the work grows with the vocabulary of the data, not
    with its lines.
    """
    if goods.num_rows == 0:  # a workspace with no declarations after the cut-off
        return GOODS_SCHEMA.empty_table()
    columns = {c: [v or "" for v in goods.column(c).to_pylist()] for c in ("brand", "model", "description")}
    declared: list[str | None] = goods.column("hs4").to_pylist()
    cleaned = [clean(" ".join(parts)) for parts in zip(*columns.values(), strict=True)]
    texts = [text.casefold() for text in cleaned]
    out: dict[str, list[object]] = {c: goods.column(c).to_pylist() for c in ("description", "brand", "model")}
    out["hs4"] = list(declared)
    out.update(_model_columns(cleaned, texts, columns["model"]))
    out.update(_text_columns([normalise(d) for d in columns["description"]], declared))
    return pa.table(out, schema=GOODS_SCHEMA)


def _model_columns(cleaned: list[str], texts: list[str], models: list[str]) -> dict[str, list[object]]:
    rules = model_rules()
    hits = _rule_matrix(texts)
    first = np.where(hits.any(axis=1), hits.argmax(axis=1), -1)
    columns: dict[str, list[object]] = defaultdict(list)
    for i, j in enumerate(first.tolist()):
        rule = rules[j] if j >= 0 else None
        columns["model_heading"].append(rule.headings[0] if rule else None)
        columns["model_headings"].append(list(rule.headings) if rule else None)
        columns["model_proper"].append(rule.proper if rule else None)
        columns["model_goods"].append(rule.goods if rule else None)
        columns["model_named"].append(_named(rule, cleaned[i], models[i]) if rule else None)
        columns["model_basis"].append(_basis(rule) if rule else None)
        columns["model_record"].append(str(rule.record) if rule else None)
    return columns


def _text_columns(texts: list[str], declared: list[str | None]) -> dict[str, list[object]]:
    codes, vocabulary_scores = _vocabulary_scores(texts)
    labels = heading_labels()
    columns: dict[str, list[object]] = defaultdict(list)
    for i, text in enumerate(texts):
        scores = {c: float(v) for c, v in zip(codes, vocabulary_scores[i], strict=True) if v > 0}
        if any("a" <= ch <= "z" for ch in text):  # the nomenclature is English: Cyrillic text skips it
            for code, similarity in nomenclature_scores(text).items():
                scores[code] = scores.get(code, 0.0) + NOMENCLATURE_WEIGHT * similarity
        best = min(scores, key=lambda c: (-scores[c], c)) if scores else None
        columns["text_heading"].append(best)
        columns["text_score"].append(scores[best] if best else 0.0)
        columns["declared_score"].append(scores.get(declared[i] or "", 0.0))
        columns["text_label"].append(labels.get(best) if best else None)
    return columns
