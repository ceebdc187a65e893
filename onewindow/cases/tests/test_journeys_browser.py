"""Issue #4's remaining journeys in a real Chromium, with the demo city's people:

- a life event (新生儿出生一件事) applied for once through its merged form: each shared
  question asked once, the materials uploaded, one case number on the receipt, and My
  cases listing the application with one case per item;
- a company's agent choosing to apply for the company or as a private person;
- "make demo lets you walk the journey in both languages as citizen and as officers":
  the English walk, from the language switch to the adoption's three parallel reviews,
  an extension decided by the department lead and the supervisor's list of late cases,
  with no Chinese left on the pages but the data.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from onewindow.browser import (
    axe_violations,
    chinese_left,
    focus_lands_on,
    switch_language,
    tab_reaches,
)
from onewindow.cases import services as case_services
from onewindow.cases.choices import CaseStatus
from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import (
    ADOPTION,
    COMPANY,
    PASSPORT,
    open_task,
    shanghai,
    submit,
)
from onewindow.cases.tests.test_browser import log_in
from onewindow.cases.tests.test_diagram_browser import require_viewer
from onewindow.catalog.choices import OnlineLevel, VersionStatus
from onewindow.catalog.models import ServiceItemVersion
from onewindow.forms.tests.files import PDF, PNG
from onewindow.identity.demo_data import DEMO_PASSWORD, resident_id
from onewindow.identity.models import User
from onewindow.workflow import services as workflow_services

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def pdf(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def png(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/png", "buffer": PNG}


# --- the life event ---------------------------------------------------------------

# Questions several of the newborn items ask, and materials several need (x-shared).
SHARED_QUESTIONS = (
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "child_name",
    "child_birth_date",
    "mother_name",
    "mother_id_number",
    "father_name",
    "father_id_number",
    "applicant_address",
    "bank",  # the insurance's direct debit and the card's bank, one question
    "declaration",
)
SHARED_CHOICES = {"relation": 3, "child_sex": 2}  # radio groups: options, asked once
SHARED_MATERIALS = ("upload-parents_id_cards", "upload-marriage_certificate")
# What the event itself produces is not asked for: the birth certificate (its first
# item's result) and the baby's identity number (the household registration's).
PRODUCED = ("upload-birth_medical_certificate", "child_id_number")


def fill_newborn_form(page: Any, parent: User) -> None:
    form = page.locator("form.application-form")
    form.locator("#id_applicant_name").fill(parent.full_name)
    form.locator("#id_applicant_id_number").fill(parent.id_number or "")
    form.locator("#id_applicant_phone").fill("13916200101")
    form.get_by_label("父亲", exact=True).check()
    form.locator("#id_child_name").fill("王小宝")
    form.get_by_label("男", exact=True).check()
    form.locator("#id_child_birth_date").fill("2026-11-20")
    form.locator("#id_mother_name").fill("李静")
    # A woman's (an even sequence number): the mother's field takes no man's number.
    form.locator("#id_mother_id_number").fill(resident_id("310101", date(1992, 1, 1), 2))
    form.locator("#id_father_name").fill(parent.full_name)
    form.locator("#id_father_id_number").fill(parent.id_number or "")
    form.locator("#id_declaration").check()
    form.locator("#id_applicant_address").fill("上海市黄浦区人民大道200号")
    form.locator("#id_birth_certificate__birth_hospital").fill("上海市第一妇婴保健院")
    form.locator("#id_birth_certificate__birth_weight_g").fill("3200")
    form.locator("#id_newborn_hukou__ethnicity").fill("汉族")
    form.locator("#id_newborn_hukou__hukou_address").fill("上海市黄浦区人民大道200号")
    form.locator("#id_newborn_hukou__household_head_name").fill(parent.full_name)
    form.locator("#id_newborn_hukou__relation_to_head").select_option("son")
    form.locator("#id_newborn_insurance__insurance_district").select_option("310101")
    form.locator("#id_newborn_insurance__payment_method_1").check()
    form.locator("#id_bank").select_option("icbc")
    form.locator("#id_social_security_card__delivery_0").check()


@pytest.mark.django_db(transaction=True)
def test_an_error_summarys_link_shows_the_question_with_its_label(page, world):
    """The link scrolls the field to the top of the window: its label, above it, must
    stay in sight (``scroll-margin-top``), or the reader sees a box without a question."""
    log_in(page, world["citizen.wang"], password=DEMO_PASSWORD)
    page.goto(f"/services/items/{PASSPORT}/apply/")
    with page.expect_navigation():
        page.locator("form.application-form button[type=submit]:not([value=save_draft])").click()
    page.locator(".error-summary a[href='#id_emergency_contact_name']").click()
    assert page.evaluate("window.scrollY") > 0  # it did scroll
    box = page.locator("label[for=id_emergency_contact_name]").bounding_box()
    assert box is not None and box["y"] >= 0, box


def test_a_life_event_applied_for_once_through_its_merged_form(page, world):
    parent = world["citizen.wang"]
    log_in(page, parent, password=DEMO_PASSWORD)
    page.goto("/services/events/newborn/")
    with page.expect_navigation():
        page.locator("a[href='/cases/events/newborn/apply/']").first.click()
    form = page.locator("form.application-form")
    for name in (*SHARED_QUESTIONS, *SHARED_MATERIALS):
        assert form.locator(f"[name='{name}']").count() == 1, name
    for name, options in SHARED_CHOICES.items():
        assert form.locator(f"[name='{name}']").count() == options, name
    for name in PRODUCED:
        assert form.locator(f"[name$='{name}']").count() == 0, name
    assert axe_violations(page) == []

    # Everything but the household register: the page asks for it, focused on the
    # summary, and keeps the files already sent.
    fill_newborn_form(page, parent)
    form.locator("#id_upload-birth_certificate__registration_form").set_input_files(
        pdf("登记表.pdf")
    )
    form.locator("#id_upload-parents_id_cards").set_input_files(pdf("身份证.pdf"))
    form.locator("#id_upload-social_security_card__photo").set_input_files(png("照片.png"))
    with page.expect_navigation():
        form.locator("button[type=submit]:not([value=save_draft])").click()
    summary = page.locator(".error-summary")
    assert focus_lands_on(page, ".error-summary")
    assert summary.locator("a").count() == 1
    assert summary.locator("a").get_attribute("href") == (
        "#id_upload-newborn_hukou__household_register"
    )
    assert page.locator("p.uploaded").count() == 3
    assert not Case.objects.filter(applicant=parent).exists()

    page.locator("#id_upload-newborn_hukou__household_register").set_input_files(pdf("户口簿.pdf"))
    with page.expect_navigation():
        page.locator("form.application-form button[type=submit]:not([value=save_draft])").click()
    assert "/receipt/" in page.url
    assert page.locator(".case-number").count() == 1
    number = page.locator(".case-number").inner_text().strip()
    case = Case.objects.get(number=number)
    assert case.parent_id is None and case.applicant_id == parent.pk
    children = list(case.children.order_by("pk"))
    assert len(children) == 4
    assert case.attachments.count() == 4  # one file per material, shared ones once

    with page.expect_navigation():
        page.locator(".site-nav a[href='/cases/']").click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1  # the application, not one row per item
    row = rows.first
    assert row.locator("th").inner_text().strip() == number
    items = row.locator("ul.child-cases > li")
    assert items.count() == 4
    for item, child in zip(items.all(), children, strict=True):
        assert child.service_name in item.inner_text()
        assert item.locator("a").inner_text() == child.number
    with page.expect_navigation():
        items.first.locator("a").click()
    assert children[0].number in page.locator(".eyebrow").inner_text()


# --- the English walk ---------------------------------------------------------------


# A passport case accepted on Monday 2026-03-02 and held by the reviewer since Tuesday:
# its review was due at the end of Mon 03-09 and the case (7 working days) at the end
# of Wed 03-11. On Monday 03-16 it has used 10 working days (03-03 to 03-06, 03-09 to
# 03-13, 03-16): overdue by 3.
LATE_ACCEPTED = shanghai("2026-03-02", 10)
LATE_CLAIMED = shanghai("2026-03-03", 10)
WALK = shanghai("2026-03-16", 9)


def english_person(browser: Any, live_server: Any, user: User, *, officer: bool = True) -> Any:
    """A browser in which ``user`` chose English with the header's switch, then logged
    in (the choice made before login is kept over the account's preference)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login/")
    switch_language(page, "en")
    log_in(page, user, officer=officer, password=DEMO_PASSWORD)
    assert page.locator("html").get_attribute("lang") == "en"
    return page


def assert_english(page: Any, *data: str, audit: bool = True) -> None:
    """All in English but ``data``, and (with ``audit``) no accessibility fault."""
    assert page.locator("html").get_attribute("lang") == "en"
    # Process steps included: the demo processes name each in English (``name_en``).
    assert chinese_left(page, list(data)) == []
    if audit:
        assert axe_violations(page) == []


def decide(
    page: Any, number: str, outcome: str, comment: str, *data: str, audit: bool = False
) -> None:
    """From the inbox: open the case's task, claim it, decide, in English. The inbox and
    the task page are audited by axe with ``audit`` only: once in a walk is enough, the
    next officers' being the same pages with other rows (the accessibility sweep has the
    rest)."""
    page.goto("/cases/inbox/")
    assert page.locator("h1").inner_text() == "Inbox"
    assert_english(page, *data, audit=audit)
    with page.expect_navigation():
        page.locator("tr", has_text=number).locator("a").first.click()
    if page.locator("form[action$='/claim/']").count():
        with page.expect_navigation():
            page.get_by_role("button", name="Claim this task").click()
    assert_english(page, *data, audit=audit)
    page.get_by_label(outcome, exact=True).check()
    page.locator("#id_comment").fill(comment)
    with page.expect_navigation():
        page.get_by_role("button", name="Record decision").click()
    assert page.url.endswith("/cases/inbox/")
    decided = page.locator(".messages").inner_text()
    assert decided.startswith("Your decision on the task “") and f" of case {number} " in decided


@pytest.mark.django_db(transaction=True)
def test_the_demo_walked_in_english(browser, live_server, world, travel):
    ServiceItemVersion.objects.filter(item__code=ADOPTION, status=VersionStatus.PUBLISHED).update(
        online_level=OnlineLevel.SUBMISSION
    )
    people = {name: world[name] for name in ("citizen.wang", "ga.window", "ga.review")}
    names = [user.full_name for user in world.values()]
    travel(LATE_ACCEPTED)

    # Earlier: a passport case left with the reviewer past its limit.
    late = submit(people["citizen.wang"], PASSPORT)
    task = open_task(late, "Task_accept")
    workflow_services.claim_task(actor=world["ga.window"], task_id=task.pk)
    case_services.decide_task(actor=world["ga.window"], task_id=task.pk, outcome="accept")
    travel(LATE_CLAIMED)
    workflow_services.claim_task(
        actor=world["ga.review"], task_id=open_task(late, "Task_review").pk
    )

    # Monday 03-16: the citizen applies for an adoption, in English.
    travel(WALK)
    citizen = english_person(browser, live_server, world["citizen.wang"], officer=False)
    citizen.goto(f"/services/items/{ADOPTION}/")
    assert citizen.locator("h1").inner_text() == "Adoption registration"
    with citizen.expect_navigation():
        citizen.get_by_role("link", name="Apply online").click()
    form = citizen.locator("form.application-form")
    assert form.locator("label[for=id_applicant_name]").inner_text().strip() != "申请人姓名"
    assert axe_violations(citizen) == []
    data = [*names, late.service_name]
    assert_english(citizen, *data)
    form.locator("#id_applicant_name").fill("Wang Xiaoming")
    form.locator("#id_applicant_id_number").fill(world["citizen.wang"].id_number or "")
    form.locator("#id_applicant_phone").fill("13916200101")
    form.locator("#id_child_name").fill("Wang Xiaoyu")
    form.locator("#id_child_birth_date").fill("2024-05-01")
    form.locator("#id_declaration").check()
    with citizen.expect_navigation():
        citizen.get_by_role("button", name="Submit application").click()
    assert citizen.locator("h1").inner_text() == "Application received"
    number = citizen.locator(".case-number").inner_text().strip()
    adoption = Case.objects.get(number=number)
    data.append(adoption.service_name)
    assert_english(citizen, *data)

    # The civil affairs window accepts, after first sending no outcome: the page says
    # so in a summary that takes focus and links to the choices.
    window = english_person(browser, live_server, world["mz.window"])
    window.goto(f"/cases/tasks/{open_task(adoption, 'Task_accept').pk}/")
    with window.expect_navigation():
        window.get_by_role("button", name="Claim this task").click()
    with window.expect_navigation():
        window.get_by_role("button", name="Record decision").click()
    summary = window.locator(".error-summary")
    assert focus_lands_on(window, ".error-summary")
    assert summary.locator("h3").inner_text() == "There is a problem"
    assert summary.locator("a").get_attribute("href") == "#id_outcome_0"
    assert summary.locator("a").inner_text() == "Choose an outcome."
    # Each choice sits beside its label, as on the application forms.
    radio = window.locator("#id_outcome_0").bounding_box()
    label = window.locator("label[for=id_outcome_0]").bounding_box()
    assert radio and label and label["x"] > radio["x"] + radio["width"]
    assert abs((label["y"] + label["height"] / 2) - (radio["y"] + radio["height"] / 2)) < 4
    assert_english(window, *data)
    decide(window, number, "Accept", "All materials present.", *data, audit=True)

    # Three departments review in parallel; the police reviewer first asks for two
    # more working days, which the police's department lead approves.
    police = english_person(browser, live_server, world["ga.review"])
    police.goto(f"/cases/tasks/{open_task(adoption, 'Task_review_ga').pk}/")
    with police.expect_navigation():
        police.get_by_role("button", name="Claim this task").click()
    extension = police.locator("section[aria-labelledby=extension-title]")
    assert extension.locator("h2").inner_text() == "Ask for an extension"
    assert axe_violations(police) == []
    assert tab_reaches(police, "#id_days", "section[aria-labelledby=extension-title] button")
    extension.get_by_label("Working days").fill("2")
    extension.get_by_label("Reason").fill("A home visit is needed.")
    with police.expect_navigation():
        extension.get_by_role("button", name="Ask for approval").click()
    assert police.locator(".messages").inner_text() == "The extension was sent for approval."
    assert "An extension of 2 working days awaits approval." in extension.inner_text()
    assert_english(police, *data)

    lead = english_person(browser, live_server, world["ga.lead"])
    lead.goto("/cases/extensions/")
    assert lead.locator("h1").inner_text() == "Extensions of time limits"
    request = lead.locator("article.extension-request", has_text=number)
    assert "asks for 2 more working days" in request.inner_text()
    assert "Shanghai Municipal Public Security Bureau" in request.inner_text()
    assert axe_violations(lead) == []
    assert_english(lead, *data)
    with lead.expect_navigation():
        request.get_by_role("button", name="Approve").click()
    assert lead.locator(".messages").inner_text() == "Your decision was recorded."
    assert "Approved" in lead.locator("section[aria-labelledby=decided-title]").inner_text()
    assert_english(lead, *data)

    decide(police, number, "Approve", "No police objection.", *data)
    for reviewer in ("wj.review", "yb.review"):
        desk = english_person(browser, live_server, world[reviewer])
        decide(desk, number, "Approve", f"Approved by {reviewer}.", *data)
    decide(window, number, "Complete", "Registered.", *data)
    assert Case.objects.get(number=number).status == CaseStatus.COMPLETED

    # The citizen's case page, all in English but the data.
    citizen.goto(f"/cases/{number}/")
    summary = citizen.locator("dl.summary").first.inner_text()
    assert "Completed" in summary and "Shanghai Municipal Civil Affairs Bureau" in summary
    time_limit = citizen.locator(".time-limit").inner_text()
    assert "Finished on time" in time_limit
    assert "Extended by 2 working days: A home visit is needed." in time_limit
    outcomes = citizen.locator("ol.timeline .timeline-title").all_inner_texts()
    # Each step's result, not the officer's button ("Accept", "Approve"); the submission
    # is its own title, with no result repeating it.
    assert outcomes[0] == "Application submitted"
    assert [text.split(" — ")[1] for text in outcomes[1:]] == [
        "Accepted",
        "Time limit extended",
        "Approved",
        "Approved",
        "Approved",
        "Completed",
    ]
    timeline = citizen.locator("ol.timeline").inner_text()
    for department in (
        "Shanghai Municipal Public Security Bureau",
        "Shanghai Municipal Health Commission",
        "Shanghai Municipal Healthcare Security Administration",
    ):
        assert department in timeline
    require_viewer()
    citizen.locator(".diagram-canvas[data-diagram-drawn] svg").first.wait_for()
    assert_english(citizen, *data)

    # The supervisor: the passport case is late, under the police, with its holder.
    supervisor = english_person(browser, live_server, world["supervisor"])
    supervisor.goto("/supervision/time-limits/")
    assert supervisor.locator("h1").inner_text() == "Overdue and at-risk cases"
    heading = supervisor.get_by_role("heading", name="Shanghai Municipal Public Security Bureau")
    police_cases = supervisor.locator("section").filter(has=heading)
    assert police_cases.count() == 1
    row = police_cases.locator("tr", has_text=late.number)
    cells = [" ".join(c.split()) for c in row.locator("th, td").all_inner_texts()]
    assert cells[0] == late.number
    # The worse of the case's clock (3 days over) and its review step's (5 days over),
    # named as the step's.
    assert cells[2] == (
        "Step: Review · Shanghai Municipal Public Security Bureau "
        "Overdue · due by the end of 2026-03-09 · Overdue by 5 working days."
    )
    assert cells[3] == "Review · Shanghai Municipal Public Security Bureau · 刘洋"
    assert supervisor.locator("tr", has_text=number).count() == 0  # finished on time
    assert_english(supervisor, *data)


# --- a company's agent --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_company_agent_chooses_whom_the_application_is_for(page, world):
    agent = world["agent.li"]
    company = agent.companies.get()
    log_in(page, agent, password=DEMO_PASSWORD)
    page.goto(f"/services/items/{COMPANY}/apply/")
    choice = page.get_by_role("group", name="申请人身份")
    assert axe_violations(page) == []
    assert choice.get_by_role(
        "radio", name=f"代表{company.name}（经办人，{company.uscc}）"
    ).is_checked()
    # A service for companies starts on the company; the agent may apply as themself,
    # and the choice survives a page sent back with errors.
    choice.get_by_role("radio", name="本人（以个人名义）").check()
    with page.expect_navigation():
        page.locator("form.application-form button[type=submit]:not([value=save_draft])").click()
    assert page.locator(".error-summary").count() == 1
    assert page.get_by_role("radio", name="本人（以个人名义）").is_checked()
    assert not Case.objects.filter(applicant=agent).exists()
