"""The notifications API: a user's own in-app notifications."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router

from onewindow.core import paging
from onewindow.notifications import queries, services
from onewindow.notifications.models import Notification
from onewindow.notifications.schemas import NotificationOut

router = Router(tags=["notifications"])


def _out(request: HttpRequest, notification: Notification) -> NotificationOut:
    """In the language the request asks for (``Accept-Language``), else in the one the
    recipient chose for their messages."""
    subject, body = notification.subject, notification.body
    if "HTTP_ACCEPT_LANGUAGE" in request.META:
        subject, body = notification.text_in(get_language())
    return NotificationOut(
        id=notification.pk,
        kind=notification.kind,
        case=notification.case_number,
        subject=subject,
        body=body,
        link=notification.link,
        created_at=notification.created_at,
        read=notification.read_at is not None,
    )


@router.get(
    "/notifications",
    response=list[NotificationOut],
    summary="My notifications",
    openapi_extra=paging.TOTAL_IN_SCHEMA,
    operation_id="notifications_list",
)
def my_notifications(
    request: HttpRequest, response: HttpResponse, page: Query[paging.PageIn]
) -> list[NotificationOut]:
    """Newest first, a page at a time (``limit``, default 100, and ``offset``; the total
    in ``X-Total-Count``)."""
    found = paging.page_of(queries.notifications_of(request.user), page, response)
    return [_out(request, n) for n in found]


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    summary="Mark a notification read",
    operation_id="notifications_mark_read",
)
def mark_read(request: HttpRequest, notification_id: int) -> NotificationOut:
    """One's own only (another's answers 404); marking it again changes nothing."""
    return _out(request, services.mark_read(user=request.user, notification_id=notification_id))
