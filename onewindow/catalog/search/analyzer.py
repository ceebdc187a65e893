"""Turning text into search terms, the same way for documents and queries.

A Chinese phrase yields its jieba words, its character bigrams (partial matches and
one-character typos), each word's toneless pinyin ("hukou") and pinyin initials
("hk"). Latin text yields lower-case words with a light English stemming; a latin
query word is also looked up as pinyin and as initials, so "hukou", "hk" and
"household" all reach 户口.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jieba

HAN = re.compile(r"[\u3400-\u9fff]+")
LATIN = re.compile(r"[a-z0-9]+")
# Words whose splitting by jieba's general dictionary would hurt government searches.
GOVERNMENT_TERMS = (
    "一网通办",
    "一件事",
    "营业执照",
    "社保卡",
    "社会保障卡",
    "公积金",
    "住房公积金",
    "居住证",
    "户口",
    "落户",
    "居转户",
    "出生医学证明",
    "医保",
    "养老金",
    "退休金",
    "失业金",
    "港澳通行证",
    "驾驶证",
    "行驶证",
    "不动产",
    "不动产登记",
    "契税",
    "个税",
    "个人所得税",
    "增值税",
    "发票",
    "清税",
    "注销",
    "公章",
    "刻章",
    "排污许可",
    "施工许可",
    "食品经营许可",
    "结婚登记",
    "离婚登记",
    "丧葬补助",
    "抚恤金",
    "预防接种",
    "工作许可",
    "市场监管",
    "生育津贴",
)
STOP_WORDS = frozenset(
    {
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "怎么",
        "如何",
        "怎样",
        "办理",
        "申请",
        "我",
        "要",
        "想",
        "在",
        "哪里",
        "去",
        "办",
        "吗",
        "呢",
        "a",
        "an",
        "the",
        "of",
        "for",
        "to",
        "and",
        "in",
        "on",
        "my",
        "how",
        "do",
        "i",
        "apply",
        "application",
        "get",
    }
)
_ready = threading.Lock()
_initialized = False
# A name added to jieba as one word → the words jieba cut it into before (``initialize``).
_PARTS: dict[str, tuple[str, ...]] = {}
logger = logging.getLogger("onewindow.catalog")


def initialize(cache_dir: Path | None = None, extra_words: Iterable[str] = ()) -> None:
    """Load jieba once per process (about 0.7 s) with the government dictionary."""
    global _initialized
    with _ready:
        if not _initialized:
            jieba.setLogLevel(logging.WARNING)
            if cache_dir is not None:
                jieba.dt.tmp_dir = str(cache_dir)
            jieba.initialize()
            for word in GOVERNMENT_TERMS:
                jieba.add_word(word, freq=200000)
            _initialized = True
    added = [w for w in extra_words if HAN.fullmatch(w) and 2 <= len(w) <= 8]
    # Each name's words as jieba cuts it before the name is a word of its own: then
    # ``cut_for_search`` yields only the parts its dictionary knows, and "养犬登记证补领"
    # lost 养犬 (and a search for "yangquan" found nothing).
    for word in added:
        if word not in _PARTS:
            _PARTS[word] = tuple(p for p in jieba.lcut(word) if len(p) >= 2 and p != word)
    for word in added:
        jieba.add_word(word, freq=50000)


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, one space between runs."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def stem(word: str) -> str:
    """A light English stemmer: enough for registration/registrations, licence/license,
    baby/babies, establishment/establish. A stem keeps at least four letters, counting
    the y that -ies gives back: "babies" is "baby" (it was "babi", and "baby" did not
    find it), "ties" stays. (QA: "establish company" ranked the law firm's "licence to
    establish" above the company's "establishment", which it did not match.)"""
    word = word.replace("licence", "license")
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "es", "s"):
        if word.endswith(suffix):
            stemmed = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            if len(stemmed) >= 4:
                return stemmed
    return word


def han_words(text: str) -> list[str]:
    words: list[str] = []
    for run in HAN.findall(text):
        for word in jieba.cut_for_search(run):
            if word not in STOP_WORDS:
                words.append(word)
                words.extend(_PARTS.get(word, ()))
    return words


def bigrams(text: str) -> list[str]:
    grams: list[str] = []
    for run in HAN.findall(text):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
        if len(run) == 1:
            grams.append(run)
    return grams


# Words repeat across a catalog; pypinyin is the cost of building an index, so remember.
# It is imported here, at the first word, not with this module: loading its dictionaries
# takes about 0.3 s, which every process would pay at start (the catalog's app imports
# this module), the many that never index or search included: workers, manage.py.
@functools.lru_cache(maxsize=200_000)
def pinyin(word: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word, errors="ignore"))


@functools.lru_cache(maxsize=200_000)
def initials(word: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(p[0] for p in lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore") if p)


def latin_words(text: str) -> list[str]:
    return [w for w in LATIN.findall(text) if w not in STOP_WORDS]


def han_terms(text: str) -> dict[str, str]:
    """Terms of a Chinese text, each with its kind: word, bigram, pinyin, initials."""
    terms: dict[str, str] = {}
    for gram in bigrams(text):
        terms.setdefault(f"b:{gram}", "bigram")
    for word in han_words(text):
        terms[f"w:{word}"] = "word"
        if len(word) >= 2:
            terms.setdefault(f"p:{pinyin(word)}", "pinyin")
            terms.setdefault(f"i:{initials(word)}", "initials")
    return terms


def english_terms(text: str) -> dict[str, str]:
    return {f"e:{stem(w)}": "english" for w in latin_words(text)}
