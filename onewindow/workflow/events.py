"""What the workflow app announces about time limits, for domain apps to act on.

The workflow app knows tasks, clocks and departments; it does not know cases, their
numbers or their applicants (a platform app never imports a domain app). So it sends
these signals inside the transaction that made the change, and the cases app's
receivers tell people, in the same transaction (their notifications go through the
outbox, delivered after commit).
"""

from django.dispatch import Signal

# A clock's alert level moved (warned: due soon; overdue). kwargs: clock, level, now.
clock_alerted = Signal()

# A process's timer reminded officers of a task, or escalated it. kwargs: escalation.
task_escalated = Signal()
