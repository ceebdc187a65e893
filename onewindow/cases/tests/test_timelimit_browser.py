"""Issue #5's journey in a real Chromium: an officer requests a supplement, the applicant
resupplies, the clock resumes, the case finishes on time, and the diagram shows the path
taken.

The service is the passport (single_department: window acceptance 1 working day, review
5, promised 7). One department and one review step keep every date on the pages
hand-checkable: one task clock and one case clock, both paused and resumed by the same
request. (The adoption service's three parallel reviews would pause one task of three,
which the service tests cover; here the point is what people read.)

The clock is time-machine's, travelled with ``tick=True``: the live server answers in a
thread of this process, so its ``timezone.now()`` is the travelled one too, and each
person acts at a chosen moment through the pages. The browser keeps its own real clock;
Django's cookies carry Max-Age, so a session made "in March" is not expired by Chromium.
Sessions last 8 hours (``SESSION_COOKIE_AGE``), so each person logs in afresh on the
day they act, in a new browser context.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from onewindow.browser import axe_violations, focus_lands_on, tab_reaches
from onewindow.cases.choices import CaseStatus
from onewindow.cases.models import Case
from onewindow.cases.outcomes import result_label
from onewindow.cases.tests.conftest import PASSPORT, shanghai, submit
from onewindow.cases.tests.test_browser import log_in
from onewindow.cases.tests.test_diagram_browser import require_viewer, shape
from onewindow.forms.tests.files import PNG
from onewindow.identity.demo_data import DEMO_PASSWORD
from onewindow.identity.models import User

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# March 2026 has no public holiday or adjusted working day: Monday to Friday work.
SUBMITTED = shanghai("2026-03-02", 9)  # Monday
ACCEPTED = shanghai("2026-03-02", 10)  # day 0 of the case (7) and of the review step (5)
ASKED = shanghai("2026-03-04", 10)  # Wednesday: Tue 3 and Wed 4 used by both clocks
SEEN = shanghai("2026-03-06", 18)  # Friday: the applicant reads the request
RESUPPLIED = shanghai("2026-03-09", 10)  # Monday: day 0 of the clocks' second segment
RESUMED = shanghai("2026-03-09", 11)
APPROVED = shanghai("2026-03-11", 10)  # Wednesday: Tue 10 and Wed 11 used, 4 of 7 in all


def person(browser: Any, live_server: Any, user: User, *, officer: bool = False) -> Any:
    """A fresh browser context in which ``user`` has logged in (and passed TOTP)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, user, officer=officer, password=DEMO_PASSWORD)
    return page


def open_from_inbox(page: Any, number: str) -> None:
    page.goto("/cases/inbox/")
    with page.expect_navigation():
        page.locator("tr", has_text=number).locator("a").first.click()
    assert number in page.locator(".eyebrow").inner_text()


def claim(page: Any) -> None:
    with page.expect_navigation():
        page.locator("form[action$='/claim/'] button").click()


def record_decision(page: Any, outcome: str, comment: str) -> None:
    page.locator(f"input[name=outcome][value={outcome}]").check()
    page.locator("#id_comment").fill(comment)
    with page.expect_navigation():
        page.locator(".decision-form button[type=submit]").click()
    assert page.url.endswith("/cases/inbox/")


def assert_landmarks(page: Any) -> None:
    assert page.locator("main#main").count() == 1
    assert page.locator("header[role=banner]").count() == 1
    assert page.locator("footer[role=contentinfo]").count() == 1
    assert page.locator("nav.site-nav[aria-label]").count() == 1
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


def assert_every_control_labelled(page: Any, selector: str) -> None:
    assert axe_violations(page, selector) == []
    form = page.locator(selector)
    names = form.evaluate(
        """form => [...form.querySelectorAll('input[type=text], textarea')]
             .map(el => [...el.labels].map(l => l.textContent.replace(/\\s+/g, ' ').trim())
             .join(' '))"""
    )
    assert len(names) == len(set(names)), names  # each reason says which material


def clock_text(page: Any, selector: str) -> str:
    return " ".join(page.locator(selector).first.inner_text().split())


@pytest.mark.django_db(transaction=True)
def test_supplement_stops_the_clock_and_the_case_finishes_on_time(
    browser, live_server, world, travel
):
    citizen, window, reviewer = (world[n] for n in ("citizen.wang", "ga.window", "ga.review"))
    travel(SUBMITTED)
    case = submit(citizen, PASSPORT)
    number = case.number

    # Monday: the window accepts; the case's clock (7) and the review's (5) start.
    travel(ACCEPTED)
    desk = person(browser, live_server, window, officer=True)
    open_from_inbox(desk, number)
    claim(desk)
    record_decision(desk, "accept", "材料齐全，予以受理")
    desk.context.close()

    # Wednesday: the reviewer asks for a better photo through the task page's form.
    travel(ASKED)
    review = person(browser, live_server, reviewer, officer=True)
    open_from_inbox(review, number)
    claim(review)
    assert clock_text(review, ".task-clock") == (
        "本环节办理时限：正常 · 办理期限至 2026-03-09 · 剩余 3 个工作日（共 5 个）。"
    )
    assert clock_text(review, ".time-limit p") == (
        "正常 · 办理期限至 2026-03-11 · 剩余 5 个工作日（共 7 个）。"
    )
    form = review.locator("form.supplement-request")
    assert_landmarks(review)
    assert axe_violations(review) == []
    assert_every_control_labelled(review, "form.supplement-request")
    assert tab_reaches(review, "#id_slot_photo", "form.supplement-request button[type=submit]")
    # Sent empty from the keyboard: the form comes back, its problem summarised and
    # focused, to be read out, leading to the materials, marked.
    with review.expect_navigation():
        review.keyboard.press("Enter")
    assert focus_lands_on(review, "form.supplement-request .error-summary")
    assert form.locator(".error-summary a").get_attribute("href") == "#id_slot_photo"
    assert form.locator("fieldset").first.get_attribute("aria-describedby") == "id_slot_error"
    assert form.locator("#id_slot_error").is_visible()
    form.get_by_label("出入境证件数码照片", exact=True).check()
    form.locator("#id_reason_photo").fill("照片背景不是白色，请按出入境证件相片标准重新上传")
    form.locator("#id_supplement_note").fill("补正后办理时限继续计算。")
    with review.expect_navigation():
        form.locator("button[type=submit]").press("Enter")
    assert "已通知申请人补正材料" in review.locator(".messages").inner_text()
    # Said once, at the top: no decision panel while it waits (review).
    assert "等待申请人补正" in review.locator(".task-state").inner_text()
    assert review.locator("#decision-title").count() == 0
    review.context.close()

    # Friday: the applicant reads what is missing; the clock is stopped, in words.
    travel(SEEN)
    applicant = person(browser, live_server, citizen)
    applicant.goto(f"/cases/{number}/")
    assert_landmarks(applicant)
    assert axe_violations(applicant) == []
    request = applicant.locator("#supplement")
    assert request.locator("h3").inner_text() == "需补正的材料"
    assert "照片背景不是白色" in request.inner_text()
    assert "出入境证件数码照片" in request.inner_text()
    stopped = applicant.locator(".time-limit .clock").first
    assert stopped.locator(".clock-label").inner_text() == "暂停计时（补正中）"
    assert "clock-paused" in (stopped.get_attribute("class") or "")
    assert "剩余 5 个工作日（共 7 个）" in applicant.locator(".time-limit").inner_text()
    assert "办理期限至" not in applicant.locator(".time-limit").inner_text()
    applicant.context.close()

    # Monday: the applicant sends the new photo; both clocks run again from today.
    travel(RESUPPLIED)
    applicant = person(browser, live_server, citizen)
    applicant.goto(f"/cases/{number}/")
    upload = applicant.locator("form.supplement-form")
    assert_every_control_labelled(applicant, "form.supplement-form")
    upload.get_by_label("出入境证件数码照片").set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": PNG}
    )
    upload.locator("#id_supplement_comment").fill("已按要求重新拍摄")
    with applicant.expect_navigation():
        upload.locator("button[type=submit]").click()
    assert "材料已提交" in applicant.locator(".messages").inner_text()
    assert applicant.locator("#supplement").count() == 0
    applicant.context.close()

    # The reviewer's task page: running again, the deadlines moved by the three working
    # days the applicant took (Thu 5, Fri 6, Mon 9): the review from Mon 9 to Thu 12,
    # the case from Wed 11 to Mon 16.
    travel(RESUMED)
    review = person(browser, live_server, reviewer, officer=True)
    open_from_inbox(review, number)
    assert clock_text(review, ".task-clock") == (
        "本环节办理时限：正常 · 办理期限至 2026-03-12 · 剩余 3 个工作日（共 5 个）。"
    )
    case_clock = clock_text(review, ".time-limit p")
    assert case_clock == "正常 · 办理期限至 2026-03-16 · 剩余 5 个工作日（共 7 个）。"
    review.context.close()

    # Wednesday: the reviewer approves, on time.
    travel(APPROVED)
    review = person(browser, live_server, reviewer, officer=True)
    open_from_inbox(review, number)
    record_decision(review, "approve", "符合条件，准予签发")
    review.context.close()
    assert Case.objects.get(number=number).status == CaseStatus.APPROVED

    applicant = person(browser, live_server, citizen)
    applicant.goto(f"/cases/{number}/")
    finished = applicant.locator(".time-limit .clock").first
    assert finished.locator(".clock-label").inner_text() == "按时办结"
    assert "已用 4 个工作日（共 7 个）" in applicant.locator(".time-limit").inner_text()
    steps = applicant.locator("ol.timeline > li .timeline-title")
    with translation.override("zh-hans"):
        accepted = result_label("accept")  # 已受理, once "Accepted" is translated
    assert [" ".join(s.split()) for s in steps.all_inner_texts()] == [
        "提交申请",
        f"窗口受理 — {accepted}",
        "审核 — 要求补正",
        "审核 — 已补正",
        "审核 — 已批准",  # the step's result, not the officer's button (批准)
    ]
    # The diagram: the steps taken are completed, their flows taken, nothing current.
    require_viewer()
    applicant.locator(".diagram-canvas[data-diagram-drawn] svg").first.wait_for()
    for task in ("Task_accept", "Task_review"):
        assert "ow-completed" in (shape(applicant, task).get_attribute("class") or "")
    for flow in ("Flow_start", "Flow_accepted", "Flow_to_record", "Flow_approve"):
        assert "ow-taken" in (shape(applicant, flow).get_attribute("class") or "")
    for flow in ("Flow_not_accepted", "Flow_reject", "Flow_Timer_review_lead"):
        assert "ow-taken" not in (shape(applicant, flow).get_attribute("class") or "")
    assert applicant.locator(".diagram-canvas .ow-current").count() == 0
    assert applicant.locator(".ow-department").count() == 0
    label = applicant.locator(".diagram-canvas [role=img]").get_attribute("aria-label") or ""
    assert "已完成：" in label and "当前" not in label
    assert axe_violations(applicant) == []
    applicant.context.close()
