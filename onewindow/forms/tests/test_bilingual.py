"""A form version's texts with Chinese and no English (``forms.bilingual``): said when it
is uploaded, on the back office page and in the API's answer."""

from __future__ import annotations

from django.utils import translation

from onewindow.forms.bilingual import as_sentence, missing_english
from onewindow.forms.demo import demo_definition_files, read_definition
from onewindow.forms.tests.conftest import make_definition


def bilingual_parts() -> dict:
    return {
        "schema": {
            "type": "object",
            "properties": {
                "phone": {"type": "string", "title": "联系电话"},
                "note": {"type": "string", "title": "备注"},
            },
        },
        "layout": {
            "sections": [{"title": "联系方式", "title_en": "Contact", "fields": ["phone", "note"]}],
            "fields": {"phone": {"label_en": "Phone"}, "note": {"label_en": "Note"}},
        },
        "attachments": [
            {"key": "photo", "label": "照片", "label_en": "Photo", "types": ["png"], "max_mb": 2}
        ],
    }


def test_a_bilingual_form_lacks_nothing(db):
    assert missing_english(make_definition(**bilingual_parts())) == []


def test_each_text_without_english_is_named_in_the_forms_order(db):
    """An uploaded form showed 备注 on English pages with no word of warning (QA)."""
    parts = bilingual_parts()
    del parts["layout"]["sections"][0]["title_en"]
    del parts["layout"]["fields"]["note"]["label_en"]
    del parts["attachments"][0]["label_en"]
    definition = make_definition(title_en="", **parts)
    with translation.override("en"):
        missing = missing_english(definition)
        assert missing == [
            "The form's title",
            "Section 联系方式",
            "Question 备注 (note)",
            "Material 照片",
        ]
        assert as_sentence(missing[:2]) == (
            "These texts have no English, so English pages show their Chinese: "
            "The form's title, Section 联系方式."
        )


def test_helps_error_messages_and_choices_without_english_are_named(db):
    """An English applicant read "请输入11位手机号" under an English question (QA)."""
    parts = bilingual_parts()
    parts["schema"]["properties"]["phone"]["pattern"] = "^1[0-9]{10}$"
    parts["schema"]["properties"]["note"]["enum"] = ["a", "b"]
    parts["layout"]["fields"]["phone"].update(help="手机号", pattern_error="请输入11位手机号")
    parts["layout"]["fields"]["note"].update(widget="radio", enumNames=["甲", "乙"])
    parts["attachments"][0]["help"] = "白底"
    with translation.override("en"):
        assert missing_english(make_definition(**parts)) == [
            "The help of question 联系电话 (phone)",
            "The error message of question 联系电话 (phone)",
            "The choices of question 备注 (note)",
            "The help of material 照片",
        ]
    parts["layout"]["fields"]["phone"].update(help_en="Mobile", pattern_error_en="11 digits")
    parts["layout"]["fields"]["note"]["enumNames_en"] = ["A", "B"]
    parts["attachments"][0]["help_en"] = "White background"
    assert missing_english(make_definition(key="sample2", **parts)) == []


def test_the_demo_forms_are_bilingual(db):
    for path in demo_definition_files():
        document = read_definition(path)
        definition = make_definition(**document)
        assert missing_english(definition) == [], path.name
