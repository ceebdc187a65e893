"""The officer workspace (/officer/, ``views.officer_home_view``): where an officer
starts, with the tools their roles open, the audit trail for those who read it."""

from __future__ import annotations

import re

import pytest

from onewindow.conftest import holder_logged_in
from onewindow.identity.roles import Role

TRAIL = "/django-admin/audit/auditevent/"


def tools(html: str) -> list[tuple[str, str]]:
    """The Tools section's links, as (address, text)."""
    section = re.search(r'<section aria-labelledby="tools-title">(.*?)</section>', html, re.S)
    if section is None:
        return []
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', section.group(1))


@pytest.mark.parametrize(
    ("role", "where", "reads"),
    [
        (Role.SUPERVISOR, "root", True),
        (Role.PLATFORM_ADMIN, "root", True),
        (Role.SUPERVISOR, "police", False),  # a department's: not the city's trail
        (Role.DEPARTMENT_ADMIN, "police", False),
        (Role.WINDOW_OFFICER, "police", False),
    ],
)
def test_the_audit_trail_is_linked_for_its_readers_only(
    city: dict, role: Role, where: str, reads: bool
) -> None:
    client, _user = holder_logged_in(role, city[where])
    client.cookies["django_language"] = "en"
    html = client.get("/officer/").content.decode()
    assert ((TRAIL, "Audit log") in tools(html)) is reads
    if reads:  # and the link leads in
        assert client.get(TRAIL).status_code == 200


def test_the_link_reads_in_chinese_by_default(city: dict) -> None:
    client, _user = holder_logged_in(Role.SUPERVISOR, city["root"])
    assert tools(client.get("/officer/").content.decode()) == [(TRAIL, "审计日志")]


def test_an_officer_without_tools_sees_no_tools_section(city: dict) -> None:
    client, _user = holder_logged_in(Role.WINDOW_OFFICER, city["police"])
    assert 'id="tools-title"' not in client.get("/officer/").content.decode()
