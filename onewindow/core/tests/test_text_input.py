"""Control characters in typed text (``core.text_input``): found at any depth of a
value, named by code point, and refused by ``FieldErrors.text`` (the forms': ``test_form_fields``);
tab and line breaks are text."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from onewindow.core.errors import FieldErrors
from onewindow.core.text_input import (
    control_character_fields,
    control_character_fields_in_form,
    control_character_problem,
    is_blank,
)


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f"])
def test_a_c0_control_character_is_named_by_its_code_point(character: str) -> None:
    with translation.override("en"):
        problem = control_character_problem(f"浦东{character}人才")
    assert problem is not None and f"U+{ord(character):04X}" in problem


@pytest.mark.parametrize("text", ["", "浦东人才", "一\t二\n三\r\n四", "\x7f", "\u200b"])
def test_tab_line_breaks_and_other_characters_are_text(text: str) -> None:
    assert control_character_problem(text) is None


def test_every_string_and_key_at_fault_is_found_however_deep() -> None:
    body = {
        "title": "护照\x00",
        "schema": {"properties": {"name": {"title": "姓名\x01"}, "k\x00": 1}},
        "attachments": [{"name": "ok"}, {"name": "照片\x1f"}],
        "fine": ["a\tb", 3, None, True],
    }
    assert list(control_character_fields(body)) == [
        "title",
        "schema.properties.name.title",
        "schema.properties.k\\u0000",
        "attachments.1.name",
    ]


def test_a_body_nested_deeper_than_recursion_goes_is_walked() -> None:
    body: object = "\x00"
    for _ in range(5000):
        body = [body]
    assert list(control_character_fields(body)) == [".".join(["0"] * 5000)]


def test_a_forms_fields_are_named_by_their_keys() -> None:
    data = MultiValueDict({"q": ["ok", "bad\x00"], "dept\x02": ["GA"], "fine": ["a b"]})
    assert list(control_character_fields_in_form(data)) == ["q", "dept\\u0002"]


def test_field_errors_text_refuses_a_control_character() -> None:
    errors = FieldErrors()
    with translation.override("en"):
        errors.text("名\x00", "name", required=True, limit=10)
        assert [str(m) for m in errors.fields["name"]] == [
            "Remove the control character U+0000: text may hold no control character "
            "other than tab and line breaks."
        ]


def test_only_invisible_characters_are_blank() -> None:
    assert is_blank("\u200b") and is_blank(" \u200d\ufeff ") and not is_blank("\u200ba")
