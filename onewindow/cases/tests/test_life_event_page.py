"""A life event's case page as its applicant reads it (``case_page.case_view``,
``cases/_case_body.html``): the application once, in the merged form they filled in,
and its submission once on the timeline, not again under each item."""

from __future__ import annotations

import json

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from onewindow.cases import queries, supplements
from onewindow.cases.case_page import case_view
from onewindow.cases.materials import case_materials
from onewindow.cases.models import CaseEvent
from onewindow.cases.notifications import applicant_notice
from onewindow.cases.permissions import officer_may_read_attachment
from onewindow.cases.supplement_materials import answer_slots
from onewindow.cases.tests.conftest import open_task, submit
from onewindow.cases.tests.test_api import token_for
from onewindow.cases.tests.test_timeline_voices import READ, english
from onewindow.cases.tests.timekit import at, decide, signed_in, text, travel
from onewindow.forms.tests.files import PDF
from onewindow.notifications.models import Notification
from onewindow.notifications.rendering import render_message

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def _page(world, number: str) -> lxml.html.HtmlElement:
    with travel(READ):
        response = english(world["citizen.wang"]).get(f"/cases/{number}/")
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def _words(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture
def filed(world):
    with travel(READ):
        return submit(world["citizen.wang"], "newborn")


def test_each_question_of_the_merged_form_is_answered_once(world, filed):
    [application] = _page(world, filed.number).xpath("//section[@aria-labelledby='answers-title']")
    labels = [_words(dt) for dt in application.xpath(".//dt")]
    assert len(labels) == len(set(labels)), "a shared question is shown more than once"
    # The merged data holds every item's answers: shared ones once, an item's own
    # under its form's key; every one of them is shown.
    assert len(labels) == len([v for v in filed.data.values() if v not in ("", None, [])])
    assert "Baby's full name" in labels and "Applicant's identity number" in labels
    headings = [_words(h) for h in application.xpath(".//h3")]
    assert len(headings) > 1 and "About the baby" in headings


def test_the_submission_is_on_the_timeline_once(world, filed):
    [progress] = _page(world, filed.number).xpath("//section[@aria-labelledby='timeline-title']")
    titles = [_words(p) for p in progress.xpath(".//p[@class='timeline-title']")]
    assert titles == ["Application submitted"]
    items = [_words(h) for h in progress.xpath(".//h3")]
    assert len(items) == filed.children.count() == 4


def test_an_items_own_steps_stay_under_it(world, filed):
    first = filed.children.order_by("pk").first()
    CaseEvent.objects.create(
        case=first, step="出生医学证明签发", outcome="accept", actor=world["wj.review"]
    )
    view = case_view(filed)
    assert [step.outcome_code for step in view.timeline] == ["submitted"]
    assert [[s.outcome_code for s in child.timeline] for child in view.children] == [
        ["accept"],
        [],
        [],
        [],
    ]


def test_an_items_own_page_keeps_its_submission(world, filed):
    child = filed.children.order_by("pk").first()
    titles = [_words(p) for p in _page(world, child.number).xpath("//p[@class='timeline-title']")]
    assert titles == ["Application submitted"]


def test_news_of_an_item_names_it_under_the_applications_number(world, filed):
    """A decision on an item of a life event whose items run apart tells "<item>, part
    of your case <event>", linking to the event's page, not the item's own number."""
    item = filed.children.order_by("pk").last()
    notice = applicant_notice(
        item, "case_decided", "test", step="受理", outcome="通过", status="办理中", note=""
    )
    assert notice.context["number"] == filed.number
    assert notice.link == f"/cases/{filed.number}/"
    with translation.override("en"):
        _subject, body = render_message("case_decided", notice.context, "en")
    assert f"{item.service_name_en}, part of your case {filed.number}, is now" in body
    assert item.number not in body


def test_the_inbox_filter_names_a_life_event_without_its_slug(world, filed):
    """An item's code is worth showing to an officer; an event's slug ("newborn") is not."""
    with travel(READ):
        page = signed_in(world["wj.review"]).get("/cases/inbox/")
    [select] = lxml.html.fromstring(page.content).xpath("//select[@id='id_service']")
    options = {o.get("value"): _words(o) for o in select}
    assert options["newborn"] == filed.service_name_en


def test_the_receipt_lists_the_items_and_their_departments(world, filed):
    with travel(READ):
        response = english(world["citizen.wang"]).get(f"/cases/{filed.number}/receipt/")
    page = lxml.html.fromstring(response.content)
    [covers] = page.xpath("//h2[normalize-space()='What your application covers']")
    listed = [_words(li) for li in covers.getnext().xpath("./li")]
    assert listed == [
        f"{child.service_name_en}, by {child.department.name_en}"
        for child in filed.children.order_by("pk")
    ]
    assert "Each department checks its part" in _words(page)
    # The event's time: its items one after another, from its submission (its process
    # has no acceptance step: test_time_limit_start).
    [limit] = page.xpath("//dt[normalize-space()='Time limit']/following-sibling::dd")
    total = sum(child.item_version.promised_limit_days for child in filed.children.all())
    assert _words(limit) == (
        f"At most {total} working days from submission, the services done one after another."
    )
    assert not page.xpath("//dt[normalize-space()='Department']")  # each item names its own


@pytest.fixture
def at_hukou(world):
    """The newborn event with its birth certificate done: the 公安 hukou step open."""
    with travel(at("2026-03-02", 10)):
        parent = submit(world["citizen.wang"], "newborn")
    with travel(at("2026-03-02", 11)):
        decide(world["wj.review"], open_task(parent, "Task_birth_certificate"), "complete")
    return parent, open_task(parent, "Task_hukou")


def _section(page: lxml.html.HtmlElement, title_id: str) -> lxml.html.HtmlElement:
    [section] = page.xpath(f"//section[@aria-labelledby='{title_id}']")
    return section


def test_an_officer_reads_only_the_items_of_their_department(world, at_hukou):
    """Each department receives the part of the application it needs: 公安 reads the
    hukou item's answers and files (a shared material included), not the insurance
    item's bank account nor the card's photo; the event's progress stays in view."""
    parent, hukou = at_hukou
    with travel(at("2026-03-02", 12)):
        response = signed_in(world["ga.window"]).get(f"/cases/tasks/{hukou.pk}/")
    page = lxml.html.fromstring(response.content)
    answers = _section(page, "answers-title")
    assert [_words(h) for h in answers.xpath(".//h3")] == ["Household registration of a newborn"]
    labels = [_words(dt) for dt in answers.xpath(".//dt")]
    assert "Baby's full name" in labels and "Bank account number" not in labels
    materials = [_words(dt) for dt in _section(page, "materials-title").xpath(".//dt")]
    assert any("identity cards" in m for m in materials), materials  # shared with 卫健委
    assert any("household register" in m.lower() for m in materials), materials
    assert not any("photo" in m.lower() for m in materials), materials
    progress = _section(page, "timeline-title")
    assert len(progress.xpath(".//h3")) == 4  # every item's progress
    files = {a.slot: a for a in parent.attachments.all()}
    officer = world["ga.window"]
    assert officer_may_read_attachment(officer, files["parents_id_cards"])
    assert officer_may_read_attachment(officer, files["household_register"])
    assert not officer_may_read_attachment(officer, files["photo"])
    assert not officer_may_read_attachment(officer, files["registration_form"])
    assert officer_may_read_attachment(world["wj.review"], files["registration_form"])


def test_a_step_of_the_shared_run_is_on_the_timeline_once(world, at_hukou):
    parent, _hukou = at_hukou
    view = case_view(parent)
    completed = [s for s in view.timeline if s.outcome_code == "complete"]
    assert len(completed) == 1
    assert not any(s.outcome_code == "complete" for c in view.children for s in c.timeline)


def test_an_item_the_run_has_not_reached_says_it_waits(world, at_hukou):
    parent, _hukou = at_hukou
    with travel(at("2026-03-02", 12)):
        page = _page(world, parent.number)
    statuses = [_words(p) for p in _section(page, "timeline-title").xpath(".//section/p[1]")]
    assert statuses[0].startswith("Status: Completed")
    assert statuses[1].startswith("Status: Submitted")  # 公安 has it now
    assert all(s.startswith("Status: Waiting for the steps before it") for s in statuses[2:])


def test_the_api_says_which_items_wait_as_the_pages_do(world, at_hukou, client):
    parent, _hukou = at_hukou
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, world['citizen.wang'])}"}
    with travel(at("2026-03-02", 12)):
        body = client.get(f"/api/v1/cases/{parent.number}", **auth).json()
    assert body["waiting"] is False
    assert [(c["status"], c["waiting"]) for c in body["children"]] == [
        ("completed", False),
        ("submitted", False),  # 公安 has it now
        ("submitted", True),
        ("submitted", True),
    ]


def test_the_api_gives_an_officer_their_departments_items_only(world, at_hukou, client):
    parent, _hukou = at_hukou
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, world['ga.window'])}"}
    with travel(at("2026-03-02", 12)):
        body = client.get(f"/api/v1/cases/{parent.number}", **auth).json()
    assert body["data"] == {}
    data = {child["service"]: child["data"] for child in body["children"]}
    assert data["310000-GA-QR-0001"]["hukou_address"]
    assert [code for code, answers in data.items() if answers] == ["310000-GA-QR-0001"]
    files = {a.pk: a.slot for a in parent.attachments.all()}
    assert sorted(files[pk] for pk in body["attachments"]) == [
        "household_register",
        "parents_id_cards",
    ]
    # Nor the file ids of other departments' items (QA: how many files each holds).
    attached = {child["service"]: child["attachments"] for child in body["children"]}
    assert [code for code, ids in attached.items() if ids] == ["310000-GA-QR-0001"]
    assert set(attached["310000-GA-QR-0001"]) <= set(body["attachments"])
    # The applicant's side reads it all.
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, world['citizen.wang'])}"}
    mine = client.get(f"/api/v1/cases/{parent.number}", **auth).json()
    assert mine["data"] == parent.data and len(mine["attachments"]) == len(files)
    assert len([child for child in mine["children"] if child["attachments"]]) > 1


def test_another_departments_item_is_not_opened_by_its_own_number(world, at_hukou, client):
    """The event's page hides the insurance item's answers from 公安; its own number,
    listed among the event's items, must not open them either (page, API, receipt of
    the run's tasks): the item's own department reads it, and the applicant."""
    parent, _hukou = at_hukou
    items = {child.department.code: child for child in parent.children.all()}
    insurance, hukou = items["310000-YB"], items["310000-GA"]
    officer = world["ga.window"]
    with travel(at("2026-03-02", 12)):
        assert signed_in(officer).get(f"/cases/{insurance.number}/").status_code == 404
    with travel(at("2026-03-02", 12, 1)):  # a new second-factor code for the token
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, officer)}"}
        assert client.get(f"/api/v1/cases/{insurance.number}", **auth).status_code == 404
        assert client.get(f"/api/v1/cases/{hukou.number}", **auth).status_code == 200
        mine = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, world['citizen.wang'])}"}
        assert client.get(f"/api/v1/cases/{insurance.number}", **mine).status_code == 200


def test_the_inbox_names_the_item_of_the_officers_department(world, at_hukou):
    """On the event's shared run, 公安's task is for its hukou item: the inbox names it
    (the event beneath), and its filter offers the event and 公安's own item only."""
    parent, _hukou = at_hukou
    with travel(at("2026-03-02", 12)):
        response = signed_in(world["ga.window"]).get("/cases/inbox/")
    page = lxml.html.fromstring(response.content)
    [row] = [r for r in page.xpath("//table[contains(@class,'inbox')]//tr[td]")]
    [service] = row.xpath("./td[1]")
    assert _words(service).startswith("Household registration of a newborn")
    assert [_words(span) for span in service.xpath("./span[@class='muted']")] == [
        parent.service_name_en
    ]
    [select] = page.xpath("//select[@id='id_service']")
    assert [o.get("value") for o in select if o.get("value")] == ["310000-GA-QR-0001", "newborn"]


def test_the_comment_asks_for_a_reason_only_where_a_refusal_is_possible(world, at_hukou):
    _parent, hukou = at_hukou
    with travel(at("2026-03-02", 12)):
        page = lxml.html.fromstring(
            signed_in(world["ga.window"]).get(f"/cases/tasks/{hukou.pk}/").content
        )
    [label] = page.xpath("//label[@for='id_comment']")
    # The hukou step can only be completed: no reason asked, but whose eyes it meets.
    assert _words(label) == "Comment (the applicant sees it)"
    [claim] = [p for p in page.xpath("//p") if "Nobody has claimed" in _words(p)]
    assert _words(claim).startswith("Nobody has claimed this task yet. You may decide it at once")


def test_a_file_named_in_words_is_its_items_and_hidden_from_other_departments(world, at_hukou):
    parent, hukou = at_hukou
    with travel(at("2026-03-02", 12)):
        supplements.request_supplement(
            actor=world["ga.window"],
            task_id=hukou.pk,
            items=[{"material": "新生儿预防接种证", "reason": "请提供"}],
        )
        own = supplements.open_request(world["citizen.wang"], parent.number).items
        assert own[0]["slot"] == ""
        slot = answer_slots(supplements.open_request(world["citizen.wang"], parent.number))[0]
        sent = supplements.store_answer_file(
            applicant=world["citizen.wang"],
            number=parent.number,
            slot=slot["key"],
            upload=SimpleUploadedFile("vaccine.pdf", PDF, "application/pdf"),
        )
        supplements.resupply(
            applicant=world["citizen.wang"],
            number=parent.number,
            attachments={slot["key"]: sent.pk},
        )
    parent = queries.case_for(world["citizen.wang"], parent.number)
    children = sorted(parent.children.all(), key=lambda c: c.pk)
    hukou_item = next(c for c in children if c.service_code == "310000-GA-QR-0001")
    insurance = next(c for c in children if c.service_code == "310000-YB-GG-0001")

    def shown(seen):
        found = case_materials(parent, seen, hidden=[c for c in children if c not in seen])
        listed = [*found.own, *(m for ms in found.by_item.values() for m in ms)]
        return {(m.label, f.attachment.original_name) for m in listed for f in m.files}

    assert ("新生儿预防接种证", "vaccine.pdf") in shown([hukou_item])
    assert not any(name == "vaccine.pdf" for _label, name in shown([insurance]))
    applicant_view = case_materials(parent, children)
    assert [m.label for m in applicant_view.by_item[hukou_item.pk]][-1] == "新生儿预防接种证"


def test_what_was_asked_of_another_departments_item_is_theirs(world, at_hukou, client):
    """ADR 0024: the health commission, whose officer reads the event, sees that 公安
    asked for material and got it, not what or why; 公安 reads it all, on the page and
    through the API."""
    parent, hukou = at_hukou
    with travel(at("2026-03-02", 12)):
        supplements.request_supplement(
            actor=world["ga.window"],
            task_id=hukou.pk,
            items=[{"material": "户口簿", "reason": "户主页缺少父亲信息"}],
            note="请携带原件",
        )
        health = signed_in(world["wj.review"]).get(f"/cases/{parent.number}/")
        police = signed_in(world["ga.window"]).get(f"/cases/{parent.number}/")
    assert health.status_code == police.status_code == 200
    for secret in ("户主页缺少父亲信息", "请携带原件"):
        assert secret not in health.content.decode()
        assert secret in police.content.decode()
    assert "another department's part of the application" in text(health)
    assert "Asked for material" in text(health)  # the progress stays in view
    for officer, sees in (("wj.review", False), ("ga.window", True)):
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, world[officer])}"}
        with travel(at("2026-03-02", 13)):
            answer = client.get(f"/api/v1/cases/{parent.number}", **auth).json()
        body = json.dumps(answer, ensure_ascii=False)
        assert ("户主页缺少父亲信息" in body) is sees, officer
        assert ("请携带原件" in body) is sees, officer
        assert "supplement_requested" in body


def test_my_cases_says_which_items_wait_as_the_case_page_does(world, at_hukou):
    _parent, _hukou = at_hukou
    with travel(at("2026-03-02", 12)):
        page = lxml.html.fromstring(english(world["citizen.wang"]).get("/cases/").content)
    [items] = page.xpath("//ul[contains(@class, 'child-cases')]")
    statuses = [_words(li).rsplit(" · ", 1)[1] for li in items.xpath("./li")]
    assert statuses[0] == "Completed" and statuses[1] == "Submitted"
    assert statuses[2:] == ["Waiting for the steps before it"] * 2


def test_an_items_own_page_says_what_its_applications_page_does(world, at_hukou):
    """An item's page (My cases links each) is not a case of its own filed bare: it
    names the application it is part of, waits as that page says it waits, and lists
    the files its form asked for, which the application holds."""
    parent, _hukou = at_hukou
    children = sorted(parent.children.all(), key=lambda child: child.pk)
    application = _page(world, parent.number)

    def summary(page: lxml.html.HtmlElement, term: str) -> lxml.html.HtmlElement:
        [value] = page.xpath(
            "//dl[@class='summary']/div[dt[normalize-space()=$term]]/dd", term=term
        )
        return value

    for child in children:
        page = _page(world, child.number)
        part_of = summary(page, "Part of")
        assert _words(part_of) == f"{parent.service_name_en} {parent.number}"
        assert part_of.xpath("./a/@href") == [f"/cases/{parent.number}/"]
        # The status and the materials, as the application's page gives them for it.
        [item] = application.xpath(
            "//section[@class='child-case'][h3/span[normalize-space()=$number]]",
            number=child.number,
        )
        status = _words(item.xpath("./p")[0]).split(" · ")[0].removeprefix("Status: ")
        assert _words(summary(page, "Status")) == status
        asks_for_files = bool(child.form.attachments)  # the insurance item asks for none
        files = _words(_section(page, "materials-title"))
        assert ("No files were uploaded." not in files) is asks_for_files, child.service_code
    # The hukou item's clock started when the event's run reached 公安, not at submission.
    hukou_limit = _words(_section(_page(world, children[1].number), "time-limit-title"))
    assert "when the application reached this department" in hukou_limit
    assert "from submission" not in hukou_limit and "from acceptance" not in hukou_limit
    waiting = _page(world, children[-1].number)
    assert _words(summary(waiting, "Status")) == "Waiting for the steps before it"
    assert (
        "Its time limit starts when the steps before it are done and the application reaches "
        "this department." in _words(_section(waiting, "time-limit-title"))
    )


def test_an_items_supplement_stays_under_it_once_its_step_is_decided(world, at_hukou):
    """The decision of a step of the shared run is on the event's timeline, and not
    again under its item; what was asked of the item and its answer are the item's own,
    and stayed there only until the decision came (they went with it)."""
    parent, hukou = at_hukou
    with travel(at("2026-03-02", 12)):
        supplements.request_supplement(
            actor=world["ga.window"],
            task_id=hukou.pk,
            # An explanation asked for, answered in words: no file needed.
            items=[{"material": "居住证明", "reason": "请说明", "needs_file": False}],
        )
        supplements.resupply(
            applicant=world["citizen.wang"],
            number=parent.number,
            attachments={},
            explanations={"1": "居住证明在办理中"},
            comment="已补",
        )
    # The officers are told under the number their inbox lists the task by, the event's;
    # the applicant, of the item's own due day, named as the item's.
    told = Notification.objects.get(recipient=world["ga.window"], kind="case_resupplied")
    hukou_case = parent.children.get(service_code="310000-GA-QR-0001")
    assert told.case_number == parent.number and hukou_case.number not in told.body
    resumed = Notification.objects.get(recipient=world["citizen.wang"], kind="case_resumed")
    _subject, english = resumed.text_in("en")
    assert f"{hukou_case.service_name_en} is due to be completed by " in english
    with travel(at("2026-03-02", 13)):
        decide(world["ga.window"], open_task(parent, "Task_hukou"), "complete")
    view = case_view(parent)
    hukou_item = next(c for c in view.children if c.case.service_code == "310000-GA-QR-0001")
    assert [s.outcome_code for s in hukou_item.timeline] == ["supplement_requested", "resupplied"]
    completed = [s for s in view.timeline if s.outcome_code == "complete"]
    assert len(completed) == 2  # the birth certificate's and the hukou's, each once
    assert not any(s.outcome_code == "complete" for c in view.children for s in c.timeline)
