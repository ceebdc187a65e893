"""Clock arithmetic on fixed dates, checked by hand against the 2026 official calendar.

2026: Spring Festival holidays 02-15 (Sun) to 02-23 (Mon), with 02-14 (Sat) and 02-28
(Sat) adjusted working days; National Day holidays 10-01 (Thu) to 10-07 (Wed), with
09-20 (Sun) and 10-10 (Sat) adjusted working days.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from onewindow.workdays.calendar import CalendarNotConfigured, build_calendar
from onewindow.workflow import clocks
from onewindow.workflow.choices import AlertLevel, ClockState

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR = build_calendar(overrides={}, declared_years=[], tz=SHANGHAI)


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    year, month, dom = (int(part) for part in day.split("-"))
    return datetime(year, month, dom, hour, minute, tzinfo=SHANGHAI)


def midnight(day: str) -> datetime:
    return at(day, 0)


def test_a_one_day_limit_on_the_eve_of_spring_festival_ends_on_the_working_saturday() -> None:
    # Accepted Friday 02-13 (day 0); the first working day after it is Saturday 02-14,
    # an adjusted working day: due at its close.
    clock = clocks.new_clock(limit_days=1, at=at("2026-02-13"), calendar=CALENDAR)
    assert clock.due_at == midnight("2026-02-15")
    # Yellow from the start of the day that uses ⌈0.8 × 1⌉ = 1 working day.
    assert clock.warn_at == midnight("2026-02-14")
    assert clock.next_alert_at == clock.warn_at


def test_a_three_day_limit_skips_the_spring_festival_holidays() -> None:
    # Day 1: Sat 02-14 (working); 02-15..02-23 holidays; day 2: Tue 02-24; day 3: Wed 02-25.
    clock = clocks.new_clock(limit_days=3, at=at("2026-02-13", 16), calendar=CALENDAR)
    assert clock.due_at == midnight("2026-02-26")
    # ⌈2.4⌉ = 3: yellow on the last day, Wed 02-25.
    assert clock.warn_at == midnight("2026-02-25")


def test_acceptance_on_a_holiday_is_still_day_0() -> None:
    # Accepted on Chinese New Year's Day (02-17, a holiday): day 1 is Tue 02-24.
    clock = clocks.new_clock(limit_days=1, at=at("2026-02-17"), calendar=CALENDAR)
    assert clock.due_at == midnight("2026-02-25")


def test_a_five_day_limit_across_national_day() -> None:
    # Accepted Mon 09-28: day 1 Tue 09-29, day 2 Wed 09-30, holidays 10-01..10-07, day 3
    # Thu 10-08, day 4 Fri 10-09, day 5 Sat 10-10 (adjusted working day).
    clock = clocks.new_clock(limit_days=5, at=at("2026-09-28"), calendar=CALENDAR)
    assert clock.due_at == midnight("2026-10-11")
    assert clock.warn_at == midnight("2026-10-09")  # ⌈4⌉ = 4 → Fri 10-09


def test_the_adjusted_working_sunday_before_national_day_counts() -> None:
    # Accepted Fri 09-18: day 1 is Sun 09-20 (adjusted working day), day 2 Mon 09-21.
    clock = clocks.new_clock(limit_days=2, at=at("2026-09-18"), calendar=CALENDAR)
    assert clock.due_at == midnight("2026-09-22")


def test_reading_turns_yellow_then_red() -> None:
    clock = clocks.new_clock(limit_days=5, at=at("2026-09-28"), calendar=CALENDAR)
    assert clocks.reading(clock, at("2026-10-08"), CALENDAR).colour == "green"
    yellow = clocks.reading(clock, at("2026-10-09"), CALENDAR)
    assert (yellow.colour, yellow.used_days, yellow.remaining_days) == ("yellow", 4, 1)
    assert clocks.reading(clock, at("2026-10-10", 23, 59), CALENDAR).colour == "yellow"
    red = clocks.reading(clock, at("2026-10-12"), CALENDAR)
    assert (red.colour, red.used_days, red.overdue_days) == ("red", 6, 1)


def test_pause_banks_the_days_used_and_resume_starts_a_new_day_0() -> None:
    clock = clocks.new_clock(limit_days=5, at=at("2026-03-02", 9), calendar=CALENDAR)
    assert clock.due_at == midnight("2026-03-10")  # Mon 03-02 + 5: Tue..Mon 03-09
    # Paused Wednesday afternoon: Tue 03-03 and Wed 03-04 are used.
    clocks.pause(clock, at("2026-03-04", 15), CALENDAR)
    assert (clock.state, clock.used_days, clock.due_at, clock.next_alert_at) == (
        ClockState.PAUSED,
        2,
        None,
        None,
    )
    assert clocks.reading(clock, at("2026-03-06"), CALENDAR).colour == "paused"
    # Resumed the next Monday (day 0 again): 3 left — Tue 03-10, Wed 03-11, Thu 03-12.
    clocks.resume(clock, at("2026-03-09", 10), CALENDAR)
    assert clock.due_at == midnight("2026-03-13")
    # ⌈4⌉ = 4 used: 2 banked, so 2 more from Mon 03-09: Wed 03-11.
    assert clock.warn_at == midnight("2026-03-11")
    assert clocks.reading(clock, at("2026-03-11"), CALENDAR).used_days == 4


def test_resuming_on_the_day_of_the_pause_loses_nothing_more() -> None:
    clock = clocks.new_clock(limit_days=3, at=at("2026-03-02", 9), calendar=CALENDAR)
    clocks.pause(clock, at("2026-03-03", 11), CALENDAR)
    clocks.resume(clock, at("2026-03-03", 16), CALENDAR)
    # Used: Tue 03-03 (1); resumed the same day, so Wed 03-04 and Thu 03-05 finish it.
    assert (clock.used_days, clock.due_at) == (1, midnight("2026-03-06"))


def test_an_extension_moves_the_deadline_and_announces_again_later() -> None:
    clock = clocks.new_clock(limit_days=2, at=at("2026-03-02", 9), calendar=CALENDAR)
    assert clock.due_at == midnight("2026-03-05")
    clock.alert_level = AlertLevel.OVERDUE  # the sweep said so on Thursday
    clocks.extend(clock, 3, at("2026-03-05", 9), CALENDAR)
    # 5 working days from Mon 03-02: due at the close of Mon 03-09.
    assert (clock.extended_days, clock.due_at) == (3, midnight("2026-03-10"))
    # Announced again from the new warning day: ⌈4⌉ = 4 → Fri 03-06.
    assert clock.alert_level == AlertLevel.NONE
    assert clock.next_alert_at == midnight("2026-03-06")


def test_an_extension_inside_the_warning_window_is_not_announced_twice() -> None:
    clock = clocks.new_clock(limit_days=5, at=at("2026-03-02", 9), calendar=CALENDAR)
    clock.alert_level = AlertLevel.WARNED
    clocks.extend(clock, 1, at("2026-03-09", 9), CALENDAR)  # ⌈4.8⌉ = 5 → Mon 03-09
    assert clock.alert_level == AlertLevel.WARNED
    assert clock.next_alert_at == clock.due_at == midnight("2026-03-11")


@pytest.mark.parametrize(
    ("stopped", "late"),
    [(at("2026-03-09", 23, 59), False), (midnight("2026-03-10"), True)],
)
def test_stop_records_whether_the_limit_was_kept(stopped: datetime, late: bool) -> None:
    clock = clocks.new_clock(limit_days=5, at=at("2026-03-02", 9), calendar=CALENDAR)
    clocks.stop(clock, stopped, CALENDAR)
    assert (clock.state, clock.late, clock.next_alert_at) == (ClockState.STOPPED, late, None)
    assert clocks.reading(clock, stopped + timedelta(days=30), CALENDAR).colour == (
        "late" if late else "on_time"
    )


def test_due_after_counts_working_days_on_the_clock_and_waits_while_paused() -> None:
    clock = clocks.new_clock(limit_days=5, at=at("2026-03-02", 9), calendar=CALENDAR)
    assert clocks.due_after(clock, 2, CALENDAR) == midnight("2026-03-05")
    clocks.pause(clock, at("2026-03-03", 9), CALENDAR)  # 1 used
    assert clocks.due_after(clock, 2, CALENDAR) is None
    clocks.resume(clock, at("2026-03-05", 9), CALENDAR)
    assert clocks.due_after(clock, 2, CALENDAR) == midnight("2026-03-07")  # Fri 03-06


def test_a_year_the_calendar_does_not_know_leaves_the_clock_without_a_deadline() -> None:
    # A 20-day limit from mid-December 2026 ends in 2027, which nobody has entered.
    clock = clocks.new_clock(limit_days=20, at=at("2026-12-14"), calendar=CALENDAR)
    assert (clock.due_at, clock.warn_at, clock.next_alert_at) == (None, None, None)
    assert "2027" in clock.problem
    assert clocks.reading(clock, at("2026-12-15"), CALENDAR).colour == "unknown"
    with pytest.raises(CalendarNotConfigured):
        CALENDAR.add_working_days(at("2026-12-14").date(), 20)
    declared = build_calendar(overrides={}, declared_years=[2027], tz=SHANGHAI)
    clocks.schedule(clock, declared)
    assert clock.problem == "" and clock.due_at is not None
