"""The register page's throttle on refusals that say an account exists.

Registration refuses a second account for an identity number (as the city's other
government sites do), and in refusing says that the account exists: asked with someone
else's number, it answers whether they have an account, which the password-recovery page
was built never to tell (``recovery``). The refusal stays; how often it can be had is
bounded. After ``REFUSALS_ALLOWED`` such refusals to one client address within
``WINDOW_SECONDS`` of the first, registration from that address is refused (``Locked``,
429 with ``Retry-After``) until the hour is over, and the pause is audited once, as a
login lockout is (``signals.audit_lockout``).

Counted in Django's cache, not in a table as the login lockout's failures are
(django-axes' rows): a count that lives an hour needs no row. For the count to be the
site's rather than one web process's, ``CACHES`` must name a cache every web process
shares (Redis, memcached); Django's default, local memory, counts per process. The
client address is the audit trail's (``REMOTE_ADDR``, which ``core.client_address`` sets
to the client's behind the proxies ``ONEWINDOW_TRUSTED_PROXIES`` names: without them
every visitor would be the proxy, and five refusals would pause everyone's
registration). An IPv6 client counts by its /64, which one
subscriber holds whole.

Per address, unlike the login lockout (per account, ADR 0005): the guesser names a
different account each time, so no account's count would grow."""

from __future__ import annotations

import ipaddress
import math

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from onewindow.audit.models import Outcome
from onewindow.audit.services import record_event
from onewindow.core.errors import FieldErrors, Locked

REFUSALS_ALLOWED = 5
# Only a taken identity number is counted. A user name is no secret (it is shown to
# those one works with), and a taken one is an honest mistake many make: counted, it
# would pause registration for everyone behind a shared address (NAT) after a few.
COUNTED_FIELDS = frozenset({"id_number"})
WINDOW_SECONDS = 60 * 60
PAUSED = "identity.registration_throttled"
_KEY = "onewindow:identity:registration-refusals:{part}:{client}"


def counted(taken: FieldErrors) -> bool:
    """Whether a refusal's taken details (by field) count towards the pause."""
    return bool(COUNTED_FIELDS & taken.fields.keys())


def client_of(request: HttpRequest) -> str | None:
    """The address refusals are counted by: the IPv4 address, or an IPv6 address's /64
    (an IPv4 address mapped into IPv6 as itself); None when the request has none."""
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR") or "")
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def _keys(client: str) -> tuple[str, str]:
    """The count of refusals, and when the first of them was (a POSIX timestamp)."""
    return _KEY.format(part="count", client=client), _KEY.format(part="since", client=client)


def seconds_paused(request: HttpRequest) -> int | None:
    """Whole seconds until the request's address may register again; None: it may now."""
    client = client_of(request)
    if client is None:
        return None
    count_key, since_key = _keys(client)
    held = cache.get_many([count_key, since_key])
    since = held.get(since_key)
    if held.get(count_key, 0) < REFUSALS_ALLOWED or since is None:
        return None
    # From the stored start, not the key's expiry: a cache whose ``incr`` rewrites the
    # value (Django's database and file caches) resets the expiry to its default.
    left = math.ceil(since + WINDOW_SECONDS - timezone.now().timestamp())
    return left if left > 0 else None


def refuse_while_paused(request: HttpRequest) -> None:
    """Raise ``Locked`` (``registration_throttled``, with the seconds to wait) while the
    request's address is paused. Before anything is checked or said of the details sent:
    the answer to them is the very thing withheld. Not audited again: the pause was, and
    a guesser's every try would append to the audit chain."""
    wait = seconds_paused(request)
    if wait is None:
        return
    minutes = math.ceil(wait / 60)
    message = ngettext(
        "Too many registrations from your network were refused because the identity "
        "number already has an account. Try again in %(minutes)d minute.",
        "Too many registrations from your network were refused because the identity "
        "number already has an account. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    raise Locked(message, code="registration_throttled", retry_after=wait)


def count_refusal(request: HttpRequest) -> None:
    """Count a refusal that named an identity number another account holds;
    the one that reaches ``REFUSALS_ALLOWED`` starts the pause and is audited (``incr``
    is atomic in a shared cache, so exactly one request reaches it)."""
    client = client_of(request)
    if client is None:
        return
    count_key, since_key = _keys(client)
    cache.add(since_key, timezone.now().timestamp(), WINDOW_SECONDS)
    cache.add(count_key, 0, WINDOW_SECONDS)
    try:
        refusals = cache.incr(count_key)
    except ValueError:  # expired between the two calls: this refusal starts a new hour
        cache.set(since_key, timezone.now().timestamp(), WINDOW_SECONDS)
        cache.set(count_key, 1, WINDOW_SECONDS)
        refusals = 1
    if refusals == REFUSALS_ALLOWED:
        with transaction.atomic():
            # No target: the address is no row of ours (an IPv6 client's is its /64, in
            # ``detail``; the request's own address is the event's ``ip_address``).
            record_event(
                actor=None,
                action=PAUSED,
                outcome=Outcome.DENIED,
                detail={"client": client, "refusals": refusals, "seconds": WINDOW_SECONDS},
                request=request,
            )
