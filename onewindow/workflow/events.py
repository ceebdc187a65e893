"""What the workflow app announces about time limits, for domain apps to act on.

The workflow app knows tasks, clocks and departments; it does not know cases, their
numbers or their applicants (a platform app never imports a domain app). So it sends
these signals inside the transaction that made the change, and the cases app's
receivers tell people, in the same transaction (their notifications go through the
outbox, delivered after commit).
"""

from django.dispatch import Signal

# Clocks' alert levels moved (warned: due soon; overdue), a batch of them at a time so
# that receivers can read and write for the whole batch at once.
# kwargs: alerts (a list of (clock, level)), now.
clocks_alerted = Signal()

# A process's timer reminded officers of a task, or escalated it. kwargs: escalation.
task_escalated = Signal()
