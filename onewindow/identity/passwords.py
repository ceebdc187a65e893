"""Password rules whose words are ours, configured in ``settings.AUTH_PASSWORD_VALIDATORS``.

Django 5.2 changed the msgid of its too-short message and its bundled Chinese catalogue
has no text for the new one, so Chinese pages said it in English. Our own msgids live
in our catalogue, which we keep complete; the check itself stays Django's.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: it needs at least %(min_length)d character.",
            "This password is too short: it needs at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Your password needs at least %(min_length)d character.",
            "Your password needs at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
