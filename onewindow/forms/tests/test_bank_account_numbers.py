"""Bank account answers (``"format": "cn-bank-account"``, forms/bank_accounts.py) as people
type them: grouped as cards print them, hyphenated, in full-width digits; judged and
stored as their digits (QA: the newborn form refused "6222 0212 3456 7890", 16 digits,
saying a number has 12 to 19)."""

from __future__ import annotations

import pytest

from onewindow.cases.demo import sample_answers
from onewindow.conftest import make_id_number
from onewindow.forms.bank_accounts import normalized
from onewindow.forms.demo import demo_definition_files, read_definition
from onewindow.forms.schema import validate_data
from onewindow.forms.tests.conftest import make_definition
from onewindow.forms.tests.test_schema import field_errors

DIGITS = "6222021234567890"
TYPED = [
    DIGITS,
    "6222 0212 3456 7890",
    " 6222-0212-3456-7890 ",
    "6222　0212　3456　7890",  # ideographic spaces
    "６２２２０２１２３４５６７８９０",  # full-width, from a Chinese input method
    "６２２２－０２１２－３４５６－７８９０",
    "6222\u20130212\u20133456\u20137890",  # en dashes
]


@pytest.mark.parametrize("typed", TYPED)
def test_a_number_typed_as_people_do_is_its_digits(typed):
    assert normalized(typed) == DIGITS


@pytest.fixture(params=["newborn_insurance.json", "unemployment_benefit.json"])
def form(db, request):
    [path] = [p for p in demo_definition_files() if p.name == request.param]
    return make_definition(**read_definition(path))


def answers(form, bank_account):
    given = sample_answers(form, id_number=make_id_number())
    return {**given, "payment_method": "bank_deduction", "bank_account": bank_account}


@pytest.mark.parametrize("typed", TYPED)
def test_the_forms_take_an_account_as_typed_and_keep_its_digits(form, typed):
    assert validate_data(form, answers(form, typed))["bank_account"] == DIGITS


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("6222 0212 345", "A bank account number has 12 to 19 digits; this one has 11."),
        ("6222 0212 3456 7890 1234", "A bank account number has 12 to 19 digits; this one has 20."),
        (
            "6222 0212 3456 789O",  # a letter O for the zero
            "A bank account number is made of digits only; spaces or hyphens between them may "
            "stay.",
        ),
    ],
)
def test_a_wrong_number_is_refused_saying_what_is_wrong(form, typed, message):
    assert field_errors(form, answers(form, typed)) == {"bank_account": [message]}


def test_a_control_character_is_refused_not_dropped(form):
    errors = field_errors(form, answers(form, "6222\x1f0212 3456 7890"))
    assert list(errors) == ["bank_account"]
