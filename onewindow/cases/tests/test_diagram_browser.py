"""The process diagram in a real Chromium: drawn by bpmn-js from our static files on the
applicant's case page and the officer's task page, and, without JavaScript, a sentence
pointing to the timeline instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import ADOPTION, COMPANY, open_task, submit
from onewindow.cases.tests.test_browser import log_in, officer_page
from onewindow.cases.tests.test_diagram import newborn_in_separate_runs
from onewindow.conftest import in_ci, make_user
from onewindow.identity.demo_data import DEMO_PASSWORD
from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role
from onewindow.workflow import services as workflow_services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VIEWER = (
    Path(__file__).resolve().parents[2]
    / "core"
    / "static"
    / "vendor"
    / "bpmn-js"
    / "bpmn-viewer.production.min.js"
)
REVIEWS = ("Task_review_ga", "Task_review_wj", "Task_review_yb")


def require_viewer() -> None:
    """The viewer is build output of `make assets`: required under CI, as Chromium is."""
    if not VIEWER.is_file():
        if in_ci():
            pytest.fail(f"{VIEWER} is missing: `make assets` copies it from node_modules")
        pytest.skip("bpmn-js is not built: run `make assets`")


@pytest.fixture
def viewer_built() -> None:
    require_viewer()


@pytest.fixture
def accepted(world: dict[str, User]) -> tuple[User, Case]:
    """An adoption case (three departments in parallel) the window has accepted."""
    applicant = make_user(username="citizen.diagram")
    case = submit(applicant, ADOPTION)
    window = world["mz.window"]
    task = open_task(case, "Task_accept")
    workflow_services.claim_task(actor=window, task_id=task.pk)
    services.decide_task(actor=window, task_id=task.pk, outcome="accept", comment="材料齐全")
    return applicant, case


def shape(page: Any, bpmn_id: str) -> Any:
    return page.locator(f".diagram-canvas g.djs-element[data-element-id='{bpmn_id}']")


def assert_diagram_shows_acceptance(page: Any) -> None:
    page.locator(".diagram-canvas[data-diagram-drawn] svg").first.wait_for()
    assert "ow-completed" in (shape(page, "Task_accept").get_attribute("class") or "")
    for review in REVIEWS:
        assert "ow-current" in (shape(page, review).get_attribute("class") or "")
    assert "ow-remaining" in (shape(page, "Task_finish").get_attribute("class") or "")
    assert "ow-taken" in (shape(page, "Flow_ga").get_attribute("class") or "")
    assert "ow-taken" not in (shape(page, "Flow_not_accepted").get_attribute("class") or "")
    departments = page.locator(".ow-department")
    assert departments.count() == 3
    for name in ("上海市公安局", "上海市卫生健康委员会"):
        badge = departments.filter(has_text=name)
        assert badge.is_visible(), name
    assert page.locator("[data-diagram-legend]").is_visible()
    assert not page.locator("[data-diagram-waiting]").is_visible()  # no join waits yet
    assert not page.locator("[data-diagram-fallback]").is_visible()
    # Ticks on the steps done, none on the gateway passed (it would cover flow labels).
    assert page.locator("[data-container-id=Task_accept] .ow-tick").count() == 1
    assert page.locator("[data-container-id=Gateway_accepted] .ow-tick").count() == 0
    # The viewer's logo link gets words.
    words = page.locator("[data-diagram-url]").get_attribute("data-powered-by-label")
    powered_by = page.locator(".bjs-powered-by").first
    assert words and powered_by.get_attribute("aria-label") == words
    assert powered_by.get_attribute("title") == words
    # Lanes read as departments, not as the codes the process file routes by.
    lane_text = shape(page, "Lane_ga").locator("text").first.text_content() or ""
    assert lane_text == "公安局"  # the short name: a full one can overflow its lane
    drawn_text = page.locator(".diagram-canvas svg").first.text_content() or ""
    assert "310000-" not in drawn_text


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("viewer_built")
def test_the_diagram_shows_the_path_taken(page, browser, live_server, accepted):
    applicant, case = accepted
    log_in(page, applicant)
    page.goto(f"/cases/{case.number}/")
    assert_diagram_shows_acceptance(page)
    image = page.locator(".diagram-canvas [role=img]")
    label = image.get_attribute("aria-label") or ""
    assert "已完成：窗口受理" in label
    assert "公安审核（上海市公安局）" in label and "剩余：办结" in label

    # Keyboard: nothing inside the image takes focus, and Tab leaves the diagram.
    page.locator("#diagram-title").evaluate("h => { h.tabIndex = -1; h.focus(); }")
    focused = []
    for _step in range(3):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.closest('.diagram-list') !== null"))
        assert page.evaluate("document.activeElement.closest('[role=img]') === null")
    assert False in focused  # no trap

    # The officer of one of the reviewing departments sees it on the task page too.
    reviewer = make_user(
        roles=[(Role.REVIEWING_OFFICER, Department.objects.get(code="310000-GA"))],
        with_totp=True,
    )
    desk = officer_page(browser, live_server, reviewer)
    desk.goto(f"/cases/tasks/{open_task(case, 'Task_review_ga').pk}/")
    assert_diagram_shows_acceptance(desk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("viewer_built")
def test_a_join_waiting_for_its_other_branches_is_drawn_as_waiting(page, world, accepted):
    applicant, case = accepted
    review = open_task(case, "Task_review_wj")
    reviewer = world["wj.review"]
    workflow_services.claim_task(actor=reviewer, task_id=review.pk)
    services.decide_task(actor=reviewer, task_id=review.pk, outcome="approve", comment="同意")
    log_in(page, applicant)
    page.goto(f"/cases/{case.number}/")
    page.locator(".diagram-canvas[data-diagram-drawn] svg").first.wait_for()
    join = shape(page, "Gateway_join").get_attribute("class") or ""
    assert "ow-waiting" in join and "ow-current" not in join
    for still_open in ("Task_review_ga", "Task_review_yb"):
        assert "ow-current" in (shape(page, still_open).get_attribute("class") or "")
    key = page.locator("[data-diagram-waiting]")
    assert key.is_visible()
    assert (key.text_content() or "").strip() == "等待其他并行分支办完（汇合点，蓝色点线框）"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("viewer_built")
def test_a_life_event_in_separate_runs_shows_one_diagram_per_item(page, world):
    parent = newborn_in_separate_runs()
    log_in(page, parent.applicant)
    page.goto(f"/cases/{parent.number}/")
    drawn = page.locator(".diagram-canvas[data-diagram-drawn]")
    drawn.nth(3).wait_for()
    assert drawn.count() == 4
    titles = page.locator(".diagram-figure h3").all_inner_texts()
    assert titles == [child.service_name for child in parent.children.order_by("pk")]
    assert page.locator(".diagram-figure [role=img]").count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_viewer_that_did_not_load_is_said_so_not_javascript(page, accepted):
    """JavaScript runs but the viewer's file did not come (blocked here): the page does
    not claim JavaScript is off; it says the diagram could not be drawn."""
    applicant, case = accepted
    page.route("**/vendor/bpmn-js/bpmn-viewer*.js", lambda route: route.abort())
    log_in(page, applicant)
    page.goto(f"/cases/{case.number}/")
    error = page.locator("[data-diagram-error]")
    error.wait_for()
    assert error.is_visible()
    assert not page.locator("[data-diagram-fallback]").is_visible()
    assert error.locator("a[href='#timeline-title']").is_visible()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_timeline_tells_the_story(browser, live_server, accepted):
    applicant, case = accepted
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, applicant)
    page.goto(f"/cases/{case.number}/")
    assert page.locator("ol.timeline > li").count() == 2  # submitted, accepted
    assert "材料齐全" in page.locator("ol.timeline").inner_text()
    fallback = page.locator("[data-diagram-fallback]")
    assert fallback.is_visible()
    assert fallback.locator("a[href='#timeline-title']").is_visible()
    assert not page.locator("[data-diagram-legend]").is_visible()
    assert page.locator(".diagram-canvas").count() == 0
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("viewer_built")
def test_english_pages_draw_the_english_names_the_process_gives(browser, live_server, accepted):
    applicant, case = accepted
    User.objects.filter(pk=applicant.pk).update(preferred_language="en")  # pages follow it
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    log_in(page, applicant)
    page.goto(f"/cases/{case.number}/")
    page.locator(".diagram-canvas[data-diagram-drawn] svg").first.wait_for()
    # The file's name_en properties, set on the model before bpmn-js draws it.
    review = shape(page, "Task_review_ga").locator("text").first.text_content() or ""
    assert " ".join(review.split()) == "Public security review"
    lane = shape(page, "Lane_ga").locator("text").first.text_content() or ""
    assert " ".join(lane.split()) == "Public Security"  # its short English name
    drawn = page.locator(".diagram-canvas svg").first.text_content() or ""
    assert "公安审核" not in drawn and "窗口受理" not in drawn
    label = page.locator(".diagram-canvas [role=img]").get_attribute("aria-label") or ""
    assert "Completed: Window acceptance; Current: Public security review (" in label
    # And the timeline below it names the step alike.
    assert "Window acceptance" in page.locator("ol.timeline").inner_text()
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("viewer_built")
def test_on_a_phone_the_diagram_keeps_a_readable_size_and_scrolls(page, accepted):
    applicant, case = accepted
    log_in(page, applicant)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"/cases/{case.number}/")
    page.locator(".diagram-canvas[data-diagram-drawn] svg").first.wait_for()
    task = shape(page, "Task_accept").locator("rect").first.bounding_box()
    # A BPMN task is 100 units wide: drawn at no less than 0.6 of its size, not shrunk
    # to a third to fit the phone.
    assert task is not None and task["width"] >= 60, task
    scroller = page.locator(".diagram-scroll").first
    assert scroller.evaluate("box => box.scrollWidth > box.clientWidth")
    # The box that scrolls is one named tab stop, so the keyboard can scroll it.
    assert scroller.get_attribute("tabindex") == "0"
    assert scroller.get_attribute("role") == "region"
    assert scroller.get_attribute("aria-label") == "流程图：左右滑动可查看全图"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # only the box

    # Turned into a wide window, the process is fitted again: nothing scrolls and there
    # is no extra tab stop.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function(
        "() => !document.querySelector('.diagram-scroll').hasAttribute('tabindex')"
    )
    assert scroller.evaluate("box => box.scrollWidth <= box.clientWidth")
    assert scroller.get_attribute("role") is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("viewer_built")
def test_a_process_of_many_lanes_is_drawn_tall_enough_to_read(page, world):
    # The company process has six lanes: fitted into the canvas's usual height, its
    # steps were drawn at under half their size. The canvas grows taller instead.
    agent = world["agent.li"]
    case = submit(agent, COMPANY)
    log_in(page, agent, password=DEMO_PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/cases/{case.number}/")
    page.locator(".diagram-canvas[data-diagram-drawn] svg").first.wait_for()
    task = shape(page, "Task_accept").locator("rect").first.bounding_box()
    assert task is not None and task["width"] >= 70, task  # 100 units at 0.7 or more
    scroller = page.locator(".diagram-scroll").first
    assert scroller.evaluate("box => box.scrollWidth <= box.clientWidth")  # nothing sideways
