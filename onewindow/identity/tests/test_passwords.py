import re

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import translation

from onewindow.identity.models import User
from onewindow.identity.passwords import MinimumLengthValidator

# Passwords each configured validator refuses, for a person with these details.
PERSON = {
    "username": "wangxiaoming",
    "full_name": "王小明",
    "email": "wangxiaoming@example.cn",
    "id_number": "310101199003071234",
}
REFUSED = ["short", "wangxiaoming", "password1234", "384756102938475"]
# Two Latin words in a row: an English sentence on a Chinese page.
ENGLISH = re.compile(r"[A-Za-z]+[ ,.:;]+[A-Za-z]+")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_configured_length_check_is_ours():
    [length] = [
        v
        for v in password_validation.get_default_password_validators()
        if isinstance(v, password_validation.MinimumLengthValidator)
    ]
    assert type(length) is MinimumLengthValidator
    assert length.min_length == 12


def test_too_short_says_how_long_in_english():
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            MinimumLengthValidator(min_length=12).validate("short")
        assert excinfo.value.messages == [
            "This password is too short: it needs at least 12 characters."
        ]
        assert excinfo.value.code == "password_too_short"
        assert MinimumLengthValidator(min_length=1).get_help_text() == (
            "Your password needs at least 1 character."
        )


def test_too_short_is_chinese_on_chinese_pages(chinese):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as excinfo:
            password_validation.validate_password("short")
        assert excinfo.value.messages == ["密码太短，至少需要 12 个字符。"]


def test_every_configured_password_rule_speaks_chinese(chinese):
    user = User(**PERSON)
    texts: dict[str, list[str]] = {}
    with translation.override("zh-hans"):
        for validator in password_validation.get_default_password_validators():
            said = texts.setdefault(type(validator).__name__, [str(validator.get_help_text())])
            for password in REFUSED:
                try:
                    validator.validate(password, user)
                except ValidationError as exc:
                    said += exc.messages
    for name, said in texts.items():
        assert len(said) > 1, f"{name} refused none of {REFUSED}"
        for text in said:
            assert CJK.search(text) and not ENGLISH.search(text), (name, text)
