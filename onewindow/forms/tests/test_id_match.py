"""``matchesIdNumber`` (ADR 0023): a birth date or a sex answer must be the one the
identity number it names holds; a definition may use it on those answers only."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.forms.merge import merge_definitions
from onewindow.forms.schema import validate_data
from onewindow.forms.tests.conftest import make_definition, sample_parts
from onewindow.forms.tests.test_schema import answers, field_errors, problems

# A man born 1990-03-15 (the 17th character, 3, is odd).
MAN_1990 = "310101199003152137"
# A woman born 1985-07-01.
WOMAN_1985 = "310101198507010023"


def parts(**birth: Any) -> dict[str, Any]:
    content = sample_parts()
    properties = content["schema"]["properties"]
    properties["sex"] = {
        "type": "string",
        "title": "性别",
        "enum": ["male", "female"],
        "matchesIdNumber": "id_number",
    }
    properties["birth"].update({"matchesIdNumber": "id_number", **birth})
    content["layout"]["sections"][0]["fields"].append("sex")  # id_number: the sample's
    return content


@pytest.fixture
def person(db: None) -> Any:
    return make_definition(key="person", **parts())


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [(MAN_1990, "1990-03-15", "male"), (WOMAN_1985, "1985-07-01", "female")],
)
def test_answers_that_are_the_numbers_pass(person, number, birth, sex):
    cleaned = validate_data(person, answers(id_number=number, birth=birth, sex=sex))
    assert (cleaned["birth"], cleaned["sex"]) == (birth, sex)


def test_a_birth_date_or_sex_the_number_does_not_hold_is_refused_at_its_answer(person):
    errors = field_errors(person, answers(id_number=MAN_1990, birth="1991-03-15", sex="female"))
    assert errors["birth"] == ["This is not the birth date in the identity number given."]
    assert errors["sex"] == ["This is not the sex the identity number given shows."]
    assert "id_number" not in errors


def test_nothing_is_matched_to_a_number_missing_or_wrong(person):
    # The number's own error says what to correct first; the others wait for it.
    errors = field_errors(person, answers(id_number="310101199003152130", birth="1991-03-15"))
    assert list(errors) == ["id_number"]
    assert validate_data(person, answers(birth="1991-03-15", sex="female"))["sex"] == "female"


def test_the_chinese_messages(person):
    errors = field_errors(
        person, answers(id_number=WOMAN_1985, birth="1985-07-02", sex="male"), "zh-hans"
    )
    assert errors["birth"] == ["出生日期与身份证号码中的不一致。"]
    assert errors["sex"] == ["性别与身份证号码显示的不一致。"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"sex": {"type": "string", "title": "性别", "matchesIdNumber": "nobody"}},
            [
                "sex: matchesIdNumber must name an identity number answer (format cn-id).",
                "sex: matchesIdNumber is for a date (the birth date) or a choice of male and "
                "female (the sex).",
            ],
        ),
        (
            {
                "sex": {
                    "type": "string",
                    "title": "性别",
                    "enum": ["m", "f"],
                    "matchesIdNumber": "full_name",
                }
            },
            [
                "sex: matchesIdNumber must name an identity number answer (format cn-id).",
                "sex: matchesIdNumber is for a date (the birth date) or a choice of male and "
                "female (the sex).",
            ],
        ),
    ],
)
def test_a_definition_matches_only_dates_and_sexes_to_identity_numbers(change, expected):
    content = parts()
    content["schema"]["properties"].update(change)
    assert problems(**content)["schema"] == expected


def test_a_merged_form_matches_to_the_merged_number(db):
    first = make_definition(key="first", **parts())
    other = sample_parts()
    second = make_definition(key="second", **other)
    merged = merge_definitions([first, second])
    named = merged.schema["properties"]["first__sex"]["matchesIdNumber"]
    assert named == "first__id_number"
    errors = field_errors(
        merged,
        {
            **{f"first__{k}": v for k, v in answers(id_number=MAN_1990, sex="female").items()},
            **{f"second__{k}": v for k, v in answers().items()},
        },
    )
    assert errors["first__sex"] == ["This is not the sex the identity number given shows."]
