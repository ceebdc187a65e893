import copy
from datetime import timedelta

import pytest
import time_machine
from django.http import QueryDict
from django.utils import timezone, translation
from jsonschema import Draft202012Validator
from stdnum.cn import ric, uscc

from onewindow.conftest import make_id_number, make_uscc
from onewindow.core.errors import InvalidInput
from onewindow.forms import metaschema
from onewindow.forms.demo import demo_definition_files, read_definition
from onewindow.forms.schema import check_definition, coerce_data, validate_data
from onewindow.forms.tests.conftest import make_definition, sample_parts
from onewindow.forms.validation import check_answers


def problems(**changes):
    parts = sample_parts()
    parts.update(changes)
    with pytest.raises(InvalidInput) as excinfo:
        check_definition(**parts)
    return {name: [str(m) for m in msgs] for name, msgs in excinfo.value.fields.items()}


def sample_with(prop_name, prop, hints=None):
    parts = sample_parts()
    parts["schema"]["properties"][prop_name] = prop
    if hints is not None:
        parts["layout"]["fields"][prop_name] = hints
    return parts


# --- checking definitions -----------------------------------------------------------


def test_sample_and_demo_definitions_pass():
    check_definition(**sample_parts(), key="sample", title="示例")
    for path in demo_definition_files():
        document = read_definition(path)
        check_definition(
            key=document["key"],
            title=document["title"],
            schema=document["schema"],
            layout=document["layout"],
            attachments=document["attachments"],
        )


def test_control_characters_anywhere_in_a_definition_are_refused_by_where_they_are():
    """An uploaded file passes no form field or API body that would refuse them (QA: a
    title with a vertical tab, a field titled with a NUL, were stored)."""
    parts = sample_parts()
    parts["schema"]["properties"]["full_name"]["title"] = "姓\x00名"
    parts["layout"]["sections"][0]["title_en"] = "About\x07you"
    parts["attachments"][0]["label"] = "扫描\x0b件"
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        check_definition(**parts, key="sample", title="控制\x0b字符", title_en="bad\x07bell")
    fields = refused.value.fields
    assert fields["title"] == [
        "Remove the control character U+000B: text may hold no control character other "
        "than tab and line breaks."
    ]
    assert fields["title_en"][0].startswith("Remove the control character U+0007")
    assert fields["schema"][0].startswith(
        "properties.full_name.title: Remove the control character U+0000"
    )
    assert fields["layout"][0].startswith(
        "sections.0.title_en: Remove the control character U+0007"
    )
    assert fields["attachments"][0].startswith("0.label: Remove the control character U+000B")


def test_tab_and_line_breaks_in_a_definitions_texts_are_text():
    parts = sample_parts()
    parts["layout"]["fields"]["full_name"]["help"] = "与证件一致\n不含空格\t"
    check_definition(**parts, key="sample", title="示例", title_en="Sample")


@pytest.mark.parametrize(
    "schema",
    [
        [],
        {"type": "object", "properties": {}},
        {"type": "string"},
        {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"},
    ],
)
def test_bad_schema_shapes_are_refused(schema):
    assert problems(schema=schema)["schema"]


def test_invalid_json_schema_is_refused():
    parts = sample_with("full_name", {"type": "string", "title": "姓名", "minLength": -1})
    assert problems(**parts)["schema"] == [
        "Property “full_name”: minLength must be at least 0, not -1."
    ]


def test_the_metaschema_check_remembers_only_schemas_it_accepted(monkeypatch):
    monkeypatch.setattr(metaschema, "_ACCEPTED", set())
    check_definition(**sample_parts(), key="sample", title="示例")
    assert len(metaschema._ACCEPTED) == 1
    check_definition(**sample_parts(), key="sample", title="示例")  # from memory
    assert len(metaschema._ACCEPTED) == 1
    bad = sample_with("full_name", {"type": "string", "title": "姓名", "minLength": -1})
    for _ in range(2):  # refused each time, never remembered
        assert any("minLength must be at least 0" in m for m in problems(**bad)["schema"])
    assert len(metaschema._ACCEPTED) == 1


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        # The type the metaschema refuses is the subset's to say, once.
        (
            {"type": "strng", "title": "备注"},
            "Property “notes”: its type “strng” is not one of string, integer, number, "
            "boolean, array.",
        ),
        (
            {"type": "string", "title": "备注", "minLength": "abc"},
            "Property “notes”: minLength must be a whole number, not “abc”.",
        ),
        (
            {"type": "string", "title": "备注", "pattern": 5},
            "Property “notes”: pattern must be text, not 5.",
        ),
        ({"type": "string", "title": 5}, "Property “notes”: title must be text, not 5."),
        (
            {"type": "array", "title": "备注", "items": {"type": "string", "enum": ["a"]}}
            | {"uniqueItems": "yes"},
            "Property “notes”: uniqueItems must be true or false, not “yes”.",
        ),
        (
            {"type": "integer", "title": "备注", "maximum": "9"},
            "Property “notes”: maximum must be a number, not “9”.",
        ),
    ],
)
def test_schema_errors_name_the_property_and_what_is_expected(prop, expected):
    assert problems(**sample_with("notes", prop))["schema"] == [expected]


def test_a_fault_the_subset_reports_is_not_reported_again_by_json_schema():
    prop = {"type": "string", "title": "备注", "format": 3, "enum": "a"}
    found = problems(**sample_with("notes", prop))["schema"]
    assert found == [
        "notes: the format must be one of cn-bank-account, cn-id, cn-uscc, date, email.",
        "notes: enum must be a non-empty list of distinct values of the property's type.",
    ]


def test_a_pattern_that_is_not_a_regular_expression_is_reported_once(chinese):
    prop = {"type": "string", "title": "手机号", "pattern": "^1[3-9"}
    assert problems(**sample_with("notes", prop))["schema"] == [
        "notes: the pattern is not a valid regular expression."
    ]
    with translation.override("zh-hans"):
        assert problems(**sample_with("notes", prop))["schema"] == [
            "notes：pattern 不是有效的正则表达式。"
        ]


@pytest.mark.parametrize("pattern", [r"^(\d)\1$", r"^(?=\d)\w+$", r"^(?<!x)y$"])
def test_a_pattern_only_a_backtracking_engine_matches_is_refused(chinese, pattern):
    prop = {"type": "string", "title": "代码", "pattern": pattern}
    assert problems(**sample_with("notes", prop))["schema"] == [
        "notes: the pattern uses something answers cannot be checked against safely, such "
        "as a back-reference, a look-ahead or a look-behind."
    ]
    with translation.override("zh-hans"):
        assert problems(**sample_with("notes", prop))["schema"] == [
            "notes：pattern 使用了无法安全地用来校验填写内容的写法，如反向引用、"
            "先行断言或后行断言。"
        ]


def test_a_pattern_is_matched_in_time_growing_with_the_answer_only(db):
    """``^(a+)+$`` backtracks exponentially in Python's ``re`` on "aaa…a!": this answer
    would hold the process for ever there. RE2 answers at once."""
    prop = {"type": "string", "title": "备注", "maxLength": 100_000, "pattern": "^(a+)+$"}
    definition = make_definition(**sample_with("notes", prop))
    errors = field_errors(definition, answers(notes="a" * 50_000 + "!"))
    assert list(errors) == ["notes"]
    assert "notes" in validate_data(definition, answers(notes="a" * 50_000))


def test_a_pattern_of_many_groups_is_matched_without_capturing_them(db):
    """Captured, "(.*a){1000}" sends RE2 to its slower engines: 4 s on this answer."""
    prop = {"type": "string", "title": "备注", "maxLength": 200_000, "pattern": "^(.*a){1000}$"}
    definition = make_definition(**sample_with("notes", prop))
    assert list(field_errors(definition, answers(notes="a" * 100_000 + "b"))) == ["notes"]
    assert "notes" in validate_data(definition, answers(notes="a" * 100_000))


def test_a_bad_pattern_the_subset_does_not_reach_is_said_plainly():
    """Under a name the subset refuses, its checks stop at the name: JSON Schema's
    check of the pattern is the only one, and says what is wrong with it."""
    parts = sample_parts()
    parts["schema"]["properties"]["Phone"] = {"type": "string", "title": "手机", "pattern": "^1["}
    assert problems(**parts)["schema"] == [
        "Property “Phone”: pattern is not a valid regular expression: “^1[”.",
        "Property names use lower-case letters, digits and single underscores, starting with "
        "a letter: Phone",
    ]


def test_top_level_schema_errors_name_their_keyword():
    schema = copy.deepcopy(sample_parts()["schema"])
    schema["required"] = "full_name"
    assert problems(schema=schema)["schema"] == ["required must be a list, not “full_name”."]
    schema["required"] = ["full_name", "full_name", 3]
    assert problems(schema=schema)["schema"] == [
        "required lists a value more than once.",
        "required[2] must be text, not 3.",
    ]


def test_layout_problems_come_in_the_same_round_as_schema_problems():
    parts = sample_with("notes", {"type": "strng", "title": "备注"})
    parts["layout"]["sections"][0]["fields"].append("ghost")
    parts["layout"]["fields"]["notes"] = {"widget": "checkbox"}  # its type is unknown yet
    found = problems(**parts)
    assert found["schema"] == [
        "Property “notes”: its type “strng” is not one of string, integer, number, boolean, array."
    ]
    assert found["layout"] == ["The layout names a field that is not in the schema: ghost"]


def test_schema_errors_speak_chinese(chinese):
    parts = sample_with("notes", {"type": "strng", "title": "备注", "minLength": "abc"})
    parts["schema"]["properties"]["age"]["minimum"] = "x"
    parts["layout"]["sections"][0]["fields"].append("ghost")
    with translation.override("zh-hans"):
        found = problems(**parts)
    assert found["schema"] == [
        "属性“age”：minimum 必须是数字，现为 “x”。",
        "属性“notes”：minLength 必须是整数，现为 “abc”。",
        "属性“notes”：类型 “strng” 不是 string、integer、number、boolean、array 之一。",
    ]
    assert found["layout"] == ["版式中的字段不在结构定义中：ghost"]


@pytest.mark.parametrize(
    ("prop", "needle"),
    [
        ({"type": "object", "title": "x"}, "its type “object” is not one of"),
        ({"title": "x"}, "the type must be one of"),
        ({"type": "string", "title": "x", "if": {"minLength": 1}}, "keyword if"),
        ({"type": "string", "title": "x", "format": "uri"}, "format must be one of"),
        ({"type": "string", "title": "x", "pattern": "(unclosed"}, "not a valid regular"),
        ({"type": "string", "title": "x", "enum": []}, "enum must be"),
        ({"type": "string", "title": "x", "enum": ["a", 1]}, "enum must be"),
        ({"type": "string"}, "a title"),
        ({"type": "array", "title": "x", "items": {"type": "string"}}, "enum of choices"),
        ({"type": "integer", "title": "x", "minLength": 1}, "keyword minLength"),
    ],
)
def test_unsupported_property_definitions_are_refused(prop, needle):
    found = problems(**sample_with("notes", prop))
    assert any(needle in m for m in found["schema"]), found


def test_unknown_top_level_keyword_and_additional_properties():
    schema = copy.deepcopy(sample_parts()["schema"])
    schema["allOf"] = [{"required": ["notes"]}]
    schema["additionalProperties"] = True
    found = problems(schema=schema)["schema"]
    assert any("allOf" in m for m in found)
    assert any("additionalProperties" in m for m in found)


@pytest.mark.parametrize(
    "prop",
    [
        {"$ref": "https://evil.example/schema.json"},
        {"type": "string", "title": "x", "$ref": "http://169.254.169.254/latest"},
        {"type": "array", "title": "x", "items": {"$ref": "//evil.example/items"}},
    ],
)
def test_remote_references_are_refused(prop):
    found = problems(**sample_with("notes", prop))["schema"]
    assert any("Remote references are not allowed" in m for m in found)


def test_local_references_and_ids_are_refused_too():
    schema = copy.deepcopy(sample_parts()["schema"])
    schema["$id"] = "https://example.org/form"
    schema["properties"]["notes"] = {"$ref": "#/$defs/notes"}
    found = problems(schema=schema)["schema"]
    assert any("Remote references are not allowed: $id" in m for m in found)
    assert any("References are not supported: $ref: #/$defs/notes" in m for m in found)


def test_bad_property_names_are_refused():
    found = problems(**sample_with("a__b", {"type": "string", "title": "x"}))
    assert any("a__b" in m for m in found["schema"])


DATE = {"type": "string", "title": "日期", "format": "date"}


@pytest.mark.parametrize(
    "bounds",
    [
        {"notAfter": "today"},
        {"notBefore": "today"},
        {"notBefore": "1900-01-01", "notAfter": "today"},
        {"notBefore": "2000-02-29", "notAfter": "2000-02-29"},
        {"notBefore": "today", "notAfter": "today"},
    ],
)
def test_dates_may_be_bounded(bounds):
    parts = sample_with("notes", {**DATE, **bounds})
    check_definition(**parts)
    # The JSON Schema validator itself takes the keywords as unknown ones: ignored.
    Draft202012Validator.check_schema(parts["schema"])
    Draft202012Validator(parts["schema"]["properties"]["notes"]).validate("2999-01-01")


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        (
            {"type": "string", "title": "x", "notAfter": "today"},
            'notes: notAfter is only for dates ("format": "date").',
        ),
        (
            {"type": "string", "title": "x", "format": "email", "notBefore": "2000-01-01"},
            'notes: notBefore is only for dates ("format": "date").',
        ),
        (
            {"type": "integer", "title": "x", "notAfter": "today"},
            "notes: the keyword notAfter is not supported for integer.",
        ),
        (
            {**DATE, "notAfter": "tomorrow"},
            'notes: notAfter must be "today" or a date like 2024-03-07.',
        ),
        (
            {**DATE, "notAfter": "Today"},
            'notes: notAfter must be "today" or a date like 2024-03-07.',
        ),
        (
            {**DATE, "notBefore": "2023-02-29"},
            'notes: notBefore must be "today" or a date like 2024-03-07.',
        ),
        (
            {**DATE, "notBefore": "19000101"},
            'notes: notBefore must be "today" or a date like 2024-03-07.',
        ),
        (
            {**DATE, "notBefore": 1900},
            'notes: notBefore must be "today" or a date like 2024-03-07.',
        ),
        (
            {**DATE, "notBefore": "2030-01-01", "notAfter": "2020-01-01"},
            "notes: notBefore is later than notAfter.",
        ),
    ],
)
def test_bad_date_bounds_are_refused(prop, expected):
    assert problems(**sample_with("notes", prop))["schema"] == [expected]


def test_layout_must_match_the_schema():
    layout = copy.deepcopy(sample_parts()["layout"])
    layout["sections"][0]["fields"].remove("code")
    layout["sections"][0]["fields"].append("ghost")
    layout["sections"][1]["fields"].append("age")
    found = problems(layout=layout)["layout"]
    assert any("not in the schema: ghost" in m for m in found)
    assert any("missing from the layout" in m and "code" in m for m in found)
    assert any("age appears more than once" in m for m in found)


@pytest.mark.parametrize(
    ("hints", "needle"),
    [
        ({"widget": "date"}, "does not fit"),
        ({"widget": "slider"}, "does not fit"),
        ({"enumNames": ["只有一个"]}, "one label per choice"),
        ({"onclick": "alert(1)"}, "unknown layout hint onclick"),
        ({"autocomplete": 'x" onfocus="alert(1)'}, "autocomplete"),
    ],
)
def test_bad_layout_hints_are_refused(hints, needle):
    layout = copy.deepcopy(sample_parts()["layout"])
    layout["fields"]["colour"] = hints
    found = problems(layout=layout)["layout"]
    assert any(needle in m for m in found), found


def test_choice_widget_needs_an_enum():
    layout = copy.deepcopy(sample_parts()["layout"])
    layout["fields"]["notes"] = {"widget": "select"}
    assert any("needs a list of choices" in m for m in problems(layout=layout)["layout"])


def test_layout_without_sections_is_refused():
    assert problems(layout={"fields": {}})["layout"]
    assert problems(layout={"sections": [{"fields": ["notes"]}]})["layout"]


@pytest.mark.parametrize(
    ("slot_changes", "needle"),
    [
        ({"types": ["exe"]}, "types must be chosen from"),
        ({"max_mb": 50}, "max_mb"),
        ({"max_mb": True}, "max_mb"),
        ({"key": "Bad Key"}, "Attachment keys"),
        ({"script": "x"}, "unknown setting script"),
        ({"label": ""}, "a label is required"),
    ],
)
def test_bad_attachment_slots_are_refused(slot_changes, needle):
    slots = copy.deepcopy(sample_parts()["attachments"])
    slots[0].update(slot_changes)
    assert any(needle in m for m in problems(attachments=slots)["attachments"])


def test_attachment_keys_are_unique():
    slots = copy.deepcopy(sample_parts()["attachments"])
    slots[1]["key"] = slots[0]["key"]
    assert any("used twice" in m for m in problems(attachments=slots)["attachments"])


def test_two_questions_may_not_share_a_chinese_label():
    parts = sample_parts()
    parts["schema"]["properties"]["notes"]["title"] = "姓名"
    parts["layout"]["fields"]["notes"]["label_en"] = "Notes"
    assert problems(**parts)["layout"] == [
        "notes: the label “姓名” is also the label of full_name."
    ]


def test_two_questions_may_not_share_an_english_label():
    parts = sample_parts()
    parts["layout"]["fields"]["id_number"]["label_en"] = "full NAME "
    assert problems(**parts)["layout"] == [
        "id_number: the label “full NAME” is also the label of full_name."
    ]


def test_a_label_repeated_in_both_languages_is_one_problem():
    parts = sample_parts()
    parts["schema"]["properties"]["notes"]["title"] = "年龄"  # "age" has no English label
    assert problems(**parts)["layout"] == ["notes: the label “年龄” is also the label of age."]


def test_key_and_title_are_checked_when_given():
    found = problems(key="Not A Slug", title=" ")
    assert found["key"] == [
        "Use only lower-case letters, digits, hyphens and underscores, starting with a letter "
        "or a digit (at most 64 characters)."
    ]
    assert found["title"]


# --- validating answers ---------------------------------------------------------------


VALID = {
    "full_name": "张三",
    "age": "30",
    "agree": "on",
    "colour": "red",
    "toppings": ["egg"],
}


def answers(**changes):
    data = dict(VALID)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def field_errors(definition, data, language="en"):
    with pytest.raises(InvalidInput) as excinfo:
        validate_data(definition, data, language)
    return {name: [str(m) for m in msgs] for name, msgs in excinfo.value.fields.items()}


def test_valid_answers_are_cleaned(sample):
    cleaned = validate_data(sample, answers(notes="  hello  ", csrfmiddlewaretoken="x"))
    assert cleaned == {
        "full_name": "张三",
        "age": 30,
        "agree": True,
        "newsletter": False,
        "colour": "red",
        "toppings": ["egg"],
        "notes": "hello",
    }


@pytest.mark.parametrize("hidden", ["\x00", "\u202e", "\x1b"])
def test_invisible_control_characters_are_refused_at_their_field(sample, hidden):
    # NUL would fail PostgreSQL's insert; a right-to-left override makes a name read
    # otherwise than it is stored. Tabs and line breaks are fine.
    errors = field_errors(sample, answers(full_name=f"张{hidden}三", toppings=["egg"]))
    assert errors == {
        "full_name": [
            "This answer contains invisible control characters; type it again without them."
        ]
    }
    assert validate_data(sample, answers(notes="第一行\n\t第二行"))["notes"] == "第一行\n\t第二行"


def test_checking_answers_returns_the_cleaned_answers_or_the_errors(sample):
    passed = check_answers(sample, answers(age="30"))
    assert passed.errors == {} and passed.cleaned == validate_data(sample, answers(age="30"))
    refused = check_answers(sample, answers(age="thirty", full_name=None))
    assert refused.cleaned is None
    assert list(refused.errors) == ["full_name", "age"]
    # The answers come back as typed, to be shown again beside their messages.
    assert refused.answers["age"] == "thirty" and "full_name" not in refused.answers


ENGLISH = {
    "required": ("full_name", None, "This field is required."),
    "required_box": ("agree", None, "Tick this box to continue."),
    "required_choice": ("colour", None, "Choose an option."),
    "required_list": ("toppings", None, "Choose at least one option."),
    "type": ("age", "thirty", "Enter a whole number."),
    "number": ("amount", "lots", "Enter a number."),
    "minLength": ("full_name", "张", "Enter at least 2 characters."),
    "maxLength": ("full_name", "张" * 11, "Enter at most 10 characters."),
    "pattern": ("code", "abc", "Enter 3 capitals"),
    "minimum": ("age", "-1", "Enter a number of at least 0."),
    "maximum": ("amount", "100.5", "Enter a number of at most 100."),
    "enum": ("colour", "green", "Choose one of the options shown."),
    "enum_list": ("toppings", ["egg", "beef"], "Choose one of the options shown."),
    "date": ("birth", "2024-02-30", "Enter a real date, for example 2024-03-07."),
    "date_shape": ("birth", "7/3/2024", "Enter a real date, for example 2024-03-07."),
    "email": ("email", "not-an-address", "Enter an email address like name@example.com."),
}

CHINESE = {
    "required": "此字段为必填项。",
    "required_box": "请勾选此项后继续。",
    "required_choice": "请选择一项。",
    "required_list": "请至少选择一项。",
    "type": "请输入整数。",
    "number": "请输入数字。",
    "minLength": "请至少输入 2 个字符。",
    "maxLength": "最多输入 10 个字符。",
    "pattern": "请填写 3 个大写字母",
    "minimum": "请输入不小于 0 的数。",
    "maximum": "请输入不大于 100 的数。",
    "enum": "请从给出的选项中选择。",
    "enum_list": "请从给出的选项中选择。",
    "date": "请输入真实的日期，例如 2024-03-07。",
    "date_shape": "请输入真实的日期，例如 2024-03-07。",
    "email": "请输入电子邮箱地址，例如 name@example.com。",
}


@pytest.mark.parametrize("kind", sorted(ENGLISH))
def test_each_kind_of_error_in_english(sample, kind):
    name, value, message = ENGLISH[kind]
    assert field_errors(sample, answers(**{name: value}), "en")[name] == [message]


@pytest.mark.parametrize("kind", sorted(CHINESE))
def test_each_kind_of_error_in_chinese(sample, chinese, kind):
    name, value, _message = ENGLISH[kind]
    assert field_errors(sample, answers(**{name: value}), "zh-hans")[name] == [CHINESE[kind]]


def test_active_language_is_used_without_a_language_argument(sample, chinese):
    with translation.override("zh-hans"):
        with pytest.raises(InvalidInput) as excinfo:
            validate_data(sample, answers(age="x"))
        assert [str(m) for m in excinfo.value.fields["age"]] == ["请输入整数。"]


def test_errors_come_in_layout_order_one_per_field(sample):
    found = field_errors(sample, {"toppings": ["x"], "full_name": "张", "age": "x"})
    assert list(found) == ["full_name", "age", "colour", "toppings", "agree"]
    assert all(len(msgs) == 1 for msgs in found.values())


def with_dates(**bounds):
    """The sample form, its birth date bounded by ``bounds``."""
    parts = sample_parts()
    parts["schema"]["properties"]["birth"].update(bounds)
    return make_definition(key="bounded", **parts)


# 17:00 UTC on 6 March is 01:00 on 7 March in Shanghai: "today" is the city's 7 March.
SHANGHAI_7_MARCH = "2026-03-06T17:00:00Z"


@time_machine.travel(SHANGHAI_7_MARCH)
@pytest.mark.parametrize(
    ("bounds", "answer", "message"),
    [
        ({"notAfter": "today"}, "2026-03-08", "Enter a date no later than today."),
        ({"notAfter": "2000-12-31"}, "2001-01-01", "Enter a date no later than 2000-12-31."),
        ({"notBefore": "today"}, "2026-03-06", "Enter a date no earlier than today."),
        ({"notBefore": "1900-01-01"}, "1899-12-31", "Enter a date no earlier than 1900-01-01."),
        # Not a real date: the format says so, once, and the bounds say nothing.
        ({"notBefore": "1900-01-01"}, "1899-02-30", "Enter a real date, for example 2024-03-07."),
    ],
)
def test_a_date_outside_its_bounds_is_refused(db, bounds, answer, message):
    definition = with_dates(**bounds)
    assert field_errors(definition, answers(birth=answer))["birth"] == [message]


@time_machine.travel(SHANGHAI_7_MARCH)
@pytest.mark.parametrize(
    ("bounds", "answer"),
    [
        ({"notAfter": "today"}, "2026-03-07"),  # the city's today, though UTC's is the 6th
        ({"notBefore": "today"}, "2026-03-07"),
        ({"notBefore": "1900-01-01", "notAfter": "1900-01-01"}, "1900-01-01"),
        ({"notBefore": "1900-01-01", "notAfter": "today"}, "1990-06-15"),
    ],
)
def test_a_date_within_its_bounds_passes_bounds_included(db, bounds, answer):
    definition = with_dates(**bounds)
    assert validate_data(definition, answers(birth=answer))["birth"] == answer


@time_machine.travel(SHANGHAI_7_MARCH)
def test_date_bounds_speak_chinese(db, chinese):
    definition = with_dates(notBefore="1900-01-01", notAfter="today")
    assert field_errors(definition, answers(birth="2026-03-08"), "zh-hans")["birth"] == [
        "请输入不晚于今天的日期。"
    ]
    assert field_errors(definition, answers(birth="1899-12-31"), "zh-hans")["birth"] == [
        "请输入不早于 1900-01-01 的日期。"
    ]


def test_today_is_read_at_each_check(db):
    definition = with_dates(notAfter="today")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "birth" in field_errors(definition, answers(birth=tomorrow))
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert validate_data(definition, answers(birth=tomorrow))["birth"] == tomorrow


def test_a_birth_date_in_the_future_is_refused_on_the_demo_passport_form():
    passport = Passport()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    errors = field_errors(passport, {"applicant_birth_date": tomorrow})
    assert errors["applicant_birth_date"] == ["Enter a date no later than today."]
    assert "applicant_birth_date" not in field_errors(
        passport, {"applicant_birth_date": "1990-06-15"}
    )
    assert field_errors(passport, {"applicant_birth_date": "1899-12-31"})[
        "applicant_birth_date"
    ] == ["Enter a date no earlier than 1900-01-01."]


def test_identity_number_check_digit(sample, chinese):
    good = make_id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert validate_data(sample, answers(id_number=good))["id_number"] == good
    found = field_errors(sample, answers(id_number=bad), "en")
    assert found["id_number"] == ["The check digit of this identity number is wrong."]
    assert "校验" in field_errors(sample, answers(id_number=bad), "zh-hans")["id_number"][0]


def test_identity_number_is_compacted(db):
    body = next(
        b for n in range(1000) if ric.calc_check_digit((b := f"31010119900307{n:03d}") + "0") == "X"
    )
    definition = make_definition(key="idx")
    spaced = f"{body[:6]} {body[6:]}x"
    assert validate_data(definition, answers(id_number=spaced))["id_number"] == body + "X"


@pytest.mark.django_db
def test_credit_code_format(sample):
    good = make_uscc()
    body = good[:-1]
    wrong = next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != uscc.calc_check_digit(body))
    assert validate_data(sample, answers(uscc=good.lower()))["uscc"] == good
    found = field_errors(sample, answers(uscc=body + wrong))
    assert found["uscc"] == ["The check character of this credit code is wrong."]


# --- coercion -------------------------------------------------------------------------


def test_coercion_of_form_strings(sample):
    posted = QueryDict(mutable=True)
    posted.update(
        {"age": " 42 ", "amount": "3.5", "agree": "on", "full_name": "  李四 ", "notes": ""}
    )
    posted.setlist("toppings", ["egg", "", "leek", "egg"])
    data = coerce_data(sample, posted)
    assert data["age"] == 42
    assert data["amount"] == 3.5
    assert data["agree"] is True
    assert data["full_name"] == "李四"
    assert data["toppings"] == ["egg", "leek"]
    assert "notes" not in data
    assert data["newsletter"] is False  # an unticked optional box means no


def test_coercion_keeps_what_it_cannot_convert_for_the_schema_to_judge(sample):
    data = coerce_data(sample, {"age": "3.5", "amount": "NaN", "agree": "off"})
    assert data["age"] == "3.5"
    assert data["amount"] == "NaN"
    assert "agree" not in data  # required box not ticked: left out, so "required" says so


def test_typed_data_passes_through(sample):
    data = {**VALID, "age": 30, "agree": True, "amount": 2}
    assert validate_data(sample, data)["amount"] == 2


def test_boolean_radio_accepts_true_and_false(db):
    parts = sample_parts()
    parts["layout"]["fields"]["newsletter"] = {"widget": "radio"}
    definition = make_definition(key="radio", **parts)
    assert validate_data(definition, answers(newsletter="false"))["newsletter"] is False
    assert validate_data(definition, answers(newsletter="true"))["newsletter"] is True
    found = field_errors(definition, answers(newsletter="perhaps"))
    assert found["newsletter"] == ["Choose yes or no."]


def test_integer_choices_and_list_sizes(db, chinese):
    schema = {
        "type": "object",
        "properties": {
            "rooms": {"type": "integer", "title": "房间数", "enum": [1, 2, 3]},
            "days": {
                "type": "array",
                "title": "日期",
                "items": {"type": "string", "enum": ["mon", "tue", "wed"]},
                "minItems": 2,
                "maxItems": 2,
            },
        },
    }
    layout = {"sections": [{"title": "选择", "fields": ["rooms", "days"]}]}
    definition = make_definition(key="sizes", schema=schema, layout=layout, attachments=[])
    assert validate_data(definition, {"rooms": "2", "days": ["mon", "tue"]}) == {
        "rooms": 2,
        "days": ["mon", "tue"],
    }
    assert field_errors(definition, {"rooms": "4", "days": ["mon"]}) == {
        "rooms": ["Choose one of the options shown."],
        "days": ["Choose at least 2 options."],
    }
    assert field_errors(definition, {"days": ["mon", "tue", "wed"]}, "zh-hans") == {
        "days": ["最多选择 2 项。"]
    }


# --- conditional questions ----------------------------------------------------------


PASSPORT_BY_POST = {
    "if": {"properties": {"delivery": {"const": "mail"}}, "required": ["delivery"]},
    "then": {"required": ["applicant_address"]},
}


def passport_parts(**schema_changes):
    document = next(
        read_definition(p) for p in demo_definition_files() if p.name == "passport.json"
    )
    parts = {k: copy.deepcopy(document[k]) for k in ("schema", "layout", "attachments")}
    for keyword in ("if", "then"):
        parts["schema"].pop(keyword, None)
    parts["schema"].update(schema_changes)
    return parts


@pytest.mark.parametrize(
    "changes",
    [PASSPORT_BY_POST, {"allOf": [PASSPORT_BY_POST, PASSPORT_BY_POST]}],
)
def test_conditions_of_the_supported_shape_pass(changes):
    check_definition(**passport_parts(**changes))


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"then": PASSPORT_BY_POST["then"]}, "A condition must be"),
        ({**PASSPORT_BY_POST, "else": {"required": ["x"]}}, "else"),
        ({"allOf": [{"if": {"properties": {"delivery": {"enum": ["mail"]}}}}]}, "must be"),
        ({"allOf": [{**PASSPORT_BY_POST, "then": {"minProperties": 3}}]}, "must be"),
        ({"allOf": [{**PASSPORT_BY_POST, "then": {"required": []}}]}, "must be"),
        ({"allOf": []}, "must be"),
        (
            {"if": {"properties": {"delivery": {"const": "mail"}}}, "then": {"required": ["x"]}},
            "must be",  # without "required", the condition would hold when unanswered
        ),
        (
            {
                **PASSPORT_BY_POST,
                "if": {"properties": {"boat": {"const": 1}}, "required": ["boat"]},
            },
            "asks about a property that does not exist: boat",
        ),
        (
            {**PASSPORT_BY_POST, "then": {"required": ["nowhere"]}},
            "requires a property that does not exist: nowhere",
        ),
        (
            {
                **PASSPORT_BY_POST,
                "if": {"properties": {"delivery": {"const": "boat"}}, "required": ["delivery"]},
            },
            'names an answer it does not offer: "boat"',
        ),
    ],
)
def test_conditions_of_other_shapes_are_refused(changes, needle):
    with translation.override("en"), pytest.raises(InvalidInput) as excinfo:
        check_definition(**passport_parts(**changes))
    messages = [str(m) for m in excinfo.value.fields["schema"]]
    assert any(needle in m for m in messages), messages


class Passport:
    def __init__(self) -> None:
        parts = passport_parts(**PASSPORT_BY_POST)
        self.schema, self.layout, self.attachments = (
            parts["schema"],
            parts["layout"],
            parts["attachments"],
        )


@pytest.mark.parametrize("rule", [PASSPORT_BY_POST, {"allOf": [PASSPORT_BY_POST]}])
def test_a_condition_requires_its_question_only_with_its_answer(rule):
    passport = Passport()
    for keyword in ("if", "then"):
        passport.schema.pop(keyword)
    passport.schema.update(rule)
    errors = field_errors(passport, {"delivery": "mail", "applicant_address": " "})
    assert errors["applicant_address"] == [
        "This field is required because you chose “Free delivery to my home address”."
    ]
    assert list(errors).index("applicant_address") > list(errors).index("reason")  # in order
    assert "applicant_address" not in field_errors(passport, {"delivery": "collect"})
    assert "applicant_address" not in field_errors(passport, {})  # "delivery" is the problem


def test_the_demo_passport_form_requires_the_address_for_delivery_by_post(chinese):
    passport = Passport()
    document = next(
        read_definition(p) for p in demo_definition_files() if p.name == "passport.json"
    )
    assert {k: document["schema"][k] for k in ("if", "then")} == PASSPORT_BY_POST
    errors = field_errors(passport, {"delivery": "mail"}, language="zh-hans")
    assert errors["applicant_address"] == ["您选择了“免费邮寄到居住地址”，此项必填。"]


def test_a_box_a_condition_requires_is_not_taken_as_unticked(sample):
    sample.schema["properties"]["colour"]["enum"] = ["red", "blue"]
    sample.schema["allOf"] = [
        {
            "if": {"properties": {"colour": {"const": "blue"}}, "required": ["colour"]},
            "then": {"required": ["agree"]},
        }
    ]
    sample.schema["required"].remove("agree")
    # Unticked, it is left out (not False), for the condition's "required" to catch.
    assert "agree" not in coerce_data(sample, answers(agree=None, colour="blue"))
    assert field_errors(sample, answers(agree=None, colour="blue"))["agree"] == [
        "This field is required because you chose “Blue”."
    ]
    assert "agree" not in validate_data(sample, answers(agree=None), "en")


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"age": "9" * 5000}, "age", "Enter a whole number."),  # int() refused it: a 500
        ({"age": 10**20}, "age", "Enter a whole number."),
        ({"amount": "1e309"}, "amount", "Enter a number."),  # it became infinity
        ({"amount": float("inf")}, "amount", "Enter a number."),
        ({"amount": "-" + "9" * 20}, "amount", "Enter a number."),
    ],
)
def test_numbers_out_of_range_are_refused_at_their_answer(sample, changes, field, expected):
    """Only finite numbers within JavaScript's safe integers are kept (security QA)."""
    assert field_errors(sample, answers(**changes))[field] == [expected]


def test_the_largest_safe_whole_number_is_a_number(db):
    definition = make_definition(
        schema={
            "type": "object",
            "properties": {"count": {"type": "integer", "title": "数量"}},
            "required": ["count"],
        },
        layout={"sections": [{"title": "数量", "fields": ["count"]}]},
    )
    assert validate_data(definition, {"count": str(2**53 - 1)})["count"] == 2**53 - 1
    assert field_errors(definition, {"count": str(2**53)})["count"] == ["Enter a whole number."]


@pytest.mark.parametrize("name", ["date", "len", "outcome", "true"])
def test_a_question_may_not_take_a_name_process_expressions_use(name):
    """A "date" answer hid ``date`` from every expression of the case's process, and an
    "outcome" one was overwritten at the first decision (security QA)."""
    parts = sample_with(name, {"type": "string", "title": "问题"})
    with pytest.raises(InvalidInput) as refused:
        check_definition(**parts)
    found = [str(m) for messages in refused.value.fields.values() for m in messages]
    assert (
        f"{name} is a name process expressions use for something else (a function, or the "
        "officers' outcome): give the question another name."
    ) in found
