"""OneWindow (一网通办)."""

from onewindow.worker import app as celery_app

__all__ = ["celery_app"]
