from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from onewindow.workdays import services

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_health_is_ok_while_the_calendar_reaches_60_days_ahead(client, db):
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=SHANGHAI), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_health_is_degraded_60_days_before_an_unconfigured_year(client, db):
    # 2026-11-02 + 60 days is 2027-01-01, which nothing covers yet.
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        response = client.get("/healthz")
        lines = response.content.decode().splitlines()
        assert response.status_code == 200
        assert lines[0] == "degraded"
        assert lines[1].startswith("calendar: 2027 is not configured (known until 2026-12-31)")
        services.declare_year(actor=None, year=2027, note="test")
        assert client.get("/healthz").content == b"ok"
