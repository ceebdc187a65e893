from django.http import HttpRequest

from onewindow.cases.permissions import decides_extensions
from onewindow.identity.permissions import awaits_second_factor, is_officer
from onewindow.notifications.queries import unread_count
from onewindow.supervision.permissions import can_supervise


def site(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    # Until an officer gives the second factor every page but the 2FA page sends them
    # there: the header offers none of them, nor their counts.
    awaiting = awaits_second_factor(user)
    signed_in = bool(user and user.is_authenticated) and not awaiting
    return {
        "awaiting_second_factor": awaiting,
        "site_name_zh": "一网通办",
        "user_is_officer": signed_in and is_officer(user),
        # Leads, supervisors and platform admins watch time limits; leads and
        # supervisors decide extensions.
        "user_can_supervise": signed_in and can_supervise(user),
        "user_decides_extensions": signed_in and decides_extensions(user),
        # One indexed count per page for the header's "Notifications (n unread)".
        "unread_notifications": unread_count(user) if signed_in else 0,
    }
