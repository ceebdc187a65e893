"""Extensions as officers and applicants read them: the task page's request form and
the decision page given back with each problem at its input (422), the applicant's
notice with or without a running case clock, and the timeline entry of an approval.
Read in English.

Passport cases accepted Mon 2026-03-02 10:00 (timekit); the case's 7 working days end
at the close of Wed 03-11, 2 more at the close of Fri 03-13.
"""

from __future__ import annotations

import re

import lxml.html
import pytest
from django.template.loader import render_to_string
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.cases import extensions, supplements
from onewindow.cases.choices import ExtensionStatus
from onewindow.cases.models import CaseEvent, Extension
from onewindow.cases.tests.conftest import PASSPORT, open_task, submit
from onewindow.cases.tests.timekit import accepted_passport, at, decide, signed_in, text, travel
from onewindow.notifications.models import Notification
from onewindow.notifications.rendering import render_message
from onewindow.workflow import services as workflow_services

pytestmark = pytest.mark.single_pass

NOW = at("2026-03-04", 10)
NOT_YET_ACCEPTED = "The time limit is counted in working days from the acceptance"


@pytest.fixture
def review(world):
    _case, task = accepted_passport(world, at("2026-03-02", 10))
    return task


@pytest.fixture
def english_applicant(world):
    world["citizen.wang"].preferred_language = "en"
    world["citizen.wang"].save(update_fields=["preferred_language"])


def _ask(world, task, *, who="ga.review"):
    with travel(at("2026-03-03", 15)):
        return extensions.request_extension(
            actor=world[who], task_id=task.pk, days=2, reason="需要外省协查"
        )


def _audited() -> list[str]:
    """The extensions' and the tasks' audit trail (signing in and viewing are audited too)."""
    events = AuditEvent.objects.filter(action__regex=r"^(cases\.extension|workflow\.)")
    return list(events.order_by("pk").values_list("action", flat=True))


# --- the task page's request form ----------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        (
            {"days": "", "reason": ""},
            {
                "days": "Give a whole number of working days from 1 to 60.",
                "reason": "Give the reason for the extension.",
            },
        ),
        ({"days": "61", "reason": "需要外省协查"}, {"days": "Give a whole number"}),
        ({"days": "3", "reason": "  "}, {"reason": "Give the reason for the extension."}),
    ],
)
def test_a_refused_extension_request_comes_back_at_its_inputs(world, review, posted, expected):
    before = _audited()
    with travel(NOW):
        response = signed_in(world["ga.review"]).post(
            f"/cases/tasks/{review.pk}/extension/", posted
        )
    assert response.status_code == 422
    html, words = response.content.decode(), text(response)
    inputs = {"days": "id_days", "reason": "id_extension_reason"}
    labels = {"days": "Working days", "reason": "Reason"}
    for name, message in expected.items():
        assert f'<a href="#{inputs[name]}">{labels[name]}: {message}' in html
        assert f'id="{inputs[name]}_error"' in html
        tag = re.search(rf'<(?:input|textarea)[^>]*id="{inputs[name]}"[^>]*>', html)
        assert tag is not None and 'aria-invalid="true"' in tag.group(0)
        assert f'aria-describedby="{inputs[name]}_error"' in tag.group(0)
    for name in set(inputs) - set(expected):
        assert f'id="{inputs[name]}_error"' not in html
    # Each message once at its input and once in the summary: not twice in a banner.
    for message in expected.values():
        assert words.count(message) == 2
    # What was typed is kept.
    assert f'value="{posted["days"]}"' in html
    reason = re.escape(posted["reason"])
    assert re.search(rf'id="id_extension_reason"[^>]*>{reason}</textarea>', html)
    assert not Extension.objects.exists()
    assert _audited() == before


def test_the_extension_form_keeps_a_chinese_reason_and_days_typed(world, review):
    with travel(NOW):
        response = signed_in(world["ga.review"]).post(
            f"/cases/tasks/{review.pk}/extension/", {"days": "0", "reason": "需要外省协查"}
        )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="0"' in html
    assert ">需要外省协查</textarea>" in html
    # The other forms on the page are not marked.
    assert 'id="id_outcome_error"' not in html and 'id="id_other_material_error"' not in html


def test_an_officer_who_may_not_ask_is_refused_before_their_input_is_read(world, review):
    with travel(NOW):
        response = signed_in(world["ga.window"]).post(
            f"/cases/tasks/{review.pk}/extension/", {"days": "", "reason": ""}, follow=True
        )
    assert response.redirect_chain == [(f"/cases/tasks/{review.pk}/", 302)]
    assert "Only an officer of this step may ask for an extension." in text(response)
    assert "Give the reason for the extension." not in text(response)
    assert AuditEvent.objects.get(action="cases.extension_requested").outcome == "denied"


def test_a_good_extension_request_still_goes_for_approval(world, review):
    with travel(NOW):
        response = signed_in(world["ga.review"]).post(
            f"/cases/tasks/{review.pk}/extension/",
            {"days": "2", "reason": "需要外省协查"},
            follow=True,
        )
    assert response.redirect_chain == [(f"/cases/tasks/{review.pk}/", 302)]
    assert "The extension was sent for approval." in text(response)
    assert Extension.objects.get().days == 2


@pytest.mark.parametrize("days", ["²", "①", "9" * 5000])
def test_days_that_are_no_whole_number_are_a_field_error_not_a_failure(world, review, days):
    with travel(NOW):
        response = signed_in(world["ga.review"]).post(
            f"/cases/tasks/{review.pk}/extension/", {"days": days, "reason": "需要外省协查"}
        )
    assert response.status_code == 422
    assert not Extension.objects.exists()


def test_full_width_days_are_read_as_digits(world, review):
    with travel(NOW):
        signed_in(world["ga.review"]).post(
            f"/cases/tasks/{review.pk}/extension/", {"days": "２", "reason": "需要外省协查"}
        )
    assert Extension.objects.get().days == 2


# --- the decision page ---------------------------------------------------------------


def test_an_extension_id_that_is_no_whole_number_is_no_such_request(world):
    _case, first = accepted_passport(world, at("2026-03-02", 10))
    asked = _ask(world, first)
    with travel(NOW):
        response = signed_in(world["ga.lead"]).post(
            "/cases/extensions/", {"extension": "²", "decision": "approve", "comment": ""}
        )
    assert response.status_code < 500
    asked.refresh_from_db()
    assert asked.status == ExtensionStatus.PENDING


def test_refusing_without_a_comment_comes_back_at_that_requests_comment(world):
    _case, first = accepted_passport(world, at("2026-03-02", 10))
    _case, second = accepted_passport(world, at("2026-03-02", 11))
    one, other = _ask(world, first), _ask(world, second)
    before = _audited()
    with travel(NOW):
        response = signed_in(world["ga.lead"]).post(
            "/cases/extensions/", {"extension": other.pk, "decision": "refuse", "comment": "  "}
        )
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        f'<a href="#id_comment_{other.pk}">Comment (required to refuse): '
        "Give the reason for refusing.</a>" in html
    )
    tag = re.search(rf'<textarea[^>]*id="id_comment_{other.pk}"[^>]*>', html)
    assert tag is not None and 'aria-invalid="true"' in tag.group(0)
    assert f"id_comment_{other.pk}_error" in tag.group(0)
    assert f'id="id_comment_{other.pk}_error"' in html
    # The other request's comment is not marked; the typed comment is kept.
    assert f'id="id_comment_{one.pk}_error"' not in html
    assert re.search(rf'id="id_comment_{other.pk}"[^>]*>  </textarea>', html)
    assert (
        "The officer who asked sees your comment; if you approve, the applicant sees it too, "
        "on their case page." in text(response)
    )
    assert set(Extension.objects.values_list("status", flat=True)) == {ExtensionStatus.PENDING}
    assert _audited() == before
    # Each request opens its case, which the lead reads before deciding.
    for extension in (one, other):
        number = extension.case.number
        assert f'<a class="mono" href="/cases/{number}/">{number}</a>' in html


def test_a_refusal_for_a_request_no_longer_listed_is_said_in_a_message(world, review):
    extension = _ask(world, review)
    with travel(at("2026-03-04", 9)):
        extensions.decide_extension(
            actor=world["supervisor"], extension_id=extension.pk, approve=True
        )
    with travel(NOW):
        response = signed_in(world["ga.lead"]).post(
            "/cases/extensions/",
            {"extension": extension.pk, "decision": "refuse", "comment": ""},
            follow=True,
        )
    assert response.redirect_chain == [("/cases/extensions/", 302)]
    assert "Give the reason for refusing." in text(response)


# --- the applicant's notice -----------------------------------------------------------


def test_the_notice_gives_the_new_deadline_of_a_running_clock(world, review, english_applicant):
    extension = _ask(world, review)
    with travel(NOW):
        extensions.decide_extension(actor=world["ga.lead"], extension_id=extension.pk, approve=True)
    body = Notification.objects.get(kind="case_extended").body
    assert "has been extended by 2 working days." in body
    assert "It is now due to be completed by 2026-03-13." in body
    assert NOT_YET_ACCEPTED not in body


def test_before_acceptance_the_notice_says_from_when_the_limit_counts(world, english_applicant):
    with travel(at("2026-03-02", 10)):
        case = submit(world["citizen.wang"], PASSPORT)
        acceptance = open_task(case, "Task_accept")
        workflow_services.claim_task(actor=world["ga.window"], task_id=acceptance.pk)
    extension = _ask(world, acceptance, who="ga.window")
    with travel(NOW):
        extensions.decide_extension(actor=world["ga.lead"], extension_id=extension.pk, approve=True)
    case.refresh_from_db()
    assert case.clock_id is None
    notice = Notification.objects.get(kind="case_extended")
    body = notice.body
    # The step that accepts it has more time; the case's limit, counted from acceptance,
    # is not extended, and the notice does not say it is.
    assert f"The acceptance of your case {case.number}" in body
    assert "may take 2 more working days." in body and "has been extended" not in body
    assert notice.subject == f"The acceptance of your case {case.number} may take longer"
    assert (
        "The time limit is counted in working days from the acceptance of your application; "
        "your case page will show the deadline once it is accepted." in body
    )
    assert "due to be completed by" not in body
    assert not re.search(r"by\s*\.", body)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_notice_never_names_an_empty_deadline(language):
    context = {"number": "310000-GA-1", "service": "护照签发", "days": 3, "reason": "核实"}
    _subject, body = render_message("case_extended", {**context, "due": ""}, language)
    assert "by ." not in body and "为 。" not in body and "为。" not in body


def test_the_time_limit_panel_before_acceptance_names_no_deadline():
    view = {"clock": None, "extensions": [type("E", (), {"days": 2, "reason": "核实"})()]}
    with translation.override("en"):
        words = re.sub(r"\s+", " ", render_to_string("cases/_time_limit.html", {"view": view}))
    assert "The time limit starts when the application is accepted." in words
    assert 'Extended by 2 working days: <span lang="zh-Hans">核实</span>' in words
    assert "due by" not in words


# --- the timeline ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ga.lead", "supervisor"])
def test_an_approval_on_the_timeline_is_not_the_steps_officers(world, who):
    with travel(at("2026-03-02", 10)):
        case = submit(world["citizen.wang"], PASSPORT)
        acceptance = open_task(case, "Task_accept")
        workflow_services.claim_task(actor=world["ga.window"], task_id=acceptance.pk)
    extension = _ask(world, acceptance, who="ga.window")
    with travel(NOW):
        extensions.decide_extension(
            actor=world[who], extension_id=extension.pk, approve=True, comment="同意延期"
        )
        response = signed_in(world["citizen.wang"]).get(f"/cases/{case.number}/")
    entry = CaseEvent.objects.get(case=case, outcome="extended")
    assert (entry.actor, entry.step_en, entry.task_id) == (
        world[who],
        "Window acceptance",
        acceptance.pk,
    )
    words = text(response)
    line = re.search(r"Window acceptance — Time limit extended (.*?) Comment", words)
    assert line is not None
    assert "Window officer" not in line.group(1)
    # The role of who decided, as recorded with the entry.
    assert ("Department lead" if who == "ga.lead" else "Supervisor") in line.group(1)
    # The department where the decider holds the role: the lead's bureau, the city's
    # supervisor's government (not "the bureau's supervisor").
    where = (
        "Shanghai Municipal Public Security Bureau" if who == "ga.lead" else "People's Government"
    )
    assert where in line.group(1)
    # The officer's reason is the extension's, not a note from the decider (QA).
    assert f"Reason: {extension.reason}" in words
    assert "Note for you" not in words


# --- optional labels in Chinese --------------------------------------------------------


def _in_chinese(user):
    client = signed_in(user)
    client.cookies["django_language"] = "zh-hans"
    return client


def test_optional_labels_on_the_task_page_take_full_width_brackets(world, review):
    with travel(NOW):
        html = _in_chinese(world["ga.review"]).get(f"/cases/tasks/{review.pk}/").content.decode()
    assert html.count('致申请人<span class="optional">（选填）</span>') == 2
    assert '其他材料<span class="optional">（选填）</span>' in html
    assert "(选填)" not in html


def test_the_optional_message_on_the_case_page_takes_full_width_brackets(world):
    case, review = accepted_passport(world, at("2026-03-02", 10))
    with travel(at("2026-03-03", 11)):
        supplements.request_supplement(
            actor=world["ga.review"], task_id=review.pk, items=[{"slot": "photo", "reason": "模糊"}]
        )
    with travel(NOW):
        html = _in_chinese(world["citizen.wang"]).get(f"/cases/{case.number}/").content.decode()
    assert '给承办部门的说明<span class="optional">（选填）</span>' in html
    assert "(选填)" not in html


def test_an_extension_before_acceptance_is_shown_as_the_steps_not_the_cases(world):
    """Approved before the case's clock started, it gave the acceptance more time; the
    case's limit, counted from acceptance, is not extended and the panel does not say so."""
    with travel(at("2026-03-02", 10)):
        case = submit(world["citizen.wang"], PASSPORT)
        acceptance = open_task(case, "Task_accept")
        workflow_services.claim_task(actor=world["ga.window"], task_id=acceptance.pk)
    extension = _ask(world, acceptance, who="ga.window")
    with travel(NOW):
        extensions.decide_extension(actor=world["ga.lead"], extension_id=extension.pk, approve=True)
    with travel(at("2026-03-05", 10)):
        decide(world["ga.window"], acceptance, "accept", claim=False)
        response = signed_in(world["citizen.wang"]).get(f"/cases/{case.number}/")
    panel = text(response)
    assert "Window acceptance was given 2 more working days" in panel
    assert "Extended by 2 working days" not in panel


@pytest.mark.parametrize(
    ("who", "decides"),
    [
        ("ga.lead", True),
        ("supervisor", True),
        ("ga.window", False),
        ("ga.review", False),
        ("ga.admin", False),
        ("admin", False),  # a platform admin watches time limits, decides no extension
    ],
)
def test_the_extensions_page_is_for_those_who_decide_them(world, who, decides):
    with travel(at("2026-03-02", 10)):
        client = signed_in(world[who])
        page = client.get("/cases/extensions/")
        home = client.get("/cases/inbox/").content.decode()
    assert page.status_code == (200 if decides else 404)
    assert ('href="/cases/extensions/"' in home) == decides  # the header's link with it


def test_a_refused_request_stays_on_the_steps_page_with_its_reason(world, review):
    """The refusal was told in a notice only, and gone from every page of the case."""
    extension = _ask(world, review)
    with travel(at("2026-03-04", 9)):
        extensions.decide_extension(
            actor=world["ga.lead"],
            extension_id=extension.pk,
            approve=False,
            comment="材料齐全，无需延期",
        )
        page = signed_in(world["ga.review"]).get(f"/cases/tasks/{review.pk}/").content
    [refused] = lxml.html.fromstring(page).xpath("//ul[contains(@class, 'refused-extensions')]/li")
    lead = world["ga.lead"].full_name
    assert " ".join(refused.text_content().split()) == (
        f"Refused on 2026-03-04 09:00 by {lead}: 2 more working days. Reason: 材料齐全，无需延期"
    )
