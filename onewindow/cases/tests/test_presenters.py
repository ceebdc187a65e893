"""Clocks as people read them (cases/presenters.py): a colour, and words in both
languages. A 5-working-day limit from Mon 2026-03-02 10:00: days 1..5 are 03-03 … 03-06
and 03-09, so it is due at the close of Mon 03-09 and yellow from Fri 03-06 (the 4th)."""

from collections.abc import Callable
from datetime import date

import pytest
from django.utils import translation

from onewindow.cases.presenters import clock_view
from onewindow.cases.tests.timekit import at, midnight
from onewindow.workflow import clocks
from onewindow.workflow.models import Clock

pytestmark = pytest.mark.django_db  # the calendar is read through the database


def limit(days: int = 5) -> Clock:
    return clocks.new_clock(limit_days=days, at=at("2026-03-02", 10))


def paused() -> Clock:
    clock = limit()
    clocks.pause(clock, at("2026-03-04", 11))
    return clock


def stopped(day: str) -> Callable[[], Clock]:
    def make() -> Clock:
        clock = limit()
        clocks.stop(clock, at(day, 15))
        return clock

    return make


def extended() -> Clock:
    clock = limit()
    clocks.extend(clock, 2, at("2026-03-04"))
    return clock


def unscheduled() -> Clock:
    # What a clock looks like while the calendar cannot give its deadline.
    moment = at("2026-03-02", 10)
    return Clock(limit_days=5, started_at=moment, segment_started_at=moment, problem="日历未配置")


# (clock, now, colour, English label, English detail, Chinese label, Chinese detail)
CASES = {
    "green": (
        limit,
        at("2026-03-03"),
        "green",
        "On time",
        "4 working days left of 5.",
        "正常",
        "剩余 4 个工作日（共 5 个）。",
    ),
    "yellow": (
        limit,
        at("2026-03-06", 0),
        "yellow",
        "Due soon",
        "1 working day left of 5.",
        "即将到期",
        "剩余 1 个工作日（共 5 个）。",
    ),
    "yellow on the last day": (
        limit,
        at("2026-03-09", 9),
        "yellow",
        "Due soon",
        "Today is the last working day of 5.",
        "即将到期",
        "今天是最后一个工作日（共 5 个）。",
    ),
    "red by one": (
        limit,
        at("2026-03-10", 0),
        "red",
        "Overdue",
        "Overdue by 1 working day.",
        "已超期",
        "已超期 1 个工作日。",
    ),
    "red by two": (
        limit,
        at("2026-03-11"),
        "red",
        "Overdue",
        "Overdue by 2 working days.",
        "已超期",
        "已超期 2 个工作日。",
    ),
    # 4 days end at the close of Fri 03-06; on Saturday no working day has been lost yet.
    "red on the weekend": (
        lambda: limit(4),
        at("2026-03-07"),
        "red",
        "Overdue",
        "The time limit has passed.",
        "已超期",
        "办理时限已过。",
    ),
    "paused": (
        paused,
        at("2026-03-20"),
        "paused",
        "Stopped for a supplement",
        "3 working days left of 5.",
        "暂停计时（补正中）",
        "剩余 3 个工作日（共 5 个）。",
    ),
    "on time": (
        stopped("2026-03-05"),
        at("2026-04-01"),
        "on_time",
        "Finished on time",
        "3 working days used of 5.",
        "按时办结",
        "已用 3 个工作日（共 5 个）。",
    ),
    "late": (
        stopped("2026-03-12"),
        at("2026-04-01"),
        "late",
        "Finished late",
        "8 working days used of 5.",
        "超期办结",
        "已用 8 个工作日（共 5 个）。",
    ),
    "extended": (
        extended,
        at("2026-03-04"),
        "green",
        "On time",
        "5 working days left of 7.",
        "正常",
        "剩余 5 个工作日（共 7 个）。",
    ),
    "unknown": (
        unscheduled,
        at("2026-03-02", 12),
        "unknown",
        "Deadline not yet known",
        "5 working days left of 5.",
        "期限暂未确定",
        "剩余 5 个工作日（共 5 个）。",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_colour_label_and_detail_in_both_languages(name, language):
    make, now, colour, en_label, en_detail, zh_label, zh_detail = CASES[name]
    with translation.override(language):
        view = clock_view(make(), now)
    assert view is not None
    assert view.colour == colour
    expected = (en_label, en_detail) if language == "en" else (zh_label, zh_detail)
    assert (view.label, view.detail) == expected


def test_the_numbers_behind_the_words():
    view = clock_view(extended(), at("2026-03-06"))
    assert view is not None
    assert (view.used_days, view.total_days, view.extended_days, view.remaining_days) == (
        4,
        7,
        2,
        3,
    )
    assert view.started_at == at("2026-03-02", 10)
    # 7 days: 03-03..06, 09..11; due at the close of Wed 03-11, read as that day.
    assert view.due_at == midnight("2026-03-12")
    assert view.last_day == date(2026, 3, 11)
    assert view.problem == ""


def test_no_deadline_no_last_day_and_the_problem_is_kept():
    view = clock_view(unscheduled(), at("2026-03-02", 12))
    assert view is not None
    assert (view.due_at, view.last_day, view.problem) == (None, None, "日历未配置")
    stopped_view = clock_view(stopped("2026-03-05")(), at("2026-04-01"))
    assert stopped_view is not None and stopped_view.last_day is None


def test_no_clock_no_view():
    assert clock_view(None, at("2026-03-02")) is None


def test_an_item_waiting_for_the_shared_run_says_when_its_limit_starts(world):
    from onewindow.cases.presenters import item_clock_pending
    from onewindow.cases.tests.conftest import submit
    from onewindow.cases.tests.test_diagram import newborn_in_separate_runs
    from onewindow.cases.tests.test_views import logged_in
    from onewindow.conftest import make_user

    applicant = make_user()
    parent = submit(applicant, "newborn")
    items = {c.service_code: c for c in parent.children.all()}
    with translation.override("en"):
        assert item_clock_pending(items["310000-WJ-QR-0001"]) == ""  # its clock runs
        assert item_clock_pending(items["310000-GA-QR-0001"]) == (
            "Its time limit starts when the steps before it are done and the application "
            "reaches this department."
        )
    with translation.override("zh-hans"):
        assert item_clock_pending(items["310000-YB-GG-0001"]) == (
            "本项办理时限自前序环节办结、申请转至本部门时起算。"
        )
    page = logged_in(applicant).get(f"/cases/{parent.number}/").content.decode()
    assert "Its time limit starts when the steps before it are done" in page
    # An item with a run of its own starts its limit at its acceptance.
    separate = {c.service_code: c for c in newborn_in_separate_runs().children.all()}
    with translation.override("en"):
        assert item_clock_pending(separate["310000-GA-QR-0001"]) == (
            "Its time limit starts when the application is accepted."
        )
