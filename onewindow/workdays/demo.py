"""Loading the demo calendar: provisional 2027 public holidays (``demo_content/``), so
that demo deadlines running past New Year 2026 keep working.

The file holds only the statutory holidays fixed by 《全国年节及纪念日放假办法》 (2024
amendment), not the State Council's arrangement with its adjusted working days, which
is not published yet. Idempotent, and it never overwrites the city's own entries: a
year that already has a ``CalendarYear`` row or any override is left alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from onewindow.workdays import services
from onewindow.workdays.models import CalendarYear, WorkdayOverride

CONTENT = Path(__file__).resolve().parent / "demo_content"
DEMO_YEARS = ("2027-provisional.json",)


def read_year(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def load_demo_calendar() -> int:
    """Import and declare each demo year not entered yet; return how many were."""
    loaded = 0
    for name in DEMO_YEARS:
        document = read_year(CONTENT / name)
        year = document["year"]
        if (
            CalendarYear.objects.filter(year=year).exists()
            or WorkdayOverride.objects.filter(day__year=year).exists()
        ):
            continue
        services.import_year(actor=None, document=document, declare=True)
        loaded += 1
    return loaded
