"""Loading the demo form definitions (``definitions/*.json``, one file per form).

Idempotent: a file whose content matches the newest version of its key (same SHA-256)
is skipped; a changed file becomes the next version. Stored through
``services.create_definition`` as the system (no actor), so each is checked and audited.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from onewindow.forms import services
from onewindow.forms.models import FormDefinition

DEFINITIONS = Path(__file__).resolve().parent / "definitions"


def demo_definition_files() -> list[Path]:
    return sorted(DEFINITIONS.glob("*.json"))


def read_definition(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def load_demo_forms() -> int:
    """Store every demo definition not stored yet; return how many versions were added."""
    return load_definition_files(demo_definition_files())


def load_definition_files(paths: list[Path]) -> int:
    """Store each definition file (one form per file) whose content is not the newest
    version of its key yet; return how many versions were added."""
    created = 0
    for path in paths:
        document = read_definition(path)
        content = {
            "title": document["title"],
            "title_en": document.get("title_en", ""),
            "schema": document["schema"],
            "layout": document["layout"],
            "attachments": document.get("attachments", []),
        }
        latest = FormDefinition.objects.filter(key=document["key"]).order_by("-version").first()
        if latest is not None and latest.sha256 == services.definition_digest(**content):
            continue
        services.create_definition(actor=None, key=document["key"], **content)
        created += 1
    return created
