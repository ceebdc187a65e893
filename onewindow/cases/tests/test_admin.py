"""The cases waiting for their process, in Django's admin: platform admins see them
with their last error and start them; nobody else sees the list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.cases import starting
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import PASSPORT, start_fails_for, submit
from onewindow.conftest import holder_logged_in
from onewindow.identity.models import Department
from onewindow.identity.roles import Role

QUEUED = "/django-admin/cases/queuedcase/"


@pytest.fixture
def operator(world):
    return holder_logged_in(Role.PLATFORM_ADMIN, Department.objects.get(code="310000"), staff=True)


def test_the_platform_admin_sees_the_waiting_cases_and_why_they_wait(world, queued, operator):
    client, _user = operator
    failing = submit(world["citizen.wang"], PASSPORT)
    waiting = submit(world["citizen.chen"], PASSPORT)
    starting.note_start_failure(failing.pk, RuntimeError("engine down"), timezone.now())
    page = client.get(QUEUED).content.decode()
    assert failing.number in page and waiting.number in page
    assert "RuntimeError(&#x27;engine down&#x27;)" in page
    # Not the applicant: the list names no one.
    assert world["citizen.wang"].full_name not in page
    assert QUEUED in client.get("/django-admin/").content.decode()
    assert client.get(f"{QUEUED}{failing.pk}/change/").status_code == 200


def test_a_started_case_leaves_the_list(world, queued, operator):
    client, _user = operator
    case = submit(world["citizen.wang"], PASSPORT)
    starting.start_queued_run(case.pk)
    assert case.number not in client.get(QUEUED).content.decode()


def test_the_action_starts_the_chosen_runs_and_audits_who_asked(world, queued, operator):
    client, user = operator
    chosen = submit(world["citizen.wang"], PASSPORT)
    other = submit(world["citizen.chen"], PASSPORT)
    Case.objects.filter(pk=chosen.pk).update(
        start_failures=3, start_retry_at=timezone.now() + timedelta(hours=1)
    )
    response = client.post(
        QUEUED, {"action": "start_now", "_selected_action": [chosen.pk]}, follow=True
    )
    assert "已启动 1 个办件的办理流程。" in response.content.decode()  # the default language
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.run_queued, chosen.instance_id is not None) == (False, True)
    assert other.run_queued is True  # not chosen, still the catch-up's
    asked = AuditEvent.objects.get(action="cases.run_start_requested")
    assert asked.actor_id == user.pk
    assert asked.detail == {"numbers": [chosen.number], "started": 1, "problems": []}
    assert AuditEvent.objects.filter(action="cases.run_started").count() == 1


def test_a_failing_start_is_shown_and_counted(world, queued, operator):
    client, _user = operator
    case = submit(world["citizen.wang"], PASSPORT)
    with start_fails_for(case):
        response = client.post(
            QUEUED, {"action": "start_now", "_selected_action": [case.pk]}, follow=True
        )
    assert "engine down" in response.content.decode()
    case.refresh_from_db()
    assert case.run_queued and case.start_failures == 1
    asked = AuditEvent.objects.get(action="cases.run_start_requested")
    assert asked.outcome == "failure" and asked.detail["started"] == 0


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (Role.DEPARTMENT_ADMIN, "310000-GA"),
        (Role.WINDOW_OFFICER, "310000-GA"),
        (Role.SUPERVISOR, "310000"),
    ],
)
def test_other_staff_neither_see_nor_start_them(world, queued, role, code):
    client, _user = holder_logged_in(role, Department.objects.get(code=code), staff=True)
    case = submit(world["citizen.wang"], PASSPORT)
    assert QUEUED not in client.get("/django-admin/").content.decode()
    assert client.get(QUEUED).status_code == 403
    response = client.post(QUEUED, {"action": "start_now", "_selected_action": [case.pk]})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.run_queued is True
    assert not AuditEvent.objects.filter(action="cases.run_start_requested").exists()


def test_the_service_refuses_anyone_but_a_platform_admin(world, queued):
    from onewindow.core.errors import Forbidden

    case = submit(world["citizen.wang"], PASSPORT)
    with pytest.raises(Forbidden):
        starting.start_by_operator(actor=world["ga.window"], numbers=[case.number])
    assert Case.objects.get(pk=case.pk).run_queued is True
