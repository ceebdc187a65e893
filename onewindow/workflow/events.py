"""What the workflow app announces about time limits, for domain apps to act on.

The workflow app knows tasks, clocks and departments; it does not know cases, their
numbers or their applicants (a platform app never imports a domain app). So it sends
these signals inside the transaction that made the change, and the cases app's
receivers tell people, in the same transaction (their notifications go through the
outbox, delivered after commit).
"""

from datetime import datetime
from typing import NamedTuple

from django.dispatch import Signal


class Alert(NamedTuple):
    """A clock whose alert level moved: ``level`` is warned (due soon) or overdue."""

    clock_id: int
    level: int
    due_at: datetime


# Clocks' alert levels moved, and nobody has been told yet: all of a sweep's alerts at
# once (at midnight, a working day's worth), so that receivers can tell each officer once
# about all of theirs. kwargs: alerts (a list of ``Alert``), now.
clocks_alerted = Signal()

# Processes' timers reminded officers of tasks, or escalated them: all of a sweep's at
# once, after its timers fired. kwargs: escalations (a list of ``Escalation`` ids), now.
tasks_escalated = Signal()
