from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from onewindow.identity.models import User


@shared_task(
    name="onewindow.identity.send_lockout_notice",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_lockout_notice(username: str) -> bool:
    """Tell the account owner it was locked, in their language. Re-reads the user, so a
    retry or a duplicate delivery only sends a harmless second notice."""
    user = User.objects.filter(username=username).first()
    if user is None or not user.email:
        return False
    hours = settings.AXES_COOLOFF_TIME
    with translation.override(user.preferred_language):
        message = ngettext(
            "Too many wrong passwords were entered for your account %(username)s, so it is "
            "locked for %(hours)d hour. If this was not you, set a new password with "
            '"Forgotten your password?" on the login page, which also ends the lock, and '
            "contact the help desk.",
            "Too many wrong passwords were entered for your account %(username)s, so it is "
            "locked for %(hours)d hours. If this was not you, set a new password with "
            '"Forgotten your password?" on the login page, which also ends the lock, and '
            "contact the help desk.",
            hours,
        ) % {"username": user.username, "hours": hours}
        send_mail(
            subject=_("Your OneWindow account was locked"),
            message=f"{message}\n\n{_footer()}",
            from_email=None,
            recipient_list=[user.email],
        )
    return True


def _footer() -> str:
    """The notifications' footer, in the same words (``notifications/_footer.txt``)."""
    return "\n".join(
        [
            "--",
            _("This message was sent automatically by OneWindow. Please do not reply to it."),
            _("For help, call the 12345 citizen hotline."),
        ]
    )


@shared_task(
    name="onewindow.identity.send_password_reset",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_password_reset(user_id: int, site: str) -> bool:
    """Email the owner a link to set a new password, in their language; ``site`` is the
    address the page asking for it was served at. The token is made here, when the
    mail goes, so a retry sends a link that works as long as the first."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    path = reverse(
        "identity:password_reset",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    with translation.override(user.preferred_language):
        send_mail(
            subject=_("Set a new password for OneWindow"),
            message=_(
                "Someone asked to set a new password for your account %(username)s. If it "
                "was you, open this link within %(minutes)d minutes:\n\n%(link)s\n\n"
                "If it was not you, ignore this message: your password stays as it is."
            )
            % {
                "username": user.username,
                "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
                "link": site.rstrip("/") + path,
            }
            + f"\n\n{_footer()}",
            from_email=None,
            recipient_list=[user.email],
        )
    return True
