"""The demo cases' answers read like a real applicant's: they pass the forms' checks as
they stand, agree with the applicant's identity number (birth date, sex, age), name
real-looking addresses and people, and the newborn's parents are the applicant and
their spouse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from stdnum.cn import ric

from onewindow.cases.demo import load_demo_cases
from onewindow.cases.models import Case
from onewindow.catalog.demo import load_demo_catalog
from onewindow.forms.validation import validate_data
from onewindow.identity.demo import load_demo_city
from onewindow.identity.models import LegalPerson
from onewindow.workdays.demo import load_demo_calendar

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 11, 25, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def male(id_number: str) -> bool:
    return int(id_number[16]) % 2 == 1


def age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@pytest.fixture(scope="module")
def demo_cases(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[list[tuple[Case, dict[str, Any]]]]:
    """Each demo case with a form, and its answers: loaded once for the module's tests,
    which only read them, in a transaction rolled back when the module ends (each
    test's own is a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_city()
        load_demo_calendar()
        load_demo_catalog()
        with time_machine.travel(TODAY, tick=False):
            load_demo_cases()
        cases = Case.objects.exclude(form=None).select_related("form", "applicant", "company")
        yield [(case, case.data) for case in cases]
        transaction.set_rollback(True)


def test_every_demo_answer_passes_its_form_today(demo_cases):
    with time_machine.travel(TODAY, tick=False):
        for case, data in demo_cases:
            assert validate_data(case.form, data), case.number
            texts = [value for value in data.values() if isinstance(value, str)]
            assert not any("演示" in text for text in texts), (case.number, texts)


def test_the_applicant_answers_agree_with_their_identity_number(demo_cases):
    passports = [(c, d) for c, d in demo_cases if c.service_code == "310000-GA-XK-0001"]
    assert {c.applicant.username for c, _d in passports} == {"citizen.wang", "citizen.chen"}
    for case, data in passports:
        number = case.applicant.id_number
        assert data["applicant_id_number"] == number
        assert data["applicant_birth_date"] == ric.get_birth_date(number).isoformat()
        assert data["applicant_sex"] == ("male" if male(number) else "female")
        assert (
            data["name_pinyin"]
            == {"王小明": "WANG XIAOMING", "陈静": "CHEN JING"}[case.applicant.full_name]
        )
        assert data["emergency_contact_name"] != case.applicant.full_name
        assert data["emergency_contact_phone"] != data["applicant_phone"]
    [assistance] = [d for c, d in demo_cases if c.idempotency_key == "demo-assistance"]
    born = ric.get_birth_date(assistance["applicant_id_number"])
    assert assistance["applicant_age"] == age(born, TODAY.date()) == 36


def test_addresses_are_whole_addresses_in_shanghai(demo_cases):
    addresses = [
        value
        for _case, data in demo_cases
        for name, value in data.items()
        if name.endswith("address")
    ]
    assert addresses
    for address in addresses:
        assert address.startswith("上海市") and address.endswith("室"), address
        assert "区" in address and "号" in address, address


def test_the_newborns_parents_are_the_applicant_and_their_spouse(demo_cases):
    items = [(c, d) for c, d in demo_cases if "child_sex" in d]
    assert len(items) == 4  # the newborn event's four items
    for case, data in items:
        applicant = case.applicant
        assert data["relation"] == ("father" if male(applicant.id_number) else "mother")
        assert data["child_name"] not in (applicant.full_name, "")
        if "father_id_number" in data:  # the birth certificate's and the hukou's forms
            assert male(data["father_id_number"]) and not male(data["mother_id_number"])
            relation = data["relation"]
            assert data[f"{relation}_id_number"] == applicant.id_number
            assert data[f"{relation}_name"] == applicant.full_name
            assert data["father_name"] != data["mother_name"]
            assert data["child_name"][0] == data["father_name"][0]
        born = date.fromisoformat(data["child_birth_date"])
        assert 0 <= (TODAY.date() - born).days <= 28
        if "relation_to_head" in data:
            assert data["household_head_name"] == applicant.full_name
            assert (
                data["relation_to_head"] == {"female": "daughter", "male": "son"}[data["child_sex"]]
            )


def test_the_company_is_registered_under_its_own_name_and_representative(demo_cases):
    [(case, data)] = [(c, d) for c, d in demo_cases if c.idempotency_key == "demo-company-parallel"]
    company = LegalPerson.objects.get(pk=case.company_id)
    assert data["company_name"] == company.name
    assert data["legal_rep_name"] == company.legal_representative
    assert data["legal_rep_id_number"] != data["agent_id_number"]
    assert (data["agent_name"], data["agent_id_number"]) == (
        case.applicant.full_name,
        case.applicant.id_number,
    )
