"""A new application starts from what the applicant's account says (``forms.prefill``);
a draft, or a posted form, shows what the applicant typed instead."""

from __future__ import annotations

import lxml.html
import pytest

from onewindow.cases.tests.test_views import APPLY, logged_in
from onewindow.conftest import make_user
from onewindow.forms import services as forms_services
from onewindow.forms.queries import latest_definition
from onewindow.identity.models import User

pytestmark = pytest.mark.single_pass


@pytest.fixture
def applicant(world: dict[str, User]) -> User:
    return make_user(email="a@example.invalid")


def value_of(html: str, name: str) -> str:
    [field] = lxml.html.fromstring(html).xpath(f"//input[@name='{name}']")
    return field.get("value") or ""


def test_a_new_application_is_filled_in_from_the_account(applicant):
    applicant.phone = "13916200102"
    applicant.save(update_fields=["phone"])
    html = logged_in(applicant).get(APPLY).content.decode()
    assert value_of(html, "applicant_name") == applicant.full_name
    assert value_of(html, "applicant_id_number") == applicant.id_number
    assert value_of(html, "applicant_phone") == "13916200102"
    assert value_of(html, "applicant_birth_date")  # from the identity number
    assert "filled in from your account" in html
    # What the account cannot say is left to the applicant.
    assert value_of(html, "name_pinyin") == ""


def test_a_draft_shows_what_was_typed_not_the_account(applicant):
    forms_services.save_draft(
        owner=applicant,
        definition=latest_definition("passport"),
        context=f"apply:{APPLY.split('/')[3]}",
        data={"applicant_name": "另一个名字"},
    )
    html = logged_in(applicant).get(APPLY).content.decode()
    assert value_of(html, "applicant_name") == "另一个名字"
    assert value_of(html, "applicant_id_number") == ""
    assert "filled in from your account" not in html


def test_a_refused_post_shows_the_answers_as_posted(applicant):
    client = logged_in(applicant)
    response = client.post(APPLY, {"applicant_name": "", "idempotency_key": "k1"})
    assert response.status_code == 422
    assert value_of(response.content.decode(), "applicant_name") == ""
