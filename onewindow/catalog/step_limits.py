"""A process's steps whose own time limit is longer than the item's promised one: what a
reviewer should look at before publishing, not a refusal.

A case's clock counts the item's promised limit from acceptance (``cases.timeliness``),
and each step of its process has a clock of its own, its BPMN ``time_limit``. A step
allowed more working days than the whole case is shown to its officer as on time after
the case itself is late (the company registration: a 2-day licence step under a 1-day
promise). The case's clock still governs, and a process may rightly serve items with
different promises, so binding is not refused: the draft's review shows these steps,
as it shows a form other departments' items ask (``shared_forms``).
"""

from __future__ import annotations

from django.utils.translation import npgettext

from onewindow.catalog.models import ServiceItemVersion
from onewindow.core.language import is_english
from onewindow.workflow import library as workflow_library
from onewindow.workflow.engine import ProcessError


def steps_longer_than_promised(version: ServiceItemVersion) -> list[str]:
    """The steps of ``version``'s process whose own time limit exceeds its promised
    limit, each as "name (N working days)" in the reader's language, in the process's
    order; none without a process, or for one that no longer loads (its applications
    cannot be filed either)."""
    if version.process is None:
        return []
    try:
        steps = workflow_library.outline(version.process).steps
    except ProcessError:
        return []
    english = is_english()
    return [
        npgettext(
            "a process step and its own time limit",
            "%(step)s (%(days)d working day)",
            "%(step)s (%(days)d working days)",
            step.time_limit_days,
        )
        % {
            "step": (step.name_en or step.name) if english else step.name,
            "days": step.time_limit_days,
        }
        for step in steps
        if step.time_limit_days is not None and step.time_limit_days > version.promised_limit_days
    ]


def route_longer_than_promised(version: ServiceItemVersion) -> int:
    """The working days ``version``'s process allows along its longest route (steps one
    after another, ``workflow.library.longest_route_days``) when more than its promised
    limit: every step may be on time while the case is late. 0 when it fits, without a
    process, for one that no longer loads, or when one step alone allows as much
    (``steps_longer_than_promised`` says it then: QA read the same warning twice)."""
    if version.process is None:
        return 0
    try:
        days = workflow_library.longest_route_days(version.process)
        steps = workflow_library.outline(version.process).steps
    except ProcessError:
        return 0
    longest_step = max((step.time_limit_days or 0 for step in steps), default=0)
    return days if days > max(version.promised_limit_days, longest_step) else 0
