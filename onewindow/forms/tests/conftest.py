"""Fixtures for the forms tests: a sample definition using every supported keyword,
file storage in a temporary folder, and the Chinese texts of the new messages."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from onewindow.conftest import make_id_number, proposed_chinese
from onewindow.forms import services, spec
from onewindow.forms.models import FormDefinition
from onewindow.forms.tests.chinese import PROPOSED_ZH

DRAFT = "https://json-schema.org/draft/2020-12/schema"

SAMPLE_SCHEMA: dict[str, Any] = {
    "$schema": DRAFT,
    "type": "object",
    "properties": {
        "full_name": {"type": "string", "title": "姓名", "minLength": 2, "maxLength": 10},
        "code": {"type": "string", "title": "代码", "pattern": "^[A-Z]{3}$"},
        "age": {"type": "integer", "title": "年龄", "minimum": 0, "maximum": 150},
        "amount": {"type": "number", "title": "金额", "minimum": 0.5, "maximum": 100},
        "agree": {"type": "boolean", "title": "我同意"},
        "newsletter": {"type": "boolean", "title": "订阅通知"},
        "colour": {"type": "string", "title": "颜色", "enum": ["red", "blue"]},
        "toppings": {
            "type": "array",
            "title": "配料",
            "items": {"type": "string", "enum": ["egg", "ham", "leek"]},
        },
        "birth": {"type": "string", "title": "出生日期", "format": "date"},
        "email": {"type": "string", "title": "电子邮箱", "format": "email"},
        "id_number": {"type": "string", "title": "身份证号", "format": "cn-id"},
        "uscc": {"type": "string", "title": "信用代码", "format": "cn-uscc"},
        "notes": {"type": "string", "title": "备注"},
    },
    "required": ["full_name", "age", "agree", "colour", "toppings"],
}

SAMPLE_LAYOUT: dict[str, Any] = {
    "sections": [
        {
            "title": "基本信息",
            "title_en": "About you",
            "fields": ["full_name", "code", "age", "amount", "birth", "email", "id_number"],
        },
        {
            "title": "选择",
            "title_en": "Choices",
            "fields": ["colour", "toppings", "uscc", "notes", "agree", "newsletter"],
        },
    ],
    "fields": {
        "full_name": {"label_en": "Full name", "help": "与证件一致", "help_en": "As on your ID"},
        "code": {"pattern_error": "请填写 3 个大写字母", "pattern_error_en": "Enter 3 capitals"},
        "colour": {
            "widget": "radio",
            "enumNames": ["红色", "蓝色"],
            "enumNames_en": ["Red", "Blue"],
            "label_en": "Colour",
        },
        "toppings": {"enumNames": ["鸡蛋", "火腿", "韭菜"], "enumNames_en": ["Egg", "Ham", "Leek"]},
        "notes": {"widget": "textarea"},
        "id_number": {"label_en": "Identity number"},
        "agree": {"label_en": "I agree"},
    },
}

SAMPLE_SLOTS: list[dict[str, Any]] = [
    {
        "key": "scan",
        "label": "扫描件",
        "label_en": "Scan",
        "required": True,
        "types": ["pdf", "png"],
        "max_mb": 1,
    },
    {
        "key": "photo",
        "label": "照片",
        "label_en": "Photo",
        "required": False,
        "types": ["jpg", "png"],
        "max_mb": 2,
    },
]


def sample_parts() -> dict[str, Any]:
    return {
        "schema": copy.deepcopy(SAMPLE_SCHEMA),
        "layout": copy.deepcopy(SAMPLE_LAYOUT),
        "attachments": copy.deepcopy(SAMPLE_SLOTS),
    }


def make_definition(
    *,
    key: str = "sample",
    title: str = "示例表单",
    title_en: str = "Sample form",
    **parts: Any,
) -> FormDefinition:
    content = sample_parts()
    content.update(parts)
    return services.create_definition(
        actor=None, key=key, title=title, title_en=title_en, **content
    )


def id_number_of(sex: str, *, birth: str = "19900307") -> str:
    """A new valid identity number whose holder is ``sex`` (``make_id_number``'s
    serials alternate the 17th digit, so a second try at most)."""
    while spec.sex_in_id_number(number := make_id_number(birth=birth)) != sex:
        pass
    return number


@pytest.fixture
def sample(db: None) -> FormDefinition:
    return make_definition()


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    """Default storage on a temporary folder, so a test can see every file written."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def chinese() -> Iterator[None]:
    """The Chinese catalogue with the forms messages as proposed in ``chinese.py``, which
    the committed .po does not carry yet (Django's own catalogue has a few of them in
    other words); everything is put back afterwards."""
    with proposed_chinese(PROPOSED_ZH):
        yield


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """These tests read messages in English; those about Chinese override it themselves.
    (The interface's default language is Chinese.)"""
    with translation.override("en"):
        yield
