"""The kinds of notification other apps may send, the context each template expects,
and which may go out as a text message.

Applicant-facing kinds may use SMS: citizens expect to hear about their case on the
phone, and several ask them to act. Officers work in the site all day; a text message
per task would be noise, so their kinds go in-app and by email only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    context: frozenset[str]
    sms: bool


def _kind(name: str, context: str, *, sms: bool) -> Kind:
    return Kind(name, frozenset(context.split()), sms)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        # applicants
        _kind("case_submitted", "number service", sms=True),
        # ``reason`` is a refusal's (不予受理, 不予批准) and empty for any other outcome;
        # with it the notice also gives the applicant's remedies (行政复议, 行政诉讼),
        # as 行政许可法 Art. 38 requires of a refusal.
        _kind("case_decided", "number step outcome status note reason finished", sms=True),
        _kind("supplement_requested", "number service items note", sms=True),
        _kind("case_resumed", "number service due", sms=True),
        _kind("case_extended", "number service days reason due", sms=True),
        _kind("case_overdue", "number service due", sms=True),
        # officers
        _kind("task_warning", "number task department due", sms=False),
        _kind("task_overdue", "number task department due", sms=False),
        _kind("task_reminder", "number task department due", sms=False),
        # one digest per officer of the sweep's alerts (reminders, escalations) of a kind,
        # when they concern several tasks
        _kind("tasks_due_soon", "count numbers more due", sms=False),
        _kind("tasks_overdue", "count numbers more due", sms=False),
        _kind("tasks_reminded", "count numbers more due", sms=False),
        _kind("tasks_escalated", "count numbers more due", sms=False),
        _kind("task_escalated", "number task department holder due level", sms=False),
        _kind("case_resupplied", "number task department", sms=False),
        _kind("extension_requested", "number task department days reason requested_by", sms=False),
        _kind("extension_decided", "number task approved days comment", sms=False),
        # catalog editors: what the second editor decided on the draft they submitted
        _kind("catalog_draft_returned", "code name version reviewer comment", sms=False),
        _kind("catalog_draft_published", "code name version reviewer comment", sms=False),
        # platform
        _kind("calendar_not_configured", "year", sms=False),
    )
}


def kind_for(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown notification kind {name!r}") from None
