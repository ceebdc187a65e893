"""Filing an application: numbers, idempotency, validation, version pinning, companies."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import filing, queries
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import COMPANY, PASSPORT, answers, submit
from onewindow.conftest import make_user, run_all
from onewindow.core.errors import Forbidden, InvalidInput
from onewindow.identity.models import LegalPerson, User
from onewindow.identity.roles import Role


def test_same_idempotency_key_gives_the_same_case(world):
    user = world["citizen.wang"]
    data = answers(user, PASSPORT)
    first, new = filing.submit_case(
        applicant=user, service=PASSPORT, data=data, idempotency_key="k-1"
    )
    again, again_new = filing.submit_case(
        applicant=user, service=PASSPORT, data=data, idempotency_key="k-1"
    )
    other, _ = filing.submit_case(
        applicant=world["citizen.chen"],
        service=PASSPORT,
        data=answers(world["citizen.chen"], PASSPORT),
        idempotency_key="k-1",
    )
    assert (new is not None, again_new) == (True, None)
    assert again.pk == first.pk and other.pk != first.pk
    assert Case.objects.count() == 2


def test_a_new_submission_reads_no_more_than_it_files_with(world, settings):
    # Not a whole case for a key never used, nor the forms of the attachments it links
    # (they are only linked), nor the process's files (a worker reads them to start).
    settings.FILING_QUEUED = True
    user = world["citizen.wang"]
    data = answers(user, PASSPORT)
    with CaptureQueriesContext(connection) as queries:
        _case, new = filing.submit_case(
            applicant=user, service=PASSPORT, data=data, idempotency_key="k-new"
        )
    assert new is not None and new.attachments
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert _columns_read(reads, '"cases_case"') == 2  # the key's case id and fingerprint
    assert _columns_read(reads, '"forms_attachment"') == 3  # id, form, slot
    assert not any("bpmn_xml" in sql or "dmn_files" in sql for sql in reads)


def _columns_read(reads: list[str], table: str) -> int:
    """How many columns the one SELECT from ``table`` reads."""
    [sql] = [sql for sql in reads if sql.split(" FROM ")[1].startswith(table)]
    return sql.split(" FROM ")[0].count(",") + 1


def test_invalid_answers_save_nothing(world):
    with pytest.raises(InvalidInput) as caught:
        submit(world["citizen.wang"], PASSPORT, applicant_phone="123")
    assert "applicant_phone" in caught.value.fields
    assert not Case.objects.exists()


@pytest.mark.parametrize("payment", ["bank_deduction", "online"])
def test_a_newborns_direct_debit_needs_the_bank_account(world, payment):
    """A life event's merged form keeps its items' conditions: the insurance item asks
    for the account only when its premiums are debited."""
    user = world["citizen.wang"]
    # The merged form names an item's own questions under the item's form.
    data = answers(user, "newborn", newborn_insurance__payment_method=payment)
    data.pop("newborn_insurance__bank_account", None)
    if payment == "online":
        assert filing.submit_case(applicant=user, service="newborn", data=data)[1] is not None
        return
    with pytest.raises(InvalidInput) as refused:
        filing.submit_case(applicant=user, service="newborn", data=data)
    assert list(refused.value.fields) == ["newborn_insurance__bank_account"]
    assert not Case.objects.exists()


def test_unknown_service_is_refused(world):
    with pytest.raises(InvalidInput) as caught:
        filing.submit_case(applicant=world["citizen.wang"], service="nope", data={})
    assert "service" in caught.value.fields


@pytest.mark.django_db(transaction=True)
def test_numbers_unique_under_concurrency(world):
    users = [world["citizen.wang"], world["citizen.chen"], world["agent.li"]] * 2
    data = {u.pk: answers(u, PASSPORT) for u in users}
    numbers: list[str] = []
    errors: list[BaseException] = []

    def file(user: User) -> None:
        try:
            case, _new = filing.submit_case(applicant=user, service=PASSPORT, data=data[user.pk])
            numbers.append(case.number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    run_all([threading.Thread(target=file, args=(u,)) for u in users])
    assert errors == []
    assert len(set(numbers)) == len(users)
    assert sorted(n[-4:] for n in numbers) == [f"{i:04d}" for i in range(1, len(users) + 1)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_case(world):
    user = world["citizen.wang"]
    data = answers(user, PASSPORT)
    found: list[int] = []

    def file() -> None:
        try:
            case, _new = filing.submit_case(
                applicant=user, service=PASSPORT, data=data, idempotency_key="same"
            )
            found.append(case.pk)
        finally:
            connection.close()

    run_all([threading.Thread(target=file) for _ in range(4)])
    assert len(found) == 4 and len(set(found)) == 1
    assert Case.objects.count() == 1


def test_a_case_keeps_the_guide_version_it_was_filed_under(world):
    from onewindow.catalog import queries as catalog_queries
    from onewindow.catalog import reviews
    from onewindow.catalog import services as catalog_services
    from onewindow.catalog.transfer import version_as_dict

    case = submit(world["citizen.wang"], PASSPORT)
    filed = catalog_queries.published_version(PASSPORT)
    assert case.item_version == filed
    # The guide changes and is published; the open case keeps its version (and rules).
    editor = make_user(roles=[(Role.DEPARTMENT_ADMIN, filed.item.department)])
    reviewer = make_user(roles=[(Role.DEPARTMENT_ADMIN, filed.item.department)])
    catalog_services.save_draft(
        actor=editor, data={**version_as_dict(filed), "promised_limit_days": 1}
    )
    reviews.submit_for_review(actor=editor, code=PASSPORT)
    reviews.review_version(actor=reviewer, code=PASSPORT, approve=True)
    case.refresh_from_db()
    assert case.item_version == filed
    assert catalog_queries.published_version(PASSPORT).number == filed.number + 1
    later = submit(world["citizen.chen"], PASSPORT)
    assert later.item_version.number == filed.number + 1


def test_case_numbers_are_given_last_and_in_order(world):
    first = submit(world["citizen.wang"], PASSPORT)
    second = submit(world["citizen.chen"], PASSPORT)
    prefix, _, sequence = first.number.rpartition("-")
    assert second.number == f"{prefix}-{int(sequence) + 1:04d}"
    assert not Case.objects.filter(number__startswith="pending-").exists()


def test_an_agent_files_for_the_company_by_its_code_and_its_agents_see_the_case(world):
    agent = world["agent.li"]
    company = LegalPerson.objects.get(agents=agent)
    colleague = make_user()
    company.agents.add(colleague)
    case, _new = filing.submit_case(
        applicant=agent,
        service=COMPANY,
        data=answers(agent, COMPANY),
        company=f" {company.uscc.lower()} ",
    )
    assert case.company == company
    assert list(queries.my_cases(colleague)) == [case]


def test_an_unknown_company_is_a_field_error_and_saves_nothing(world):
    agent = world["agent.li"]
    with pytest.raises(InvalidInput) as caught:
        filing.submit_case(
            applicant=agent, service=COMPANY, data=answers(agent, COMPANY), company="9" * 18
        )
    assert caught.value.code == "unknown_company" and "company" in caught.value.fields
    assert not Case.objects.exists()


def test_no_one_files_for_a_company_they_do_not_represent(world):
    citizen = world["citizen.wang"]
    company = LegalPerson.objects.get(agents=world["agent.li"])
    with pytest.raises(Forbidden):
        filing.submit_case(
            applicant=citizen,
            service=PASSPORT,
            data=answers(citizen, PASSPORT),
            company=company.uscc,
        )
    assert not Case.objects.exists()
