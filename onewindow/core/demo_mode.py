"""The demo's commands run only in a demo: the demo city's accounts share a published
password and two-factor secrets (docs/demo-logins.md), so loading them into a
production database would open it to anyone who read the docs. ``make demo`` sets
``ONEWINDOW_DEMO=1``; a developer's ``ONEWINDOW_DEBUG=true`` counts as a demo too."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError


def demo_mode() -> bool:
    return bool(settings.DEBUG) or bool(settings.DEMO)


def refuse_outside_a_demo(command: str, what: str) -> None:
    """``CommandError`` unless ``demo_mode()``; ``what`` says what the command would do."""
    if not demo_mode():
        raise CommandError(
            f"{command} {what}, so it runs only in a demo: set ONEWINDOW_DEMO=1 (or "
            "ONEWINDOW_DEBUG=true). Never in production."
        )
