"""The cases side of the time-limit sweep's benchmark (``workflow/bench_sweep.py``).

The sweep's alerts and escalations reach people through the cases app: a task's clock
alert finds the task's case and tells its holders; an escalation tells its recipients
with the case's number. So the generated tasks must belong to runs that have cases, as
in production. This module makes real passport cases through the real services (the
demo city, the passport item bound to its form and process), and copies one case for
each copy of a run that the benchmark generates.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from onewindow.cases import demo, filing, services
from onewindow.cases.models import Case
from onewindow.catalog import demo as catalog_demo
from onewindow.catalog import services as catalog_services
from onewindow.forms import queries as forms_queries
from onewindow.identity.demo import load_demo_city
from onewindow.identity.models import User
from onewindow.notifications.models import Notification, OutboxMessage
from onewindow.workflow import queries as workflow_queries
from onewindow.workflow import services as workflow_services

PASSPORT = "310000-GA-XK-0001"  # single_department: review of 5 days with three timers
CLONE_PREFIX = "BENCH"
HISTORY = 50_000  # past notifications (and as many sent mails) of the officers


class SweepCases:
    """Real cases for generated tasks to belong to.

    ``shared_instances``: runs of passport cases waiting for acceptance, which have no
    timers, so any number of generated tasks can share them without a timer's step ever
    reconciling their tasks. ``template_instance``: an accepted passport run waiting for
    its review, with the review's three timers; the benchmark copies it once per
    generated review and calls ``clone`` to give each copy its case.
    """

    def __init__(self, *, shared: int = 20) -> None:
        load_demo_city()
        catalog_services.seed_topics(catalog_demo.read("topics"))
        rows = [row for row in catalog_demo.read("items") if row["code"] == PASSPORT]
        catalog_services.seed_items(rows=rows, source="bench")
        processes = demo.load_processes()
        demo.load_forms()
        form_key, process_key = demo.BINDINGS[PASSPORT]
        catalog_services.bind_application(
            actor=None,
            code=PASSPORT,
            form=forms_queries.latest_definition(form_key),
            process=processes[process_key],
        )
        self.shared_instances: list[int] = [self._instance(self._submit()) for _ in range(shared)]
        template = self._submit()
        window = User.objects.get(username="ga.window")
        task = workflow_queries.tasks_of_instance(template.instance).get(bpmn_id="Task_accept")  # type: ignore[arg-type]
        workflow_services.claim_task(actor=window, task_id=task.pk)
        services.decide_task(actor=window, task_id=task.pk, outcome="accept")
        self.template_case = template.pk
        self.template_instance: int = self._instance(template)
        self._last_case = Case.objects.order_by("-pk").values_list("pk", flat=True)[0]
        self._seed_history()

    def _submit(self) -> Case:
        applicant = User.objects.get(username="citizen.wang")
        form = forms_queries.latest_definition(demo.BINDINGS[PASSPORT][0])
        data = demo.sample_answers(
            form, id_number=applicant.id_number or "", full_name=applicant.full_name
        )
        data["attachments"] = demo.sample_attachments(applicant, form)
        case, _new = filing.submit_case(applicant=applicant, service=PASSPORT, data=data)
        return case

    @staticmethod
    def _instance(case: Case) -> int:
        assert case.instance_id is not None
        return case.instance_id

    def clone(self, instance_ids: Sequence[int]) -> None:
        """A copy of the template case for each run (copies of the template run), with
        numbers of their own and no clock of their own."""
        fields = [
            str(f.column)
            for f in Case._meta.concrete_fields
            if f.column not in ("id", "number", "instance_id", "clock_id", "idempotency_key")
        ]
        columns = ", ".join(fields)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Case._meta.db_table} (number, instance_id, clock_id, "  # noqa: S608 - names from the model
                f"idempotency_key, {columns}) "
                f"SELECT %s || '-' || run.id, run.id, NULL, '', {columns} "
                f"FROM {Case._meta.db_table} AS template, unnest(%s::bigint[]) AS run(id) "
                "WHERE template.id = %s",
                [CLONE_PREFIX, list(instance_ids), self.template_case],
            )

    def reset(self) -> None:
        """Remove the copies. What the sweeps told people stays, as history."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Case._meta.db_table} WHERE id > %s",  # noqa: S608
                [self._last_case],
            )

    def _seed_history(self) -> None:
        """Officers' past notifications and mail: a running system has them, and the
        checks for an event already told run against them, with their statistics."""
        officers = list(
            User.objects.filter(role_assignments__isnull=False)
            .distinct()
            .values_list("pk", flat=True)
        )
        with connection.cursor() as cursor:
            for table, values in (
                (
                    Notification._meta.db_table,
                    "(recipient_id, kind, case_number, subject, body, texts, link, "
                    "dedupe_key, created_at, read_at) SELECT r, 'task_warning', '', "
                    "'history', 'history', '{}', '', 'history:' || g, now(), now()",
                ),
                (
                    OutboxMessage._meta.db_table,
                    "(channel, recipient_id, address, subject, body, dedupe_key, status, "
                    "attempts, next_attempt_at, sent_at, last_error, created_at) "
                    "SELECT 'email', r, 'history@example.invalid', 'history', 'history', "
                    "'history:' || g, 'sent', 1, now(), now(), '', now()",
                ),
            ):
                cursor.execute(
                    f"INSERT INTO {table} {values} FROM generate_series(1, %s) g, "
                    "LATERAL (SELECT (%s::bigint[])[1 + g %% cardinality(%s::bigint[])] AS r) o",
                    [HISTORY, officers, officers],
                )
