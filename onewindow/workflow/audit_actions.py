"""The workflow app's actions, in words, for those who read the audit trail
(``audit.actions``)."""

from django.utils.translation import gettext_lazy as _

from onewindow.audit.actions import register_labels

register_labels(
    {
        "workflow.definition_uploaded": _("Process uploaded"),
        "workflow.instance_started": _("Process run started"),
        "workflow.data_updated": _("Process run's data updated"),
        "workflow.result_recorded": _("Process result recorded"),
        "workflow.task_claimed": _("Task claimed"),
        "workflow.task_released": _("Task released"),
        "workflow.task_completed": _("Task completed"),
        "workflow.task_suspended": _("Task paused for a supplement"),
        "workflow.task_resumed": _("Task resumed"),
        "workflow.task_extended": _("Task's time limit extended"),
        "workflow.task_escalated": _("Overdue task escalated"),
        "workflow.timer_fired": _("Process timer fired"),
        "workflow.clock_warned": _("Step due soon"),
        "workflow.clock_overdue": _("Step overdue"),
    }
)
