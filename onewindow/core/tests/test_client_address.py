"""The client's address behind the site's own proxies (core/client_address.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from onewindow import profiles
from onewindow.audit.models import AuditEvent
from onewindow.config import read_all
from onewindow.core.client_address import client_address

PROXIES = ("10.0.0.0/24", "2001:db8::1")


@pytest.mark.parametrize(
    ("remote", "forwarded_for", "expected"),
    [
        # From a proxy: the last address before our proxies is the client's.
        ("10.0.0.5", "198.51.100.7", "198.51.100.7"),
        ("10.0.0.5", "198.51.100.7, 10.0.0.4", "198.51.100.7"),
        # What the client wrote before it is not believed.
        ("10.0.0.5", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        ("2001:db8::1", "2001:db8:beef::9", "2001:db8:beef::9"),
        # Not from a proxy: the header is the client's own words, ignored.
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),
        # Nothing usable: the connection's address.
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "10.0.0.4", "10.0.0.5"),
        ("10.0.0.5", "198.51.100.7, not-an-address", "10.0.0.5"),
    ],
)
def test_the_client_is_the_last_address_before_our_proxies(remote, forwarded_for, expected):
    assert client_address(remote, forwarded_for, PROXIES) == expected


def test_without_proxies_the_header_is_never_read():
    assert client_address("10.0.0.5", "198.51.100.7", ()) == "10.0.0.5"


@pytest.mark.django_db
def test_the_audit_trail_records_the_client_not_the_proxy(settings):
    settings.TRUSTED_PROXIES = PROXIES
    client = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    client.post("/login/", {"username": "nobody", "password": "wrong"})
    event = AuditEvent.objects.filter(action__startswith="identity.").latest("seq")
    assert event.ip_address == "198.51.100.7"


@pytest.mark.django_db
def test_by_default_the_connections_address_is_recorded(settings):
    settings.TRUSTED_PROXIES = ()
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7")
    client.post("/login/", {"username": "nobody", "password": "wrong"})
    event = AuditEvent.objects.filter(action__startswith="identity.").latest("seq")
    assert event.ip_address == "203.0.113.9"


@pytest.mark.parametrize("entry", ["not-an-ip", "10.0.0.0/33", "10.0.0.300", "proxy.internal"])
def test_a_proxy_that_is_not_an_address_stops_the_start(entry):
    # Read on every request, it made every request fail, after a start that went well.
    env = read_all({"ONEWINDOW_TRUSTED_PROXIES": f"10.0.0.5, {entry}"})
    with pytest.raises(ImproperlyConfigured, match=f"^ONEWINDOW_TRUSTED_PROXIES: '{entry}' is"):
        profiles.trusted_proxies(env)


def test_the_proxies_are_read_as_networks():
    env = read_all({"ONEWINDOW_TRUSTED_PROXIES": " 10.0.0.0/24 , 2001:db8::1,"})
    proxies = profiles.trusted_proxies(env)
    assert proxies == ("10.0.0.0/24", "2001:db8::1/128")
    assert client_address("2001:db8::1", "198.51.100.7, 10.0.0.4", proxies) == "198.51.100.7"
