"""The source documents, read once and normalised for quote matching.

The documents are text extracted from PDFs: words are hyphenated across line breaks
and whitespace is ragged. A quote matches when it occurs in the document after both are
normalised. Because a hyphen at a line end may be a real one ("EU-\\nfinansieret") or a
break inside a word ("inter-\\nnationale"), the document is kept in two forms: one with
such hyphens removed and one with them kept, and a quote may match either.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

# The year each document was written (its README): a source can attest nothing later, and
# a start equal to it is usually the year a fact was mentioned, not when it began.
DOCUMENT_YEARS: dict[str, int] = {
    "000_17e9b85cf08b5eaf.txt": 2018,
    "001_3b35fb4e06c945e1.txt": 2018,
    "002_c97694549e644e20.txt": 2008,
    "003_189672a08f1786b6.txt": 2006,
    "004_96b5aa99e3bf660b.txt": 2009,
}

_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\r?\n\s*(\w)")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Collapse whitespace and unify typographic variants, as for comparison."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00ad", "")  # soft hyphens
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return _SPACE.sub(" ", text).strip()


def _forms(text: str) -> tuple[str, ...]:
    joined = _HYPHEN_BREAK.sub(r"\1\2", text)
    kept = _HYPHEN_BREAK.sub(r"\1-\2", text)
    return (normalise(joined), normalise(kept), normalise(text))


@dataclass
class Document:
    """One source document, with its normalised forms for matching quotes."""

    name: str
    path: Path

    @cached_property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @cached_property
    def forms(self) -> tuple[str, ...]:
        return _forms(self.text)

    def contains(self, quote: str) -> bool:
        """Whether `quote` occurs verbatim, modulo hyphenation and whitespace."""
        candidates = {normalise(quote), *_forms(quote)}
        return any(q and q in form for q in candidates for form in self.forms)


@dataclass
class Corpus:
    """The folder of source documents, by file name."""

    folder: Path
    _docs: dict[str, Document] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.folder.is_dir()

    def get(self, name: str) -> Document | None:
        """The document named `name`, or None if the corpus has no such file."""
        if name not in self._docs:
            path = self.folder / name
            if "/" in name or not path.is_file():
                return None
            self._docs[name] = Document(name, path)
        return self._docs[name]
