from datetime import timedelta

import pytest
from django.utils import timezone

from onewindow.core.errors import InvalidInput
from onewindow.forms import queries
from onewindow.forms.demo import load_demo_forms
from onewindow.forms.merge import join_split_data, merge_definitions, split_merged_data
from onewindow.forms.schema import validate_data
from onewindow.forms.spec import layout_order
from onewindow.forms.tests.conftest import id_number_of, make_definition

NEWBORN = ["birth_certificate", "newborn_hukou", "newborn_insurance", "social_security_card"]
SHARED = [
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "relation",
    "child_name",
    "child_sex",
    "child_birth_date",
    "declaration",
]


@pytest.fixture
def newborn(db):
    load_demo_forms()
    definitions = queries.latest_definitions(NEWBORN)
    return definitions, merge_definitions(definitions, title="新生儿出生一件事")


def test_shared_questions_are_asked_once(newborn):
    definitions, merged = newborn
    order = layout_order(merged)
    assert len(order) == len(set(order)) == len(merged.schema["properties"])
    for name in SHARED:
        assert order.count(name) == 1
        assert all(f"{d.key}__{name}" not in order for d in definitions)
    # Each of the four asked these; the merged form asks them once instead of four times.
    asked_separately = sum(len(d.schema["properties"]) for d in definitions)
    assert len(order) <= asked_separately - 3 * len(SHARED)


def test_shared_questions_come_first_then_each_forms_own(newborn):
    _, merged = newborn
    sections = merged.layout["sections"]
    assert sections[0]["title"] == "申请人信息"
    assert sections[0]["fields"][:3] == ["applicant_name", "applicant_id_number", "applicant_phone"]
    own = [s for s in sections if any("__" in name for name in s["fields"])]
    assert own[0]["title"] == "出生医学证明签发：新生儿信息"
    assert own[0]["title_en"] == "Issue of a medical birth certificate: About the baby"
    assert "birth_certificate__birth_hospital" in own[0]["fields"]


def test_other_fields_are_namespaced_with_their_hints(newborn):
    _, merged = newborn
    properties = merged.schema["properties"]
    assert "newborn_hukou__hukou_address" in properties
    hints = merged.layout["fields"]["newborn_hukou__relation_to_head"]
    assert hints["widget"] == "select"
    assert "newborn_hukou__relation_to_head" in merged.schema["required"]


def test_the_bank_is_asked_once_for_insurance_and_card(newborn):
    definitions, merged = newborn
    properties = merged.schema["properties"]
    # One bank: the insurance's direct debit and the card's account (one key in both).
    assert [name for name in properties if name.endswith("bank")] == ["bank"]
    assert merged.sources["bank"] == [
        ("newborn_insurance", "bank"),
        ("social_security_card", "bank"),
    ]
    # Optional for the insurance alone, required for the card: required once merged.
    by_key = {d.key: d for d in definitions}
    assert "bank" not in by_key["newborn_insurance"].schema["required"]
    assert "bank" in by_key["social_security_card"].schema["required"]
    assert "bank" in merged.schema["required"]
    assert "social security card" in merged.layout["fields"]["bank"]["help_en"]


def test_sections_keep_their_questions_together(newborn):
    _, merged = newborn
    sections = {s["title_en"]: s["fields"] for s in merged.layout["sections"]}
    assert len(sections) == len(merged.layout["sections"])  # no title twice
    # The home address is about the applicant, not a section of its own.
    assert sections["About you"] == [
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "relation",
        "applicant_address",
    ]
    # The insurance's section keeps the (shared) bank beside its account number.
    assert sections["Medical insurance enrolment of a newborn: Insurance"] == [
        "newborn_insurance__insurance_district",
        "newborn_insurance__payment_method",
        "bank",
        "newborn_insurance__bank_account",
    ]
    assert "Insurance" not in sections
    assert all(fields for fields in sections.values())
    # The declaration closes the form, after every form's own questions.
    assert merged.layout["sections"][-1]["fields"] == ["declaration"]


def test_the_merged_form_asks_nothing_the_event_produces(newborn):
    _, merged = newborn
    # The birth certificate is the first item's result, and the child's identity number
    # the household registration's: the later items take them from there.
    assert not any("child_id_number" in name for name in merged.schema["properties"])
    assert not any("birth_medical_certificate" in slot["key"] for slot in merged.attachments)


def test_a_section_of_one_form_alone_keeps_its_shared_fields(db):
    def form(key, sections):
        schema = {
            "type": "object",
            "properties": {
                "name": {"type": "string", "title": "姓名", "x-shared": True},
                "bank": {"type": "string", "title": "银行", "x-shared": True},
                "account": {"type": "string", "title": "账号"},
                "declaration": {"type": "boolean", "title": "承诺", "x-shared": True},
            },
        }
        layout = {"sections": [{"title": t, "fields": f} for t, f in sections]}
        return make_definition(key=key, title=key, schema=schema, layout=layout, attachments=[])

    first = form(
        "first",
        [("申请人", ["name"]), ("缴费", ["bank", "account"]), ("承诺", ["declaration"])],
    )
    second = form(
        "second", [("申请人", ["name", "account"]), ("领卡", ["bank"]), ("承诺", ["declaration"])]
    )
    merged = merge_definitions([first, second])
    assert [(s["title"], s["fields"]) for s in merged.layout["sections"]] == [
        ("申请人", ["name"]),
        ("first：缴费", ["bank", "first__account"]),
        ("second：申请人", ["second__account"]),
        ("承诺", ["declaration"]),
    ]
    # One form alone keeps its sections as they are.
    alone = merge_definitions([first])
    assert [(s["title"], s["fields"]) for s in alone.layout["sections"]] == [
        ("申请人", ["name"]),
        ("缴费", ["bank", "first__account"]),
        ("承诺", ["declaration"]),
    ]


def test_shared_attachments_are_asked_once(newborn):
    _, merged = newborn
    keys = [slot["key"] for slot in merged.attachments]
    assert keys.count("parents_id_cards") == 1
    assert keys.count("marriage_certificate") == 1
    assert "birth_certificate__registration_form" in keys
    assert "social_security_card__photo" in keys
    assert merged.slot_sources["parents_id_cards"] == [
        ("birth_certificate", "parents_id_cards"),
        ("newborn_hukou", "parents_id_cards"),
    ]
    definition, slot = merged.slot_origin("parents_id_cards")
    assert (definition.key, slot) == ("birth_certificate", "parents_id_cards")


def test_merged_data_splits_back_per_form(newborn):
    definitions, merged = newborn
    mother = id_number_of("female", birth="19920101")  # her number, as the mother's
    data = {
        "applicant_name": "王芳",
        "applicant_id_number": mother,
        "applicant_phone": "13812345678",
        "relation": "mother",
        "child_name": "王小明",
        "child_sex": "male",
        "child_birth_date": "2025-03-07",
        "declaration": "on",
        "mother_name": "王芳",
        "mother_id_number": mother,
        "birth_certificate__birth_hospital": "市第一妇婴保健院",
        "birth_certificate__birth_weight_g": "3250",
        "newborn_hukou__ethnicity": "汉族",
        "newborn_hukou__hukou_address": "黄浦区某路 1 号",
        "newborn_hukou__household_head_name": "王大明",
        "newborn_hukou__relation_to_head": "grandson",
        "newborn_insurance__insurance_district": "310101",
        "newborn_insurance__payment_method": "online",
        "applicant_address": "黄浦区某路 1 号",
        "bank": "icbc",
        "social_security_card__delivery": "mail",
    }
    cleaned = validate_data(merged, data)
    split = split_merged_data(merged, cleaned)
    assert set(split) == set(NEWBORN)
    assert split["birth_certificate"]["birth_weight_g"] == 3250
    assert "birth_weight_g" not in split["newborn_hukou"]
    for key in NEWBORN:
        assert split[key]["applicant_name"] == "王芳"
        assert split[key]["declaration"] is True
    by_key = {d.key: d for d in definitions}
    for key, answers in split.items():
        # Each form's share of the answers is valid against that form alone.
        assert validate_data(by_key[key], answers) == answers
    assert join_split_data(merged, split) == cleaned


def test_errors_on_the_merged_form_use_merged_names(newborn):
    _, merged = newborn
    with pytest.raises(InvalidInput) as excinfo:
        validate_data(merged, {"birth_certificate__birth_weight_g": "20"}, "en")
    fields = excinfo.value.fields
    assert "applicant_name" in fields
    assert [str(m) for m in fields["birth_certificate__birth_weight_g"]] == [
        "Enter a number of at least 300."
    ]


def one_field_form(key, prop, *, slots=None):
    schema = {"type": "object", "properties": {"phone": prop}, "required": ["phone"]}
    layout = {"sections": [{"title": "联系", "fields": ["phone"]}]}
    return make_definition(key=key, schema=schema, layout=layout, attachments=slots or [])


def test_conflicting_shared_fields_raise_a_clear_error(db):
    first = one_field_form("first", {"type": "string", "title": "电话", "x-shared": True})
    second = one_field_form("second", {"type": "integer", "title": "电话", "x-shared": True})
    with pytest.raises(InvalidInput) as excinfo:
        merge_definitions([first, second])
    assert excinfo.value.code == "merge_conflict"
    message = str(excinfo.value.fields["phone"][0])
    assert "phone" in message and "first" in message and "second" in message
    assert "(type)" in message


def test_shared_fields_take_the_stricter_bounds(db):
    first = one_field_form("first", {"type": "string", "title": "电话", "maxLength": 20})
    first.schema["properties"]["phone"]["x-shared"] = True
    second = one_field_form(
        "second", {"type": "string", "title": "电话", "maxLength": 11, "minLength": 3}
    )
    second.schema["properties"]["phone"]["x-shared"] = True
    merged = merge_definitions([first, second])
    assert merged.schema["properties"]["phone"]["maxLength"] == 11
    assert merged.schema["properties"]["phone"]["minLength"] == 3


def shared_date(key, **bounds):
    prop = {"type": "string", "title": "日期", "format": "date", "x-shared": True, **bounds}
    return one_field_form(key, prop)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ({"notAfter": "today"}, {}, {"notAfter": "today"}),
        ({}, {"notAfter": "today"}, {"notAfter": "today"}),
        ({"notAfter": "today"}, {"notAfter": "today"}, {"notAfter": "today"}),
        (
            {"notBefore": "1900-01-01", "notAfter": "2030-12-31"},
            {"notBefore": "2000-02-29", "notAfter": "2030-01-01"},
            {"notBefore": "2000-02-29", "notAfter": "2030-01-01"},
        ),
    ],
)
def test_shared_dates_take_the_stricter_bounds(db, first, second, expected):
    merged = merge_definitions([shared_date("first", **first), shared_date("second", **second)])
    prop = merged.schema["properties"]["phone"]
    assert {k: prop[k] for k in ("notBefore", "notAfter") if k in prop} == expected


@pytest.mark.parametrize(
    ("first", "second", "keyword"),
    [
        # "today" is stricter than a fixed date on some days only: no bound to choose.
        ({"notAfter": "today"}, {"notAfter": "2030-01-01"}, "(notAfter)"),
        ({"notBefore": "2000-01-01"}, {"notBefore": "today"}, "(notBefore)"),
        ({"notBefore": "2020-01-01"}, {"notAfter": "2010-01-01"}, "(notBefore/notAfter)"),
    ],
)
def test_shared_dates_whose_bounds_cannot_be_combined_are_a_conflict(db, first, second, keyword):
    with pytest.raises(InvalidInput) as excinfo:
        merge_definitions([shared_date("first", **first), shared_date("second", **second)])
    assert keyword in str(excinfo.value.fields["phone"][0])


def test_the_newborn_form_refuses_a_birth_date_in_the_future(newborn):
    _, merged = newborn
    assert merged.schema["properties"]["child_birth_date"]["notAfter"] == "today"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInput) as excinfo:
        validate_data(merged, {"child_birth_date": tomorrow}, "en")
    assert [str(m) for m in excinfo.value.fields["child_birth_date"]] == [
        "Enter a date no later than today."
    ]


def test_a_field_shared_by_one_form_only_is_not_merged(db):
    first = one_field_form("first", {"type": "string", "title": "电话", "x-shared": True})
    second = one_field_form("second", {"type": "integer", "title": "分机"})
    merged = merge_definitions([first, second])
    assert set(merged.schema["properties"]) == {"phone", "second__phone"}


def test_shared_attachments_need_a_common_type(db):
    pdf_only = [{"key": "scan", "label": "扫描件", "types": ["pdf"], "max_mb": 5, "shared": True}]
    png_only = [{"key": "scan", "label": "扫描件", "types": ["png"], "max_mb": 2, "shared": True}]
    prop = {"type": "string", "title": "电话"}
    first = one_field_form("first", prop, slots=pdf_only)
    second = one_field_form("second", prop, slots=png_only)
    with pytest.raises(InvalidInput) as excinfo:
        merge_definitions([first, second])
    assert "scan" in excinfo.value.fields


def test_the_same_form_cannot_be_merged_twice(db):
    form = one_field_form("first", {"type": "string", "title": "电话"})
    with pytest.raises(InvalidInput):
        merge_definitions([form, form])
    with pytest.raises(InvalidInput):
        merge_definitions([])


def test_a_forms_conditions_hold_in_the_merged_form_on_its_names(db):
    load_demo_forms()
    passport = queries.latest_definition("passport")
    other = make_definition(key="other")
    merged = merge_definitions([passport, other])
    # "delivery" is the passport's own question, "applicant_address" a shared one.
    assert merged.schema["allOf"] == [
        {
            "if": {
                "properties": {"passport__delivery": {"const": "mail"}},
                "required": ["passport__delivery"],
            },
            "then": {"required": ["applicant_address"]},
        }
    ]
    with pytest.raises(InvalidInput) as excinfo:
        validate_data(merged, {"passport__delivery": "mail"}, "en")
    assert excinfo.value.fields["applicant_address"] == [
        "This field is required because you chose “Free delivery to my home address”."
    ]
    assert "allOf" not in merge_definitions([other]).schema
