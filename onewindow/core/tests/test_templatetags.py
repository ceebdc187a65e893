"""The template helpers every app's pages share (core/templatetags/onewindow.py)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context: object) -> str:
    return Template("{% load i18n onewindow %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Status: submitted"), ("zh-hans", "状态：submitted")],
)
def test_a_label_takes_its_languages_colon(language, expected):
    # Chinese writes a full-width colon and no space before the value.
    with translation.override(language):
        assert render('{% label _("Status") %}{{ value }}', value="submitted") == expected


def test_a_label_is_escaped_as_text():
    with translation.override("en"):
        assert render("{% label text %}", text="<b>") == "&lt;b&gt;: "


class Named:
    name = "审核"
    name_en = "Review"


@pytest.mark.parametrize(("language", "expected"), [("en", "Review"), ("zh-hans", "审核")])
def test_localized_picks_the_english_field_on_english_pages(language, expected):
    with translation.override(language):
        assert render("{{ obj|localized }}", obj=Named()) == expected
        assert render("{{ obj|localized }}", obj={"name": "审核", "name_en": ""}) == "审核"


@pytest.mark.parametrize(
    ("language", "obj", "expected"),
    [
        ("en", Named(), "Review"),
        ("en", {"name": "审核", "name_en": ""}, '<span lang="zh-Hans">审核</span>'),
        ("zh-hans", {"name": "审核", "name_en": ""}, "审核"),
        ("en", {"name": "<b>", "name_en": ""}, '<span lang="zh-Hans">&lt;b&gt;</span>'),
        ("en", {"name": "", "name_en": ""}, ""),
    ],
)
def test_a_chinese_fallback_on_an_english_page_is_marked_as_chinese(language, obj, expected):
    with translation.override(language):
        assert render("{{ obj|localized_marked }}", obj=obj) == expected
