"""The Celery application: `celery -A onewindow.worker worker`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")

app = Celery("onewindow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
