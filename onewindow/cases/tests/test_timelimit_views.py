"""The time-limit pages (cases/timelimit_views.py and the clocks on the case, task and
inbox pages), read in English.

Passport cases accepted Mon 2026-03-02 10:00: the review step (5 working days) is
yellow from Fri 03-06 and due at the close of Mon 03-09; the case (7) at the close of
Wed 03-11.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import translation

from onewindow.cases import extensions, supplements
from onewindow.cases.choices import CaseStatus, ExtensionStatus, SupplementStatus
from onewindow.cases.models import Case, Extension, SupplementRequest
from onewindow.cases.tests.conftest import PASSPORT, submit
from onewindow.cases.tests.test_api import token_for
from onewindow.cases.tests.timekit import accepted_passport, at, clock_of, signed_in, text, travel
from onewindow.conftest import make_user
from onewindow.forms.tests.files import PDF, PNG
from onewindow.identity.models import Department
from onewindow.identity.roles import Role
from onewindow.workflow import services as workflow_services
from onewindow.workflow.choices import ClockState, TaskStatus
from onewindow.workflow.models import Clock, WorkTask

pytestmark = pytest.mark.single_pass

NOW = at("2026-03-06", 10)
PHOTO = [{"slot": "photo", "reason": "背景不是白色"}]


@pytest.fixture
def review(world):
    _case, task = accepted_passport(world, at("2026-03-02", 10))
    return task


# --- the task page --------------------------------------------------------------------


def test_the_task_page_shows_the_steps_clock_in_words_and_both_forms(world, review):
    with travel(NOW):
        response = signed_in(world["ga.review"]).get(f"/cases/tasks/{review.pk}/")
    assert response.status_code == 200
    words = text(response)
    assert "This step's time limit: Due soon · due by the end of 2026-03-09" in words
    assert "1 working day left of 5." in words
    html = response.content.decode()
    assert 'class="clock clock-yellow"' in html  # the colour, besides the words
    # The machine-readable day is the day shown (the limit ends at its midnight).
    assert '<time datetime="2026-03-09">2026-03-09</time>' in html
    assert f'action="/cases/tasks/{review.pk}/supplement/"' in html
    assert 'name="slot" value="photo"' in html and 'name="reason_photo"' in html
    assert f'action="/cases/tasks/{review.pk}/extension/"' in html
    # The case's own clock, and who held it.
    assert "Time limit" in words and "Who held the case" in words


def test_who_held_it_longest_is_one_sentence_with_the_officer_inside(world, review):
    with travel(at("2026-03-02", 11)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=review.pk)
    with travel(NOW):
        html = signed_in(world["ga.review"]).get(f"/cases/tasks/{review.pk}/").content.decode()
    # The officer inside the sentence, before its full stop, so Chinese can punctuate it;
    # their Chinese name marked as Chinese on the English page.
    assert (
        "Longest with Shanghai Municipal Public Security Bureau "
        '(<span lang="zh-Hans">刘洋</span>): 3.96 working days.'
    ) in html


def test_the_forms_only_for_those_allowed(world, review):
    colleague = make_user(
        roles=[(Role.REVIEWING_OFFICER, Department.objects.get(code="310000-GA"))],
        with_totp=True,
    )
    with travel(at("2026-03-03", 9)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=review.pk)
    with travel(NOW):
        other_lane = signed_in(world["ga.window"]).get(f"/cases/tasks/{review.pk}/")
        not_claimant = signed_in(colleague).get(f"/cases/tasks/{review.pk}/")
    for response in (other_lane, not_claimant):
        assert response.status_code == 200
        assert "/supplement/" not in response.content.decode()
    assert "/extension/" not in other_lane.content.decode()
    # An officer of the lane may ask for more time on a colleague's step.
    assert f"/cases/tasks/{review.pk}/extension/" in not_claimant.content.decode()


def test_asking_for_a_supplement_from_the_task_page(world, review):
    with travel(NOW):
        client = signed_in(world["ga.review"])
        response = client.post(
            f"/cases/tasks/{review.pk}/supplement/",
            {
                "slot": ["photo"],
                "reason_photo": "背景不是白色",
                "reason_previous_passport": "",
                "other_material": "户口簿",
                "other_reason": "缺少户主页",
                "note": "请一次补齐",
            },
            follow=True,
        )
    assert response.redirect_chain == [(f"/cases/tasks/{review.pk}/", 302)]
    words = text(response)
    assert "The applicant has been asked for the material." in words
    assert "This task waits for the applicant's supplement; its time limit is stopped." in words
    supplement = SupplementRequest.objects.get()
    assert [(i["slot"], i["reason"]) for i in supplement.items] == [
        ("photo", "背景不是白色"),
        ("", "缺少户主页"),
    ]
    assert supplement.note == "请一次补齐"
    review.refresh_from_db()
    assert review.status == TaskStatus.SUSPENDED


def test_an_explanation_in_words_is_asked_for_from_the_task_page_without_a_file(world, review):
    """The task page's tick for the other material: the service's ``needs_file`` false,
    which only the API could say before (QA)."""
    with travel(NOW):
        response = signed_in(world["ga.review"]).post(
            f"/cases/tasks/{review.pk}/supplement/",
            {
                "other_material": "情况说明",
                "other_reason": "请说明护照遗失的经过",
                "other_in_words": "1",
            },
        )
    assert response.status_code == 302
    [item] = SupplementRequest.objects.get().items
    assert (item["material"], item["needs_file"]) == ("情况说明", False)


def test_the_tick_for_words_is_kept_on_a_refused_request(world, review):
    with travel(NOW):
        response = signed_in(world["ga.review"]).post(
            f"/cases/tasks/{review.pk}/supplement/",
            {"other_material": "情况说明", "other_in_words": "1"},
        )
    assert response.status_code == 422
    page = lxml.html.fromstring(response.content.decode())
    assert page.get_element_by_id("id_other_in_words").get("checked") is not None


@pytest.mark.parametrize(
    ("posted", "field", "summary"),
    [
        (
            {},
            "id_slot_photo",
            "Materials of the application: Choose or name at least one material that is "
            "missing or wrong.",
        ),
        (
            {"slot": ["photo"]},
            "id_reason_photo",
            "Digital photo for exit-entry documents: Say what is missing or wrong.",
        ),
        ({"other_material": "户口簿"}, "id_other_reason", "户口簿: Say what is missing or wrong."),
        (
            {"other_reason": "缺少户主页"},
            "id_other_material",
            "Another material: Name the material.",
        ),
        (
            {"other_in_words": "1"},
            "id_other_material",
            "Another material: Name the material.",
        ),
        (
            {"slot": ["photo"], "reason_photo": "背景不是白色", "reason_previous_passport": "旧"},
            "id_reason_previous_passport",
            "Tick this material to ask for it, or clear its reason.",
        ),
        (
            {"slot": ["photo"], "reason_photo": "背景不是白色", "note": "请" * 2001},
            "id_supplement_note",
            "Note for the applicant: At most 2000 characters.",
        ),
    ],
)
def test_supplement_errors_come_back_on_the_form(world, review, posted, field, summary):
    with travel(NOW):
        response = signed_in(world["ga.review"]).post(
            f"/cases/tasks/{review.pk}/supplement/", posted
        )
    assert response.status_code == 422
    assert summary in text(response)
    assert f'href="#{field}"' in response.content.decode()
    assert not SupplementRequest.objects.exists()


def test_asking_for_an_extension_from_the_task_page(world, review):
    with travel(NOW):
        client = signed_in(world["ga.review"])
        bad = client.post(
            f"/cases/tasks/{review.pk}/extension/", {"days": "many", "reason": ""}, follow=True
        )
        assert bad.status_code == 422  # the form again (test_extension_pages)
        assert "Give a whole number of working days from 1 to 60." in text(bad)
        assert "Give the reason for the extension." in text(bad)
        assert not Extension.objects.exists()
        good = client.post(
            f"/cases/tasks/{review.pk}/extension/", {"days": "3", "reason": "核实"}, follow=True
        )
    words = text(good)
    assert "The extension was sent for approval." in words
    assert "An extension of 3 working days awaits approval." in words
    assert Extension.objects.get().days == 3


def test_a_citizen_gets_404_on_officer_pages(world, review):
    with travel(NOW):
        extension = extensions.request_extension(
            actor=world["ga.review"], task_id=review.pk, days=1, reason="x"
        )
        client = signed_in(world["citizen.wang"])
        gets = [
            client.get(url).status_code
            for url in ("/cases/inbox/", "/cases/extensions/", f"/cases/tasks/{review.pk}/")
        ]
        posts = [
            client.post(url, data).status_code
            for url, data in (
                (f"/cases/tasks/{review.pk}/supplement/", {"slot": ["photo"]}),
                (f"/cases/tasks/{review.pk}/extension/", {"days": "1", "reason": "x"}),
                ("/cases/extensions/", {"extension": extension.pk, "decision": "approve"}),
            )
        ]
    assert gets == [404, 404, 404]
    assert posts == [404, 404, 404]
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.PENDING
    assert not SupplementRequest.objects.exists()


def test_an_officer_of_another_department_gets_404_posting_on_a_step(world, review):
    with travel(NOW):
        client = signed_in(world["sj.review"])
        responses = [
            client.post(f"/cases/tasks/{review.pk}/supplement/", {"slot": ["photo"]}),
            client.post(f"/cases/tasks/{review.pk}/extension/", {"days": "1", "reason": "x"}),
        ]
    assert [r.status_code for r in responses] == [404, 404]


# --- the applicant's case page ---------------------------------------------------------


def test_the_applicant_sees_the_time_limit(world, review):
    with travel(NOW):
        response = signed_in(world["citizen.wang"]).get(f"/cases/{_number(review)}/")
    words = text(response)
    assert "Time limit" in words
    assert "Counted in working days from acceptance on 2026-03-02: 7 working days in all." in words
    assert "On time · due by the end of 2026-03-11" in words
    assert "3 working days left of 7." in words
    # Who held the case is for officers.
    assert "Who held the case" not in words
    # The case's clock once, in its panel: not also in the summary above it.
    assert len(re.findall(r"Time limit\b", words)) == 1
    assert response.content.decode().count('class="clock ') == 1


def test_a_one_day_limit_and_extension_read_in_the_singular():
    clock = SimpleNamespace(started_at=at("2026-11-30", 9), total_days=1, colour="yellow")
    view = SimpleNamespace(
        clock=clock, extensions=[SimpleNamespace(days=1, reason="需核实")], supplement=None
    )
    with translation.override("en"):
        words = re.sub(r"\s+", " ", render_to_string("cases/_time_limit.html", {"view": view}))
    assert "from acceptance on 2026-11-30: 1 working day in all." in words
    assert 'Extended by 1 working day: <span lang="zh-Hans">需核实</span>' in words
    assert "1 working days" not in words


def _number(task) -> str:
    from onewindow.cases.queries import cases_by_instance

    return cases_by_instance([task.instance_id])[task.instance_id].number


@pytest.fixture
def waiting(world, review):
    with travel(at("2026-03-04", 11)):
        supplements.request_supplement(
            actor=world["ga.review"],
            task_id=review.pk,
            items=[*PHOTO, {"material": "户口簿", "reason": "缺少户主页"}],
            note="请一次补齐",
        )
    return review


def test_my_cases_says_which_case_waits_for_the_applicants_answer(world, waiting):
    """Phone QA: "Supplement requested" read as the case's state, not as theirs to do."""
    other = submit(world["citizen.wang"], PASSPORT)
    with travel(NOW):
        page = lxml.html.fromstring(signed_in(world["citizen.wang"]).get("/cases/").content)
    rows = {
        " ".join(row.xpath("./th")[0].text_content().split()): " ".join(
            row.xpath("./td")[1].text_content().split()
        )
        for row in page.xpath("//table[contains(@class, 'my-cases')]/tbody/tr")
    }
    assert rows[_number(waiting)] == "Supplement requested Your answer is needed"
    assert "Your answer is needed" not in rows[other.number]


def test_the_applicant_sees_what_is_requested_and_a_form_to_send_it(world, waiting):
    with travel(NOW):
        response = signed_in(world["citizen.wang"]).get(f"/cases/{_number(waiting)}/")
    words = text(response)
    assert "Stopped for a supplement" in words
    assert "Material requested" in words
    assert "asked on 2026-03-04 11:00 for:" in words
    assert "Digital photo for exit-entry documents : 背景不是白色" in words  # the form names it
    assert "户口簿 : 缺少户主页" in words
    assert "请一次补齐" in words
    html = response.content.decode()
    assert f'action="/cases/{_number(waiting)}/supplement/"' in html
    assert 'enctype="multipart/form-data"' in html
    # The material named only in words has an upload of its own, required as the
    # form's are: the officer asked for it by name (QA: it said "optional").
    supplement = SupplementRequest.objects.get()
    assert file_inputs(response) == ["upload-photo", f"upload-supplement-{supplement.pk}-2"]
    own = re.search(r'<label for="id_upload-supplement-[^"]+"[^>]*>(.*?)</label>', html, re.S)
    assert own and "户口簿" in own.group(1) and "optional" not in own.group(1)


def _materials(response) -> list[tuple[str, str]]:
    """(material, the names of its files) of the page's materials section."""
    html = response.content.decode()
    section = html.split('id="materials-title"', 1)[1].split("</section>", 1)[0]
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section, flags=re.S)
    found = []
    for dt, dd in pairs:
        for name in re.findall(r">([^<>]+\.(?:pdf|png|jpg))<", dd):
            found.append((re.sub(r"<[^>]+>", "", dt).strip(), name))
    return found


def file_inputs(response) -> list[str]:
    inputs = re.findall(r"<input[^>]*>", response.content.decode())
    return [re.search(r'name="([^"]+)"', tag).group(1) for tag in inputs if 'type="file"' in tag]


def test_resupplying_from_the_case_page_end_to_end(world, waiting):
    number = _number(waiting)
    with travel(at("2026-03-09", 10)):
        client = signed_in(world["citizen.wang"])
        # The file input the page shows is the one the view reads.
        field, named_in_words = file_inputs(client.get(f"/cases/{number}/"))
        missing = client.post(f"/cases/{number}/supplement/", {"comment": "x"})
        assert missing.status_code == 422
        assert "Attach this document." in text(missing)
        wrong = client.post(
            f"/cases/{number}/supplement/",
            {field: SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf")},
        )
        assert wrong.status_code == 422
        assert "The file must be one of these types" in text(wrong)
        assert SupplementRequest.objects.get().status == SupplementStatus.OPEN
        response = client.post(
            f"/cases/{number}/supplement/",
            {
                field: SimpleUploadedFile("new.png", PNG, content_type="image/png"),
                named_in_words: SimpleUploadedFile("hukou.pdf", PDF, "application/pdf"),
                "comment": "已重新拍照",
            },
            follow=True,
        )
        assert response.redirect_chain == [(f"/cases/{number}/", 302)]
        words = text(response)
        assert "Thank you: the material was sent and your case goes on." in words
        assert "Material requested" not in words
        again = client.post(
            f"/cases/{number}/supplement/",
            {field: SimpleUploadedFile("new.png", PNG, content_type="image/png")},
            follow=True,
        )
        assert again.status_code == 200
        assert "No supplement is awaited for this case." in text(again)
    supplement = SupplementRequest.objects.get()
    assert (supplement.status, supplement.answer_comment) == (
        SupplementStatus.ANSWERED,
        "已重新拍照",
    )
    case = supplement.case
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    photo = case.attachments.get(slot="photo")
    assert (photo.original_name, photo.size) == ("new.png", len(PNG))
    assert clock_of(case).state == ClockState.RUNNING
    waiting.refresh_from_db()
    assert waiting.status == TaskStatus.READY


@pytest.fixture
def asked_in_words(world, review):
    """A question of the form to correct and an explanation, neither a file (QA: both
    were an optional upload, and an answer with neither was taken)."""
    with travel(at("2026-03-04", 11)):
        supplements.request_supplement(
            actor=world["ga.review"],
            task_id=review.pk,
            items=[
                {"material": "联系电话", "reason": "号码有误"},
                {"material": "出境记录情况说明", "reason": "请说明", "needs_file": False},
            ],
        )
    return review


def test_a_correction_and_an_explanation_are_answered_on_the_case_page(world, asked_in_words):
    number = _number(asked_in_words)
    with travel(at("2026-03-09", 10)):
        client = signed_in(world["citizen.wang"])
        page = client.get(f"/cases/{number}/")
        assert file_inputs(page) == []  # nothing asked for is a file
        html = lxml.html.fromstring(page.content.decode())
        phone = html.get_element_by_id("id_applicant_phone")
        case = SupplementRequest.objects.get().case
        assert phone.get("value") == case.data["applicant_phone"]  # the answer given
        # The question as the English form asks it, in the list and at its input.
        assert "Mobile phone number : 号码有误" in text(page)
        box = html.get_element_by_id("id_explanation_2")
        label = html.xpath('//label[@for="id_explanation_2"]')[0].text_content()
        assert "出境记录情况说明" in label and "(your explanation)" in label
        assert box.get("required") is not None
        refused = client.post(
            f"/cases/{number}/supplement/", {"applicant_phone": "", "explanation_2": " "}
        )
        assert refused.status_code == 422
        summary = lxml.html.fromstring(refused.content.decode()).xpath(
            '//div[@class="error-summary"]//a/@href'
        )
        assert summary == ["#id_applicant_phone", "#id_explanation_2"]
        assert SupplementRequest.objects.get().status == SupplementStatus.OPEN
        sent = client.post(
            f"/cases/{number}/supplement/",
            {"applicant_phone": "13900001111", "explanation_2": "2025 年无出境记录"},
        )
        assert sent.status_code == 302
    supplement = SupplementRequest.objects.get()
    assert supplement.status == SupplementStatus.ANSWERED
    assert supplement.answer_comment == "出境记录情况说明: 2025 年无出境记录"
    supplement.case.refresh_from_db()
    assert supplement.case.data["applicant_phone"] == "13900001111"


def test_another_applicant_cannot_resupply(world, waiting):
    with travel(NOW):
        response = signed_in(world["citizen.chen"]).post(
            f"/cases/{_number(waiting)}/supplement/",
            {"upload-photo": SimpleUploadedFile("new.png", PNG, content_type="image/png")},
        )
    assert response.status_code == 404
    assert SupplementRequest.objects.get().status == SupplementStatus.OPEN


# --- the inbox ---------------------------------------------------------------------------


@pytest.fixture
def inbox_rows(world):
    """ga.review's inbox on Tue 03-10 09:00: one step of each deadline kind."""
    _case, overdue = accepted_passport(world, at("2026-03-02", 10))  # due 03-10 00:00
    _case, soon = accepted_passport(world, at("2026-03-04", 10))  # yellow from 03-10
    _case, on_track = accepted_passport(world, at("2026-03-09", 10))
    _case, waiting = accepted_passport(world, at("2026-03-02", 10))
    with travel(at("2026-03-03", 10)):
        supplements.request_supplement(actor=world["ga.review"], task_id=waiting.pk, items=PHOTO)
    return {"overdue": overdue, "due_soon": soon, "on_track": on_track, "supplement": waiting}


def _task_links(response) -> list[int]:
    found = re.findall(r'href="/cases/tasks/(\d+)/[?"]', response.content.decode())
    return [int(pk) for pk in found]


def test_the_inbox_deadline_filter(world, inbox_rows):
    with travel(at("2026-03-10", 9)):
        client = signed_in(world["ga.review"])
        pages = {name: client.get(f"/cases/inbox/?deadline={name}") for name in inbox_rows}
        everything = client.get("/cases/inbox/")
        nonsense = client.get("/cases/inbox/?deadline=whenever")
    for name, task in inbox_rows.items():
        assert _task_links(pages[name]) == [task.pk], name
    assert sorted(_task_links(everything)) == sorted(t.pk for t in inbox_rows.values())
    assert len(_task_links(nonsense)) == 4
    words = text(everything)
    for label in ("Overdue", "Due soon", "On time", "Stopped for a supplement"):
        assert label in words
    assert "Waiting for a supplement" in words
    assert '<option value="overdue" selected>' in pages["overdue"].content.decode()


def test_the_inbox_in_order_of_the_nearest_last_day(world, inbox_rows):
    """Oldest first by default; newest first; or the nearest last day first, those
    without a running limit (waiting for a supplement) last. The order stays on the
    pages' links and in the way back from a task."""
    t = SimpleNamespace(**inbox_rows)
    with travel(at("2026-03-10", 9)):
        client = signed_in(world["ga.review"])
        oldest = client.get("/cases/inbox/")
        newest = client.get("/cases/inbox/?order=newest")
        by_last_day = client.get("/cases/inbox/?order=last_day")
        unknown = client.get("/cases/inbox/?order=alphabetical")
    came = [t.overdue.pk, t.supplement.pk, t.due_soon.pk, t.on_track.pk]
    assert _task_links(oldest) == came
    assert _task_links(newest) == came[::-1]
    assert _task_links(by_last_day) == [t.overdue.pk, t.due_soon.pk, t.on_track.pk, t.supplement.pk]
    assert "the nearest last day first; those without a running time limit come last" in text(
        by_last_day
    )
    page = by_last_day.content.decode()
    assert '<option value="last_day" selected>Nearest last day first</option>' in page
    assert "?back=%2Fcases%2Finbox%2F%3Forder%3Dlast_day" in page
    assert _task_links(unknown) == came
    assert "it was left out" in text(unknown)


def test_a_task_without_its_own_limit_is_ordered_by_its_cases(world, inbox_rows):
    """As its row shows it: the step's clock, else the case's."""
    t = SimpleNamespace(**inbox_rows)
    WorkTask.objects.filter(pk=t.on_track.pk).update(clock=None)
    case_clock = clock_of(Case.objects.get(instance=t.on_track.instance_id))
    # Its case's last day falls before the step due soon's: it comes first of the two.
    due = clock_of(t.due_soon).due_at - timedelta(hours=1)
    Clock.objects.filter(pk=case_clock.pk).update(due_at=due)
    with travel(at("2026-03-10", 9)):
        listed = _task_links(signed_in(world["ga.review"]).get("/cases/inbox/?order=last_day"))
    assert listed == [t.overdue.pk, t.on_track.pk, t.due_soon.pk, t.supplement.pk]


def test_inbox_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    accepted_passport(world, at("2026-03-02", 10))
    with travel(NOW):
        client = signed_in(world["ga.review"])
        with django_assert_max_num_queries(40) as one:
            assert len(_task_links(client.get("/cases/inbox/"))) == 1
    for day in ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"):
        accepted_passport(world, at(day, 10))
    with travel(NOW), django_assert_max_num_queries(len(one.captured_queries)):
        assert len(_task_links(client.get("/cases/inbox/"))) == 5


# --- extensions to decide ------------------------------------------------------------


ASKED = at("2026-03-04", 15)


def _ask_extension(world, task, when=ASKED):
    with travel(when):
        return extensions.request_extension(
            actor=world["ga.review"], task_id=task.pk, days=2, reason="需外省核实"
        )


def test_a_lead_lists_and_decides_extensions(world, review):
    extension = _ask_extension(world, review)
    with travel(NOW):
        client = signed_in(world["ga.lead"])
        listed = client.get("/cases/extensions/")
        words = text(listed)
        assert (
            "刘洋 (Shanghai Municipal Public Security Bureau, Review) asks for 2 more working days."
            in words
        )
        assert "Reason: 需外省核实" in words
        # From when to when (QA: only how many days): the review's 5 days and the case's 7.
        assert "This step: due by the end of 2026-03-09; if approved, of 2026-03-11." in words
        assert "The case: due by the end of 2026-03-11; if approved, of 2026-03-13." in words
        assert f'name="extension" value="{extension.pk}"' in listed.content.decode()
        refused = client.post(
            "/cases/extensions/", {"extension": extension.pk, "decision": "refuse"}, follow=True
        )
        assert refused.status_code == 422  # at the comment (test_extension_pages)
        assert "Give the reason for refusing." in text(refused)
        approved = client.post(
            "/cases/extensions/",
            {"extension": extension.pk, "decision": "approve", "comment": "同意"},
            follow=True,
        )
    assert approved.redirect_chain == [("/cases/extensions/", 302)]
    words = text(approved)
    assert "Your decision was recorded." in words
    assert "No extension awaits your decision." in words
    assert "Recently decided" in words
    assert "+2 working days · Approved · " in words  # the days have their unit
    extension.refresh_from_db()
    assert (extension.status, extension.decided_by) == (ExtensionStatus.APPROVED, world["ga.lead"])
    assert clock_of(review).extended_days == 2


def test_the_applicant_sees_an_approved_extension_and_its_reason(world, review):
    extension = _ask_extension(world, review)
    with travel(at("2026-03-05", 9)):
        extensions.decide_extension(
            actor=world["ga.lead"], extension_id=extension.pk, approve=True, comment=""
        )
    with travel(NOW):
        response = signed_in(world["citizen.wang"]).get(f"/cases/{_number(review)}/")
    words = text(response)
    assert "Extended by 2 working days: 需外省核实" in words
    assert "9 working days in all." in words


def test_an_officer_without_the_role_sees_nothing_to_decide(world, review):
    _ask_extension(world, review)
    with travel(NOW):
        # Another department's lead: the page, with nothing of the police's on it.
        response = signed_in(world["mz.lead"]).get("/cases/extensions/")
        assert response.status_code == 200
        assert "No extension awaits your decision." in text(response)
        # Officers who decide no extension at all: no page (test_extension_pages).
        for who in ("ga.review", "ga.window"):
            assert signed_in(world[who]).get("/cases/extensions/").status_code == 404


def test_extension_list_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    _case, first = accepted_passport(world, at("2026-03-02", 10))
    _ask_extension(world, first)
    with travel(NOW):
        client = signed_in(world["ga.lead"])
        with django_assert_max_num_queries(40) as one:
            assert client.get("/cases/extensions/").content.decode().count('name="extension"') == 1
    for day in ("2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"):
        _case, task = accepted_passport(world, at(day, 10))
        _ask_extension(world, task, at(day, 16))
    with travel(NOW), django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/cases/extensions/").content.decode().count('name="extension"') == 5


def test_a_material_named_in_words_can_be_sent_online(world, waiting):
    """The officer asked for 户口簿, which the form has no slot for: the applicant sends
    it on the page (checked by content as any upload), and the officers find it among
    the case's files; the API takes it the same way, by the item's ``upload`` slot."""
    number = _number(waiting)
    supplement = SupplementRequest.objects.get()
    own = f"supplement-{supplement.pk}-2"
    with travel(at("2026-03-09", 10)):
        browser = signed_in(world["citizen.wang"])
        refused = browser.post(
            f"/cases/{number}/supplement/",
            {
                "upload-photo": SimpleUploadedFile("new.png", PNG, content_type="image/png"),
                f"upload-{own}": SimpleUploadedFile("hukou.exe", b"MZ\x90\x00", "image/png"),
            },
        )
        assert refused.status_code == 422
        assert "The file must be one of these types" in text(refused)
        sent = browser.post(
            f"/cases/{number}/supplement/",
            {
                "upload-photo": SimpleUploadedFile("new.png", PNG, content_type="image/png"),
                f"upload-{own}": SimpleUploadedFile("hukou.pdf", PDF, "application/pdf"),
            },
        )
        assert sent.status_code == 302
    case = supplement.case
    hukou = case.attachments.get(slot=own)
    assert (hukou.original_name, hukou.definition_id) == ("hukou.pdf", case.form_id)
    with travel(at("2026-03-09", 11)):
        page = signed_in(world["ga.review"]).get(f"/cases/tasks/{waiting.pk}/")
    # Shown under the material's name as the officer wrote it, not among "Other files".
    assert ("户口簿", "hukou.pdf") in _materials(page)
    assert "Other files" not in text(page)
    assert "Sent without a file" not in text(page)


def test_an_answer_without_the_material_named_in_words_is_refused_at_its_input(world, waiting):
    """Asked for by name, its file is required as the form's are (QA: the answer went
    through, "Sent without a file: 户口簿"); the refused answer keeps nothing."""
    number = _number(waiting)
    supplement = SupplementRequest.objects.get()
    with travel(at("2026-03-09", 10)):
        refused = signed_in(world["citizen.wang"]).post(
            f"/cases/{number}/supplement/",
            {
                "upload-photo": SimpleUploadedFile("new.png", PNG, content_type="image/png"),
                "comment": "户口簿下周送到窗口",
            },
        )
    assert refused.status_code == 422
    assert "There is a problem 户口簿: Attach this document." in text(refused)
    html = refused.content.decode()
    assert f'id="id_upload-supplement-{supplement.pk}-2_error"' in html
    supplement.refresh_from_db()
    assert supplement.status == SupplementStatus.OPEN
    assert not supplement.case.attachments.filter(slot=f"supplement-{supplement.pk}-2").exists()


def test_the_api_takes_a_material_named_in_words_by_its_upload_slot(world, waiting, client):
    number = _number(waiting)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, world['citizen.wang'])}"}
    with travel(at("2026-03-09", 10)):
        [*_, asked] = client.get(f"/api/v1/cases/{number}", **auth).json()["supplements"]
        slots = [item["upload"] for item in asked["items"]]
        ids = {}
        for slot, (name, content) in zip(
            slots, [("new.png", PNG), ("hukou.pdf", PDF)], strict=True
        ):
            response = client.post(
                f"/api/v1/cases/{number}/supplement/attachments",
                {"slot": slot, "file": SimpleUploadedFile(name, content)},
                **auth,
            )
            assert response.status_code == 201, response.content
            ids[slot] = response.json()["id"]
        unknown = client.post(
            f"/api/v1/cases/{number}/supplement/attachments",
            {"slot": "supplement-999-1", "file": SimpleUploadedFile("x.pdf", PDF)},
            **auth,
        )
        assert unknown.status_code == 422 and "slot" in unknown.json()["fields"]
        not_a_png = client.post(
            f"/api/v1/cases/{number}/supplement/attachments",
            {"slot": slots[0], "file": SimpleUploadedFile("new.png", PDF)},
            **auth,
        )
        assert (not_a_png.status_code, list(not_a_png.json()["fields"])) == (422, ["file"])
        nobody = client.post(
            f"/api/v1/cases/{number[:-4]}9999/supplement/attachments",
            {"slot": slots[0], "file": SimpleUploadedFile("new.png", PNG)},
            **auth,
        )
        assert (nobody.status_code, nobody.json()["message"]) == (404, "没有这个办件。")
        answered = client.post(
            f"/api/v1/cases/{number}/supplement",
            {"attachments": ids},
            content_type="application/json",
            **auth,
        )
    assert answered.status_code == 200, answered.content
    assert set(answered.json()["attachments"]) >= set(ids.values())
