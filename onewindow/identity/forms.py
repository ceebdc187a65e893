from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.identity.roles import OFFICER_ROLES, Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(*args, **kwargs)


class RegisterForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = forms.CharField(
        label=_("Resident identity number"),
        max_length=18,
        help_text=_("18 characters, as on your identity card."),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 12 characters; not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ProfileForm(forms.Form):
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


# Also what the page asks for above the field: the one thing to say about any code that
# is not six digits (Django's own messages spoke of "characters" of a "variable").
ENTER_SIX_DIGITS = _("Enter the six-digit code from your authenticator app.")


class OtpForm(forms.Form):
    otp = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        error_messages={"required": ENTER_SIX_DIGITS},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
                "autofocus": True,
            }
        ),
    )

    def clean_otp(self) -> str:
        # Full-width digits (typed with a Chinese input method) become ASCII; the space
        # apps show in the middle ("123 456") is dropped.
        code = "".join(unicodedata.normalize("NFKC", self.cleaned_data["otp"]).split())
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(ENTER_SIX_DIGITS, code="otp_format")
        return code


class _OfficerRoleField(forms.ChoiceField):
    """Offers the roles it is given and accepts any officer role: whether this actor may
    grant the one chosen is ``grant_role``'s to decide, and to audit when it refuses."""

    def valid_value(self, value: Any) -> bool:
        return value in {role.value for role in OFFICER_ROLES}


class GrantRoleForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = _OfficerRoleField(
        label=_("Role"),
        error_messages={"invalid_choice": _("Choose a role from the list.")},
    )

    def __init__(self, *args: Any, roles: Iterable[Role], **kwargs: Any) -> None:
        """``roles``: those to offer, the ones the actor may grant here
        (``permissions.grantable_roles``)."""
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in roles]
