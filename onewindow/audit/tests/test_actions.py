"""Every action the code records is labelled in words for those who read the trail
(``actions.py``, each app's ``audit_actions``), in both languages; an unlabelled one
reads as its code."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.utils import translation

from onewindow.audit import actions

SOURCE = Path(__file__).resolve().parents[2]
OURS = "|".join(c.label for c in apps.get_app_configs() if c.name.startswith("onewindow."))
# "app.something" literals: action codes, and model labels ("cases.case"), which are not.
CODE = re.compile(rf'"((?:{OURS})\.[a-z0-9_]+)"')


def recorded_in_code() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts) or path.name == "audit_actions.py":
            continue
        found |= set(CODE.findall(path.read_text(encoding="utf-8")))
    models = {model._meta.label_lower for model in apps.get_models()}
    return found - models


def test_every_action_recorded_in_the_code_has_a_label():
    recorded = recorded_in_code()
    assert {"cases.case_submitted", "identity.2fa_verified", "audit.trail_read"} <= recorded
    assert recorded - actions.labelled() == set()


def test_a_label_is_read_in_the_reader_s_language_and_an_unknown_action_as_its_code():
    with translation.override("en"):
        assert actions.label("identity.role_granted") == "Role granted"
    with translation.override("zh-hans"):
        assert actions.label("identity.role_granted") == "授予角色"
    assert actions.label("nobody.did_this") == "nobody.did_this"
