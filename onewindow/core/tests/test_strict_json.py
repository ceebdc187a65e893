"""JSON as RFC 8259 has it (``core.strict_json``): what Python's reader takes beyond it,
NaN and the infinities, and a lone surrogate escaped in a string, is refused."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from onewindow.core import strict_json


@pytest.mark.parametrize(
    "text",
    ['{"amount": NaN}', "[Infinity]", '{"a": {"b": [-Infinity]}}'],
)
def test_the_numbers_json_has_not_are_refused(text: str) -> None:
    with pytest.raises(strict_json.StrictJsonError) as refused:
        strict_json.loads(text)
    with translation.override("en"):
        assert str(refused.value.message) == "NaN, Infinity and -Infinity are not JSON numbers."


@pytest.mark.parametrize(
    "text",
    ['{"username": "\\ud800"}', '["ok", {"deep": ["\\udfff"]}]', '{"\\ud800": 1}'],
)
def test_a_lone_surrogate_is_refused_wherever_it_is(text: str) -> None:
    with pytest.raises(strict_json.StrictJsonError) as refused:
        strict_json.loads(text)
    with translation.override("zh-hans"):
        assert "\\ud800" in str(refused.value.message)


def test_json_itself_is_read_as_pythons_reader_reads_it() -> None:
    text = '{"name": "王小明", "pair": "\\ud83d\\ude00", "n": 1.5e3, "none": null}'
    assert strict_json.loads(text) == json.loads(text)
    assert strict_json.loads(text.encode()) == json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        strict_json.loads('{"a": }')
