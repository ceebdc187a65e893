from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import ResolverMatch
from django.utils.http import url_has_allowed_host_and_scheme

from onewindow.audit.permissions import can_read_trail
from onewindow.cases.permissions import decides_extensions
from onewindow.identity.permissions import awaits_second_factor, is_officer
from onewindow.notifications.queries import unread_count
from onewindow.supervision.permissions import can_supervise

# The cases pages of an officer's work on a task: the task page, and the forms on it,
# which show it again when they refuse what was sent.
_TASK_PAGES = frozenset(
    {"inbox", "task", "claim", "release", "request_supplement", "request_extension"}
)
# The applicant's own: their list, a receipt, their answer to a supplement request.
_APPLICANT_PAGES = frozenset({"mine", "receipt", "resupply"})


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
        # The city's supervisors and platform admins read the audit trail (in the
        # admin site); the officer workspace links it for them.
        "user_reads_audit_trail": signed_in and can_read_trail(user),
        # One indexed count per page for the header's "Notifications (n unread)".
        "unread_notifications": unread_count(user) if signed_in else 0,
        "nav_current": nav_current(getattr(request, "resolver_match", None)),
        "language_next": language_next(request),
    }


def language_next(request: HttpRequest) -> str:
    """Where the language switch returns to: this page; or, for a page answering a form
    (a refusal shown again), the page the form was sent from, whose address answers a
    GET where the form's may take only a POST (405). The site's front page when the
    browser did not say where it came from."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    came_from = request.META.get("HTTP_REFERER", "")
    if url_has_allowed_host_and_scheme(
        came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(came_from)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def nav_current(match: ResolverMatch | None) -> str:
    """Which item of the header's main navigation the page belongs to, "" for none.

    A case's page is "case": the applicant's own is under "My cases", an officer's
    reading of it under nothing, and only the view knows which, telling the template
    with ``is_applicant`` (base.html joins the two). Reading the case again here to
    decide would cost every case page a query."""
    if match is None:
        return ""
    app, name = match.app_name, match.url_name
    if app == "core" and name == "home":
        return "home"
    if app == "catalog":
        return "events" if name in ("events", "event") else "services"
    if app == "cases":
        if name in _TASK_PAGES:
            return "inbox"
        if name in _APPLICANT_PAGES:
            return "my_cases"
        if name == "detail":
            return "case"
        if name == "extensions":
            return "extensions"
        if name == "apply_event":  # as a service's application is under "Services"
            return "events"
        return ""
    if app == "supervision":
        return "time_limits"
    if app == "identity" and name == "officer_home":
        return "officer_home"
    if app == "notifications":
        return "notifications"
    return ""
