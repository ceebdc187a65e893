"""Search behaviour for each kind of query people type."""

import pytest

from onewindow.catalog import queries
from onewindow.catalog.search import analyzer, engine

pytestmark = pytest.mark.django_db


def top(query: str, **filters) -> list[str]:
    return [h.document.key for h in queries.search(query, **filters).hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("户口登记", "310000-GA-QR-0001"),  # official words
        ("户口", "310000-GA-QR-0001"),  # part of a name
        ("社保卡", "310000-RS-GG-0001"),  # keyword
        ("护照", "310000-GA-XK-0002"),
    ],
)
def test_chinese_words(catalog, query, expected):
    assert top(query)[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hukou", "310000-GA-QR-0001"),
        ("hu kou", "310000-GA-QR-0001"),
        ("huzhao", "310000-GA-XK-0002"),
        ("yingye zhizhao", "310000-SJ-XK-0001"),
        ("yingyezhizhao", "310000-SJ-XK-0001"),
        ("shebaoka", "310000-RS-GG-0001"),
    ],
)
def test_pinyin(catalog, query, expected):
    assert top(query)[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("hk", "310000-GA-QR-0001"), ("yyzz", "310000-SJ-XK-0001"), ("sbk", "310000-RS-GG-0001")],
)
def test_pinyin_initials(catalog, query, expected):
    assert top(query)[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("passport", "310000-GA-XK-0002"),
        ("business license", "310000-SJ-XK-0001"),
        ("Social Security Card", "310000-RS-GG-0001"),
        ("household registration", "310000-GA-QR-0001"),
    ],
)
def test_english(catalog, query, expected):
    assert top(query)[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pasport", "310000-GA-XK-0002"),
        ("passprot", "310000-GA-XK-0002"),
        ("buisness license", "310000-SJ-XK-0001"),
        ("hukuo", "310000-GA-QR-0001"),
        ("营也执照", "310000-SJ-XK-0001"),
        ("社宝卡", "310000-RS-GG-0001"),
    ],
)
def test_small_typos(catalog, query, expected):
    assert top(query)[0] == expected


def test_a_life_event_is_found_by_its_steps_english_names(catalog):
    """The test event's own English ("Having a baby", "Everything after a birth, at
    once.") never says newborn; two of its steps' English names do. Its index carried
    its steps' Chinese names only, so 新生儿 found it and "newborn" did not (QA)."""
    assert [e.document.key for e in queries.search("新生儿").events] == ["newborn"]
    assert [e.document.key for e in queries.search("newborn").events] == ["newborn"]
    assert [e.document.key for e in queries.search("medical insurance").events] == ["newborn"]


def test_newborn_finds_the_life_event_and_the_birth_certificate_in_the_demo(demo_catalog):
    """The QA's search, suggested by the English home page: it found the household
    registration, the medical insurance and the social security card of a newborn, but
    not the life event "Having a baby" nor the medical birth certificate."""
    result = queries.search("newborn")
    assert [e.document.key for e in result.events][:1] == ["newborn"]
    codes = [h.document.key for h in result.hits]
    assert {"310000-WJ-QR-0001", "310000-GA-QR-0001", "310000-YB-GG-0001"} <= set(codes[:4])
    # The event's and the guide's other English words find them too.
    for query in ("baby", "babies", "having a baby", "birth"):
        assert "newborn" in [e.document.key for e in queries.search(query).events], query
    for query in ("babies", "newborns", "birth certificate"):
        assert "310000-WJ-QR-0001" in top(query)[:4], query


def test_synonyms_expand_everyday_words(catalog):
    result = queries.search("生孩子")
    assert result.expanded == ["出生"]
    assert result.hits[0].document.key == "310000-WJ-QR-0001"
    assert [e.document.key for e in result.events] == ["newborn"]
    assert top("开公司")[0] == "310000-SJ-XK-0001"


@pytest.mark.parametrize("typed", ["bao bao", "BAO BAO", "ＢＡＯ　ＢＡＯ"])
def test_a_synonym_saved_with_capitals_or_full_width_letters_is_found_as_typed(catalog, typed):
    """A term is read as queries are: lower case, half-width (QA: "Passport" → 护照 was
    saved and never matched)."""
    from onewindow.catalog.models import Synonym
    from onewindow.catalog.search import index

    Synonym.objects.create(term="Bao Bao", canonical="出生")
    index.forget()
    assert queries.search(typed).expanded == ["出生"]


def test_relevance_then_popularity(catalog):
    from onewindow.catalog.models import ServiceItem

    # Both newborn items match "新生儿" equally well (in their names); the more used one
    # ranks first. (The birth certificate, with 新生儿 as a keyword phrase, ranks above both.)
    ServiceItem.objects.filter(code="310000-YB-GG-0001").update(popularity=50)
    from onewindow.catalog.search import index

    index.forget()
    tied = [code for code in top("新生儿") if code in {"310000-YB-GG-0001", "310000-GA-QR-0001"}]
    assert tied == ["310000-YB-GG-0001", "310000-GA-QR-0001"]


def test_facets_and_filters(catalog):
    result = queries.search("登记")
    assert result.facets["audience"] == {"person": 2, "company": 1}
    filtered = queries.search("登记", audience="company")
    assert [h.document.key for h in filtered.hits] == ["310000-SJ-XK-0001"]
    # The audience facet still shows both values so the user can switch back.
    assert filtered.facets["audience"] == {"person": 2, "company": 1}
    assert filtered.facets["department"] == {"310000-SJ": 1}
    assert sorted(top("新生儿", level=5)) == ["310000-GA-QR-0001", "310000-YB-GG-0001"]
    assert top("新生儿", topic="household") == ["310000-GA-QR-0001"]


def test_highlight_marks_matches_safely():
    pieces = engine.highlight("新生儿户口登记", ["户口"])
    assert pieces == [("新生儿", False), ("户口", True), ("登记", False)]
    from onewindow.catalog.presenters import highlighted_html

    assert highlighted_html("<b>户口</b>", ["户口"]) == "&lt;b&gt;<mark>户口</mark>&lt;/b&gt;"


def test_nonsense_and_blank_find_nothing(catalog):
    assert queries.search("").total == 0
    assert queries.search("zzzzqqqq").total == 0


def test_publishing_reaches_the_index(catalog):
    from onewindow.catalog import services
    from onewindow.catalog.tests.conftest import ITEMS

    assert top("技能补贴") == []
    services.seed_items(
        rows=[
            {
                **ITEMS[3],
                "code": "310000-RS-GG-0777",
                "name": "职业技能补贴申领",
                "name_en": "Vocational skills subsidy",
                "keywords": "技能补贴",
            }
        ],
        source="test",
    )
    assert top("技能补贴")[0] == "310000-RS-GG-0777"


def test_a_new_names_leading_word_is_found_by_its_pinyin(catalog):
    """The name became one jieba word of its own, whose search cut knew only the parts
    in jieba's dictionary: 养犬 (not in it) was lost, and "yangquan" found other items
    (QA)."""
    from onewindow.catalog import services
    from onewindow.catalog.tests.conftest import ITEMS

    services.seed_items(
        rows=[
            {
                **ITEMS[0],
                "code": "310000-WJ-QT-0099",
                "name": "养犬登记证补领",
                "name_en": "Replacement of a dog registration certificate",
                "keywords": "",
            }
        ],
        source="test",
    )
    for query in ("yangquan", "养犬", "yang quan", "yq"):
        assert top(query)[0] == "310000-WJ-QT-0099", query


def test_analyzer_terms():
    assert analyzer.pinyin("户口") == "hukou"
    assert analyzer.initials("营业执照") == "yyzz"
    assert analyzer.stem("registrations") == "registr"
    # -ies gives its y back when four letters are left: "babies" (in the birth
    # certificate's summary) was "babi", which "baby" did not find.
    assert analyzer.stem("babies") == analyzer.stem("baby") == "baby"
    assert analyzer.stem("cities") == "city" and analyzer.stem("companies") == "company"
    assert analyzer.stem("ties") == "ties" and analyzer.stem("fees") == "fees"
    assert analyzer.stem("establishment") == analyzer.stem("establish") == "establish"
    assert analyzer.stem("payment") == "payment"  # "pay" would be too short a stem


@pytest.mark.parametrize("query", ["establish company", "establish compnay"])
def test_establishing_a_company_finds_the_company_first(demo_catalog, query):
    """QA: the law firm's "licence to establish" ranked above the company's
    "establishment registration", which "establish" did not match, typo or not."""
    assert top(query)[0] == "310000-SJ-XK-0001"
    assert analyzer.normalize("ＨＵＫＯＵ  户口") == "hukou 户口"
