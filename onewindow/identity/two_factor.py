"""Second-factor (TOTP) devices: enrolling one, and checking the codes it shows.

Anyone holding an officer role passes a code before doing anything, on the pages and before
the API issues them a token (ADR 0006). Wrong codes do not count towards the account
lockout (ADR 0005): django-otp throttles them per device, and while it does, a right code
fails too, so the person is told how long to wait rather than that the code is wrong. Each
attempt is audited, a failed one committed before the error is raised.

Split from ``services`` by subject; the same rule holds here: each write runs in one
transaction with its audit record."""

from __future__ import annotations

import math

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.audit.models import Outcome
from onewindow.audit.services import record_event
from onewindow.core.after_commit import enqueue_after_commit
from onewindow.core.errors import Forbidden, InvalidInput, Locked
from onewindow.identity.models import User

WRONG_CODE = _("The code is wrong or expired. Try the newest code.")


def page_then(then: str = "") -> str:
    """The second-factor page, asked to go on to the page ``then`` (a path with its
    query) once the code is right. ``then`` is encoded whole: sent raw, its own ``&``
    ended ``next`` at the first parameter and the others were lost. The page checks
    that ``next`` is this site's before it follows it."""
    page = reverse("identity:two_factor")
    return f"{page}?{urlencode({'next': then})}" if then else page


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def start_totp_enrollment(*, user: User, request: HttpRequest | None = None) -> TOTPDevice:
    """The unconfirmed device whose secret the user scans: the pending one if there is
    one, so reloading the page does not change the secret under the user's phone. A new
    set-up emails the mailbox code too (``send_mailbox_code``)."""
    with transaction.atomic():
        device = pending_device(user)
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
            record_event(
                actor=user, action="identity.2fa_enrollment_started", target=user, request=request
            )
            if needs_mailbox_code(user):
                send_mailbox_code(user=user, request=request)
        return device


# The first set-up of an authenticator proves the account's mailbox too: with the password
# alone, whoever learnt it before its owner logged in could set up their own phone and
# keep the account (the set-password link of a new officer proves the mailbox, but a
# password known otherwise, or a reset second factor, did not).
MAILBOX_DEVICE = "enrolment"
CODE_NOT_SENT = "Not sent later: the person may ask for a new code a minute after asking."
WRONG_MAILBOX_CODE = _("The code from the email is wrong or expired. Ask for a new one.")


def needs_mailbox_code(user: User) -> bool:
    """An account without an email address has no mailbox to prove: it sets up with
    its password alone, as before (docs/first-install.md says so)."""
    return bool(user.email)


def mailbox_device(user: User) -> EmailDevice:
    device, _created = EmailDevice.objects.get_or_create(
        user=user, name=MAILBOX_DEVICE, defaults={"confirmed": False}
    )
    return device


def send_mailbox_code(*, user: User, request: HttpRequest | None = None) -> bool:
    """Email the account a new set-up code, after the transaction commits; False, and
    nothing sent, within django-otp's cooldown of the last (a minute)."""
    from onewindow.identity.tasks import send_enrolment_code

    device = mailbox_device(user)
    allowed, _why = device.generate_is_allowed()
    if not allowed:
        return False
    with transaction.atomic():
        device = EmailDevice.objects.select_for_update().get(pk=device.pk)
        device.cooldown_set(commit=True)  # a second click within the minute sends nothing
        record_event(
            actor=user, action="identity.2fa_mailbox_code_sent", target=user, request=request
        )
        # Not through the outbox, which keeps what it sends in the database until it is
        # sent: the task makes the code when the mail goes, so that no code waits in a
        # queue. A message lost to a broker that is down is therefore not caught up: the
        # page answers as usual, the failure is logged, and the person asks for a new
        # code with the page's button once the minute's cooldown is over.
        enqueue_after_commit(
            send_enrolment_code.delay, user.pk, about=f"user {user.pk}", later=CODE_NOT_SENT
        )
    return True


def confirm_totp_enrollment(
    *,
    user: User,
    code: str,
    mailbox_code: str = "",
    request: HttpRequest | None = None,
) -> TOTPDevice:
    device = pending_device(user)
    if device is None:
        raise InvalidInput(
            _("Start the set-up again."), fields={"otp": [_("Start the set-up again.")]}
        )
    if needs_mailbox_code(user):
        _check_mailbox_code(user, mailbox_code, request)
    _refuse_while_throttled(device, user, "identity.2fa_enrolled", request)
    # The failure is committed (audit row and django-otp's throttle counter) before the
    # error is raised, so a wrong code is neither forgotten nor free to retry at once.
    with transaction.atomic():
        ok = bool(code) and device.verify_token(code.strip())
        if not ok:
            record_event(
                actor=user,
                action="identity.2fa_enrolled",
                target=user,
                outcome=Outcome.FAILURE,
                request=request,
            )
    if not ok:
        raise InvalidInput(WRONG_CODE, fields={"otp": [WRONG_CODE]})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(actor=user, action="identity.2fa_enrolled", target=user, request=request)
    return device


def _check_mailbox_code(user: User, code: str, request: HttpRequest | None) -> None:
    """Raise ``InvalidInput`` at ``mailbox_code`` unless ``code`` is the one last emailed
    and still valid; checked before the authenticator's, whose code a failure here
    leaves unspent. django-otp slows down wrong ones (its throttle)."""
    with transaction.atomic():
        device = EmailDevice.objects.select_for_update().get(pk=mailbox_device(user).pk)
        ok = bool(code) and device.verify_token(code.strip())
        if ok:  # used once: the next set-up (after a reset) needs a new one
            device.token, device.valid_until = None, timezone.now()
            device.save(update_fields=["token", "valid_until"])
        else:
            record_event(
                actor=user,
                action="identity.2fa_enrolled",
                target=user,
                outcome=Outcome.FAILURE,
                detail={"field": "mailbox_code"},
                request=request,
            )
    if not ok:
        raise InvalidInput(WRONG_MAILBOX_CODE, fields={"mailbox_code": [WRONG_MAILBOX_CODE]})


def check_totp(*, user: User, code: str, request: HttpRequest | None = None) -> TOTPDevice:
    """Verify a second-factor code (each code works once: django-otp keeps the last step)."""
    device = confirmed_device(user)
    if device is None:
        raise Forbidden(_("Set up two-factor authentication first."), code="2fa_not_enrolled")
    _refuse_while_throttled(device, user, "identity.2fa_verified", request)
    with transaction.atomic():
        ok = bool(code) and device.verify_token(code.strip())
        record_event(
            actor=user,
            action="identity.2fa_verified",
            target=user,
            outcome=Outcome.SUCCESS if ok else Outcome.FAILURE,
            request=request,
        )
    if not ok:
        raise InvalidInput(WRONG_CODE, fields={"otp": [WRONG_CODE]})
    return device


def _refuse_while_throttled(
    device: TOTPDevice, user: User, action: str, request: HttpRequest | None
) -> None:
    """Raise ``Locked``, on record, while django-otp refuses every code: for a while
    after wrong ones (the wait doubles with each) a right code fails too, and "the code
    is wrong" would send people in circles. Says how long to wait instead."""
    wait = _seconds_to_wait(device)
    if not wait:
        return
    record_event(
        actor=user,
        action=action,
        target=user,
        outcome=Outcome.FAILURE,
        detail={"throttled_seconds": wait},
        request=request,
    )
    message = ngettext(
        "After a wrong code, wait %(seconds)d second, then enter the newest code.",
        "After a wrong code, wait %(seconds)d seconds, then enter the newest code.",
        wait,
    ) % {"seconds": wait}
    raise Locked(message, fields={"otp": [message]}, code="2fa_throttled", retry_after=wait)


def _seconds_to_wait(device: TOTPDevice) -> int:
    """Whole seconds until django-otp's throttle lets the device verify again; 0 now."""
    allowed, why = device.verify_is_allowed()
    if allowed or not why or not why.get("locked_until"):
        return 0
    return max(1, math.ceil((why["locked_until"] - timezone.now()).total_seconds()))
