"""The supervisor's page (supervision/views.py), on the ``late`` fixture's cases, read
in English at Tue 2026-03-10 09:00."""

import re
from html import unescape

import lxml.html
import pytest

from onewindow.cases.models import Case
from onewindow.cases.tests.conftest import open_task
from onewindow.cases.tests.timekit import at, signed_in, text, travel
from onewindow.conftest import proposed_chinese
from onewindow.core.testing import chinese_in, on_english_page
from onewindow.identity.models import Department
from onewindow.supervision.queries import late_cases
from onewindow.supervision.tests.conftest import NOW, ask_for_a_supplement, give_the_review_time
from onewindow.workflow import services as workflow_services
from onewindow.workflow.models import WorkTask

pytestmark = pytest.mark.single_pass

URL = "/supervision/time-limits/"


def numbers(response):
    return re.findall(r'class="mono" href="/cases/([^/"]+)/"', response.content.decode())


def test_the_supervisor_sees_every_late_case_by_department(world, late):
    with travel(NOW):
        response = signed_in(world["supervisor"]).get(URL)
    assert response.status_code == 200
    # The tab says what the heading does.
    assert "<title>Overdue and at-risk cases" in response.content.decode()
    words = text(response)
    assert "3 overdue and 1 at risk, by department" in words
    assert "Shanghai Municipal Public Security Bureau (2 overdue, 1 at risk)" in words
    assert "(1 overdue, 0 at risk)" in words
    assert numbers(response) == [
        late["most_overdue"].number,
        late["overdue"].number,
        late["at_risk"].number,
        late["adoption"].number,
    ]
    # The clock in words, the step with its holder, and where the time went.
    assert "Overdue · due by the end of 2026-03-04 · Overdue by 4 working days." in words
    assert "Due soon · due by the end of 2026-03-11 · 1 working day left of 5." in words
    assert "Review · Shanghai Municipal Public Security Bureau · 刘洋" in words
    assert "Shanghai Municipal Public Security Bureau · 刘洋 · 5.00 working days" in words
    assert "Review · Shanghai Municipal Public Security Bureau · Department inbox" in words
    assert late["on_time"].number not in response.content.decode()


def test_a_lead_sees_their_department_and_its_late_steps_elsewhere(world, late):
    with travel(NOW):
        response = signed_in(world["ga.lead"]).get(URL)
    assert response.status_code == 200
    # 公安's three cases, and 民政's adoption case where 公安's review is late.
    assert "3 overdue and 1 at risk" in text(response)
    assert numbers(response)[-1] == late["adoption"].number
    with travel(NOW):
        response = signed_in(world["mz.lead"]).get(URL)
    assert numbers(response) == [late["adoption"].number]


def test_nothing_late_says_so(world):
    with travel(NOW):
        response = signed_in(world["supervisor"]).get(URL)
    assert "No case is overdue or at risk." in text(response)


@pytest.mark.parametrize("who", ["ga.window", "ga.review", "ga.admin", "citizen.wang"])
def test_others_get_404(world, late, who):
    with travel(NOW):
        assert signed_in(world[who]).get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def row_of(response, number: str) -> str:
    """The words of the table row of case ``number``."""
    rows = re.findall(r"<tr>.*?</tr>", response.content.decode(), re.S)
    [row] = [r for r in rows if f"/cases/{number}/" in r]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row))).strip()


def test_a_row_names_the_step_whose_clock_it_shows(world, late):
    """The case stopped for 公安's supplement while 卫健's and 医保's reviews run late:
    the row's clock is one of those, and says so; the passport's review is late too."""
    ask_for_a_supplement(world, late["adoption"], "Task_review_ga", "ga.review")
    [_ga, mz] = late_cases(world["supervisor"], NOW)
    step = mz.cases[0].clock_task
    assert step.department.code in {"310000-WJ", "310000-YB"}
    with travel(NOW):
        response = signed_in(world["supervisor"]).get(URL)
    adoption = row_of(response, late["adoption"].number)
    named = f"Step: {step.name_en} · {step.department.name_en}"  # "Health review · …"
    assert f"{named} Overdue · due by the end of 2026-03-05" in adoption
    # The applicant reads "stopped for a supplement": the row says why this clock runs.
    assert "The case waits for the applicant's supplement" in adoption
    police = "Shanghai Municipal Public Security Bureau"
    assert f"Step: Review · {police} Overdue · due by the end of 2026-03-04" in row_of(
        response, late["most_overdue"].number
    )


def test_a_row_showing_the_cases_own_clock_says_so(world, late):
    give_the_review_time(late["overdue"])
    with travel(NOW):
        response = signed_in(world["supervisor"]).get(URL)
    row = row_of(response, late["overdue"].number)
    assert "Whole case Due soon · due by the end of 2026-03-11" in row
    assert "supplement" not in row


@pytest.mark.parametrize(
    ("language", "police"), [("en", "Shanghai Municipal Public Security Bureau"), ("zh-hans", "")]
)
def test_each_table_is_named_by_its_departments_heading(world, late, language, police):
    with travel(NOW):
        client = signed_in(world["supervisor"])
        client.cookies["django_language"] = language
        html = client.get(URL).content.decode()
    tables = re.findall(r"<table\b[^>]*>", html)
    assert len(tables) == 2
    names = []
    for table in tables:
        [labelled_by] = re.findall(r'aria-labelledby="([^"]+)"', table)
        heading = re.search(rf'<h2 id="{re.escape(labelled_by)}">(.*?)</h2>', html, re.S)
        assert heading is not None, labelled_by
        names.append(re.sub(r"<[^>]+>", "", heading.group(1)))
    if language == "en":
        assert names[0] == f"{police} (2 overdue, 1 at risk)"
    else:
        chinese = Department.objects.get(code="310000-GA").name
        assert names[0].startswith(chinese) and "overdue" not in names[0]


WHOSE = "whose time limit a row of the supervisor's page shows"
# Until the catalogue has them (the report proposes these).
PROPOSED_ZH = {
    f"{WHOSE}\x04Step: %(step)s · %(department)s": "环节：%(step)s · %(department)s",
    f"{WHOSE}\x04Whole case": "办件整体",
}


def test_the_step_is_named_in_chinese_too(world, late):
    with travel(NOW):
        client = signed_in(world["supervisor"])
        client.cookies["django_language"] = "zh-hans"
        with proposed_chinese(PROPOSED_ZH):
            response = client.get(URL)
    police = Department.objects.get(code="310000-GA").name
    assert f"环节：审核 · {police} 已超期" in row_of(response, late["most_overdue"].number)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_names_without_english_and_officers_chinese_names_are_marked(world, late, language):
    """What an English page shows in Chinese for want of English (a department's, a
    step's, a service's name) or as typed (an officer's name) is marked as Chinese, so
    that a screen reader reads it with a Chinese voice."""
    Department.objects.update(name_en="")
    WorkTask.objects.update(name_en="")
    Case.objects.update(service_name_en="")
    with travel(NOW):
        client = signed_in(world["supervisor"])
        client.cookies["django_language"] = language
        page = lxml.html.fromstring(client.get(URL).content)
    police = Department.objects.get(code="310000-GA").name
    case = late["overdue"]
    step, officer = open_task(case, "Task_review").name, world["ga.review"].full_name
    [heading] = page.xpath("//h2[@id='dept-310000-GA']")
    assert chinese_in(heading) == on_english_page(language, police)
    [row] = page.xpath(f"//tr[th/a[@href='/cases/{case.number}/']]")
    assert chinese_in(row) == on_english_page(
        language,
        case.service_name,
        step,  # the clock shown: the step's
        police,
        step,  # the current step and its holder
        police,
        officer,
        police,  # where the time went
        officer,
    )


def test_a_step_waiting_for_the_applicant_is_theirs_though_an_officer_claimed_it(world, late):
    review = open_task(late["adoption"], "Task_review_ga")
    with travel(at("2026-03-03", 8)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=review.pk)
    ask_for_a_supplement(world, late["adoption"], "Task_review_ga", "ga.review")
    with travel(NOW):
        response = signed_in(world["supervisor"]).get(URL)
    adoption = row_of(response, late["adoption"].number)
    assert "Applicant (supplement)" in adoption
    assert world["ga.review"].full_name not in adoption


def test_the_list_is_paged_most_urgent_first(world, late, monkeypatch):
    from onewindow.supervision import queries

    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    with travel(NOW):
        client = signed_in(world["supervisor"])
        first, second = client.get(URL), client.get(URL + "?page=2")
    assert (
        "4 cases have a late clock. They are listed by when their latest clock ends, the most "
        "overdue first, 3 a page; the figures above count this page's."
    ) in text(first)
    assert "Page 1 of 2" in text(first) and 'rel="next" href="?page=2"' in first.content.decode()
    assert len(numbers(first)) == 3
    [last] = numbers(second)
    assert sorted([*numbers(first), last]) == sorted(
        late[name].number for name in ("most_overdue", "overdue", "at_risk", "adoption")
    )
    assert "<title>Overdue and at-risk cases (page 2)" in second.content.decode()


def test_a_department_narrows_the_list_and_the_result_takes_the_focus(world, late):
    with travel(NOW):
        client = signed_in(world["supervisor"])
        response = client.get(URL + "?department=310000-MZ")
    page = lxml.html.fromstring(response.content)
    [chosen] = page.xpath('//select[@id="id_department"]/option[@selected]')
    assert chosen.get("value") == "310000-MZ"
    assert page.xpath('//label[@for="id_department"]')
    [found] = page.xpath('//p[@id="late-results"]')
    assert found.get("autofocus") is not None and found.get("tabindex") == "-1"
    assert "1 late case of Shanghai Municipal Civil Affairs Bureau or with a late step there." in (
        text(response)
    )
    assert numbers(response) == [late["adoption"].number]


def test_the_filter_offers_only_departments_the_user_supervises(world, late):
    with travel(NOW):
        supervisor = signed_in(world["supervisor"]).get(URL)
        lead = signed_in(world["mz.lead"]).get(URL + "?department=310000-GA")
    offered = lxml.html.fromstring(supervisor.content).xpath(
        '//select[@id="id_department"]/option/@value'
    )
    # Of the city's 54 departments, those with late work and the city above them: 公安
    # and 民政 with late cases, 卫健 and 医保 with late steps of 民政's adoption.
    assert offered == ["", "310000", "310000-GA", "310000-MZ", "310000-WJ", "310000-YB"]
    # 民政's lead supervises one department: no filter, and another's code in the
    # address lists what they see anyway, not 公安's cases.
    assert not lxml.html.fromstring(lead.content).xpath('//select[@id="id_department"]')
    assert numbers(lead) == [late["adoption"].number]


def test_a_chosen_department_with_nothing_late_left_stays_offered(world, late):
    """Its cases decided since the page was filtered by it: the filter still shows it
    chosen, and "Any" to go back."""
    with travel(NOW):
        client = signed_in(world["supervisor"])
        response = client.get(URL + "?department=310000-RS")
        unfiltered = client.get(URL)
    page = lxml.html.fromstring(response.content)
    [chosen] = page.xpath('//select[@id="id_department"]/option[@selected]')
    assert chosen.get("value") == "310000-RS"
    assert "310000-RS" not in unfiltered.content.decode()
    assert numbers(response) == []
