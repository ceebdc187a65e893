"""``matchesIdNumber`` (ADR 0023): a birth date or a sex answer must be the one the
identity number it names holds; a definition may use it on those answers only. And
``holderSex``: an identity number must be a man's or a woman's (a father's, a mother's)."""

from __future__ import annotations

from typing import Any

import pytest

from onewindow.core.errors import InvalidInput
from onewindow.forms import queries
from onewindow.forms.demo import load_demo_forms
from onewindow.forms.merge import merge_definitions
from onewindow.forms.schema import validate_data
from onewindow.forms.tests.conftest import id_number_of, make_definition, sample_parts
from onewindow.forms.tests.test_merge import NEWBORN
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


# --- holderSex: the sex of an identity number's holder --------------------------------


def with_holder_sex(sex: Any) -> dict[str, Any]:
    """The sample, its identity number a ``sex`` holder's (a mother's, a father's)."""
    content = sample_parts()
    content["schema"]["properties"]["id_number"]["holderSex"] = sex
    return content


@pytest.mark.parametrize("sex", ["female", "male"])
def test_a_number_is_accepted_of_a_holder_of_the_sex_named(db, sex):
    definition = make_definition(key="parent", **with_holder_sex(sex))
    number = id_number_of(sex)
    assert validate_data(definition, answers(id_number=number))["id_number"] == number


@pytest.mark.parametrize(
    ("sex", "other", "message"),
    [
        ("female", "male", "This identity number is a man's; enter a woman's."),
        ("male", "female", "This identity number is a woman's; enter a man's."),
    ],
)
def test_a_number_of_the_other_sex_is_refused(db, sex, other, message):
    """A man's number was accepted as the newborn's mother's (QA)."""
    definition = make_definition(key="parent", **with_holder_sex(sex))
    assert field_errors(definition, answers(id_number=id_number_of(other))) == {
        "id_number": [message]
    }


def test_the_chinese_messages_of_the_holders_sex(db, chinese):
    mother = make_definition(key="mother", **with_holder_sex("female"))
    father = make_definition(key="father", **with_holder_sex("male"))
    man, woman = answers(id_number=id_number_of("male")), answers(id_number=id_number_of("female"))
    assert field_errors(mother, man, "zh-hans")["id_number"] == [
        "此身份证号码属于男性，请填写女性的身份证号码。"
    ]
    assert field_errors(father, woman, "zh-hans")["id_number"] == [
        "此身份证号码属于女性，请填写男性的身份证号码。"
    ]


def test_a_wrong_number_is_refused_for_what_is_wrong_with_it_alone(db):
    definition = make_definition(key="mother", **with_holder_sex("female"))
    number = id_number_of("male")
    wrong = number[:-1] + ("1" if number[-1] == "0" else "0")  # its check digit
    assert field_errors(definition, answers(id_number=wrong)) == {
        "id_number": ["The check digit of this identity number is wrong."]
    }


MOTHERS_NUMBER = {"type": "string", "title": "母亲公民身份号码", "format": "cn-id"}


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        (
            {**MOTHERS_NUMBER, "holderSex": "woman"},
            ['id_number: holderSex must be "male" or "female", not “woman”.'],
        ),
        (
            {**MOTHERS_NUMBER, "holderSex": ["female"]},
            ['id_number: holderSex must be "male" or "female", not ["female"].'],
        ),
        (
            {"type": "string", "title": "母亲公民身份号码", "holderSex": "female"},
            ["id_number: holderSex is for an identity number answer (format cn-id)."],
        ),
        (
            {"type": "integer", "title": "母亲公民身份号码", "holderSex": "female"},
            ["id_number: the keyword holderSex is not supported for integer."],
        ),
    ],
)
def test_a_definition_names_a_holders_sex_on_an_identity_number_only(prop, expected):
    content = sample_parts()
    content["schema"]["properties"]["id_number"] = prop
    assert problems(**content)["schema"] == expected


def test_the_newborns_parents_numbers_are_a_womans_and_a_mans(db):
    """On the newborn life event's form, merged from the demo forms as applicants get it."""
    load_demo_forms()
    merged = merge_definitions(queries.latest_definitions(NEWBORN))
    properties = merged.schema["properties"]
    assert properties["mother_id_number"]["holderSex"] == "female"
    assert properties["father_id_number"]["holderSex"] == "male"
    swapped = {
        "mother_id_number": "310101198805051237",  # QA's: a man's, born 1988-05-05
        "father_id_number": id_number_of("female", birth="19880505"),
    }
    errors = field_errors(merged, swapped)
    assert errors["mother_id_number"] == ["This identity number is a man's; enter a woman's."]
    assert errors["father_id_number"] == ["This identity number is a woman's; enter a man's."]
    parents = {
        "mother_id_number": id_number_of("female", birth="19880505"),
        "father_id_number": id_number_of("male", birth="19880505"),
    }
    errors = field_errors(merged, parents)  # the other answers are missing
    assert "mother_id_number" not in errors and "father_id_number" not in errors


def test_a_merged_form_keeps_the_holders_sex_any_of_its_forms_names(db):
    plain, marked, other = sample_parts(), with_holder_sex("female"), with_holder_sex("male")
    for content in (plain, marked, other):
        content["schema"]["properties"]["id_number"]["x-shared"] = True
    first = make_definition(key="plain_one", **plain)
    second = make_definition(key="marked_one", **marked)
    merged = merge_definitions([first, second])
    assert merged.schema["properties"]["id_number"]["holderSex"] == "female"
    with pytest.raises(InvalidInput) as refused:
        merge_definitions([second, make_definition(key="other_one", **other)])
    assert "holderSex" in str(refused.value.fields["id_number"])
