from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

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
    with translation.override(user.preferred_language):
        send_mail(
            subject=_("Your OneWindow account was locked"),
            message=_(
                "Too many wrong passwords were entered for your account %(username)s, so it "
                "is locked for a while. If this was not you, change your password after the "
                "lock ends and contact the help desk."
            )
            % {"username": user.username},
            from_email=None,
            recipient_list=[user.email],
        )
    return True
