"""The site's form fields (``core.form_fields``): every text field of a ``SiteForm``
refuses control characters in our words, once, and takes tab and line breaks; a
``LineField`` speaks our words for its limits too."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from onewindow.core.form_fields import LineField, SiteForm


class _LineForm(forms.Form):
    term = LineField(max_length=4)


class _Typed(SiteForm):
    name = forms.CharField(max_length=20)
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)
    note = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("a", "A")], required=False)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("词\x00", "Remove the control character U+0000"),
        ("\u200b", "This field is required."),
        ("五个字符串", "At most 4 characters."),
    ],
)
def test_a_line_fields_messages_are_ours(value: str, message: str) -> None:
    with translation.override("en"):
        form = _LineForm({"term": value})
        assert not form.is_valid()
        assert len(form.errors["term"]) == 1 and form.errors["term"][0].startswith(message)


def test_a_line_field_takes_a_line() -> None:
    form = _LineForm({"term": " 生孩子 "})
    assert form.is_valid() and form.cleaned_data["term"] == "生孩子"


@pytest.mark.parametrize("field", ["name", "password", "note"])
@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\x1f"])
def test_each_text_field_of_a_site_form_refuses_a_control_character_once(
    field: str, character: str
) -> None:
    with translation.override("en"):
        form = _Typed({"name": "王小明", field: f"王{character}明"})
        assert not form.is_valid()
        [message] = form.errors[field]
    assert message.startswith(f"Remove the control character U+{ord(character):04X}")


def test_a_control_character_in_an_email_address_is_named_in_chinese() -> None:
    with translation.override("zh-hans"):
        form = _Typed({"name": "王小明", "email": "a\x00@example.com"})
        assert not form.is_valid()
    assert any("U+0000" in message for message in form.errors["email"])
    assert not any("空字符串" in message for message in form.errors["email"])


def test_a_site_form_takes_tab_and_line_breaks() -> None:
    form = _Typed({"name": "王小明", "note": "一\t二\n三\r\n四"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == "一\t二\n三\r\n四"


def test_the_fields_a_form_class_declares_are_left_as_they_were() -> None:
    _Typed({"name": "x"})
    assert all(
        "validate_no_control_characters" not in repr(field.validators)
        for field in _Typed.base_fields.values()
    )


@pytest.mark.parametrize(
    ("language", "message"), [("en", "At most 20 characters."), ("zh-hans", "最多 20 个字符。")]
)
def test_a_site_forms_length_limit_is_said_plainly(language: str, message: str) -> None:
    """Django's Chinese said "确保该变量包含不超过 20 字符 (目前字符数 21)" (QA)."""
    with translation.override(language):
        form = _Typed({"name": "长" * 21})
        assert not form.is_valid()
        assert form.errors["name"] == [message]
