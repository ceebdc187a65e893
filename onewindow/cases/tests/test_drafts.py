"""Application drafts: "save and continue later" keeps the answers and the uploaded files,
the next visit shows them, and filing the case discards the draft."""

from __future__ import annotations

import lxml.html
from django.core.files.uploadedfile import SimpleUploadedFile

from onewindow.audit.models import AuditEvent
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import PASSPORT, answers
from onewindow.cases.tests.test_views import (
    APPLY,
    COMPANY_APPLY,
    agent_of_the_demo_company,
    apply_as_choice,
    as_post,
    key_of,
    logged_in,
    people,
    photo,
)
from onewindow.forms.models import FormDraft
from onewindow.identity.models import LegalPerson

__all__ = ["people"]  # the fixture, shared with the page tests


def test_a_saved_draft_comes_back_with_its_file_and_goes_when_the_case_is_filed(people):
    user = people["applicant"]
    client = logged_in(user)
    partial = {"applicant_name": "王小明", "applicant_phone": "1391620"}  # half typed
    response = client.post(
        APPLY, {**partial, "action": "save_draft", "upload-photo": photo()}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your draft was saved" in html
    assert not Case.objects.exists()
    draft = FormDraft.objects.get(owner=user)
    assert draft.data["applicant_phone"] == "1391620"
    slot_ids = draft.data["_attachments"]
    assert list(slot_ids) == ["photo"]
    # The next visit: the typed answers and the kept file, without uploading it again.
    html = client.get(APPLY).content.decode()
    assert 'value="1391620"' in html and "Your draft of" in html
    assert f'name="kept-photo" value="{slot_ids["photo"]}"' in html
    body = {**as_post(answers(user, PASSPORT, attach=False)), "idempotency_key": key_of(html)}
    response = client.post(APPLY, {**body, "kept-photo": str(slot_ids["photo"])})
    assert response.status_code == 302
    case = Case.objects.get(applicant=user)
    assert list(case.attachments.values_list("pk", flat=True)) == [slot_ids["photo"]]
    assert not FormDraft.objects.exists()
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "forms.draft_saved" in actions and "forms.draft_discarded" in actions


def test_a_draft_saved_with_a_refused_file_says_so_and_keeps_the_rest(people):
    user = people["applicant"]
    client = logged_in(user)
    fake = SimpleUploadedFile("passport.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        APPLY,
        {
            "applicant_phone": "1391620",
            "action": "save_draft",
            "upload-photo": photo(),
            "upload-previous_passport": fake,
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Your draft was saved without the files marked below" in html
    page = lxml.html.fromstring(html)
    [error] = page.xpath("//*[@id='id_upload-previous_passport_error']")
    assert error.text_content().strip()
    draft = FormDraft.objects.get(owner=user)
    assert draft.data["applicant_phone"] == "1391620"
    assert list(draft.data["_attachments"]) == ["photo"]  # the good file is kept


def test_a_draft_is_the_applicants_own(people):
    client = logged_in(people["applicant"])
    client.post(APPLY, {"applicant_phone": "13916", "action": "save_draft"})
    other = logged_in(people["other"]).get(APPLY).content.decode()
    assert 'value="13916"' not in other and "Your draft of" not in other


def test_a_life_event_draft_keeps_the_merged_answers(people):
    client = logged_in(people["applicant"])
    url = "/cases/events/newborn/apply/"
    html = client.get(url).content.decode()
    assert "Save and continue later" in html
    client.post(url, {"mother_name": "李梅", "action": "save_draft"})
    assert 'value="李梅"' in client.get(url).content.decode()


def test_a_draft_keeps_whom_an_agent_applies_for(people):
    agent, company = agent_of_the_demo_company()
    client = logged_in(agent)
    # A service for companies offers the company first; the agent chose themself.
    assert apply_as_choice(client.get(COMPANY_APPLY).content.decode()) == company.uscc
    client.post(COMPANY_APPLY, {"company": "", "action": "save_draft"})
    assert apply_as_choice(client.get(COMPANY_APPLY).content.decode()) == ""
    # Then a second company they act for.
    other = LegalPerson.objects.create(
        uscc="91310000MA1FL8TQ3K", name="别家公司", legal_representative="某人"
    )
    other.agents.add(agent)
    client.post(COMPANY_APPLY, {"company": other.uscc, "action": "save_draft"})
    assert apply_as_choice(client.get(COMPANY_APPLY).content.decode()) == other.uscc
    # No longer its agent: the page's default (their first company), never one they left.
    other.agents.remove(agent)
    assert apply_as_choice(client.get(COMPANY_APPLY).content.decode()) == company.uscc
    assert FormDraft.objects.filter(owner=agent).count() == 1


def test_a_draft_of_someone_not_asked_keeps_no_choice(people):
    user = people["applicant"]
    logged_in(user).post(APPLY, {"applicant_phone": "13916", "action": "save_draft"})
    assert "_applying_for" not in FormDraft.objects.get(owner=user).data
