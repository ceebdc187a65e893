"""The fields and base form of the site's own Django forms (not the admin's): text typed
into them is refused, in our words, when it holds a control character other than tab and
line breaks (``text_input``). Django's CharField refuses only NUL, and says so in a
Chinese that reads "不允许是用空字符串" (garbled); the others were stored, and a NUL
reaching a service unchecked is a 500 on PostgreSQL."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

from onewindow.core.text_input import AT_MOST_CHARACTERS, control_character_problem, is_blank


def validate_no_control_characters(value: str) -> None:
    """A form field's validator: ``control_character_problem`` as a ValidationError."""
    problem = control_character_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="control_character")


def refuse_control_characters(field: forms.CharField) -> None:
    """``field`` refuses every control character with our message, in place of Django's
    NUL check."""
    field.validators = [
        validator
        for validator in field.validators
        if not isinstance(validator, ProhibitNullCharactersValidator)
    ]
    if validate_no_control_characters not in field.validators:
        field.validators.append(validate_no_control_characters)


def say_the_limit_plainly(field: forms.CharField) -> None:
    """``field``'s length limit in our words, "At most 120 characters." (Django's
    Chinese reads "确保该变量包含不超过 120 字符", a program's "variable")."""
    if field.max_length is None:
        return
    message = AT_MOST_CHARACTERS % {"limit": field.max_length}
    field.validators = [
        MaxLengthValidator(field.max_length, message=message)
        if isinstance(validator, MaxLengthValidator)
        else validator
        for validator in field.validators
    ]


class SiteForm(forms.Form):
    """The base of the site's forms: each of its text fields (``CharField`` and its
    kinds: email, password, patterns) refuses control characters
    (``refuse_control_characters``) and says its length limit plainly
    (``say_the_limit_plainly``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                refuse_control_characters(field)
                say_the_limit_plainly(field)


class LineField(forms.CharField):
    """A one-line text field of a back office form, with our messages where Django's
    are unclear: a control character named (``refuse_control_characters``) and the
    length limit said plainly (Django's told "确保该变量包含不超过 40 字符"); a value of
    only invisible characters (a zero-width space) is missing, as it shows nothing
    (``text_input.is_blank``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Its limit is said when a value is checked, not here: a form class's fields are
        # made once, at import, in no reader's language (``SiteForm`` makes its message
        # per form, in the request's).
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, MaxLengthValidator)
        ]
        refuse_control_characters(self)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if self.required and is_blank(value):
            raise ValidationError(self.error_messages["required"], code="required")
        if self.max_length is not None and len(value) > self.max_length:
            message = AT_MOST_CHARACTERS % {"limit": self.max_length}
            raise ValidationError(message, code="max_length")
