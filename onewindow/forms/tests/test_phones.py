"""Phone answers (the ``tel`` widget) as people type them: grouped, with the country code,
in full-width digits; judged and stored as their 11 digits."""

from __future__ import annotations

import pytest

from onewindow.conftest import make_id_number
from onewindow.forms.demo import demo_definition_files, read_definition
from onewindow.forms.phones import normalized
from onewindow.forms.schema import validate_data
from onewindow.forms.tests.conftest import make_definition, sample_parts
from onewindow.forms.tests.test_prefill import PASSPORT_ANSWERS
from onewindow.forms.tests.test_schema import field_errors

TYPED = [
    "13916200102",
    "139 1620 0102",
    "139-1620-0102",
    " 139　1620　0102 ",  # ideographic spaces
    "１３９１６２００１０２",  # full-width, from a Chinese input method
    "+8613916200102",
    "+86 139 1620 0102",
    "＋８６ １３９ １６２０ ０１０２",
    "008613916200102",
    "0086-139-1620-0102",
    "139\u20131620\u20130102",  # en dashes
    "8613916200102",
]


@pytest.mark.parametrize("typed", TYPED)
def test_a_number_typed_as_people_do_is_its_11_digits(typed):
    assert normalized(typed) == "13916200102"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("139 1620 010", "139 1620 010"),  # a digit short: shown to its pattern as typed
        ("+1 415 555 0100", "+1 415 555 0100"),  # another country's: not ours to shorten
        ("021-6666 8888", "021-6666 8888"),  # a landline, for a pattern that takes one
        ("０２１－６６６６８８８８", "021-66668888"),  # in full-width: made plain only
        ("+86 21 6666 8888", "+86 21 6666 8888"),
        ("86 1391620010", "86 1391620010"),  # "86" before 10 digits is no country code
        ("861391620010", "861391620010"),
    ],
)
def test_anything_else_is_left_for_the_pattern_to_judge(typed, kept):
    assert normalized(typed) == kept


@pytest.fixture
def passport(db):
    [path] = [p for p in demo_definition_files() if p.name == "passport.json"]
    return make_definition(**read_definition(path))


def passport_answers(**changes):
    number = make_id_number()
    return {
        **PASSPORT_ANSWERS,
        "applicant_name": "李明",
        "applicant_id_number": number,
        "applicant_sex": "male" if int(number[16]) % 2 else "female",
        "applicant_birth_date": "1990-03-07",
        **changes,
    }


@pytest.mark.parametrize("typed", TYPED)
def test_the_passport_takes_a_phone_as_typed_and_keeps_its_digits(passport, typed):
    """QA: "139 1620 0102", "+8613916200102" and full-width digits were refused."""
    cleaned = validate_data(
        passport, passport_answers(applicant_phone=typed, emergency_contact_phone=typed)
    )
    assert cleaned["applicant_phone"] == cleaned["emergency_contact_phone"] == "13916200102"


def test_a_number_that_is_not_a_mobile_one_is_refused_in_the_forms_words(passport):
    errors = field_errors(passport, passport_answers(applicant_phone="139 1620 010"))
    assert errors == {"applicant_phone": ["Enter an 11-digit mobile number, like 13812345678."]}


def test_a_control_character_in_a_phone_is_refused_not_dropped(passport):
    errors = field_errors(passport, passport_answers(applicant_phone="139\x1f1620 0102"))
    assert list(errors) == ["applicant_phone"]


def test_only_phone_answers_are_made_digits(db):
    parts = sample_parts()
    parts["schema"]["properties"]["phone"] = {"type": "string", "title": "电话"}
    parts["layout"]["fields"]["phone"] = {"widget": "tel"}
    parts["layout"]["sections"][0]["fields"].append("phone")
    definition = make_definition(**parts)
    answers = {
        "full_name": "张三",
        "age": "30",
        "agree": "on",
        "colour": "red",
        "toppings": "egg",
        "phone": "+86 139 1620 0102",
        "notes": "+86 139 1620 0102",
    }
    cleaned = validate_data(definition, answers)
    assert cleaned["phone"] == "13916200102"
    assert cleaned["notes"] == "+86 139 1620 0102"  # a text answer keeps what was typed
