"""The live-server tests' settling (onewindow.browser.ServerConnections, used by the root
conftest's ``_live_server_settles``): a connection the server is serving is counted
until its thread ends, so a test's database is flushed only once no request runs."""

from __future__ import annotations

import socket
import time

import pytest

from onewindow.browser import server_connections

pytestmark = [pytest.mark.single_pass, pytest.mark.xdist_group("browser")]


def _connect(live_server) -> socket.socket:  # type: ignore[no-untyped-def]
    host, port = live_server.thread.host, live_server.thread.port
    return socket.create_connection((host, port), timeout=5)


def test_an_open_connection_keeps_the_server_busy_until_it_ends(live_server):
    connections = server_connections(live_server)
    assert connections.wait_until_idle(timeout=5)

    held = _connect(live_server)
    try:
        # The server's thread sits reading a request line that has not come yet.
        assert not connections.wait_until_idle(timeout=0.3)
    finally:
        held.close()
    assert connections.wait_until_idle(timeout=5)


def test_a_request_in_flight_is_waited_for(live_server):
    connections = server_connections(live_server)
    held = _connect(live_server)
    held.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    started = time.monotonic()
    assert connections.wait_until_idle(timeout=10)
    answer = held.recv(64)
    held.close()
    # The server answered and closed as asked; the wait ended with that, not by timing out.
    assert answer.startswith(b"HTTP/1.1 ")
    assert time.monotonic() - started < 10


def test_the_counter_is_installed_once_per_server(live_server):
    assert server_connections(live_server) is server_connections(live_server)
