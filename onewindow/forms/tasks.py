"""Background work of the forms app."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="onewindow.forms.remove_orphan_files")
def remove_orphan_files() -> dict[str, int]:
    """Daily from beat: stored uploads whose row was rolled back (``orphans``)."""
    from onewindow.forms import orphans

    found = orphans.remove_orphan_files()
    return {"checked": found.checked, "removed": len(found.removed)}
