"""Text encodings of input files: detected from the bytes, reported in the manifest.

Cyrillic exports come as Windows-1251; UN Comtrade's legacy files are UTF-8 with stray Latin-1 bytes in
partner names ("C\\xf4te d'Ivoire"). ``utf-8-mixed`` reads UTF-8 and takes any byte that is not valid UTF-8
as Windows-1252, so one bad byte never loses a row.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Final

SAMPLE_BYTES: Final = 4 << 20
"""Bytes looked at to decide an encoding (a whole small file, the head of a large one)."""

MIXED: Final = "utf-8-mixed"
_ERRORS: Final = "diversion-cp1252"


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error(_ERRORS, _cp1252_fallback)


class _MixedIncrementalDecoder(codecs.BufferedIncrementalDecoder):
    def _buffer_decode(self, data: bytes, errors: str, final: bool) -> tuple[str, int]:  # type: ignore[override]
        return codecs.utf_8_decode(data, _ERRORS, final)


def _search(name: str) -> codecs.CodecInfo | None:
    if name.replace("_", "-") != MIXED:
        return None
    return codecs.CodecInfo(
        name=MIXED,
        encode=codecs.utf_8_encode,
        decode=lambda data, errors="strict": codecs.utf_8_decode(data, _ERRORS, True),
        incrementaldecoder=_MixedIncrementalDecoder,
    )


codecs.register(_search)


def detect_encoding(path: Path) -> str:
    """The encoding of a text file: utf-8, utf-8-sig, utf-16, utf-8-mixed or cp1251."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    return detect_bytes_encoding(sample, complete=len(sample) < SAMPLE_BYTES)


def detect_bytes_encoding(sample: bytes, *, complete: bool = True) -> str:
    """The encoding of some bytes; ``complete`` is False when they are the head of a longer file."""
    if sample.startswith(codecs.BOM_UTF8):
        body = sample[len(codecs.BOM_UTF8) :]
        return "utf-8-sig" if _is_utf8(body, complete) else MIXED
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _is_utf8(sample, complete):
        return "utf-8"
    # Not UTF-8. Windows-1251 Cyrillic reads as runs of lower-case Cyrillic letters; anything else is read
    # as UTF-8 with single stray bytes taken as Windows-1252 (which also reads plain Latin-1 files right).
    as_utf8 = sample.decode("utf-8", errors="replace")
    invalid = as_utf8.count("\ufffd")
    valid_multibyte = sum(1 for ch in as_utf8 if ch >= "\x80") - invalid
    if valid_multibyte < invalid and _looks_cyrillic(sample):
        return "cp1251"
    return MIXED


def _is_utf8(data: bytes, complete: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _looks_cyrillic(sample: bytes) -> bool:
    """Windows-1251 text has words of Cyrillic letters; Latin-1 text read as 1251 has isolated ones."""
    text = sample.decode("cp1251", errors="replace")
    cyrillic = [i for i, ch in enumerate(text) if "\u0400" <= ch <= "\u04ff"]
    if not cyrillic:
        return False
    positions = set(cyrillic)
    in_words = sum(1 for i in cyrillic if i - 1 in positions or i + 1 in positions)
    return in_words >= 0.8 * len(cyrillic)


def open_text(path: Path, encoding: str) -> codecs.StreamReaderWriter:
    """Open a file as text in a detected encoding (never raising on a stray byte for utf-8-mixed)."""
    return codecs.open(str(path), "r", encoding=encoding)
