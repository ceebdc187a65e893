"""What a process version changes from the one before (workflow/comparison.py), as its
page lists it: steps' time limits and decisions, steps and lanes added or removed,
decision tables, and which files differ."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from onewindow.conftest import holder_logged_in
from onewindow.identity.roles import Role
from onewindow.workflow import library
from onewindow.workflow.comparison import compare
from onewindow.workflow.tests.conftest import read_process, upload

pytestmark = pytest.mark.django_db

SINGLE = read_process("single_department.bpmn")


def upload_text(key: str, text: str):
    from onewindow.workflow import services

    return services.upload_definition(actor=None, key=key, name=key, bpmn_xml=text)


def files(definition):
    return {"": definition.bpmn_xml, **definition.dmn_files}


def test_a_step_s_time_limit_and_decisions_changed_are_named(city):
    first = upload_text("permit", SINGLE)
    changed = SINGLE.replace('name="time_limit" value="5"', 'name="time_limit" value="8"')
    changed = changed.replace('value="approve,reject"', 'value="approve,reject,complete"')
    second = upload_text("permit", changed)
    changes = compare(library.outline(first), library.outline(second), files(first), files(second))
    [step] = changes.steps_changed
    assert step.step.bpmn_id == "Task_review"
    assert step.what == [
        "Decisions offered: Approve, Reject → Approve, Reject, Complete",
        "Time limit (working days): 5 → 8",
    ]
    assert not changes.routing_unchanged and changes.files_changed == ["BPMN file"]
    with translation.override("zh-hans"):  # listed as Chinese lists: 、 not ", "
        again = compare(
            library.outline(first), library.outline(second), files(first), files(second)
        )
        [step] = again.steps_changed
    assert step.what[0] == "可作的决定：批准、不予批准 → 批准、不予批准、办结"


def test_another_process_s_steps_lanes_and_tables_added_and_removed(city):
    single = upload("a", "single_department.bpmn")
    routing = upload("b", "dmn_routing.bpmn", "routing.dmn")
    changes = compare(
        library.outline(single), library.outline(routing), files(single), files(routing)
    )
    assert [s.bpmn_id for s in changes.steps_added] == ["Task_second_review"]
    assert changes.lanes_added and changes.lanes_removed
    assert changes.decisions_added == ["routing"] and changes.decisions_removed == []
    assert changes.files_changed == ["BPMN file", "routing.dmn"]


def test_the_same_file_again_changes_nothing(city):
    first = upload_text("permit", SINGLE)
    second = upload_text("permit", SINGLE)
    changes = compare(library.outline(first), library.outline(second), files(first), files(second))
    assert changes.routing_unchanged and changes.files_changed == []


def test_the_version_page_lists_the_changes_from_the_one_before(city):
    upload_text("permit", SINGLE)
    upload_text(
        "permit", SINGLE.replace('name="time_limit" value="5"', 'name="time_limit" value="8"')
    )
    client, _admin = holder_logged_in(Role.PLATFORM_ADMIN, city["root"])
    client.cookies["django_language"] = "en"
    url = reverse("processes:process", args=["permit"])
    page = client.get(url)
    assert page.context["previous"].version == 1
    text = page.content.decode()
    assert "Changes from version 1" in text and "Time limit (working days): 5 → 8" in text
    first = client.get(url, {"version": "1"})
    assert (
        first.context["previous"] is None and "Changes from version" not in first.content.decode()
    )


def test_a_condition_written_again_is_named_with_its_flow(city):
    first = upload_text("permit", SINGLE)
    # The approval's route now asks for a second condition; the rejection's is removed
    # (a default flow takes it), which is a route changed too.
    changed = SINGLE.replace('>outcome == "approve"<', '>outcome == "approve" and fee_paid<')
    changed = changed.replace(
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">outcome == "reject"'
        "</bpmn:conditionExpression>",
        "",
    )
    changed = changed.replace(
        'id="Gateway_decision"', 'id="Gateway_decision" default="Flow_reject"'
    )
    second = upload_text("permit", changed)
    changes = compare(library.outline(first), library.outline(second), files(first), files(second))
    assert [(c.bpmn_id, c.name, c.name_en, c.old, c.new) for c in changes.conditions_changed] == [
        (
            "Flow_approve",
            "批准",
            "Approved",
            'outcome == "approve"',
            'outcome == "approve" and fee_paid',
        ),
        ("Flow_reject", "不批准", "Not approved", 'outcome == "reject"', ""),
    ]
    assert not changes.routing_unchanged and not changes.steps_changed
    client, _admin = holder_logged_in(Role.PLATFORM_ADMIN, city["root"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("processes:process", args=["permit"])).content.decode()
    assert (
        'Condition changed on flow Approved (<span class="mono">Flow_approve</span>): '
        "<code>outcome == &quot;approve&quot;</code> → "
        "<code>outcome == &quot;approve&quot; and fee_paid</code>"
    ) in page
    assert "<code>outcome == &quot;reject&quot;</code> → <code>none</code>" in page
