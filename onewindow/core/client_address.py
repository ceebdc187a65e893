"""The client's address behind the site's own proxies.

Behind a proxy every request comes from the proxy's address: the audit trail would
record it for everyone, and the register page's throttle
(``identity.registration_throttle``) would count all visitors as one and pause everyone's
registration. A proxy appends the address it received the request from to
``X-Forwarded-For``; only the entries our own proxies added can be trusted (a client
writes whatever it likes before them). So the client is the last address in the header
that is not one of ``TRUSTED_PROXIES`` (``ONEWINDOW_TRUSTED_PROXIES``), read only when
the request comes from one of them; ``REMOTE_ADDR`` is set to it for everything after.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    # The setting's entries were checked when the settings loaded
    # (``profiles.trusted_proxies``): a bad one stops the start, not every request.
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(remote: str, forwarded_for: str, proxies: Iterable[str]) -> str:
    """The client's address: ``remote`` (the connection's), unless it is a trusted
    proxy, then the last address of ``forwarded_for`` that is not one."""
    networks = _networks(tuple(proxies))

    def trusted(text: str) -> bool:
        address = _address(text)
        return address is not None and any(address in network for network in networks)

    if not networks or not trusted(remote):
        return remote
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if _address(hop) is None:
            return remote  # a malformed entry: the chain cannot be read past it
        if not trusted(hop):
            return hop
    return remote


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies = settings.TRUSTED_PROXIES
        if proxies:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                proxies,
            )
        return self.get_response(request)
