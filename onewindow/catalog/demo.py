"""Loading the demo catalog (``demo_content/*.json``) through the catalog services.

Idempotent: topics are upserted; items, life events and synonyms are created only
when missing. Items are published directly (a system seed, audited as such).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from onewindow.catalog import services

CONTENT = Path(__file__).resolve().parent / "demo_content"


def read(name: str) -> Any:
    return json.loads((CONTENT / f"{name}.json").read_text(encoding="utf-8"))


def load_demo_catalog() -> dict[str, int]:
    services.seed_topics(read("topics"))
    items = services.seed_items(rows=read("items"), source="demo")
    events = services.seed_life_events(read("life_events"))
    services.seed_synonyms(read("synonyms"))
    return {"items": items, "life_events": events}
