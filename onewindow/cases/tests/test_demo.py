from onewindow.cases.choices import CaseStatus
from onewindow.cases.demo import load_demo_cases
from onewindow.cases.models import Case
from onewindow.catalog import demo as catalog_demo
from onewindow.catalog.demo import load_demo_catalog
from onewindow.identity.demo import load_demo_city


def test_demo_cases_in_every_state_and_idempotent(db):
    load_demo_city()
    load_demo_catalog()
    assert catalog_demo.read("topics")
    assert load_demo_cases() == 9
    assert load_demo_cases() == 0
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {
        CaseStatus.SUBMITTED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.APPROVED,
        CaseStatus.REJECTED,
        CaseStatus.NOT_ACCEPTED,
    }
    company_case = Case.objects.get(idempotency_key="demo-company-parallel")
    assert company_case.company is not None
    assert [e.outcome for e in company_case.events.all()] == [
        "submitted",
        "accept",
        "approve",
        "complete",
    ]
    assert Case.objects.get(idempotency_key="demo-newborn").children.count() == 4
