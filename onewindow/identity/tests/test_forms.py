import re

import pytest
from django.utils import translation

from onewindow.identity.forms import ENTER_SIX_DIGITS, GrantRoleForm, OtpForm
from onewindow.identity.roles import Role


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
