from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail

from onewindow.cases.models import Notification


@shared_task(
    name="onewindow.cases.email_notification",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def email_notification(notification_id: int) -> bool:
    """Email an in-app notification to its recipient. Re-reads the notification, so a
    retry or a duplicate delivery only sends a harmless second copy."""
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or not notification.recipient.email:
        return False
    send_mail(
        subject=notification.subject,
        message=notification.body,
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
    return True
