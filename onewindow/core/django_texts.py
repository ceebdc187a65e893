"""Texts of Django's own that its Simplified Chinese catalogue (Django 5.2) does not carry
yet, or carries garbled: the column headers of the admin's model lists, which screen
readers read out, and the message of a NUL typed into an admin form (translated
"不允许是用空字符串", which reads as nonsense; the site's own forms say it in their
words, ``core.form_fields``). Marked here, they are extracted into the site's catalogue,
which Django reads before its own (``LOCALE_PATHS``)."""

from django.utils.translation import gettext_noop

DJANGO_TEXTS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Null characters are not allowed."),
)
