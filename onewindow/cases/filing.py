"""Filing an application: a case (or a life event's parent case and one child per item),
numbered, its process started (``starting``: with FILING_QUEUED, in a worker after
commit), the applicant told, in one transaction with its audit records (appended last,
ADR 0019); the email leaves after commit."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.audit.services import atomic_audit_last, record_event
from onewindow.cases import notifications, permissions, presenters, starting
from onewindow.cases.choices import SUBMITTED
from onewindow.cases.models import Case, CaseCounter, CaseEvent
from onewindow.catalog import queries as catalog_queries
from onewindow.catalog.choices import Audience
from onewindow.catalog.models import LifeEvent, ServiceItemVersion
from onewindow.core.errors import Forbidden, InvalidInput
from onewindow.forms import queries as forms_queries
from onewindow.forms.merge import MergedForm, merge_definitions, split_merged_data
from onewindow.forms.models import Attachment, FormDefinition
from onewindow.forms.prefill import not_the_applicants
from onewindow.forms.validation import validate_data
from onewindow.identity.models import Department, LegalPerson, User

# --- numbering --------------------------------------------------------------------


def next_number(department: Department, day: date) -> str:
    """``<department code>-<yyyymmdd>-<sequence>``. The day's counter row is created or
    incremented in one statement and stays locked until the caller's transaction ends,
    so two submissions never get the same number and a rollback loses none. (The ORM
    has no upsert that increments and returns: ``bulk_create(update_conflicts=True)``
    can only copy the new row's values. Both databases take this SQL.)"""
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (department_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - our table
            f"ON CONFLICT (department_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [department.pk, day.isoformat()],
        )
        (last,) = cursor.fetchone()
    return f"{department.code}-{day:%Y%m%d}-{last:04d}"


# --- submission -------------------------------------------------------------------


def _invalid_service() -> InvalidInput:
    message = _("This service cannot be applied for online.")
    return InvalidInput(message, code="unknown_service", fields={"service": [message]})


def _attachments(applicant: Any, form: FormDefinition | MergedForm, given: Any) -> list[Attachment]:
    """The applicant's own uploads, each for a slot of this form; every required slot
    must be filled (the API is held to the same rule as the pages)."""
    given = given or {}
    if not isinstance(given, dict):
        message = _("Give attachments as an object of slot and attachment id.")
        raise InvalidInput(message, fields={"attachments": [message]})
    found: list[Attachment] = []
    errors: dict[str, list[Any]] = {}
    # An id is a whole number, not a boolean (which Python counts as one: true was 1).
    ids = [pk for pk in given.values() if _is_id(pk)]
    # Which slot of which form each is for, and nothing else: they are only linked.
    owned = (
        forms_queries.attachments_of(applicant)
        .select_related(None)
        .only("definition", "slot")
        .in_bulk(ids)
        if ids
        else {}
    )
    for slot, attachment_id in given.items():
        if isinstance(form, MergedForm):
            origin = form.slot_origin(slot) if form.slot(slot) else None
        else:
            origin = (form, slot) if form.slot(slot) else None
        attachment = owned.get(attachment_id) if _is_id(attachment_id) else None
        if (
            origin is None
            or attachment is None
            or attachment.definition_id != origin[0].pk
            or attachment.slot != origin[1]
        ):
            errors[f"attachments.{slot}"] = [_("There is no such attachment for this slot.")]
        else:
            found.append(attachment)
    for slot in form.attachments:
        if slot.get("required") and slot["key"] not in given:
            errors[f"attachments.{slot['key']}"] = [_("Attach this document.")]
    if errors:
        raise InvalidInput(_("Some answers need correcting."), fields=errors)
    return found


# The largest primary key a database stores (a signed 64-bit integer): a larger id is
# no attachment's, and reached the database as an overflow (API QA: a 500).
MAX_ID = 2**63 - 1


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _attach(case: Case, attachments: Sequence[Attachment]) -> None:
    # ``case.attachments.add`` would first read which are attached: a new case has none.
    links = Case.attachments.through
    links.objects.bulk_create([links(case_id=case.pk, attachment_id=a.pk) for a in attachments])


@dataclass(frozen=True)
class Filed:
    """A case a submission has just written, with what its answer shows besides the
    case's own fields: its one timeline entry, its materials and a life event's items.
    The API answers from these instead of reading them back; a new case has nothing
    else (no decision, supplement or extension yet)."""

    case: Case
    event: CaseEvent
    attachments: tuple[int, ...] = ()
    children: tuple[Filed, ...] = ()


def submit_case(
    *,
    applicant: User,
    service: str,
    data: Mapping[str, Any],
    idempotency_key: str = "",
    company: str = "",
    language: str | None = None,
    request: HttpRequest | None = None,
    queued: bool | None = None,
) -> tuple[Case, Filed | None]:
    """File an application, for the applicant or, given its unified social credit code,
    for a company the applicant is an agent of; returns the case and, when it is new,
    what the submission wrote. A retry with the same idempotency key returns the first
    attempt's case and None. ``queued``: whether its run starts in a worker after commit
    (ADR 0021); None takes ``FILING_QUEUED``."""
    legal_person = applying_company(applicant, company)
    key = _idempotency_key(idempotency_key)
    asked = fingerprint(service, legal_person, data) if key else ""
    if existing := _first_attempt(applicant, key, asked):
        return existing, None
    try:
        version = catalog_queries.application_version(service)
    except ServiceItemVersion.DoesNotExist:
        version = None
    application = _Application(
        applicant,
        data,
        key,
        asked,
        legal_person,
        language,
        request,
        settings.FILING_QUEUED if queued is None else queued,
    )
    try:
        if version is not None:
            filed = _submit_item(application, version)
        else:
            filed = _submit_life_event(application, service)
    except IntegrityError:
        # A concurrent retry with the same key committed first.
        if existing := _first_attempt(applicant, key, asked):
            return existing, None
        raise
    return filed.case, filed


KEY_LENGTH = 100  # Case.idempotency_key's


def _idempotency_key(given: str) -> str:
    key = given.strip()
    if len(key) > KEY_LENGTH:
        # Cut short, two different keys would name one application.
        message = _("An idempotency key has at most %(count)d characters.") % {"count": KEY_LENGTH}
        raise InvalidInput(
            message, code="invalid_idempotency_key", fields={"idempotency_key": [message]}
        )
    return key


def fingerprint(service: str, company: LegalPerson | None, data: Mapping[str, Any]) -> str:
    """What a request asks for, for recognising its retries: the service, the company
    and the answers. Not the attachments' ids: a page sent twice (a double click)
    uploads its files twice, under new ids, and is still the same application."""
    answers = {name: value for name, value in data.items() if name != "attachments"}
    text = json.dumps(
        [service, company.uscc if company else "", answers],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _first_attempt(applicant: User, key: str, asked: str) -> Case | None:
    """The case an earlier submission with this idempotency key made, if any; a key
    used before for a different request is refused (IETF's Idempotency-Key draft: 422),
    not answered with the other request's case."""
    if not key:
        return None
    # Most keys are new: ask for the id alone, and read the case only for a retry.
    found = Case.objects.filter(applicant=applicant, idempotency_key=key)
    rows = list(found.values_list("pk", "idempotency_fingerprint")[:1])
    if not rows:
        return None
    pk, recorded = rows[0]
    if recorded and recorded != asked:
        message = _(
            "This idempotency key was used for a different application. Send a new key "
            "with a new application."
        )
        raise InvalidInput(
            message, code="idempotency_key_reused", fields={"idempotency_key": [message]}
        )
    return Case.objects.get(pk=pk)


def applying_company(applicant: User, uscc: str) -> LegalPerson | None:
    """The company of that code, which the applicant must represent; None for none."""
    company = None
    if uscc.strip():
        company = LegalPerson.objects.filter(uscc=uscc.strip().upper()).first()
        if company is None:
            message = _("No such company.")
            raise InvalidInput(message, code="unknown_company", fields={"company": [message]})
    if not permissions.can_apply_for(applicant, company):
        raise Forbidden(_("You may not apply for this company."))
    return company


def _new_case(
    application: _Application,
    *,
    department: Department,
    service_code: str,
    service_name: str,
    service_name_en: str,
    form: FormDefinition | None,
    data: Mapping[str, Any],
    parent: Case | None = None,
    item_version: Any = None,
    process_id: int | None = None,
) -> Filed:
    """One case of a submission: the first stands for all of it (its idempotency key,
    its place in the queue), a life event's items are its children."""
    now = timezone.now()
    case = Case.objects.create(
        run_queued=application.queued and parent is None,
        number=f"pending-{uuid.uuid4().hex}",  # numbered by _number, last
        parent=parent,
        applicant=application.applicant,
        company=application.company,
        service_code=service_code,
        service_name=service_name,
        service_name_en=service_name_en,
        department=department,
        item_version=item_version,
        process_id=process_id,
        form=form,
        data=dict(data),
        idempotency_key=application.key if parent is None else "",
        idempotency_fingerprint=application.fingerprint if parent is None else "",
        created_at=now,
        updated_at=now,
    )
    event = CaseEvent.objects.create(
        case=case,
        step="",
        department=department,
        outcome=SUBMITTED,
        actor=application.applicant,
        at=now,
    )
    return Filed(case, event)


@dataclass(frozen=True)
class _Application:
    """What a submission brings, whichever kind of service it is for."""

    applicant: User
    data: Mapping[str, Any]
    key: str
    fingerprint: str
    company: LegalPerson | None
    language: str | None
    request: HttpRequest | None
    queued: bool  # its run started in a worker after commit

    def validated(
        self, form: FormDefinition | MergedForm
    ) -> tuple[dict[str, Any], list[Attachment]]:
        """The cleaned answers and the attachments they refer to, or InvalidInput with
        every problem of both: answers and files are corrected in one round (the files'
        were reported only once the answers were right)."""
        answers = dict(self.data)
        given = answers.pop("attachments", None)
        problems: dict[str, list[Any]] = {}
        cleaned: dict[str, Any] = {}
        try:
            cleaned = validate_data(form, answers, self.language)
        except InvalidInput as refused:
            problems.update(refused.fields)
        else:
            problems.update(not_the_applicants(form, cleaned, self.applicant))
        found: list[Attachment] = []
        try:
            found = _attachments(self.applicant, form, given)
        except InvalidInput as refused:
            problems.update(refused.fields)
        if problems:
            raise InvalidInput(
                _("Some answers need correcting."), code="invalid_answers", fields=problems
            )
        return cleaned, found


def _for_its_audience(application: _Application, audience: str) -> None:
    """A company is named only for a service for legal persons: a service for
    individuals (a passport, a birth's registration) is a person's own."""
    if application.company is not None and audience == Audience.PERSON:
        message = _("This service is for individuals: apply for it as yourself.")
        raise InvalidInput(message, code="company_not_applicable", fields={"company": [message]})


def _submit_item(application: _Application, version: Any) -> Filed:
    form = version.form
    if form is None or not catalog_queries.takes_applications(version):
        raise _invalid_service()
    _for_its_audience(application, version.audience)
    cleaned, attachments = application.validated(form)
    with atomic_audit_last():
        filed = _new_case(
            application,
            department=version.item.department,
            service_code=version.item.code,
            service_name=version.name,
            service_name_en=version.name_en,
            form=form,
            data=cleaned,
            item_version=version,
        )
        _attach(filed.case, attachments)
        starting.start_or_queue(filed.case, [], application.applicant, application.request)
        _confirm(application, filed.case, [])
    return replace(filed, attachments=tuple(a.pk for a in attachments))


def _submit_life_event(application: _Application, code: str) -> Filed:
    try:
        event = catalog_queries.life_event(code)
    except LifeEvent.DoesNotExist:
        raise _invalid_service() from None
    parts = catalog_queries.applying_parts(event)
    if not parts:
        raise _invalid_service()
    _for_its_audience(application, event.audience)
    forms = [form for _version, form in parts]
    merged = merge_definitions(forms, title=event.name, title_en=event.name_en)
    cleaned, attachments = application.validated(merged)
    split = split_merged_data(merged, cleaned)
    with atomic_audit_last():
        filed = _new_case(
            application,
            department=parts[0][0].item.department,
            service_code=event.code,
            service_name=event.name,
            service_name_en=event.name_en,
            form=None,
            data=cleaned,
            process_id=event.process_id,  # not the row: its files are tens of kB
        )
        parent = filed.case
        _attach(parent, attachments)
        filed_children = [
            _new_case(
                application,
                department=version.item.department,
                service_code=version.item.code,
                service_name=version.name,
                service_name_en=version.name_en,
                form=form,
                data=split[form.key],
                parent=parent,
                item_version=version,
            )
            for version, form in parts
        ]
        children = [child.case for child in filed_children]
        starting.start_or_queue(parent, children, application.applicant, application.request)
        _confirm(application, parent, children)
    return replace(
        filed,
        attachments=tuple(a.pk for a in attachments),
        children=tuple(filed_children),
    )


def _confirm(application: _Application, parent: Case, children: list[Case]) -> None:
    """Number the new cases, audit the submission and tell the applicant."""
    _number(parent, *children)
    detail = {"children": [c.number for c in children]} if children else {}
    record_event(
        actor=application.applicant,
        action="cases.case_submitted",
        target=parent,
        detail={"number": parent.number, "service": parent.service_code, **detail},
        request=application.request,
    )
    notifications.tell_applicant(
        parent,
        "case_submitted",
        dedupe_key=f"case:{parent.pk}:submitted",
        new_event=True,
        service=presenters.service_name(parent),
    )


def _number(*cases: Case) -> None:
    """Number the new cases, as late in the submission's transaction as possible: the
    department's counter row stays locked until commit, so taking it last keeps
    concurrent submissions to one department from queueing behind each other's whole
    transaction (ADR 0011: still no number lost to a rollback)."""
    for case in cases:
        case.number = next_number(case.department, timezone.localdate(case.created_at))
        case.save(update_fields=["number"])
