"""The supervisor's page (supervision/views.py), on the ``late`` fixture's cases, read
in English at Tue 2026-03-10 09:00."""

import re

import pytest

from onewindow.cases.tests.timekit import signed_in, text, travel
from onewindow.supervision.tests.conftest import NOW

URL = "/supervision/time-limits/"


def numbers(response):
    return re.findall(r'class="mono" href="/cases/([^/"]+)/"', response.content.decode())


def test_the_supervisor_sees_every_late_case_by_department(world, late):
    with travel(NOW):
        response = signed_in(world["supervisor"]).get(URL)
    assert response.status_code == 200
    words = text(response)
    assert "3 overdue and 1 at risk, by department" in words
    assert "Shanghai Municipal Public Security Bureau (2 overdue, 1 at risk)" in words
    assert "(1 overdue, 0 at risk)" in words
    assert numbers(response) == [
        late["most_overdue"].number,
        late["overdue"].number,
        late["at_risk"].number,
        late["adoption"].number,
    ]
    # The clock in words, the step with its holder, and where the time went.
    assert "Overdue · due by the end of 2026-03-04 · Overdue by 4 working days." in words
    assert "Due soon · due by the end of 2026-03-11 · 1 working day left of 5." in words
    assert "Review · Shanghai Municipal Public Security Bureau · 刘洋" in words
    assert "Shanghai Municipal Public Security Bureau · 刘洋 · 5.00 working days" in words
    assert "Review · Shanghai Municipal Public Security Bureau · Department inbox" in words
    assert late["on_time"].number not in response.content.decode()


def test_a_lead_sees_their_department_and_its_late_steps_elsewhere(world, late):
    with travel(NOW):
        response = signed_in(world["ga.lead"]).get(URL)
    assert response.status_code == 200
    # 公安's three cases, and 民政's adoption case where 公安's review is late.
    assert "3 overdue and 1 at risk" in text(response)
    assert numbers(response)[-1] == late["adoption"].number
    with travel(NOW):
        response = signed_in(world["mz.lead"]).get(URL)
    assert numbers(response) == [late["adoption"].number]


def test_nothing_late_says_so(world):
    with travel(NOW):
        response = signed_in(world["supervisor"]).get(URL)
    assert "No case is overdue or at risk." in text(response)


@pytest.mark.parametrize("who", ["ga.window", "ga.review", "ga.admin", "citizen.wang"])
def test_others_get_404(world, late, who):
    with travel(NOW):
        assert signed_in(world[who]).get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
