import re

import pytest
from django.utils import translation

from onewindow.conftest import PASSWORD, make_id_number, make_user
from onewindow.identity.forms import (
    ENTER_SIX_DIGITS,
    GrantRoleForm,
    OtpForm,
    ProfileForm,
    RegisterForm,
)
from onewindow.identity.roles import Role
from onewindow.identity.validators import ENTER_MOBILE_PHONE


@pytest.mark.parametrize(
    ("typed", "code"),
    [("123456", "123456"), (" 123 456 ", "123456"), ("１２３４５６", "123456")],
)
def test_a_code_is_six_digits_as_typed_or_shown(typed, code):
    form = OtpForm({"otp": typed})
    assert form.is_valid()
    assert form.cleaned_data["otp"] == code


@pytest.mark.parametrize("typed", ["", "abc", "12345", "1234567", "12345678", "12ab56", "١٢٣٤٥٦"])
def test_anything_but_six_digits_asks_for_the_code_at_the_field(typed):
    form = OtpForm({"otp": typed})
    assert not form.is_valid()
    assert form.errors == {"otp": [str(ENTER_SIX_DIGITS)]}


def test_the_code_message_is_in_the_users_language():
    with translation.override("zh-hans"):
        message = OtpForm({"otp": "abc"}).errors["otp"][0]
    assert message == "请输入身份验证器应用中的 6 位验证码。"


def test_the_grant_form_offers_only_the_roles_given():
    form = GrantRoleForm(roles=[Role.WINDOW_OFFICER, Role.REVIEWING_OFFICER])
    assert re.findall(r'<option value="(\w+)"', str(form["role"])) == [
        "window_officer",
        "reviewing_officer",
    ]


def test_the_grant_form_leaves_an_officer_role_not_offered_to_the_service():
    # Whether the actor may grant it is grant_role's to decide, and to audit if refused.
    form = GrantRoleForm(
        {"username": "zhang", "role": Role.PLATFORM_ADMIN}, roles=[Role.WINDOW_OFFICER]
    )
    assert form.is_valid()


@pytest.mark.parametrize("role", [Role.CITIZEN, "emperor"])
def test_the_grant_form_refuses_what_is_no_officer_role(role):
    with translation.override("en"):
        form = GrantRoleForm({"username": "zhang", "role": role}, roles=[Role.WINDOW_OFFICER])
        assert form.errors == {"role": ["Choose a role from the list."]}


@pytest.mark.django_db
def test_the_register_form_adds_the_services_refusals_to_its_own():
    make_user(username="taken")
    form = RegisterForm(
        {
            "username": "taken",  # the service's refusal
            "full_name": "",  # the form's
            "id_number": "310101209912310012",  # the service's
            "phone": "12",  # the form's
            "email": "x@",  # the form's
            "password": "short",  # the service's
        }
    )
    with translation.override("en"):
        assert form.errors == {
            "username": ["This user name is taken."],
            "full_name": ["This field is required."],
            "id_number": ["The birth date in this identity number is in the future."],
            "phone": [str(ENTER_MOBILE_PHONE)],
            "email": ["Enter an email address like name@example.com."],
            "password": ["This password is too short: it needs at least 12 characters."],
        }


@pytest.mark.django_db
def test_a_field_the_register_form_refused_keeps_its_message_alone():
    # The service would say "Choose a user name" and "Enter your identity number" too.
    form = RegisterForm({"full_name": "王小明", "password": PASSWORD})
    with translation.override("en"):
        assert form.errors == {
            "username": ["This field is required."],
            "id_number": ["This field is required."],
        }


@pytest.mark.django_db
def test_a_right_registration_passes_the_form_with_the_number_as_stored():
    form = RegisterForm(
        {
            "username": "wang",
            "full_name": "王小明",
            "id_number": make_id_number(),
            "phone": "+86 138 1234 5678",
            "password": PASSWORD,
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "13812345678"


@pytest.mark.parametrize(
    ("typed", "stored"), [("", ""), ("１３８ １２３４ ５６７８", "13812345678")]
)
def test_the_profile_form_keeps_a_mobile_number_as_its_digits(typed, stored):
    form = ProfileForm({"phone": typed, "email": "", "preferred_language": "en"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == stored


def test_the_profile_form_refuses_what_is_no_mobile_number():
    form = ProfileForm({"phone": "abc-123", "email": "", "preferred_language": "en"})
    assert form.errors == {"phone": [str(ENTER_MOBILE_PHONE)]}
    assert 'inputmode="tel"' in str(form["phone"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["110105 19491231 002X", "１１０１０５-１９４９１２３１-００２ｘ", "11010519491231002x"],
)
def test_the_register_form_reads_an_identity_number_as_typed(typed):
    """QA: spaces were refused by the field's max_length=18 before the check ran."""
    data = {"username": "wang", "full_name": "王小明", "id_number": typed, "password": PASSWORD}
    form = RegisterForm(data)
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_the_register_form_refuses_an_overlong_number_in_our_words():
    data = {"username": "wang", "full_name": "王小明", "password": PASSWORD}
    with translation.override("en"):
        form = RegisterForm(data | {"id_number": "1" * 36})
        assert form.errors == {"id_number": ["An identity number has 18 characters."]}
    # Room for the 18 characters with a separator between any two.
    spaced = " ".join("11010519491231002X")
    assert len(spaced) == 35
    assert RegisterForm(data | {"id_number": spaced}).is_valid()
    assert 'maxlength="35"' in str(RegisterForm()["id_number"])


def test_the_register_form_says_which_user_names_it_takes():
    with translation.override("en"):
        assert (
            "At most 150 characters: letters (Chinese characters too), digits and @ . + - _."
            in str(RegisterForm()["username"].help_text)
        )
