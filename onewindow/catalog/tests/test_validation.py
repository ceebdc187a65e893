from decimal import Decimal

import pytest
from django.utils import translation

from onewindow.catalog.tests.conftest import item_row
from onewindow.catalog.validation import clean_item, faq_rules, item_rules, material_rules


def good(**changes):
    row = item_row(
        code="310000-GA-QR-0001",
        department="310000-GA",
        name="户口登记",
        name_en="Household registration",
    )
    row.update(changes)
    return row


def errors_of(row) -> dict:
    item, errors = clean_item(row)
    assert item is None
    return {k: [str(m) for m in v] for k, v in errors.fields.items()}


def test_good_row_is_cleaned():
    item, errors = clean_item(good(fee_amount="0"))
    assert not errors
    assert item.code == "310000-GA-QR-0001"
    assert item.values["online_level"] == 4
    assert item.materials[0]["form"] == "original"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "GA-1"}, "code"),
        ({"code": "310000-SJ-XK-0001"}, "code"),  # not the department's prefix
        ({"name": ""}, "name"),
        ({"legal_basis": "   "}, "legal_basis"),
        ({"kind": "permit"}, "kind"),
        ({"audience": "everyone"}, "audience"),
        ({"online_level": 6}, "online_level"),
        ({"online_level": "high"}, "online_level"),
        ({"statutory_limit_days": "twenty"}, "statutory_limit_days"),
        ({"promised_limit_days": 30}, "promised_limit_days"),
        ({"online_level": 5, "max_visits": 1}, "max_visits"),
        ({"is_free": "maybe"}, "is_free"),
        ({"is_free": True, "fee_amount": "20"}, "fee_amount"),
        ({"is_free": False, "fee_amount": "0", "fee_basis": "x"}, "fee_amount"),
        ({"is_free": False, "fee_amount": "20", "fee_basis": ""}, "fee_basis"),
        ({"fee_amount": "NaN"}, "fee_amount"),
        ({"channels": ["online", "pigeon"]}, "channels"),
        ({"offices": [{"street": "x"}]}, "offices"),
        ({"name": "长" * 121}, "name"),
    ],
)
def test_each_rule_names_its_field(changes, field):
    assert field in errors_of(good(**changes))


def test_material_rules_point_at_the_material():
    row = good(
        materials=[
            {"name": "", "form": "scan", "source": "certificate", "count": 0},
        ]
    )
    fields = errors_of(row)
    assert {
        "materials[0].name",
        "materials[0].form",
        "materials[0].count",
        "materials[0].source_department",
        "materials[0].certificate_type",
    } <= set(fields)


def test_every_problem_is_reported_at_once():
    fields = errors_of(good(name="", kind="x", online_level=9))
    assert {"name", "kind", "online_level"} <= set(fields)


def test_excel_style_values_are_accepted():
    item, errors = clean_item(
        good(
            channels="online, window",
            topics="birth,household",
            is_free="是",
            statutory_limit_days=20.0,
        )
    )
    assert not errors
    assert item.values["channels"] == ["online", "window"]
    assert item.topics == ["birth", "household"]


def test_not_an_object():
    assert "__all__" in errors_of(["not", "a", "dict"])


def test_an_unreadable_value_does_not_cause_follow_on_errors():
    assert set(errors_of(good(statutory_limit_days="twenty"))) == {"statutory_limit_days"}
    assert set(errors_of(good(is_free="maybe"))) == {"is_free"}


def test_rules_between_fields_come_with_the_fields_errors():
    # Every field's problem and every rule whose fields are themselves readable, at once.
    fields = errors_of(
        good(
            name="",
            statutory_limit_days=15,
            promised_limit_days=20,
            online_level=5,
            max_visits=1,
            materials=[{"name": "", "form": "original", "source": "department"}],
        )
    )
    assert {
        "name",
        "promised_limit_days",
        "max_visits",
        "materials[0].name",
        "materials[0].source_department",
    } <= set(fields)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"statutory_limit_days": 15, "promised_limit_days": 20}, {"promised_limit_days"}),
        ({"statutory_limit_days": 20, "promised_limit_days": 20}, set()),
        ({"promised_limit_days": 20}, set()),  # the statutory limit is wrong: no more
        ({"online_level": 5, "max_visits": 1}, {"max_visits"}),
        ({"online_level": 5}, set()),
        ({"is_free": True, "fee_amount": Decimal("20")}, {"fee_amount"}),
        (
            {"is_free": False, "fee_amount": Decimal("0"), "fee_basis": ""},
            {"fee_amount", "fee_basis"},
        ),
        ({"fee_amount": Decimal("20"), "fee_basis": ""}, set()),  # is_free unreadable
        ({"code": "310000-SJ-XK-0001", "department": "310000-GA"}, {"code"}),
        ({"code": "310000-GA-XK-0001", "department": "310000-GA"}, set()),
    ],
)
def test_item_rules_need_the_fields_they_relate(values, expected):
    assert set(item_rules(values).fields) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"source": "certificate", "source_department": "", "certificate_type": ""},
            {
                "source_department",
                "certificate_type",
            },
        ),
        ({"source": "department", "source_department": "310000-GA"}, set()),
        ({"source_department": "", "certificate_type": ""}, set()),  # the source is wrong
        ({"source": "department"}, set()),  # so is the source department
    ],
)
def test_material_rules_need_the_fields_they_relate(values, expected):
    assert set(material_rules(values).fields) == expected


def test_english_guide_texts_are_cleaned_and_optional():
    material = {**good()["materials"][0], "notes": "原件", "notes_en": " The original "}
    office = {**good()["offices"][0], "hours_en": "9:00-17:00"}
    item, errors = clean_item(
        good(
            legal_basis_en=" Passport Law of the People's Republic of China, Article 13 ",
            conditions_en="Chinese citizens.",
            fee_basis_en="",
            offices=[office],
            materials=[{**material, "certificate_type_en": "Resident Identity Card"}],
        )
    )
    assert not errors
    assert item.values["legal_basis_en"] == (
        "Passport Law of the People's Republic of China, Article 13"
    )
    assert item.values["conditions_en"] == "Chinese citizens."
    assert item.values["fee_basis_en"] == ""
    assert item.values["offices"][0]["hours_en"] == "9:00-17:00"
    assert item.materials[0]["notes_en"] == "The original"
    assert item.materials[0]["certificate_type_en"] == "Resident Identity Card"
    bare, errors = clean_item(good())  # none of them given
    assert not errors
    assert bare.values["conditions_en"] == bare.materials[0]["notes_en"] == ""


@pytest.mark.parametrize(
    ("field", "limit"),
    [("notes", 300), ("notes_en", 500), ("certificate_type", 80), ("certificate_type_en", 160)],
)
def test_material_texts_are_limited_like_their_columns(field, limit):
    material = good()["materials"][0]
    _item, errors = clean_item(good(materials=[{**material, field: "x" * limit}]))
    assert not errors
    fields = errors_of(good(materials=[{**material, field: "x" * (limit + 1)}]))
    assert set(fields) == {f"materials[0].{field}"}


def test_english_texts_must_be_text():
    assert "conditions_en" in errors_of(good(conditions_en=["not", "text"]))


@pytest.mark.parametrize(
    ("entry", "fields"),
    [
        pytest.param({"q": "要带户口本吗？", "a": ""}, ["faq[1].a"], id="no answer"),
        pytest.param({"q": "", "a": "要带。"}, ["faq[1].q"], id="no question"),
        pytest.param({"q": "要带户口本吗？"}, ["faq[1].a"], id="answer left out"),
        pytest.param({"q": "  ", "a": "要带。"}, ["faq[1].q"], id="blank question"),
        pytest.param(
            {"q_en": "Household register?", "a_en": "Yes."},
            ["faq[1].q", "faq[1].a"],
            id="English only",
        ),
    ],
)
def test_a_question_needs_its_answer_and_an_answer_its_question(entry, fields):
    # The QA's case: a question without its answer was saved, shown over an empty answer.
    answered = {"q": "要多久？", "a": "5个工作日。"}
    with translation.override("en"):
        found = errors_of(good(faq=[answered, entry]))
    assert sorted(found) == sorted(fields)
    assert all(messages == ["This field is required."] for messages in found.values())


def test_english_questions_and_answers_stay_optional():
    item, errors = clean_item(good(faq=[{"q": "要多久？", "a": "5个工作日。"}]))
    assert not errors and item is not None


def test_an_english_question_needs_its_english_answer():
    """An English question over a Chinese answer was accepted (QA)."""
    _item, errors = clean_item(
        good(faq=[{"q": "要多久？", "a": "5个工作日。", "q_en": "How long?"}])
    )
    assert list(errors.fields) == ["faq[0].a_en"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"q": "要多久？", "a": ""}, {"a"}),
        ({"a": ""}, {"a"}),  # a question that did not pass its own checks is not judged
        ({"q": "要多久？", "a": "5天。"}, set()),
        ({"q": "要多久？", "a": "5天。", "a_en": "5 days."}, {"q_en"}),
        ({"q": "要多久？", "a": "5天。", "q_en": "How long?", "a_en": "5 days."}, set()),
    ],
)
def test_faq_rules_need_the_fields_they_relate(values, expected):
    assert set(faq_rules(values).fields) == expected
