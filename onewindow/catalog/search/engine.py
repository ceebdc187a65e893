"""Answering a query from the index: expand synonyms, match terms, tolerate typos,
rank by relevance then popularity, count facets and mark what matched."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from onewindow.catalog.search import analyzer
from onewindow.catalog.search.index import Document, SearchIndex

# How much a query term counts, by its prefix and by where it came from.
HAN_QUERY_WEIGHTS = {"w:": 1.0, "b:": 0.5, "p:": 0.35, "i:": 0.15}
LATIN_QUERY_WEIGHTS = {"e:": 1.0, "p:": 1.0, "i:": 0.7}
TYPO_PENALTY = 0.6
FACETS = ("department", "audience", "topic", "online_level")


@dataclass
class Filters:
    audience: str = ""
    department: str = ""
    topic: str = ""
    online_level: int | None = None

    def accepts(self, document: Document, skip: str = "") -> bool:
        facets = document.facets
        if self.audience and skip != "audience" and facets.get("audience") != self.audience:
            return False
        if (
            self.department
            and skip != "department"
            and (facets.get("department") != self.department)
        ):
            return False
        if self.topic and skip != "topic" and self.topic not in facets.get("topic", ()):  # type: ignore[operator]
            return False
        return not (
            self.online_level
            and skip != "online_level"
            and facets.get("online_level") != self.online_level
        )


@dataclass
class Hit:
    document: Document
    score: float
    matched: list[str]


@dataclass
class Result:
    hits: list[Hit]
    events: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    expanded: list[str] = field(default_factory=list)


@dataclass
class _Unit:
    """One thing the user typed: a Chinese word or a latin word, with its terms."""

    text: str
    terms: dict[str, float]


def expand_synonyms(query: str, index: SearchIndex) -> tuple[str, list[str]]:
    expanded, used = query, []
    for term, canonical in index.synonyms:
        if term in query and canonical not in expanded:
            expanded += " " + canonical
            used.append(canonical)
    return expanded, used


def _units(query: str, index: SearchIndex) -> list[_Unit]:
    units: list[_Unit] = []
    for run in analyzer.HAN.findall(query):
        pieces = analyzer.han_words(run)
        words = [w for w in pieces if len(w) >= 2 or len(run) == 1]
        # Keep the longest words: jieba's search mode also yields their parts.
        for word in words or [run]:
            if any(word != other and word in other for other in words):
                continue
            terms = {
                f"w:{word}": 1.0,
                f"p:{analyzer.pinyin(word)}": HAN_QUERY_WEIGHTS["p:"],
                f"i:{analyzer.initials(word)}": HAN_QUERY_WEIGHTS["i:"],
            }
            for gram in analyzer.bigrams(word):
                terms.setdefault(f"b:{gram}", HAN_QUERY_WEIGHTS["b:"])
            terms[f"k:{run}"] = 1.0  # the whole run as an admin keyword phrase
            units.append(_Unit(word, terms))
        if len(run) > 2 and any(len(piece) == 1 for piece in pieces):
            # jieba left single characters (an unknown phrase or a typo, 驾使证 → 驾|使证):
            # match the run by its bigrams and their sounds, so 驾使 finds 驾驶 (jiashi).
            terms = {}
            for gram in analyzer.bigrams(run):
                terms[f"b:{gram}"] = HAN_QUERY_WEIGHTS["b:"]
                terms.setdefault(f"p:{analyzer.pinyin(gram)}", HAN_QUERY_WEIGHTS["p:"])
            units.append(_Unit(run, terms))
    for word in analyzer.latin_words(query):
        terms = {f"e:{analyzer.stem(word)}": LATIN_QUERY_WEIGHTS["e:"]}
        if len(word) >= 2:
            terms[f"p:{word}"] = LATIN_QUERY_WEIGHTS["p:"]
            terms[f"i:{word}"] = LATIN_QUERY_WEIGHTS["i:"]
        if not any(t in index.postings for t in terms) and len(word) >= 4:
            for near in index.near_terms(analyzer.stem(word)) | index.near_terms(word):
                terms.setdefault(near, TYPO_PENALTY)
        units.append(_Unit(word, terms))
    return units


def _score(units: list[_Unit], index: SearchIndex) -> tuple[dict[int, float], dict[int, set[int]]]:
    scores: dict[int, float] = defaultdict(float)
    covered: dict[int, set[int]] = defaultdict(set)
    for position, unit in enumerate(units):
        found = False
        for term, weight in unit.terms.items():
            posting = index.postings.get(term)
            if not posting:
                continue
            found = True
            idf = index.idf[term]
            for doc_id, doc_weight in posting.items():
                scores[doc_id] += weight * idf * doc_weight
                covered[doc_id].add(position)
        if not found and analyzer.LATIN.fullmatch(unit.text) and len(unit.text) >= 3:
            # "yingyezhizhao", "yyzz": pinyin or initials typed without spaces.
            for doc_id, document in enumerate(index.documents):
                if unit.text in document.name_pinyin or unit.text in document.name_initials:
                    scores[doc_id] += 6.0 * len(unit.text) / max(len(document.name_pinyin), 1) + 4
                    covered[doc_id].add(position)
    return scores, covered


def search(
    index: SearchIndex,
    query: str,
    *,
    filters: Filters | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Result:
    filters = filters or Filters()
    normalized = analyzer.normalize(query)
    if not normalized:
        return Result(hits=[], events=[], total=0)
    _expanded, used = expand_synonyms(normalized, index)
    # What was typed comes first, then what synonyms added: coverage counts the typed units
    # only (positions below ``typed``), whatever mix of Chinese and Latin they are.
    typed_units = _units(normalized, index)
    units = typed_units + (_units(" ".join(used), index) if used else [])
    typed = len(typed_units) or 1
    scores, covered = _score(units, index)
    ranked: list[Hit] = []
    for doc_id, score in scores.items():
        # Documents matching more of what was typed rank above those matching one word.
        coverage = len([p for p in covered[doc_id] if p < typed]) / typed
        final = score * (0.4 + coverage) ** 2
        matched = [units[p].text for p in sorted(covered[doc_id])]
        ranked.append(Hit(index.documents[doc_id], final, matched))
    ranked.sort(key=lambda h: (-h.score, -h.document.popularity, h.document.key))
    if ranked:
        # Drop the long tail of one-bigram matches far below the best answer.
        floor = ranked[0].score * 0.04
        ranked = [h for h in ranked if h.score >= floor]
    items = [h for h in ranked if h.document.kind == "item"]
    events = [h for h in ranked if h.document.kind == "event"][:3]
    kept = [h for h in items if filters.accepts(h.document)]
    return Result(
        hits=kept[offset : offset + limit],
        events=events,
        total=len(kept),
        facets=_facets(items, filters),
        expanded=used,
    )


def _facets(items: list[Hit], filters: Filters) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {name: defaultdict(int) for name in FACETS}
    for hit in items:
        facets = hit.document.facets
        for name in FACETS:
            if not filters.accepts(hit.document, skip=name):
                continue
            values = facets.get(name)
            for value in values if isinstance(values, list | tuple) else [values]:
                counts[name][str(value)] += 1
    return {name: dict(sorted(c.items(), key=lambda kv: -kv[1])) for name, c in counts.items()}


def highlight(text: str, matched: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (segment, is_match) pieces for safe rendering with <mark>."""
    needles = sorted({m for m in matched if m and m.lower() in text.lower()}, key=len, reverse=True)
    if not needles:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in pattern.finditer(text):
        if match.start() > last:
            pieces.append((text[last : match.start()], False))
        pieces.append((match.group(0), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces
