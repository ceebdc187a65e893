"""The demo catalog content (``catalog/demo_content/*.json``) is complete and consistent.

The same JSON format is the catalog's import and export format, so these checks are also
the rules an imported file must satisfy. They read the files only: no database.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from onewindow.cases.demo import BINDINGS
from onewindow.catalog.choices import (
    MAX_VISITS_CHOICES,
    Audience,
    Channel,
    ItemKind,
    MaterialForm,
    MaterialSource,
    OnlineLevel,
)
from onewindow.catalog.models import ITEM_CODE_PATTERN
from onewindow.identity.demo_data import DEPARTMENTS

CONTENT = Path(__file__).resolve().parents[1] / "demo_content"

KIND_PREFIX = {
    ItemKind.LICENSING: "XK",
    ItemKind.CONFIRMATION: "QR",
    ItemKind.BENEFIT: "GF",
    ItemKind.ADJUDICATION: "CJ",
    ItemKind.LEVY: "ZS",
    ItemKind.OTHER_POWER: "QT",
    ItemKind.PUBLIC_SERVICE: "GG",
}
RELEVANCE_KINDS = {"chinese", "everyday", "pinyin", "initials", "english", "typo"}
CJK = re.compile(r"[\u3400-\u9fff]")
DEPARTMENT_CODES = {department.code for department in DEPARTMENTS}

# Field lengths of the models the content is imported into.
ITEM_LENGTHS = {"name": 120, "name_en": 200, "keywords": 300}
MATERIAL_LENGTHS = {"name": 120, "name_en": 200, "certificate_type": 80, "notes": 300}
MATERIAL_OPTIONAL_LENGTHS = {"certificate_type_en": 160, "notes_en": 500}
EVENT_LENGTHS = {"code": 40, "name": 60, "name_en": 120, "keywords": 300}
STEP_LENGTHS = {"note": 200, "note_en": 300}

# Items that life events and everyday queries cannot do without, by a word of their name.
REQUIRED_NAMES = [
    "出生医学证明",
    "新生儿出生户口登记",
    "新生儿城乡居民医保参保",
    "社会保障卡申领",
    "生育保险待遇",
    "预防接种证",
    "小学入学",
    "高校毕业生就业报到",
    "失业登记",
    "失业保险金",
    "结婚登记",
    "离婚登记",
    "公积金提取（购买",
    "公积金提取（租赁",
    "公积金提取（离休、退休",
    "公积金个人住房贷款",
    "不动产转移登记",
    "契税",
    "居住证办理",
    "居转户",
    "普通护照",
    "往来港澳通行证",
    "驾驶证期满换证",
    "退休申请",
    "基本养老金",
    "死亡医学证明",
    "户口注销",
    "丧葬补助金",
    "火化",
    "企业设立登记",
    "公章刻制",
    "新办纳税人",
    "发票领用",
    "单位社会保险参保登记",
    "单位住房公积金缴存登记",
    "企业变更登记",
    "招用员工就业登记",
    "外国人来华工作许可",
    "个人所得税",
    "企业所得税",
    "增值税专用发票",
    "食品经营许可",
    "排污许可",
    "建设工程规划许可",
    "施工许可",
    "消防安全检查",
    "企业注销登记",
    "清税证明",
    "单位社会保险注销",
    "单位住房公积金账户注销",
]


@cache
def load(name: str) -> Any:
    with (CONTENT / f"{name}.json").open(encoding="utf-8") as f:
        return json.load(f)


def items() -> list[dict[str, Any]]:
    return load("items")


def items_by_code() -> dict[str, dict[str, Any]]:
    return {item["code"]: item for item in items()}


def share(count: int, total: int) -> float:
    return count / total


# --- topics -----------------------------------------------------------------------


def test_topics_have_unique_codes_and_both_names() -> None:
    topics = load("topics")
    assert len(topics) >= 12
    codes = [topic["code"] for topic in topics]
    assert len(codes) == len(set(codes))
    for topic in topics:
        assert re.fullmatch(r"[a-z][a-z-]*", topic["code"]), topic
        assert CJK.search(topic["name"]), topic
        assert topic["name_en"] and not CJK.search(topic["name_en"]), topic
        assert isinstance(topic["order"], int)


# --- items ------------------------------------------------------------------------


def test_enough_items_departments_and_both_audiences() -> None:
    assert len(items()) >= 120
    assert len({item["department"] for item in items()}) >= 20
    audiences = Counter(item["audience"] for item in items())
    assert 0.5 <= share(audiences[Audience.PERSON], len(items())) <= 0.7, audiences
    # District bureaus appear too, not only municipal ones.
    assert any(not item["department"].startswith("310000-") for item in items())


def test_item_codes_are_unique_well_formed_and_name_department_and_kind() -> None:
    codes = [item["code"] for item in items()]
    assert len(codes) == len(set(codes))
    for item in items():
        code = item["code"]
        assert re.fullmatch(ITEM_CODE_PATTERN, code), code
        assert code.startswith(item["department"] + "-"), code
        middle = code.removeprefix(item["department"] + "-").split("-")[0]
        assert middle == KIND_PREFIX[item["kind"]], code


def test_item_choices_are_valid() -> None:
    for item in items():
        code = item["code"]
        assert item["kind"] in ItemKind.values, code
        assert item["audience"] in Audience.values, code
        assert item["online_level"] in OnlineLevel.values, code
        assert item["max_visits"] in [value for value, _ in MAX_VISITS_CHOICES], code
        assert item["channels"], code
        assert set(item["channels"]) <= set(Channel.values), code
        assert len(item["channels"]) == len(set(item["channels"])), code


def test_departments_exist_in_the_demo_city() -> None:
    for item in items():
        code = item["code"]
        assert item["department"] in DEPARTMENT_CODES, code
        assert set(item["co_departments"]) <= DEPARTMENT_CODES, code
        assert item["department"] not in item["co_departments"], code
        for material in item["materials"]:
            if material["source_department"] is not None:
                assert material["source_department"] in DEPARTMENT_CODES, (code, material)


def test_item_topics_exist() -> None:
    topic_codes = {topic["code"] for topic in load("topics")}
    for item in items():
        assert item["topics"], item["code"]
        assert set(item["topics"]) <= topic_codes, item["code"]


def test_time_limits_promise_no_more_than_the_law() -> None:
    for item in items():
        statutory, promised = item["statutory_limit_days"], item["promised_limit_days"]
        assert isinstance(statutory, int) and isinstance(promised, int), item["code"]
        assert 0 <= promised <= statutory <= 365, item["code"]
    # Shanghai promises much less than the law allows for many items.
    shorter = sum(item["promised_limit_days"] < item["statutory_limit_days"] for item in items())
    assert share(shorter, len(items())) > 0.6


def test_fees_match_the_free_flag() -> None:
    paid = 0
    for item in items():
        amount = Decimal(item["fee_amount"])
        if item["is_free"]:
            assert amount == 0, item["code"]
            assert item["fee_basis"] == "", item["code"]
        else:
            paid += 1
            assert amount > 0, item["code"]
            assert item["fee_basis"], item["code"]
    assert paid >= 5


def test_online_levels_and_visits_are_consistent() -> None:
    for item in items():
        level, visits, code = item["online_level"], item["max_visits"], item["code"]
        if level == OnlineLevel.FULLY_ONLINE:
            assert visits == 0, code
        if visits == 0:
            # Nothing to visit for only if the whole process runs online.
            assert level >= OnlineLevel.PROCESSING, code
        if level <= OnlineLevel.FORMS:
            assert "online" not in item["channels"], code
            assert visits >= 1, code
        else:
            assert "online" in item["channels"] or "mobile" in item["channels"], code


def test_online_levels_are_a_realistic_mix() -> None:
    levels = Counter(item["online_level"] for item in items())
    total = len(items())
    assert all(levels[level] > 0 for level in OnlineLevel.values), levels
    at_least_l3 = sum(count for level, count in levels.items() if level >= 3)
    assert 0.6 <= share(at_least_l3, total) <= 0.9, levels
    assert 0.1 <= share(levels[OnlineLevel.FULLY_ONLINE], total) <= 0.35, levels
    visits = Counter(item["max_visits"] for item in items())
    assert visits[2] > 0 and visits[1] > 0 and visits[0] > 0, visits


def test_materials_are_complete() -> None:
    for item in items():
        code = item["code"]
        assert 2 <= len(item["materials"]) <= 6, code
        assert any(material["required"] for material in item["materials"]), code
        for material in item["materials"]:
            assert material["name"] and material["name_en"], (code, material)
            assert material["form"] in MaterialForm.values, (code, material)
            assert material["source"] in MaterialSource.values, (code, material)
            assert isinstance(material["count"], int) and material["count"] >= 1, (code, material)
            assert isinstance(material["required"], bool), (code, material)
            if material["source"] == MaterialSource.APPLICANT:
                assert material["source_department"] is None, (code, material)
            else:
                assert material["source_department"], (code, material)
            if material["source"] == MaterialSource.CERTIFICATE:
                assert material["form"] == MaterialForm.ELECTRONIC, (code, material)
                assert material["certificate_type"], (code, material)
            else:
                assert material["certificate_type"] == "", (code, material)
            for field, limit in MATERIAL_LENGTHS.items():
                assert len(material[field]) <= limit, (code, field)
            for field, limit in MATERIAL_OPTIONAL_LENGTHS.items():
                assert len(material.get(field, "")) <= limit, (code, field)


def test_guides_are_filled_in_both_languages() -> None:
    for item in items():
        code = item["code"]
        for field in ("name", "summary", "legal_basis", "conditions", "keywords"):
            assert CJK.search(item[field]), (code, field)
        for field in ("name_en", "summary_en"):
            assert item[field] and not CJK.search(item[field]), (code, field)
        assert "《" in item["legal_basis"], code
        for field, limit in ITEM_LENGTHS.items():
            assert len(item[field]) <= limit, (code, field)
        assert 1 <= len(item["faq"]) <= 3, code
        for entry in item["faq"]:
            assert set(entry) == {"q", "a", "q_en", "a_en"}, code
            assert all(entry.values()), code
            assert not CJK.search(entry["q_en"] + entry["a_en"]), code
        assert item["offices"], code
        for office in item["offices"]:
            assert set(office) == {"address", "address_en", "hours", "hours_en", "phone"}, code
            assert all(office.values()), code
            assert not CJK.search(office["address_en"] + office["hours_en"]), code


def test_guide_texts_have_english_wherever_they_have_chinese() -> None:
    for item in items():
        code = item["code"]
        for field in ("legal_basis", "conditions", "fee_basis"):
            if item[field]:
                english = item.get(f"{field}_en", "")
                assert english and not CJK.search(english), (code, field)
        for material in item["materials"]:
            for field in ("certificate_type", "notes"):
                if material[field]:
                    english = material.get(f"{field}_en", "")
                    assert english and not CJK.search(english), (code, material["name"], field)


@pytest.mark.parametrize("code", sorted(BINDINGS))
def test_items_taking_applications_have_english_conditions_and_legal_basis(code: str) -> None:
    item = items_by_code()[code]
    assert item["conditions_en"] and not CJK.search(item["conditions_en"])
    assert item["legal_basis_en"] and not CJK.search(item["legal_basis_en"])


def test_english_spells_licence_the_british_way() -> None:
    """The interface says "licence" (the noun); the demo catalog says it the same way."""
    american = re.compile(r"\blicenses?\b", re.IGNORECASE)
    for name in ("items", "life_events", "topics"):
        text = json.dumps(load(name), ensure_ascii=False)
        assert not american.findall(text), name


def test_names_are_unique() -> None:
    names = Counter(item["name"] for item in items())
    assert [name for name, count in names.items() if count > 1] == []


@pytest.mark.parametrize("name", REQUIRED_NAMES)
def test_items_needed_by_life_events_and_queries_exist(name: str) -> None:
    assert any(name in item["name"] for item in items()), name


# --- life events ------------------------------------------------------------------


def test_life_events_span_both_audiences() -> None:
    events = load("life_events")
    assert len(events) >= 12
    codes = [event["code"] for event in events]
    assert len(codes) == len(set(codes))
    audiences = Counter(event["audience"] for event in events)
    assert audiences[Audience.PERSON] >= 8 and audiences[Audience.COMPANY] >= 5, audiences
    for code in ("newborn", "after-death", "company-start", "company-closure"):
        assert code in codes


def test_life_event_fields() -> None:
    for event in load("life_events"):
        code = event["code"]
        assert re.fullmatch(r"[a-z][a-z-]*", code), code
        assert event["audience"] in Audience.values, code
        assert isinstance(event["stage"], int) and event["stage"] >= 1, code
        for field in ("name", "summary", "outcome", "keywords"):
            assert CJK.search(event[field]), (code, field)
        for field in ("name_en", "summary_en", "outcome_en"):
            assert event[field] and not CJK.search(event[field]), (code, field)
        for field, limit in EVENT_LENGTHS.items():
            assert len(event[field]) <= limit, (code, field)


def test_life_event_steps_reference_items_of_the_audience_in_order() -> None:
    by_code = items_by_code()
    for event in load("life_events"):
        steps = event["steps"]
        assert len(steps) >= 3, event["code"]
        assert [step["order"] for step in steps] == list(range(1, len(steps) + 1))
        seen: set[str] = set()
        for step in steps:
            where = (event["code"], step["item"])
            assert step["item"] in by_code, where
            assert by_code[step["item"]]["audience"] == event["audience"], where
            assert step["item"] not in seen, where
            # Depends only on steps that come earlier in the same event.
            assert set(step["depends_on"]) <= seen, where
            for field, limit in STEP_LENGTHS.items():
                assert len(step[field]) <= limit, where
            seen.add(step["item"])
        # Every event starts from a step that depends on nothing.
        assert steps[0]["depends_on"] == [], event["code"]


# A lead-in ending in a colon ("您将获得：", "You will get:"): the event page already heads
# the outcome "What you will get" (办理结果), so it would say the heading twice.
LEAD_IN = re.compile(r"[^，。、,.]{1,16}[：:]")


def test_life_event_outcomes_are_what_you_get_not_a_sentence_repeating_the_heading() -> None:
    for event in load("life_events"):
        for field in ("outcome", "outcome_en"):
            assert not LEAD_IN.match(event[field]), (event["code"], field, event[field])
        assert event["outcome_en"][0].isupper(), event["code"]


def test_company_start_runs_the_last_steps_in_parallel() -> None:
    event = next(event for event in load("life_events") if event["code"] == "company-start")
    setup = event["steps"][0]["item"]
    assert "企业设立登记" in items_by_code()[setup]["name"]
    dependants = [step for step in event["steps"][1:] if step["depends_on"] == [setup]]
    assert len(dependants) >= 3


def test_stages_order_a_life() -> None:
    stages = {event["code"]: event["stage"] for event in load("life_events")}
    assert stages["newborn"] < stages["school-entry"] < stages["first-job"]
    assert stages["first-job"] < stages["retirement"] < stages["after-death"]
    assert stages["company-start"] < stages["company-change"] < stages["company-closure"]


# --- synonyms ---------------------------------------------------------------------


def test_synonyms_point_to_catalog_words() -> None:
    synonyms = load("synonyms")
    assert len(synonyms) >= 30
    terms = [synonym["term"] for synonym in synonyms]
    assert len(terms) == len(set(terms))
    vocabulary = " ".join(
        [item["name"] + " " + item["keywords"] for item in items()]
        + [event["name"] + " " + event["keywords"] for event in load("life_events")]
    )
    for synonym in synonyms:
        term, canonical = synonym["term"], synonym["canonical"]
        assert term and canonical and term != canonical, synonym
        assert len(term) <= 40 and len(canonical) <= 80, synonym
        assert canonical in vocabulary, synonym


# --- relevance --------------------------------------------------------------------


def test_relevance_queries_cover_every_kind() -> None:
    queries = load("relevance")
    assert len(queries) >= 60
    texts = [query["query"] for query in queries]
    assert len(texts) == len(set(texts))
    kinds = Counter(query["kind"] for query in queries)
    assert set(kinds) == RELEVANCE_KINDS, kinds
    assert all(count >= 8 for count in kinds.values()), kinds


def test_relevance_expectations_exist() -> None:
    by_code = items_by_code()
    for query in load("relevance"):
        assert query["query"].strip() == query["query"] and query["query"], query
        assert 1 <= len(query["expected"]) <= 3, query
        assert len(set(query["expected"])) == len(query["expected"]), query
        assert set(query["expected"]) <= set(by_code), query
        if query["kind"] in {"pinyin", "initials"}:
            assert re.fullmatch(r"[a-z ]+", query["query"]), query
        if query["kind"] == "english":
            assert not CJK.search(query["query"]), query
