"""A process version's page lists the platform functions it calls by what they do, each
with the name its service task gives (``templatetags.workflow.function_label``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onewindow.conftest import holder_logged_in
from onewindow.identity.roles import Role
from onewindow.workflow.tests.conftest import upload

pytestmark = pytest.mark.django_db


def test_the_functions_a_process_calls_are_said_in_words(city):
    upload("permit", "single_department.bpmn")
    client, _admin = holder_logged_in(Role.PLATFORM_ADMIN, city["root"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("processes:process", args=["permit"]))
    assert page.status_code == 200
    assert page.context["outline"].functions == [
        "escalate_to_lead",
        "escalate_to_supervisor",
        "record_result",
        "remind_officers",
    ]
    assert (
        "<dd>Tell the department&#x27;s leads the task is overdue "
        '<span class="muted mono">(escalate_to_lead)</span>, Tell the supervisors the task is '
        'overdue <span class="muted mono">(escalate_to_supervisor)</span>, Record the decision '
        'on the case <span class="muted mono">(record_result)</span>, Remind the officers '
        'holding the task <span class="muted mono">(remind_officers)</span></dd>'
    ) in page.content.decode()
