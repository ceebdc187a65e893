"""A case as its page shows it, to the applicant and to officers: its answers, its
files under their materials, its timeline, its items' and its clocks, and where to read
about its service or, refused, to apply for it again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from onewindow.cases import (
    accountability,
    answer_masking,
    entries,
    notifications,
    permissions,
    presenters,
    queries,
    starting,
    supplement_forms,
    supplement_materials,
)
from onewindow.cases.choices import (
    EXTENDED,
    FINAL_STATUSES,
    SUBMITTED,
    CaseStatus,
    SupplementStatus,
)
from onewindow.cases.materials import Material, case_materials, item_materials
from onewindow.cases.models import Case, CaseEvent, SupplementRequest
from onewindow.cases.presenters import ClockView, clock_view
from onewindow.catalog import queries as catalog_queries
from onewindow.core.templatetags.onewindow import localized_marked
from onewindow.forms.merge import merge_definitions
from onewindow.forms.rendering import SlotView, build_form
from onewindow.identity.models import User
from onewindow.workflow import library as workflow_library
from onewindow.workflow.engine import ProcessError
from onewindow.workflow.models import WorkTask


@dataclass
class Answer:
    label: str
    value: str


@dataclass
class AnswerSection:
    """A section of the form, with the answers given in it."""

    title: str
    answers: list[Answer]
    of_item: bool = False  # a life event's item's: titled even when alone


@dataclass
class Step:
    title: str
    department: Any
    role: str
    at: Any
    outcome: str  # empty for the submission, whose title says it all
    outcome_code: str
    comment: str
    note: str
    # Both say whose words they are, to whom: an officer's comment or the applicant's
    # own note; a note for the applicant, or for "you" on the applicant's page.
    comment_label: str = ""
    note_label: str = ""
    # An answer to a supplement request: the materials named in words it sent no file for.
    unanswered: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ServiceLinks:
    """Where a case's page sends its reader about the case's service (``service_links``)."""

    guide: str = ""  # the item's public guide or the life event's page; "" for none
    apply_again: str = ""  # a refused case's way forward, for its applicant only


@dataclass
class CaseView:
    case: Case
    answers: list[AnswerSection]
    timeline: list[Step]
    children: list[CaseView] = field(default_factory=list)
    clock: ClockView | None = None
    clock_pending: str = ""  # a life event's item: when its time limit will start
    waiting: bool = False  # a life event's item the event's run has not reached yet
    supplement: SupplementRequest | None = None  # the one awaited, if any
    # Asked for another department's item of a life event: what was asked is theirs.
    supplement_withheld: bool = False
    # Its items, each material named in the reader's language.
    supplement_items: list[dict[str, Any]] = field(default_factory=list)
    supplement_slots: list[SlotView] = field(default_factory=list)  # its file inputs
    # Its whole answer form: the questions to correct and explanations to write too.
    supplement_answer: supplement_forms.AnswerForm | None = None
    extensions: list[ExtensionShown] = field(default_factory=list)  # approved
    holdings: list[accountability.Holding] = field(default_factory=list)  # officers only
    where: accountability.Share | None = None
    run_wait: starting.RunWait = starting.RunWait.STARTED
    # Its files under their materials; a life event's items have theirs, its parent
    # keeps any file no item's form names.
    materials: list[Material] = field(default_factory=list)
    has_files: bool = False  # the case's or any item's
    links: ServiceLinks = field(default_factory=ServiceLinks)  # the case's own, not an item's

    @property
    def ended_unclocked(self) -> bool:
        """Finished before any time limit started: not accepted, or closed before."""
        return self.clock is None and self.case.status in FINAL_STATUSES

    @property
    def counted_from_arrival(self) -> bool:
        """A life event's item on the event's shared run, on its own page: its clock
        started when the run reached its department."""
        return self.case.parent_id is not None and presenters.on_shared_run(self.case)

    @property
    def counted_from_submission(self) -> bool:
        """Its clock started at submission, no step having accepted it."""
        return presenters.counted_from_submission(self.case)

    # The departments whose lanes its process has, its own first (``process_departments``).
    lanes: list[Any] = field(default_factory=list)

    @property
    def departments(self) -> list[Any]:
        """A life event's departments, those of its items, each once in their order;
        else those of its process's lanes, its own first (a company's registration runs
        through five); else the case's own department."""
        items = [child.case.department for child in self.children]
        if items:
            return list(dict.fromkeys(items))
        return self.lanes or [self.case.department]


@dataclass(frozen=True)
class ExtensionShown:
    """An approved extension as the time-limit panel shows it."""

    days: int
    reason: str
    task: WorkTask | None
    # Approved before its case's clock started: it gave the step (acceptance) more
    # time, not the case's limit, which counts from acceptance.
    of_a_step: bool


def _extensions(case: Case) -> list[ExtensionShown]:
    shown = []
    for extension in queries.extensions_of(case, approved_only=True):
        clock = extension.case.clock
        before_clock = clock is None or (
            extension.decided_at is not None and extension.decided_at < clock.started_at
        )
        shown.append(ExtensionShown(extension.days, extension.reason, extension.task, before_clock))
    return shown


def _answers(definition: Any, data: dict[str, Any]) -> list[AnswerSection]:
    """The answers in the form's order and sections, with the labels the applicant
    saw; sections left empty are left out."""
    if definition is None:
        return []
    sections = []
    for section in build_form(definition, data=data).sections:
        answers = []
        for f in section.fields:
            if f.options:
                shown = "、".join(o.label for o in f.options if o.selected)
            elif f.widget == "checkbox":
                shown = _("Yes") if f.value in ("true", "on", "1") else _("No")
            else:
                shown = f.value
            if shown:
                answers.append(Answer(f.label, shown))
        if answers:
            sections.append(AnswerSection(section.title, answers))
    return sections


def _event_answers(case: Case, children: list[Case], data: dict[str, Any]) -> list[AnswerSection]:
    """A life event's answers (``data``: the case's, as the reader may read them) as the
    applicant gave them: once, in the form merged from its items' forms in the event's
    order (``filing._submit_life_event``), each shared question once, rather than again
    under every item that asks it."""
    forms = [child.form for child in children if child.form]
    if not forms:
        return []
    merged = merge_definitions(forms, title=case.service_name, title_en=case.service_name_en)
    return _answers(merged, data)


def _comment_label(*, by_applicant: bool, for_officer: bool) -> str:
    """``for_officer``: read by anyone but the one who wrote the applicant's note (an
    officer, or another agent of the company)."""
    if not by_applicant:
        return pgettext("an officer's comment on a step of a case", "Comment")
    if for_officer:
        return pgettext(
            "the applicant's note on a step of a case, as officers read it", "Applicant's note"
        )
    return pgettext("the applicant's own note on a step of their case, on their page", "Your note")


def _note_label(*, for_officer: bool, outcome: str) -> str:
    if outcome == EXTENDED:  # its note is the reason the officer gave for more time (QA)
        return pgettext("the reason given for an extension, on a case's timeline", "Reason")
    if for_officer:
        return _("Note for the applicant")
    return pgettext(
        "an officer's note to the applicant, on the applicant's own page", "Note for you"
    )


def _timeline(
    events: list[CaseEvent],
    shown: entries.Entries,
    *,
    for_officer: bool,
    under_parent: bool = False,
    reader_id: int | None = None,
    withheld: bool = False,
) -> list[Step]:
    """The case's entries for the reader: officers read "the applicant", the applicant
    reads "you". An answer to a supplement request, or any entry whose actor is on the
    applicant's side (``entries``), carries the applicant's note, not an
    officer's comment. ``reader_id``: the party reading, if known; of a company's case,
    an entry another of its agents made is "the applicant"'s, not "you"r own.
    ``withheld``: a life event's item of another department than the officer's, whose
    supplement entries say that material was asked for and sent, not what (ADR 0024)."""
    steps = []
    for event in events:
        if event.outcome == SUBMITTED and under_parent:
            continue  # the parent's entry says it: one application filed them all
        private = withheld and event.outcome in permissions.WITHHELD_FROM_OTHER_DEPARTMENTS
        by_applicant = shown.by_applicant(event)
        anothers = (
            not for_officer and reader_id is not None and event.actor_id not in (None, reader_id)
        )
        as_others_read = for_officer or anothers
        steps.append(
            Step(
                title=localized_marked(event, "step") or _("Application submitted"),
                department=event.department,
                # The applicant's own entry is not the step's officer's doing: it says
                # who did it, beside the step's department.
                role=entries.role_label(shown.role(event), for_officer=as_others_read),
                at=event.at,
                outcome=""
                if event.outcome == SUBMITTED
                else notifications.outcome_label(event.outcome),
                outcome_code=event.outcome,
                comment="" if private else event.comment,
                note="" if private else shown.note(event),
                comment_label=_comment_label(by_applicant=by_applicant, for_officer=as_others_read),
                note_label=_note_label(for_officer=for_officer, outcome=event.outcome),
                unanswered=[] if private else shown.unanswered(event),
            )
        )
    return steps


def _items_answers(children: list[Case]) -> list[AnswerSection]:
    """Each item's answers under its name, as its department received them."""
    return [
        AnswerSection(
            localized_marked(child, "service_name"),
            [answer for section in _answers(child.form, child.data) for answer in section.answers],
            of_item=True,
        )
        for child in children
    ]


# The final statuses that leave the applicant without what they applied for. The case
# itself is closed (a supplement request is how an open one is put right): the way
# forward is a new application.
REFUSED = (CaseStatus.NOT_ACCEPTED, CaseStatus.REJECTED)


def service_links(case: Case, *, applicant: bool) -> ServiceLinks:
    """The public page of the case's service, an item's guide or a life event's page,
    while the catalog publishes it; and, on a refused case read by its ``applicant``,
    the service's application page, while it takes applications online (an item's
    published version names a form and a process: ``takes_applications``; a life event
    has such an item). An officer gets the guide only: applying is the applicant's to
    do."""
    code = case.service_code
    asks = applicant and case.status in REFUSED
    if (item := catalog_queries.published_items().filter(code=code).first()) is not None:
        guide, apply = reverse("catalog:item", args=[code]), reverse("catalog:apply", args=[code])
        offered = asks and catalog_queries.takes_applications(item.published)
    elif catalog_queries.life_events().filter(code=code).exists():
        guide = reverse("catalog:event", args=[code])
        apply = reverse("cases:apply_event", args=[code])
        offered = asks and _event_takes_applications(code)
    else:
        return ServiceLinks()  # withdrawn from the catalog: no page to send anyone to
    # Where the service takes no applications online, the guide says how to apply.
    return ServiceLinks(guide=guide, apply_again=apply if offered else "")


def _event_takes_applications(code: str) -> bool:
    event = catalog_queries.life_event(code)  # its steps' items and published versions
    return any(catalog_queries.takes_applications(s.item.published) for s in event.steps.all())


def process_departments(case: Case) -> list[Any]:
    """The departments of the lanes of the process the case runs, its own department
    first, each once; none before a run has started, or when its version no longer
    loads."""
    if case.instance_id is None:
        return []
    try:
        found = workflow_library.departments_of_run(case.instance_id)
    except ProcessError:
        return []
    return sorted(found, key=lambda department: department.pk != case.department_id)


def case_view(case: Case, *, officer: User | None = None, reader: User | None = None) -> CaseView:
    """The case as its page shows it: to its applicant, or to ``officer``, who reads
    of a life event only the answers and files of the items of their departments
    (``permissions.items_in_view``). ``reader``: the party reading (the applicant if
    None); another agent of the company reads identity numbers masked
    (``answer_masking``) and the others' entries as "the applicant"'s."""
    for_officer = officer is not None
    data = case.data
    if reader is not None and answer_masking.reads_as_fellow_agent(reader, case):
        data = answer_masking.mask_identity_numbers(case.data)
    reader_id = reader.pk if reader is not None and not for_officer else None
    # In the event's order, which is the order they were filed in.
    children = sorted(case.children.all(), key=lambda child: child.pk)
    events = list(case.events.all())
    requests = list(queries.supplements_of(case))  # the case's and its items'
    shown = entries.entries_of([case, *children], requests)
    now = timezone.now()
    holdings = accountability.holdings(case, now) if for_officer else []
    # The one awaited, on the case or one of its items.
    supplement = next((r for r in requests if r.status == SupplementStatus.OPEN), None)
    # The answer's inputs: for the applicant's side, the one who answers.
    answer = (
        supplement_forms.answer_form(supplement, {}, {}) if supplement and not for_officer else None
    )
    withheld: set[int] = set()  # the items whose words the officer does not read
    if for_officer and children:
        seen, hidden = permissions.items_in_view(officer, children)
        files = case_materials(case, seen, hidden=hidden)
        answers = _items_answers(seen)
        withheld = {child.pk for child in hidden}
    elif case.parent_id is not None:  # a life event's item on its own page
        files = item_materials(case)
        answers = _answers(case.form, data)
    else:
        files = case_materials(case, children)
        answers = _event_answers(case, children, data) if children else _answers(case.form, data)
    # A step of the event's shared run is on the parent's timeline and its item's.
    # Its decision only: a supplement asked of the item and its answer are the item's
    # own, under it still once the step is decided (they went when the decision came).
    shown_above = {(e.task_id, e.outcome) for e in events if e.task_id is not None}
    return CaseView(
        case=case,
        answers=answers,
        timeline=_timeline(events, shown, for_officer=for_officer, reader_id=reader_id),
        children=[
            CaseView(
                case=child,
                answers=[],  # the parent's view holds them
                timeline=_timeline(
                    [e for e in child.events.all() if (e.task_id, e.outcome) not in shown_above],
                    shown,
                    for_officer=for_officer,
                    under_parent=True,
                    reader_id=reader_id,
                    withheld=child.pk in withheld,
                ),
                clock=clock_view(child.clock, now),
                clock_pending=presenters.item_clock_pending(child),
                waiting=presenters.item_waits_for_earlier_steps(child),
                materials=files.by_item.get(child.pk, []),
            )
            for child in children
        ],
        materials=files.own,
        has_files=not files.empty,
        clock=clock_view(case.clock, now),
        # A life event's item on its own page says what its parent's does of it.
        clock_pending=presenters.item_clock_pending(case) if case.parent_id else "",
        waiting=presenters.item_waits_for_earlier_steps(case),
        supplement=supplement,
        supplement_withheld=supplement is not None and supplement.case_id in withheld,
        supplement_items=supplement_materials.requested(supplement)
        if supplement and supplement.case_id not in withheld
        else [],
        supplement_slots=answer.slots if answer else [],
        supplement_answer=answer,
        extensions=_extensions(case),
        holdings=holdings,
        where=accountability.where_time_went(holdings) if holdings else None,
        run_wait=starting.run_wait(case, now),
        links=service_links(case, applicant=not for_officer),
        lanes=[] if children else process_departments(case),
    )
