"""Calendar arithmetic on fixed, hand-checked dates.

The 2026 arrangement (chinese-calendar 1.11.0, the State Council's notice):
Spring Festival off Sun 02-15 to Mon 02-23, working Sat 02-14 and Sat 02-28;
Mid-autumn off Fri 09-25 to Sun 09-27; National Day off Thu 10-01 to Wed 10-07,
working Sun 09-20 and Sat 10-10.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from onewindow.workdays.calendar import CalendarNotConfigured, build_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = date.fromisoformat


def at(text: str) -> datetime:
    """A local (Asia/Shanghai) time, e.g. ``at("2026-02-13 16:30")``."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def cal():
    """The package's calendar alone: 2004–2026 known, nothing declared."""
    return build_calendar(overrides={}, declared_years=[], tz=SHANGHAI)


# The 2027 days of the provisional demo file that fall on weekdays: 元旦, 除夕 and
# 春节 Monday, 清明, 端午, 中秋, 国庆 Friday.
PROVISIONAL_2027 = {
    D(d): False
    for d in (
        "2027-01-01",
        "2027-02-05",
        "2027-02-08",
        "2027-04-05",
        "2027-06-09",
        "2027-09-15",
        "2027-10-01",
    )
}


# --- Spring Festival 2026 -------------------------------------------------------------


def test_spring_festival_2026_working_status(cal):
    assert cal.is_working_day(D("2026-02-13"))  # Friday
    assert cal.is_working_day(D("2026-02-14"))  # Saturday, adjusted working day
    for offset in range(9):  # Sun 02-15 .. Mon 02-23, the holiday
        assert not cal.is_working_day(D("2026-02-15") + timedelta(days=offset))
    assert cal.is_working_day(D("2026-02-24"))  # Tuesday, back to work
    assert cal.is_working_day(D("2026-02-28"))  # Saturday, adjusted working day
    assert not cal.is_working_day(D("2026-03-01"))  # ordinary Sunday


def test_accepted_friday_before_spring_festival(cal):
    # Day 0 = Fri 02-13; day 1 = Sat 02-14 (a working Saturday); the limit ends at its
    # close, midnight starting Sun 02-15.
    assert cal.add_working_days(D("2026-02-13"), 1) == D("2026-02-14")
    assert cal.deadline(at("2026-02-13 16:30"), 1) == at("2026-02-15 00:00")
    # N = 3: 02-14 (1), 02-24 (2), 02-25 (3); ends midnight starting 02-26.
    assert cal.add_working_days(D("2026-02-13"), 3) == D("2026-02-25")
    assert cal.deadline(at("2026-02-13 09:00"), 3) == at("2026-02-26 00:00")


def test_accepted_on_the_working_saturday(cal):
    # Day 0 = Sat 02-14; 02-15..02-23 are the holiday; day 1 = Tue 02-24.
    assert cal.add_working_days(D("2026-02-14"), 1) == D("2026-02-24")
    assert cal.deadline(at("2026-02-14 11:00"), 1) == at("2026-02-25 00:00")


def test_accepted_during_the_holiday(cal):
    # Online on Sun 02-15: that day is day 0 all the same; day 1 = Tue 02-24.
    assert cal.add_working_days(D("2026-02-15"), 1) == D("2026-02-24")
    # 02-24 (1), 25 (2), 26 (3), 27 (4), Sat 02-28 adjusted (5), Sun 03-01 off, Mon 03-02 (6).
    assert cal.add_working_days(D("2026-02-15"), 5) == D("2026-02-28")
    assert cal.add_working_days(D("2026-02-15"), 6) == D("2026-03-02")


def test_zero_days_is_the_day_itself(cal):
    assert cal.add_working_days(D("2026-02-16"), 0) == D("2026-02-16")
    # A limit of 0 working days ends at the close of the acceptance day.
    assert cal.deadline(at("2026-02-16 10:00"), 0) == at("2026-02-17 00:00")


def test_negative_days_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(D("2026-02-16"), -1)


def test_deadline_reads_the_local_date_of_an_utc_time(cal):
    # 17:00 UTC on 02-13 is 01:00 on Sat 02-14 in Shanghai: day 0 is the 14th.
    start = datetime(2026, 2, 13, 17, 0, tzinfo=UTC)
    assert cal.deadline(start, 1) == at("2026-02-25 00:00")
    assert cal.deadline(start, 1).utcoffset() == timedelta(hours=8)


def test_naive_datetimes_refused_and_datetimes_are_not_dates(cal):
    with pytest.raises(ValueError):
        cal.deadline(datetime(2026, 2, 13, 9, 0), 1)
    with pytest.raises(TypeError):
        cal.add_working_days(at("2026-02-13 23:30"), 1)
    with pytest.raises(TypeError):
        cal.is_working_day(at("2026-02-13 23:30"))


def test_days_used_across_spring_festival(cal):
    # After Fri 02-13 up to Tue 02-24: 02-14 and 02-24.
    assert cal.working_days_between(D("2026-02-13"), D("2026-02-24")) == 2
    assert cal.working_days_between(D("2026-02-13"), D("2026-02-23")) == 1
    assert cal.working_days_between(D("2026-02-14"), D("2026-02-23")) == 0
    assert cal.working_days_between(D("2026-02-13"), D("2026-02-13")) == 0
    assert cal.working_days_between(D("2026-02-24"), D("2026-02-13")) == 0


# --- Mid-autumn and National Day 2026 -------------------------------------------------


def test_national_day_2026(cal):
    assert cal.is_working_day(D("2026-09-20"))  # Sunday, adjusted
    assert not cal.is_working_day(D("2026-09-19"))  # Saturday
    assert cal.is_working_day(D("2026-10-10"))  # Saturday, adjusted
    assert not cal.is_working_day(D("2026-10-11"))  # Sunday
    # Fri 09-18: Sat 09-19 off, Sun 09-20 working -> day 1.
    assert cal.add_working_days(D("2026-09-18"), 1) == D("2026-09-20")
    # Thu 09-24: Fri 09-25 .. Sun 09-27 Mid-autumn -> Mon 09-28.
    assert cal.add_working_days(D("2026-09-24"), 1) == D("2026-09-28")
    # Wed 09-30: 10-01..10-07 off; 10-08 (1), 10-09 (2), Sat 10-10 (3), Mon 10-12 (4).
    assert cal.add_working_days(D("2026-09-30"), 1) == D("2026-10-08")
    assert cal.add_working_days(D("2026-09-30"), 3) == D("2026-10-10")
    assert cal.deadline(at("2026-09-30 15:00"), 3) == at("2026-10-11 00:00")
    assert cal.add_working_days(D("2026-09-30"), 4) == D("2026-10-12")


def test_days_used_across_national_day(cal):
    # After Fri 09-18 up to Mon 10-12: 09-20, 21, 22, 23, 24 (5), 28, 29, 30 (8),
    # 10-08, 09, 10 (11), 10-12 (12).
    assert cal.working_days_between(D("2026-09-18"), D("2026-10-12")) == 12


# --- the year boundary and unknown years ----------------------------------------------


def test_limit_inside_2026_ending_on_new_year_eve(cal):
    # Thu 12-24: 12-25 (1), 12-28 (2), 29 (3), 30 (4), Thu 12-31 (5).
    assert cal.add_working_days(D("2026-12-24"), 5) == D("2026-12-31")
    # Its end, midnight starting 2027-01-01, needs nothing of 2027.
    assert cal.deadline(at("2026-12-24 10:00"), 5) == at("2027-01-01 00:00")


def test_crossing_into_unknown_2027_raises(cal, caplog):
    with (
        caplog.at_level(logging.ERROR, logger="onewindow.workdays"),
        pytest.raises(CalendarNotConfigured) as excinfo,
    ):
        cal.add_working_days(D("2026-12-24"), 6)
    error = excinfo.value
    assert error.year == 2027 and error.status == 503
    assert error.code == "calendar_not_configured"
    assert error.as_dict()["code"] == "calendar_not_configured"
    assert "2027" in error.as_dict()["message"]
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert "2027" in caplog.records[0].getMessage()


def test_unknown_year_alert_is_logged_once_not_per_call(cal, caplog):
    with caplog.at_level(logging.ERROR, logger="onewindow.workdays"):
        for day in ("2027-01-04", "2027-03-01", "2027-12-31"):
            with pytest.raises(CalendarNotConfigured):
                cal.is_working_day(D(day))
        with pytest.raises(CalendarNotConfigured):
            cal.working_days_between(D("2026-12-30"), D("2027-01-04"))
        with pytest.raises(CalendarNotConfigured):
            cal.add_working_days(D("2026-12-31"), 1)
        with pytest.raises(CalendarNotConfigured) as excinfo:
            cal.is_working_day(D("2003-06-02"))  # before the package's first year
    assert excinfo.value.year == 2003
    assert [r.getMessage()[:33] for r in caplog.records] == [
        "working-day calendar: 2027 is not",
        "working-day calendar: 2003 is not",
    ]


def test_message_is_translated(cal):
    from django.utils import translation

    with pytest.raises(CalendarNotConfigured) as excinfo:
        cal.is_working_day(D("2027-01-04"))
    with translation.override("zh-hans"):
        assert "2027" in str(excinfo.value.message) and "工作日" in str(excinfo.value.message)
    with translation.override("en"):
        assert str(excinfo.value.message).startswith("The working-day calendar for 2027")


def test_declared_2027_without_overrides_counts_monday_to_friday():
    cal = build_calendar(overrides={}, declared_years=[2027], tz=SHANGHAI)
    # 12-25 .. 12-31 are 5; Fri 2027-01-01 counts (nothing entered for it): 6.
    assert cal.add_working_days(D("2026-12-24"), 6) == D("2027-01-01")
    assert not cal.is_working_day(D("2027-01-02"))  # Saturday


def test_declared_2027_with_its_holidays():
    cal = build_calendar(overrides=PROVISIONAL_2027, declared_years=[2027], tz=SHANGHAI)
    # 12-31 (5); Fri 01-01 off, weekend; Mon 01-04 (6) .. Fri 01-08 (10).
    assert cal.add_working_days(D("2026-12-24"), 6) == D("2027-01-04")
    assert cal.add_working_days(D("2026-12-24"), 10) == D("2027-01-08")
    assert cal.deadline(at("2026-12-24 10:00"), 10) == at("2027-01-09 00:00")
    assert cal.working_days_between(D("2026-12-24"), D("2027-01-08")) == 10
    # Spring Festival 2027: Thu 02-04 (1); Fri 02-05 除夕 .. Mon 02-08 off; Tue 02-09 (2).
    assert cal.add_working_days(D("2027-02-03"), 2) == D("2027-02-09")


def test_overrides_without_a_declaration_do_not_open_the_year():
    cal = build_calendar(overrides=PROVISIONAL_2027, declared_years=[], tz=SHANGHAI)
    with pytest.raises(CalendarNotConfigured):
        cal.add_working_days(D("2026-12-31"), 1)


def test_a_gap_year_stops_the_count():
    # 2028 declared, 2027 not: a limit from 2026 cannot jump over 2027.
    cal = build_calendar(overrides={}, declared_years=[2028], tz=SHANGHAI)
    with pytest.raises(CalendarNotConfigured) as excinfo:
        cal.add_working_days(D("2026-12-31"), 300)
    assert excinfo.value.year == 2027
    assert cal.add_working_days(D("2027-12-31"), 1) == D("2028-01-03")  # Mon


def test_overrides_win_over_the_package():
    cal = build_calendar(
        overrides={
            D("2026-02-14"): False,  # the working Saturday cancelled
            D("2026-02-23"): True,  # the last holiday Monday made a working day
            D("2026-03-01"): True,  # an ordinary Sunday made a working day
        },
        declared_years=[],
        tz=SHANGHAI,
    )
    assert not cal.is_working_day(D("2026-02-14"))
    assert cal.add_working_days(D("2026-02-13"), 1) == D("2026-02-23")
    # 02-23 (1), 24 (2), 25 (3), 26 (4), 27 (5), Sat 02-28 still adjusted (6), Sun 03-01 (7).
    assert cal.add_working_days(D("2026-02-13"), 7) == D("2026-03-01")


# --- consistency ------------------------------------------------------------------------


def test_days_used_and_adding_days_agree_over_2026():
    cal = build_calendar(overrides=PROVISIONAL_2027, declared_years=[2027], tz=SHANGHAI)
    day = D("2025-12-20")
    while day <= D("2026-12-31"):
        for n in range(40):
            end = cal.add_working_days(day, n)
            assert cal.working_days_between(day, end) == n, (day, n)
            if n:
                assert cal.is_working_day(end)
                # The day before the n-th working day still counts only n - 1.
                assert cal.working_days_between(day, end - timedelta(days=1)) == n - 1
        day += timedelta(days=1)


# --- working time -----------------------------------------------------------------------


def test_working_time_between(cal):
    wt = cal.working_time_between
    # Fri noon to Sat noon; both working (02-14 adjusted): 0.5 + 0.5.
    assert wt(at("2026-02-13 12:00"), at("2026-02-14 12:00")) == pytest.approx(1.0)
    # Sat 18:00 to Tue 06:00 across the holiday: 6 h + nothing + 6 h.
    assert wt(at("2026-02-14 18:00"), at("2026-02-24 06:00")) == pytest.approx(0.5)
    # Inside one holiday: nothing. Inside one working day: 6 h.
    assert wt(at("2026-02-16 08:00"), at("2026-02-16 20:00")) == 0.0
    assert wt(at("2026-03-02 09:00"), at("2026-03-02 15:00")) == pytest.approx(0.25)
    # A whole ordinary week, Monday midnight to Monday midnight: five days.
    assert wt(at("2026-03-02 00:00"), at("2026-03-09 00:00")) == pytest.approx(5.0)
    # The same span given in UTC.
    assert wt(
        datetime(2026, 3, 1, 16, 0, tzinfo=UTC), datetime(2026, 3, 8, 16, 0, tzinfo=UTC)
    ) == pytest.approx(5.0)
    # 12-31 to the first instant of 2027: one day, and nothing of 2027 needed.
    assert wt(at("2026-12-31 00:00"), at("2027-01-01 00:00")) == pytest.approx(1.0)
    assert wt(at("2026-03-02 12:00"), at("2026-03-02 12:00")) == 0.0
    assert wt(at("2026-03-03 12:00"), at("2026-03-02 12:00")) == 0.0
    with pytest.raises(CalendarNotConfigured):
        wt(at("2026-12-31 00:00"), at("2027-01-01 00:01"))


def test_start_of_is_local_midnight(cal):
    start = cal.start_of(D("2026-10-10"))
    assert start == datetime(2026, 10, 9, 16, 0, tzinfo=UTC)
    assert start.tzinfo is not None and start.utcoffset() == timedelta(hours=8)


# --- horizon ----------------------------------------------------------------------------


def test_known_until_and_horizon(cal):
    assert cal.known_until(today=D("2026-03-01")) == D("2026-12-31")
    assert cal.known_until(today=D("2027-05-01")) == D("2026-12-31")
    assert cal.horizon_problem(today=D("2026-11-01")) is None  # +60 days = 12-31
    problem = cal.horizon_problem(today=D("2026-11-02"))
    assert problem is not None and problem.year == 2027
    declared = build_calendar(overrides={}, declared_years=[2027], tz=SHANGHAI)
    assert declared.known_until(today=D("2026-11-02")) == D("2027-12-31")
    assert declared.horizon_problem(today=D("2026-11-02")) is None
    assert cal.known_years == tuple(range(2004, 2027))


# --- the per-process snapshot -------------------------------------------------------------


def test_snapshot_is_reused_and_answers_without_queries(db, django_assert_num_queries):
    from onewindow.workdays.calendar import get_calendar

    cal = get_calendar()  # revision, overrides, declared years
    with django_assert_num_queries(0):
        assert get_calendar() is cal
        for offset in range(1000):
            day = D("2026-01-01") + timedelta(days=offset % 300)
            cal.add_working_days(day, 10)
            cal.deadline(cal.start_of(day) + timedelta(hours=9), 5)
            cal.working_days_between(day, D("2026-12-31"))
            cal.working_time_between(cal.start_of(day), at("2026-12-31 12:00"))
            cal.is_working_day(day)
        cal.known_until()


def test_this_process_sees_its_own_write_at_once(db):
    from onewindow.workdays import services
    from onewindow.workdays.calendar import get_calendar

    assert get_calendar().is_working_day(D("2026-02-14"))
    services.set_override(
        actor=None, day=D("2026-02-14"), is_working_day=False, name="调整", name_en="Changed"
    )
    assert not get_calendar().is_working_day(D("2026-02-14"))
    services.declare_year(actor=None, year=2027, note="test")
    assert get_calendar().add_working_days(D("2026-12-31"), 1) == D("2027-01-01")


def test_another_process_write_is_seen_after_revalidation(
    db, monkeypatch, django_assert_num_queries
):
    import secrets

    from django.db.models import F

    from onewindow.workdays import calendar
    from onewindow.workdays.models import CalendarRevision, WorkdayOverride

    cal = calendar.get_calendar()
    # Another process writes: rows and revision change, this process is not told.
    WorkdayOverride.objects.create(day=D("2026-03-02"), is_working_day=False, name="别处")
    CalendarRevision.objects.get_or_create(pk=1)
    CalendarRevision.objects.filter(pk=1).update(
        number=F("number") + 1, stamp=secrets.token_hex(16)
    )
    assert calendar.get_calendar() is cal  # inside the revalidation interval
    monkeypatch.setattr(calendar, "REVALIDATE_SECONDS", 0.0)
    fresh = calendar.get_calendar()
    assert fresh is not cal and not fresh.is_working_day(D("2026-03-02"))
    with django_assert_num_queries(1):  # the revision only: unchanged, so reused
        assert calendar.get_calendar() is fresh


def test_get_calendar_uses_the_configured_zone(db, settings):
    from onewindow.workdays.calendar import get_calendar

    assert str(get_calendar().tz) == settings.TIME_ZONE == "Asia/Shanghai"
