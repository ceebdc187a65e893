"""QA fixes on the case, task and inbox pages: files under the materials they were given
for, supplement forms that mark what is missing, the inbox's status filter, an
unambiguous "Submitted on", and patterns Chinese can punctuate (read in English; the
Chinese translations come later, so a stand-in catalogue punctuates them here)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.cases import queries, supplement_materials, supplements
from onewindow.cases.choices import CaseStatus, SupplementStatus
from onewindow.cases.materials import case_materials
from onewindow.cases.models import CaseEvent, SupplementRequest
from onewindow.cases.tests.conftest import submit
from onewindow.cases.tests.timekit import accepted_passport, at, signed_in, text, travel
from onewindow.forms.tests.files import PDF, PNG
from onewindow.workflow.choices import TaskStatus

NOW = at("2026-03-06", 10)
PHOTO = "Digital photo for exit-entry documents"
PREVIOUS = "Photo page of your previous passport"


@pytest.fixture
def review(world):
    case, task = accepted_passport(world, at("2026-03-02", 10))
    return case, task


def _materials(response) -> list[tuple[str, str]]:
    """(material, its files in words) of the case page's materials list."""
    html = response.content.decode()
    section = html.split('id="materials-title"', 1)[1].split("</section>", 1)[0]
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section, flags=re.S)
    return [(unescape(dt.strip()), _words(dd)) for dt, dd in pairs]


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


@contextmanager
def full_width(*contexts: str) -> Iterator[None]:
    """A stand-in for the Chinese catalogue: the messages of ``contexts`` punctuated
    as Chinese is, the full-width colon and brackets."""
    real = translation.pgettext

    def chinese(context: str, message: str) -> str:
        found = real(context, message)
        if context not in contexts:
            return found
        found = re.sub(r"\)(?!s)", "）", re.sub(r"(?<!%)\(", "（", found.replace(": ", "：")))
        return re.sub(r"\s+((?:<[^>]+>)*)（", r"\1（", found)  # no space before a bracket

    with (
        mock.patch.object(translation, "pgettext", chinese),
        mock.patch.object(supplement_materials, "pgettext", chinese),
    ):
        yield


# --- 1. files under their materials ---------------------------------------------------


def test_the_case_page_shows_each_file_under_its_material(world, review):
    case, _task = review
    with travel(NOW):
        english = signed_in(world["citizen.wang"]).get(f"/cases/{case.number}/")
    assert _materials(english) == [(PHOTO, "demo.png (70 bytes)")]
    chinese = signed_in(world["citizen.wang"])
    chinese.cookies["django_language"] = "zh-hans"
    with travel(NOW):
        page = chinese.get(f"/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert [label for label, _files in _materials(page)] == ["出入境证件数码照片"]


def test_a_life_events_files_are_under_each_items_materials(world):
    parent = submit(world["citizen.wang"], "newborn")
    with travel(NOW):
        response = signed_in(world["citizen.wang"]).get(f"/cases/{parent.number}/")
    html = response.content.decode()
    section = html.split('id="materials-title"', 1)[1].split("</section>", 1)[0]
    # Each item's heading, then its own materials: none twice, none unnamed.
    headings = re.findall(r"<h3>(.*?)</h3>", section, flags=re.S)
    labels = [label for label, _files in _materials(response)]
    assert len(headings) >= 2
    assert len(labels) == parent.attachments.count() == len(set(labels))
    assert "Other files" not in section
    assert "Parents' resident identity cards (both sides)" in labels


def test_materials_are_read_in_one_query_whatever_the_number_of_files(
    world, django_assert_num_queries
):
    parent = submit(world["citizen.wang"], "newborn")
    case = queries.case_for(world["citizen.wang"], parent.number)
    children = list(case.children.all())
    with django_assert_num_queries(1):  # which files a supplement brought
        found = case_materials(case, children)
    assert sum(len(m.files) for ms in found.by_item.values() for m in ms) == 4
    assert found.own == []


def test_a_supplied_file_takes_its_materials_place_and_says_when(world, review):
    case, task = review
    with travel(at("2026-03-04", 11)):
        supplements.request_supplement(
            actor=world["ga.review"], task_id=task.pk, items=[{"slot": "photo", "reason": "x"}]
        )
    with travel(at("2026-03-05", 9)):
        response = signed_in(world["citizen.wang"]).post(
            f"/cases/{case.number}/supplement/",
            {"upload-photo": SimpleUploadedFile("new.png", PNG, content_type="image/png")},
        )
    assert response.status_code == 302
    with travel(NOW):
        page = signed_in(world["ga.review"]).get(f"/cases/tasks/{task.pk}/")
    assert _materials(page) == [
        (PHOTO, f"new.png ({len(PNG)} bytes) · supplied on 2026-03-05 09:00")
    ]


# --- 2. a supplement without what it asks for -------------------------------------------


@pytest.fixture
def asked_both(world, review):
    case, task = review
    with travel(at("2026-03-04", 11)):
        supplements.request_supplement(
            actor=world["ga.review"],
            task_id=task.pk,
            items=[
                {"slot": "photo", "reason": "背景不是白色"},
                {"slot": "previous_passport", "reason": "看不清"},
            ],
        )
    return case, task


def _input(html: str, name: str, value: str = "") -> str:
    wanted = f'name="{name}"' + (f' value="{value}"' if value else "")
    return next(tag for tag in re.findall(r"<input[^>]*>", html) if wanted in tag)


def test_an_answer_without_a_file_marks_that_material_and_keeps_the_other(world, asked_both):
    case, task = asked_both
    with travel(NOW):
        client = signed_in(world["citizen.wang"])
        response = client.post(
            f"/cases/{case.number}/supplement/",
            {
                "upload-photo": SimpleUploadedFile("new.png", PNG, content_type="image/png"),
                "comment": "已重新拍照",
            },
        )
    assert response.status_code == 422
    html, words = response.content.decode(), text(response)
    # The summary names the material and leads to its input, marked.
    assert f"{PREVIOUS}: Attach this document." in words
    assert 'href="#id_upload-previous_passport"' in html
    missing = _input(html, "upload-previous_passport")
    assert 'aria-invalid="true"' in missing
    assert "id_upload-previous_passport_error" in missing
    assert 'aria-invalid="true"' not in _input(html, "upload-photo")
    # The photo sent is kept for the next attempt; the comment too.
    kept = re.search(r'name="kept-photo" value="(\d+)"', html)
    assert kept is not None
    assert "Uploaded: new.png" in words
    assert ">已重新拍照</textarea>" in html
    # Nothing was answered.
    supplement = SupplementRequest.objects.get()
    assert supplement.status == SupplementStatus.OPEN
    assert not AuditEvent.objects.filter(action="cases.case_resupplied").exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.SUSPENDED
    # The second attempt sends only the missing file.
    with travel(NOW):
        done = client.post(
            f"/cases/{case.number}/supplement/",
            {
                "kept-photo": kept.group(1),
                "upload-previous_passport": SimpleUploadedFile(
                    "old.pdf", PDF, content_type="application/pdf"
                ),
            },
        )
    assert done.status_code == 302
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.ANSWERED
    assert sorted(a.original_name for a in supplement.answer_attachments.all()) == [
        "new.png",
        "old.pdf",
    ]


def test_an_empty_supplement_request_marks_the_materials_and_keeps_nothing(world, review):
    _case, task = review
    with travel(NOW):
        response = signed_in(world["ga.review"]).post(
            f"/cases/tasks/{task.pk}/supplement/",
            {"reason_photo": "", "note": "请一次补齐"},
        )
    assert response.status_code == 422
    html, words = response.content.decode(), text(response)
    assert (
        "Materials of the application: Choose or name at least one material that is missing "
        "or wrong." in words
    )
    assert 'aria-describedby="id_slot_error"' in html
    assert 'class="field field-error"' in html
    assert ">请一次补齐</textarea>" in html  # what the officer wrote stays
    assert not SupplementRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="cases.supplement_requested").exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.READY


def test_a_reason_for_a_material_not_ticked_is_asked_about_not_guessed(world, review):
    _case, task = review
    with travel(NOW):
        response = signed_in(world["ga.review"]).post(
            f"/cases/tasks/{task.pk}/supplement/", {"reason_photo": "背景不是白色"}
        )
    assert response.status_code == 422
    assert "Tick this material to ask for it, or clear its reason." in text(response)
    assert 'value="背景不是白色"' in _input(response.content.decode(), "reason_photo")
    assert not SupplementRequest.objects.exists()


def test_a_ticked_material_without_a_reason_is_marked_by_its_name(world, review):
    _case, task = review
    with travel(NOW):
        response = signed_in(world["ga.review"]).post(
            f"/cases/tasks/{task.pk}/supplement/",
            {"slot": ["photo", "previous_passport"], "reason_previous_passport": "看不清"},
        )
    assert response.status_code == 422
    html = response.content.decode()
    assert f"{PHOTO}: Say what is missing or wrong." in text(response)
    assert 'aria-invalid="true"' in _input(html, "reason_photo")
    assert 'aria-invalid="true"' not in _input(html, "reason_previous_passport")
    assert " checked" in _input(html, "slot", "photo")
    assert not SupplementRequest.objects.exists()


# --- 3. the inbox's status filter ---------------------------------------------------------


def test_the_inbox_offers_only_the_statuses_of_open_tasks(world, review):
    _case, task = review
    with travel(NOW):
        client = signed_in(world["ga.review"])
        page = client.get("/cases/inbox/")
        refused = client.get("/cases/inbox/?status=approved")
    select = page.content.decode().split('id="id_status"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]*)"', select) == [
        "",
        CaseStatus.SUBMITTED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.SUPPLEMENT,
    ]
    # A status no open task's case has is left out, like the filter's other bad values,
    # and the page says so.
    assert refused.status_code == 200
    assert "A filter in the address is not one this inbox offers" in refused.content.decode()
    assert f'href="/cases/tasks/{task.pk}/?back=' in refused.content.decode()
    assert 'value="approved"' not in refused.content.decode()
    assert "A filter in the address" not in page.content.decode()


# --- 4. "Submitted on" ---------------------------------------------------------------------


def test_the_filing_date_is_not_labelled_like_the_status(world, review):
    case, _task = review
    case.status = CaseStatus.SUBMITTED
    case.save(update_fields=["status"])
    with travel(NOW):
        words = text(signed_in(world["citizen.wang"]).get(f"/cases/{case.number}/"))
    assert "Status Submitted Submitted on 2026-03-02 10:00" in words


# --- 5. patterns Chinese punctuates its own way ------------------------------------------


def test_the_task_heading_is_one_translatable_pattern(world, review):
    _case, task = review
    with travel(NOW):
        client = signed_in(world["ga.review"])
        english = client.get(f"/cases/tasks/{task.pk}/")
        with full_width("task page heading: the step, then the case's service"):
            chinese = client.get(f"/cases/tasks/{task.pk}/")
    heading = re.compile(r"<h1>(.*?)</h1>", flags=re.S)
    assert (
        heading.search(english.content.decode()).group(1) == "Review: Issue of an ordinary passport"
    )
    assert (
        heading.search(chinese.content.decode()).group(1) == "Review：Issue of an ordinary passport"
    )


def test_a_requested_material_and_its_reason_are_one_pattern(world, review):
    case, task = review
    items = [{"slot": "photo", "reason": "背景不是白色"}]
    with travel(NOW), full_width("a requested material and what is missing or wrong"):
        supplements.request_supplement(actor=world["ga.review"], task_id=task.pk, items=items)
        page = signed_in(world["citizen.wang"]).get(f"/cases/{case.number}/")
    note = CaseEvent.objects.get(case=case, outcome="supplement_requested").note_for_applicant
    assert note == "出入境证件数码照片：背景不是白色"
    # The page is in English: the form names the material in English, and the
    # officer's reason, in Chinese, is marked so.
    assert (
        "<strong>Digital photo for exit-entry documents</strong>："
        '<span lang="zh-Hans">背景不是白色</span>'
    ) in page.content.decode()


def test_a_files_size_is_in_a_translatable_pattern(world, review):
    case, _task = review
    with travel(NOW), full_width("a file's link and its size"):
        page = signed_in(world["citizen.wang"]).get(f"/cases/{case.number}/")
    assert _materials(page) == [(PHOTO, "demo.png（70 bytes）")]


def test_a_kept_file_id_that_is_no_whole_number_keeps_nothing(world, asked_both):
    case, _task = asked_both
    with travel(NOW):
        response = signed_in(world["citizen.wang"]).post(
            f"/cases/{case.number}/supplement/", {"kept-photo": "²", "comment": "已重新拍照"}
        )
    assert response.status_code == 422  # the photo is still missing, not a failure
    assert "Attach this document." in text(response)
