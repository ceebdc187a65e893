"""Password and second-factor checks shared by the login pages and the token API."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onewindow.core.errors import FieldErrors, Forbidden, InvalidInput, Locked, NotAuthenticated
from onewindow.identity import services, two_factor
from onewindow.identity.lockout import LOCKED_MESSAGE, seconds_until_unlocked
from onewindow.identity.models import User
from onewindow.identity.permissions import needs_second_factor


def check_password(request: HttpRequest, username: str, password: str) -> User:
    """The user, or an error; failures are counted towards the account's lockout
    (django-axes) and audited by the login signals."""
    if not username or not password:
        fields = {}
        if not username:
            fields["username"] = [_("Enter your user name.")]
        if not password:
            fields["password"] = [_("Enter your password.")]
        raise InvalidInput(_("Enter your user name and password."), fields=fields)  # type: ignore[arg-type]
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise Locked(LOCKED_MESSAGE, code="locked", retry_after=seconds_until_unlocked(username))
    if user is None:
        raise NotAuthenticated(_("The user name or password is wrong."), code="bad_credentials")
    assert isinstance(user, User)
    return user


def change_password(
    request: HttpRequest, user: User, current_password: str, new_password: str
) -> int:
    """Give ``user`` a new password once they have shown the current one. A wrong current
    password counts towards the lockout as a failed login does (a session left open must
    not let someone try passwords); every problem is reported in one round. Returns the
    number of API tokens revoked (``services.set_password``)."""
    password_change_problems(request, user, current_password, new_password).raise_if_any()
    return services.set_password(user=user, password=new_password, request=request)


def password_change_problems(
    request: HttpRequest, user: User, current_password: str, new_password: str
) -> FieldErrors:
    """What is wrong with a password change, changing nothing: the current password
    (checked as a login is: a wrong one counts towards the lockout) and the new one's
    rules. Also asked when the form found the two new copies differ, so that every
    problem comes in one round."""
    problems = services.new_password_problems(
        user=user, password=new_password, current=current_password
    )
    if not current_password:
        problems.add("current_password", _("Enter your current password."))
    else:
        try:
            check_password(request, user.username, current_password)
        except NotAuthenticated:
            problems.add("current_password", _("Your current password is wrong."))
    return problems


def check_token_login(
    request: HttpRequest, username: str, password: str, otp: str
) -> tuple[User, bool]:
    """Password, then the second factor for officers; returns the user and whether a
    second factor was checked. Officers who have not enrolled get no token: they enrol
    in the web interface first."""
    user = check_password(request, username, password)
    if not needs_second_factor(user):
        return user, False
    if two_factor.confirmed_device(user) is None:
        raise Forbidden(
            _("Officers must set up two-factor authentication before using the API."),
            code="2fa_not_enrolled",
        )
    if not otp:
        raise InvalidInput(
            _("Officers must enter a two-factor code."),
            fields={"otp": [_("Officers must enter a two-factor code.")]},
        )
    two_factor.check_totp(user=user, code=otp, request=request)
    return user, True
