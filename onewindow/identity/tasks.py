"""The identity app's emails, each sent by a Celery task after the transaction that
calls for it commits, in the recipient's language and with the notifications' footer.
Each task re-reads the user, so a retry or a duplicate delivery sends at most a
harmless second message."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.functional import Promise
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from onewindow.identity.models import User

# Each task: retried on a mail server's failure (OSError), waiting longer each time.
RETRIED = (OSError,)


def mail_task(name: str) -> Any:
    """The Celery task decorator every mail of this module takes."""
    return shared_task(name=name, autoretry_for=RETRIED, retry_backoff=True, max_retries=5)


def _active_recipient(user_id: int) -> User | None:
    """The active account ``user_id`` if it has an email address to write to."""
    return User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()


LOCKED_SUBJECT = _("Your OneWindow account was locked")
LOCKED = ngettext_lazy(
    "Too many wrong passwords were entered for your account %(username)s, so it is "
    "locked for %(hours)d hour. If this was not you, set a new password with "
    '"Forgotten your password?" on the login page, which also ends the lock, and '
    "contact the help desk.",
    "Too many wrong passwords were entered for your account %(username)s, so it is "
    "locked for %(hours)d hours. If this was not you, set a new password with "
    '"Forgotten your password?" on the login page, which also ends the lock, and '
    "contact the help desk.",
    "hours",
)
RESET_SUBJECT = _("Set a new password for OneWindow")
RESET = _(
    "Someone asked to set a new password for your account %(username)s. If it "
    "was you, open this link within %(minutes)d minutes:\n\n%(link)s\n\n"
    "If it was not you, ignore this message: your password stays as it is."
)
CREATED_SUBJECT = _("Your OneWindow account")
CREATED = _(
    "An administrator created a OneWindow account for you, with the user name "
    "%(username)s. Set your password with this link within %(minutes)d "
    "minutes:\n\n%(link)s\n\nIf the link has expired, ask for a new one with "
    '"Forgotten your password?" on the login page. When you first log in, you '
    "will set up two-factor authentication: have an authenticator app on your "
    "phone ready."
)
ENROLMENT_CODE_SUBJECT = _("Your OneWindow set-up code")
ENROLMENT_CODE = _(
    "You are setting up two-factor authentication for your account %(username)s. "
    "Enter this code beside the one your authenticator app shows, within %(minutes)d "
    "minutes:\n\n%(code)s\n\nIf it was not you, someone knows your password: set a "
    'new one at once with "Forgotten your password?" on the login page, and tell your '
    "department's administrator."
)
TWO_FACTOR_RESET_SUBJECT = _("Your OneWindow two-factor authentication was reset")
TWO_FACTOR_RESET = _(
    "An administrator reset the two-factor authentication of your account "
    "%(username)s: the authenticator app you set up no longer works for "
    "OneWindow, and you were signed out. The next time you log in, you will "
    "set up an authenticator app again. If you did not ask for this, tell your "
    "department's administrator at once."
)
# The notifications' footer, in the same words (``notifications/_footer.txt``).
FOOTER = (
    _("This message was sent automatically by OneWindow. Please do not reply to it."),
    _("For help, call the 12345 citizen hotline."),
)


def _mail(user: User, subject: Promise, message: Promise, **context: Any) -> bool:
    """Send ``message`` (with ``context`` and the user's name) to ``user`` in their
    language, the footer below it."""
    with translation.override(user.preferred_language):
        # ``%`` on the lazy text itself: a plural picks its form from the context.
        body = str(message % {"username": user.username, **context})
        footer = "\n".join(["--", *(str(line) for line in FOOTER)])
        send_mail(
            subject=str(subject),
            message=f"{body}\n\n{footer}",
            from_email=None,
            recipient_list=[user.email],
        )
    return True


def _password_link(user: User, site: str) -> str:
    """A link to the page setting ``user``'s password, with Django's reset token: it
    works for ``PASSWORD_RESET_TIMEOUT`` and stops working once the password changes.
    Made when the mail goes, so a retry sends a link that works as long as the first."""
    path = reverse(
        "identity:password_reset",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    return site.rstrip("/") + path


@mail_task("onewindow.identity.send_lockout_notice")
def send_lockout_notice(username: str) -> bool:
    """Tell the account owner it was locked, and for how long."""
    user = User.objects.filter(username=username).exclude(email="").first()
    if user is None:
        return False
    return _mail(user, LOCKED_SUBJECT, LOCKED, hours=settings.AXES_COOLOFF_TIME)


@mail_task("onewindow.identity.send_password_reset")
def send_password_reset(user_id: int, site: str) -> bool:
    """Email the owner a link to set a new password; ``site`` is the address the page
    asking for it was served at."""
    user = _active_recipient(user_id)
    if user is None:
        return False
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    return _mail(user, RESET_SUBJECT, RESET, minutes=minutes, link=_password_link(user, site))


@mail_task("onewindow.identity.send_officer_account_created")
def send_officer_account_created(user_id: int, site: str) -> bool:
    """Tell an officer whose account an administrator created (``officer_accounts``)
    how to set its password, with a link as a forgotten password's. Sent only while
    the account has no password: a retry after the officer set one sends nothing."""
    user = _active_recipient(user_id)
    if user is None or user.has_usable_password():
        return False
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    return _mail(user, CREATED_SUBJECT, CREATED, minutes=minutes, link=_password_link(user, site))


@mail_task("onewindow.identity.send_enrolment_code")
def send_enrolment_code(user_id: int) -> bool:
    """Email a new code for setting up an authenticator (``two_factor``): made here, so
    that no code waits in the queue, and a retry sends a fresh one."""
    from onewindow.identity.two_factor import mailbox_device

    user = _active_recipient(user_id)
    if user is None:
        return False
    device = mailbox_device(user)
    device.generate_token(valid_secs=settings.OTP_EMAIL_TOKEN_VALIDITY, commit=True)
    minutes = settings.OTP_EMAIL_TOKEN_VALIDITY // 60
    return _mail(user, ENROLMENT_CODE_SUBJECT, ENROLMENT_CODE, minutes=minutes, code=device.token)


@mail_task("onewindow.identity.send_two_factor_reset_notice")
def send_two_factor_reset_notice(user_id: int) -> bool:
    """Tell an officer an administrator reset their second factor (``two_factor_reset``),
    so that one who did not ask for it knows at once."""
    user = User.objects.filter(pk=user_id).exclude(email="").first()
    if user is None:
        return False
    return _mail(user, TWO_FACTOR_RESET_SUBJECT, TWO_FACTOR_RESET)
