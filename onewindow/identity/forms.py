from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.core.form_fields import SiteForm
from onewindow.identity import officer_accounts, services
from onewindow.identity.roles import OFFICER_ROLES, Role
from onewindow.identity.validators import (
    ID_NUMBER_LENGTH,
    ID_NUMBER_TYPED_MAX,
    USERNAME_HINT,
    clean_mobile_phone,
)


class LoginForm(SiteForm):
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


class MobilePhoneField(forms.CharField):
    """A mainland China mobile number, cleaned to its 11 digits (``clean_mobile_phone``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mobile phone"))
        kwargs.setdefault("max_length", 20)  # room for "+86 138 1234 5678" as typed
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        typed = super().clean(value)
        return clean_mobile_phone(typed) if typed else typed


PASSWORD_HINT = _("At least 12 characters; not a common password.")


def add_service_problems(form: forms.Form, problems: dict[str, list[Any]]) -> None:
    """A service's refusals by field on ``form``, as a ModelForm adds its model's: a
    field the form refused already keeps the form's message alone; one the form lacks
    goes to the top."""
    for name, messages in problems.items():
        if name in form.errors:
            continue
        for message in messages:
            form.add_error(name if name in form.fields else None, str(message))


class RegisterForm(SiteForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=USERNAME_HINT,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    full_name = forms.CharField(
        label=_("Full name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = forms.CharField(
        label=_("Resident identity number"),
        # Room for the number as people type it, grouped by spaces or hyphens, which the
        # service's check reads past (``validators.resident_id_characters``): 18 here
        # refused "110105 19491231 002X" before that check ran, in Django's words, and
        # the browser cut off what was typed at the 18th character.
        max_length=ID_NUMBER_TYPED_MAX,
        error_messages={"max_length": ID_NUMBER_LENGTH},
        help_text=_("18 characters, as on your identity card."),
    )
    phone = MobilePhoneField(required=False)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        error_messages={"invalid": services.ENTER_AN_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=PASSWORD_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        """``request``: the register page's, against whose address a refusal naming a
        registered identity number is counted (``registration_throttle``)."""
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        """Adds the service's refusals (a taken name, a wrong identity number, a weak
        password) of the fields the form could read, as a ModelForm adds its model's:
        one round shows every problem. A field the form refused keeps the form's message
        alone; ``register_citizen`` checks everything again when it writes."""
        cleaned = super().clean() or {}
        problems = services.registration_errors(
            username=cleaned.get("username", ""),
            password=cleaned.get("password", ""),
            full_name=cleaned.get("full_name", ""),
            id_number=cleaned.get("id_number", ""),
            phone=cleaned.get("phone", ""),
            email=cleaned.get("email", ""),
            request=self.request,
        )
        add_service_problems(self, problems)
        return cleaned


class ProfileForm(SiteForm):
    phone = MobilePhoneField(required=False)
    email = forms.EmailField(
        label=_("Email"), required=False, error_messages={"invalid": services.ENTER_AN_EMAIL}
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_(
            "Of your pages, emails and messages: the site switches to it when you save, "
            "and when you log in."
        ),
    )


class NewPasswordForm(SiteForm):
    """A new password, twice. Its rules are the service's (``services.new_password_problems``);
    the form checks the two copies agree."""

    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        error_messages={"required": _("Enter a new password.")},
        help_text=PASSWORD_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        error_messages={"required": _("Enter the new password again.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password"), cleaned.get("new_password_again")
        if first and second and first != second:
            self.add_error("new_password_again", _("The two new passwords differ."))
        return cleaned


class PasswordChangeForm(NewPasswordForm):
    """The current password first, then the new one twice."""

    field_order = ["current_password", "new_password", "new_password_again"]

    def only_copies_differ(self) -> bool:
        """Whether the one problem the form found is that the new copies differ (the
        service judges the passwords themselves)."""
        return list(self.errors) == ["new_password_again"] and "new_password" in self.cleaned_data

    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        error_messages={"required": _("Enter your current password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordForgottenForm(SiteForm):
    login = forms.CharField(
        label=_("User name or email address"),
        max_length=254,
        error_messages={"required": _("Enter your user name or email address.")},
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )


# Also what the page asks for above the field: the one thing to say about any code that
# is not six digits (Django's own messages spoke of "characters" of a "variable").
ENTER_SIX_DIGITS = _("Enter the six-digit code from your authenticator app.")


class OtpForm(SiteForm):
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
        return _six_digits(self.cleaned_data["otp"], ENTER_SIX_DIGITS)


ENTER_THE_EMAILED_CODE = _("Enter the six-digit code we emailed you.")


class EnrolmentForm(OtpForm):
    """A first set-up: the authenticator's code, and the one emailed to the account's
    address, which proves the mailbox as a password alone does not (``two_factor``)."""

    mailbox_code = forms.CharField(
        label=_("Six-digit code from the email we sent you"),
        error_messages={"required": ENTER_THE_EMAILED_CODE},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_mailbox_code(self) -> str:
        return _six_digits(self.cleaned_data["mailbox_code"], ENTER_THE_EMAILED_CODE)


def _six_digits(typed: str, message: Any) -> str:
    # Full-width digits (typed with a Chinese input method) become ASCII; the space
    # apps show in the middle ("123 456") is dropped.
    code = "".join(unicodedata.normalize("NFKC", typed).split())
    if not re.fullmatch(r"[0-9]{6}", code):
        raise forms.ValidationError(message, code="otp_format")
    return code


class _OfficerRoleField(forms.ChoiceField):
    """Offers the roles it is given and accepts any officer role: whether this actor may
    grant the one chosen is ``grant_role``'s to decide, and to audit when it refuses."""

    def valid_value(self, value: Any) -> bool:
        return value in {role.value for role in OFFICER_ROLES}


class _OffersRoles(SiteForm):
    """A form with a ``role`` field offering the roles the actor may grant here."""

    def __init__(self, *args: Any, roles: Iterable[Role], **kwargs: Any) -> None:
        """``roles``: those to offer, the ones the actor may grant here
        (``permissions.grantable_roles``)."""
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in roles]


class GrantRoleForm(_OffersRoles):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = _OfficerRoleField(
        label=_("Role"),
        error_messages={"invalid_choice": _("Choose a role from the list.")},
    )


class NewOfficerForm(_OffersRoles):
    """An officer's account, made by an administrator (``officer_accounts``): no
    password (the officer sets it from the link mailed to them), so the email address
    is required; the identity number is not (``officer_accounts`` says why)."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=USERNAME_HINT,
        error_messages={"required": _("Enter a user name for the officer.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        error_messages={"required": _("Enter the officer's full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("The link to set their password is sent here."),
        error_messages={
            "required": officer_accounts.ENTER_EMAIL,
            "invalid": services.ENTER_AN_EMAIL,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("Resident identity number"),
        required=False,
        max_length=ID_NUMBER_TYPED_MAX,  # as typed, grouped by spaces (``RegisterForm``)
        error_messages={"max_length": ID_NUMBER_LENGTH},
        help_text=_("18 characters, as on their identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = MobilePhoneField(required=False, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    role = _OfficerRoleField(
        label=_("Role"),
        error_messages={
            "required": _("Choose a role from the list."),
            "invalid_choice": _("Choose a role from the list."),
        },
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        help_text=_(
            "Of the email with their link, and of their pages and messages; they can "
            "change it in My account."
        ),
    )

    def clean(self) -> dict[str, Any]:
        """Adds the service's refusals (a taken user name or identity number, one not
        valid) of the fields the form could read, so one round shows every problem;
        ``create_officer_account`` checks everything again when it writes."""
        cleaned = super().clean() or {}
        problems = officer_accounts.officer_account_problems(
            username=cleaned.get("username", ""),
            full_name=cleaned.get("full_name", ""),
            email=cleaned.get("email", ""),
            id_number=cleaned.get("id_number", ""),
            phone=cleaned.get("phone", ""),
        )
        add_service_problems(self, problems)
        return cleaned
