import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from onewindow.workdays import services
from onewindow.workdays.tasks import check_horizon_task

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_daily_check_alerts_before_an_unconfigured_year(db, caplog):
    with (
        time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False),
        caplog.at_level(logging.ERROR, logger="onewindow.workdays"),
    ):
        assert check_horizon_task.delay().get() is False
        assert "calendar: 2027 is not configured" in caplog.text
        caplog.clear()
        services.declare_year(actor=None, year=2027, note="")
        assert check_horizon_task.delay().get() is True
        assert not caplog.records
