"""Timers in the engine facade: held from SpiffWorkflow's wall clock, fired only when
the host says, kept across stored states. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine

from onewindow.workflow import engine
from onewindow.workflow.tests.test_engine import CONTEXT, ready, reload, spec_of
from onewindow.workflow.tests.timing import Boundary, process_xml

FIXTURES = Path(__file__).resolve().parent / "fixtures"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def escalation_run() -> engine.Run:
    """timer_escalation.bpmn: an interrupting PT2H timer on the review, leading to a
    supervisor's task; a cooling-off timer after the review."""
    spec = spec_of("timer.bpmn", text=(FIXTURES / "timer_escalation.bpmn").read_text())
    with time_machine.travel(START, tick=False):
        return engine.start(spec, {"cooling_off": "PT1H"}, context=CONTEXT)


def test_an_interrupting_timer_cancels_its_task_and_moves_on() -> None:
    run = escalation_run()
    assert ready(run) == ["Task_review"]
    [timer] = engine.waiting_timers(run)
    engine.fire_timer(run, timer.id, context=CONTEXT)
    run = reload(run)
    assert ready(run) == ["Task_escalated"]
    assert engine.waiting_timers(run) == []  # the cooling-off never started
    assert not engine.is_completed(run)
    escalated = engine.ready_user_tasks(run)[0]
    engine.complete_user_task(run, escalated.id, outcome="complete", data={}, context=CONTEXT)
    assert engine.is_completed(run)


def test_the_interrupting_timer_takes_the_others_on_the_task_with_it() -> None:
    text = process_xml(
        boundaries=(
            Boundary("Timer_cut", "PT2H", interrupting=True),
            Boundary("Timer_remind", "P1D"),
            Boundary("Timer_later", "P3D"),
        )
    )
    run = engine.start(spec_of("cut.bpmn", text=text), {}, context=CONTEXT)
    waiting = {t.bpmn_id: t for t in engine.waiting_timers(run)}
    assert sorted(waiting) == ["Timer_cut", "Timer_later", "Timer_remind"]
    task_id = engine.ready_user_tasks(run)[0].id
    assert {t.attached_task_id for t in waiting.values()} == {task_id}
    engine.fire_timer(run, waiting["Timer_remind"].id, context=CONTEXT)
    run = reload(run)
    # A non-interrupting timer leaves the task and the other timers as they were.
    assert ready(run) == ["Task_work"]
    assert sorted(t.bpmn_id for t in engine.waiting_timers(run)) == ["Timer_cut", "Timer_later"]
    engine.fire_timer(run, waiting["Timer_cut"].id, context=CONTEXT)
    run = reload(run)
    assert (ready(run), engine.waiting_timers(run)) == ([], [])
    assert engine.is_completed(run)


def test_a_held_timer_never_fires_on_its_own() -> None:
    run = escalation_run()
    [held] = engine.waiting_timers(run)
    # Years after the two hours it asked for, SpiffWorkflow refreshes its waiting tasks
    # and runs its steps, as any later step of the run does: the timer stays held.
    for later in (START + timedelta(hours=3), START + timedelta(days=3650)):
        with time_machine.travel(later, tick=False):
            run._workflow.refresh_timers()
            run._workflow.do_engine_steps()
            assert engine.waiting_timers(run) == [held]
            assert ready(run) == ["Task_review"]
            run = reload(run)
            run._workflow.refresh_timers()
            run._workflow.do_engine_steps()
            assert engine.waiting_timers(run) == [held]
    assert ready(run) == ["Task_review"]
    # The control: given back the target SpiffWorkflow computed, the same refresh fires it.
    [task] = engine._timer_tasks(run)
    task.internal_data["event_value"] = (START + timedelta(hours=2)).isoformat()
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        run._workflow.refresh_timers()
        run._workflow.do_engine_steps()
    assert ready(run) == ["Task_escalated"]


def test_stored_states_keep_the_held_timers_and_what_they_asked_for() -> None:
    text = process_xml(
        boundaries=(Boundary("Timer_remind", "P4D"), Boundary("Timer_hours", "PT2H")),
        then_wait="2026-03-20T09:00:00+08:00",
        then_wait_date=True,
    )
    with time_machine.travel(START, tick=False):
        run = engine.start(spec_of("kept.bpmn", text=text), {}, context=CONTEXT)
    before = sorted(engine.waiting_timers(run), key=lambda t: t.bpmn_id)
    state = engine.dump_state(run)
    again = engine.load_state(run.spec, state, version=engine.STATE_VERSION, context=CONTEXT)
    after = sorted(engine.waiting_timers(again), key=lambda t: t.bpmn_id)
    assert after == before
    assert [(t.bpmn_id, t.value, t.armed_at) for t in after] == [
        ("Timer_hours", "PT2H", START),
        ("Timer_remind", "P4D", START),
    ]
    assert [engine.timer_schedule(t) for t in after] == [
        engine.TimerSchedule(at=START + timedelta(hours=2)),
        engine.TimerSchedule(working_days=4),
    ]
    # The date timer after the task is armed when the run reaches it, a day later,
    # and survives the round trip too.
    with time_machine.travel(START + timedelta(days=1), tick=False):
        task = engine.ready_user_tasks(again)[0]
        engine.complete_user_task(again, task.id, outcome="approve", data={}, context=CONTEXT)
    again = reload(reload(again))
    [wait] = engine.waiting_timers(again)
    assert (wait.bpmn_id, wait.attached_task_id, wait.armed_at) == (
        "Timer_wait",
        "",
        START + timedelta(days=1),
    )
    assert engine.timer_schedule(wait) == engine.TimerSchedule(
        at=datetime(2026, 3, 20, 1, 0, tzinfo=UTC)
    )
    with time_machine.travel(datetime(2026, 4, 1, tzinfo=UTC), tick=False):
        again = reload(again)
        assert not engine.is_completed(again)  # past its date, still waiting for the host
        engine.fire_timer(again, wait.id, context=CONTEXT)
    assert engine.is_completed(again)
