"""An in-memory inverted index over the published catalog.

Search runs in Python over this index rather than in SQL, so SQLite and PostgreSQL
give the same results. Each process builds the index on first use and rebuilds it
when the catalog revision moves (one indexed read per search to check).
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from onewindow.catalog.search import analyzer

# How much a term found in a field counts, by field and kind of term.
FIELD_WEIGHTS: dict[str, dict[str, float]] = {
    "name": {"word": 10, "bigram": 4, "pinyin": 6, "initials": 5, "english": 0},
    "keywords": {"word": 6, "bigram": 2, "pinyin": 4, "initials": 3, "english": 4},
    "name_en": {"english": 8},
    "context": {"word": 2, "bigram": 0.5, "pinyin": 1, "initials": 0.5, "english": 1.5},
    "summary": {"word": 1.5, "bigram": 0.3, "english": 1},
}


PHRASE_WEIGHT = 12.0


@dataclass
class Document:
    kind: str  # "item" or "event"
    key: str  # item code or event code
    name: str
    name_en: str
    popularity: int = 0
    facets: dict[str, object] = field(default_factory=dict)
    payload: dict[str, object] = field(default_factory=dict)
    name_pinyin: str = ""
    name_initials: str = ""


@dataclass
class SourceText:
    """The texts of one document, by field."""

    name: str = ""
    name_en: str = ""
    keywords: str = ""
    context: str = ""
    summary: str = ""


class SearchIndex:
    def __init__(self) -> None:
        self.documents: list[Document] = []
        self.postings: dict[str, dict[int, float]] = defaultdict(dict)
        self.idf: dict[str, float] = {}
        # Latin vocabulary by one-character deletions, for typo tolerance.
        self.deletions: dict[str, set[str]] = defaultdict(set)
        self.synonyms: list[tuple[str, str]] = []

    def add(self, document: Document, text: SourceText) -> None:
        doc_id = len(self.documents)
        self.documents.append(document)
        document.name_pinyin = analyzer.pinyin(text.name)
        document.name_initials = analyzer.initials(text.name)
        # Keywords are the everyday phrases admins chose: an exact phrase match counts most.
        for phrase in analyzer.normalize(text.keywords).split():
            self.postings[f"k:{phrase}"][doc_id] = PHRASE_WEIGHT
        for field_name, weights in FIELD_WEIGHTS.items():
            value = analyzer.normalize(getattr(text, field_name))
            if not value:
                continue
            terms = {**analyzer.han_terms(value), **analyzer.english_terms(value)}
            for term, kind in terms.items():
                weight = weights.get(kind, 0)
                if weight:
                    posting = self.postings[term]
                    posting[doc_id] = posting.get(doc_id, 0) + weight

    def finish(self, synonyms: list[tuple[str, str]]) -> None:
        total = max(len(self.documents), 1)
        self.idf = {term: math.log(1 + total / len(p)) for term, p in self.postings.items()}
        for term in self.postings:
            if term[:2] in ("e:", "p:") and len(term) >= 6:
                word = term[2:]
                for i in range(len(word)):
                    self.deletions[word[:i] + word[i + 1 :]].add(term)
        self.synonyms = sorted(synonyms, key=lambda pair: -len(pair[0]))

    def near_terms(self, word: str) -> set[str]:
        """Latin vocabulary terms one edit (deletion, insertion, substitution or
        transposition) away from ``word``."""
        found = set(self.deletions.get(word, ()))
        for i in range(len(word)):
            shorter = word[:i] + word[i + 1 :]
            found |= {
                f"{prefix}{shorter}"
                for prefix in ("e:", "p:")
                if f"{prefix}{shorter}" in self.postings
            }
            found |= self.deletions.get(shorter, set())
        return found


_lock = threading.Lock()
_cache: dict[str, object] = {"revision": None, "index": None}


def cached_index(revision: int, build: object) -> SearchIndex:
    """The index for ``revision``, built by ``build()`` when the revision moved."""
    with _lock:
        if _cache["revision"] != revision or _cache["index"] is None:
            _cache["index"] = build()  # type: ignore[operator]
            _cache["revision"] = revision
        return _cache["index"]  # type: ignore[return-value]


def forget() -> None:
    with _lock:
        _cache["revision"] = None
        _cache["index"] = None
