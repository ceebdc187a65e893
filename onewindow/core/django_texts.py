"""Texts of Django's own admin that its Simplified Chinese catalogue (Django 5.2) does
not carry yet: the column headers of the admin's model lists, which screen readers read
out. Marked here, they are extracted into the site's catalogue, which Django reads before
its own (``LOCALE_PATHS``), so a Chinese admin page does not read them in English."""

from django.utils.translation import gettext_noop

DJANGO_ADMIN_TEXTS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
