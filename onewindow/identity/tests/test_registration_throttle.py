"""The register page's throttle (``identity.registration_throttle``): refusals naming an
existing account, counted per client address for an hour from the first."""

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import timezone, translation

from onewindow.audit.models import AuditEvent
from onewindow.core.errors import Locked
from onewindow.identity import registration_throttle as throttle

pytestmark = pytest.mark.django_db


def request_from(address: str | None):
    request = RequestFactory().post("/register/")
    if address is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = address
    return request


def refuse(address: str, times: int) -> None:
    for _ in range(times):
        throttle.count_refusal(request_from(address))


def test_the_fifth_refusal_pauses_the_address_for_the_rest_of_the_hour():
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        refuse("198.51.100.7", 4)
        assert throttle.seconds_paused(request_from("198.51.100.7")) is None
        throttle.refuse_while_paused(request_from("198.51.100.7"))  # no error yet
        clock.shift(timedelta(minutes=20))
        refuse("198.51.100.7", 1)
        # The hour counts from the first refusal, not from the fifth.
        assert throttle.seconds_paused(request_from("198.51.100.7")) == 40 * 60
        clock.shift(timedelta(minutes=39, seconds=59))
        assert throttle.seconds_paused(request_from("198.51.100.7")) == 1
        clock.shift(timedelta(seconds=1))
        assert throttle.seconds_paused(request_from("198.51.100.7")) is None
        # A new hour starts with its own first refusal.
        refuse("198.51.100.7", 1)
        assert throttle.seconds_paused(request_from("198.51.100.7")) is None


def test_the_pause_is_audited_once_with_the_address():
    refuse("198.51.100.7", 8)
    [event] = AuditEvent.objects.filter(action=throttle.PAUSED)
    assert (event.actor_id, event.outcome, event.ip_address) == (None, "denied", "198.51.100.7")
    assert event.detail == {"client": "198.51.100.7", "refusals": 5, "seconds": 3600}


def test_an_ipv6_clients_pause_is_audited_with_its_network():
    refuse("2001:db8:1:2::1", 5)
    [event] = AuditEvent.objects.filter(action=throttle.PAUSED)
    assert (event.ip_address, event.detail["client"]) == ("2001:db8:1:2::1", "2001:db8:1:2::/64")


def test_a_paused_address_is_refused_saying_when_to_try_again(chinese):
    refuse("198.51.100.7", 5)
    with translation.override("en"), pytest.raises(Locked) as paused:
        throttle.refuse_while_paused(request_from("198.51.100.7"))
    assert paused.value.code == "registration_throttled"
    assert paused.value.status == 429
    assert 3590 < paused.value.retry_after <= 3600
    assert str(paused.value.message).endswith("Try again in 60 minutes.")
    with time_machine.travel(timezone.now() + timedelta(minutes=59, seconds=30)):
        with translation.override("en"), pytest.raises(Locked) as last:
            throttle.refuse_while_paused(request_from("198.51.100.7"))
        assert str(last.value.message).endswith("Try again in 1 minute.")
        with translation.override("zh-hans"), pytest.raises(Locked) as chinese_page:
            throttle.refuse_while_paused(request_from("198.51.100.7"))
        assert str(chinese_page.value.message).endswith("请在 1 分钟后再试。")


@pytest.mark.parametrize(
    ("counted", "other", "shares"),
    [
        ("198.51.100.7", "198.51.100.8", False),
        # One IPv6 subscriber holds a whole /64.
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:198.51.100.7", "198.51.100.7", True),  # IPv4 mapped into IPv6
    ],
)
def test_refusals_count_per_address(counted, other, shares):
    refuse(counted, 5)
    assert throttle.seconds_paused(request_from(counted)) is not None
    assert (throttle.seconds_paused(request_from(other)) is not None) is shares


@pytest.mark.parametrize("address", [None, "", "not an address"])
def test_a_request_without_an_address_is_not_counted(address):
    refuse("198.51.100.7", 5)
    for _ in range(6):
        throttle.count_refusal(request_from(address))
    assert throttle.seconds_paused(request_from(address)) is None
    assert throttle.client_of(request_from(address)) is None


def test_the_forwarded_for_header_is_not_the_address():
    # Whoever sends the request writes it: trusted, it would let a guesser pick a new
    # address for each try, or pause someone else's.
    for forwarded in ("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "x", "y"):
        request = request_from("198.51.100.7")
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
        throttle.count_refusal(request)
    assert throttle.seconds_paused(request_from("198.51.100.7")) is not None
