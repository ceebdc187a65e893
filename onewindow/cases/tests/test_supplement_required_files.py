"""Which files an answer to a supplement request must bring (cases/supplements.py,
cases/supplement_materials.py): a material the officer names in words is required as
the form's are (QA: "Name pre-approval notice" was optional, and the answer went
through without it); one naming a question of the form asks for that answer corrected,
and an explanation asked for (``needs_file`` false) needs no file either.

The passport case of ``test_supplements``: accepted 2026-03-02, asked 03-04, answered
03-09.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from onewindow.cases import supplement_materials, supplements
from onewindow.cases.choices import CaseStatus, SupplementStatus
from onewindow.cases.models import CaseEvent, SupplementRequest
from onewindow.cases.tests.test_supplements import PHOTO, answer, ask, passport
from onewindow.cases.tests.timekit import at, travel, upload
from onewindow.core.errors import InvalidInput
from onewindow.forms.tests.files import PDF
from onewindow.identity.tokens import issue_token
from onewindow.workflow.choices import TaskStatus

__all__ = ["passport"]  # the fixture, used by name

NOTICE = {"material": "Name pre-approval notice", "reason": "Missing"}


def _own_slot(supplement: SupplementRequest, index: int) -> str:
    return supplement_materials.other_slot_key(supplement, index)


def test_a_material_named_in_words_is_recorded_as_needing_a_file(world, passport):
    _case, review = passport
    supplement = ask(world, review, [*PHOTO, NOTICE])
    assert [item["needs_file"] for item in supplement.items] == [True, True]
    assert [slot["required"] for slot in supplement_materials.answer_slots(supplement)] == [
        True,
        True,
    ]


@pytest.mark.parametrize(
    ("language", "message"), [("en", "Attach this document."), ("zh-hans", "请上传此材料。")]
)
def test_an_answer_without_it_is_refused_at_its_slot_and_nothing_is_kept(
    world, passport, language, message
):
    case, review = passport
    supplement = ask(world, review, [*PHOTO, NOTICE])
    photo = upload(world["citizen.wang"])
    with pytest.raises(InvalidInput) as caught, translation.override(language):
        answer(world, case, {"photo": photo.pk}, comment="稍后补交")
    with translation.override(language):
        refused = {name: [str(m) for m in found] for name, found in caught.value.fields.items()}
    assert refused == {f"attachments.{_own_slot(supplement, 1)}": [message]}
    supplement.refresh_from_db()
    case.refresh_from_db()
    review.refresh_from_db()
    assert supplement.status == SupplementStatus.OPEN and supplement.answer_comment == ""
    assert case.status == CaseStatus.SUPPLEMENT
    assert review.status == TaskStatus.SUSPENDED
    assert photo not in case.attachments.all()
    assert not CaseEvent.objects.filter(case=case, outcome="resupplied").exists()


def test_with_its_file_the_answer_goes_through_and_lacks_nothing(world, passport):
    case, review = passport
    supplement = ask(world, review, [*PHOTO, NOTICE])
    own = _own_slot(supplement, 1)
    photo = upload(world["citizen.wang"])
    notice = supplements.store_answer_file(
        applicant=world["citizen.wang"],
        number=case.number,
        slot=own,
        upload=SimpleUploadedFile("notice.pdf", PDF, "application/pdf"),
    )
    answer(world, case, {"photo": photo.pk, own: notice.pk})
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.ANSWERED
    assert supplement_materials.unanswered(supplement) == []


@pytest.mark.parametrize("named", ["联系电话", "mobile  phone NUMBER"])
def test_an_item_naming_a_question_asks_for_a_correction_and_needs_no_file(world, passport, named):
    """By the question's Chinese title or English label, spaces and case aside."""
    case, review = passport
    supplement = ask(world, review, [{"material": named, "reason": "号码有误"}])
    assert supplement.items[0]["needs_file"] is False
    answer(world, case, {}, data={"applicant_phone": "13900001111"})
    case.refresh_from_db()
    assert case.data["applicant_phone"] == "13900001111"


def test_an_explanation_asked_for_is_written_not_sent_as_a_file(world, passport):
    """QA: it was an optional upload, and an answer without a word of it was taken."""
    case, review = passport
    explanation = {"material": "户口簿", "reason": "说明户主页缺失原因", "needs_file": False}
    supplement = ask(world, review, [*PHOTO, explanation])
    photo = upload(world["citizen.wang"])
    assert [slot["key"] for slot in supplement_materials.answer_slots(supplement)] == ["photo"]
    with pytest.raises(InvalidInput) as refused:
        answer(world, case, {"photo": photo.pk}, explanations={}, comment="户口簿遗失")
    assert list(refused.value.fields) == ["explanations.2"]
    with pytest.raises(InvalidInput) as refused:
        answer(world, case, {"photo": photo.pk}, explanations={"2": "遗失", "3": "多余"})
    assert list(refused.value.fields) == ["explanations.3"]
    answer(world, case, {"photo": photo.pk}, explanations={"2": "户主页遗失，已挂失"})
    supplement.refresh_from_db()
    assert supplement.answer_comment == "户口簿：户主页遗失，已挂失"
    assert supplement_materials.unanswered(supplement) == []  # answered in words


def test_a_form_slot_always_needs_its_file(world, passport):
    _case, review = passport
    supplement = ask(world, review, [{**PHOTO[0], "needs_file": False}])
    assert supplement.items[0]["needs_file"] is True


def test_a_request_stored_before_items_said_so_keeps_its_optional_file(world, passport):
    """It was shown to the applicant as optional; the rule it was asked under stays."""
    case, review = passport
    supplement = ask(world, review, [*PHOTO, NOTICE])
    legacy = [{k: v for k, v in item.items() if k != "needs_file"} for item in supplement.items]
    SupplementRequest.objects.filter(pk=supplement.pk).update(items=legacy)
    supplement.refresh_from_db()
    assert [slot["required"] for slot in supplement_materials.answer_slots(supplement)] == [
        True,
        False,
    ]
    answer(world, case, {"photo": upload(world["citizen.wang"]).pk})
    supplement.refresh_from_db()
    assert supplement_materials.unanswered(supplement) == ["Name pre-approval notice"]


def test_the_api_says_which_files_are_required(world, passport):
    case, review = passport
    ask(world, review, [*PHOTO, NOTICE, {"material": "联系电话", "reason": "号码有误"}])
    token, _record = issue_token(user=world["citizen.wang"])
    with travel(at("2026-03-05", 9)):
        read = Client().get(
            f"/api/v1/cases/{case.number}", headers={"Authorization": f"Bearer {token}"}
        )
    [asked] = read.json()["supplements"]
    assert [item["required"] for item in asked["items"]] == [True, True, False]
