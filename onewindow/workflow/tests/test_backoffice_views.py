"""The processes' back office (workflow/backoffice_views.py): department admins list the
processes, read a version's lanes and steps, download its files and upload the next
version; a refused file's problems are listed element by element and nothing is stored."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.conftest import holder_logged_in, make_user
from onewindow.identity.roles import Role
from onewindow.workflow import engine, runs
from onewindow.workflow.engine import ProcessError
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import (
    UNKNOWN_LANE,
    expression_and_unknown_lane,
    read_malicious,
    read_process,
    stored_before_the_check,
    upload,
)

pytestmark = pytest.mark.single_pass

LIST = reverse("processes:list")
UPLOAD = reverse("processes:upload")


def a_file(text: str | bytes, name: str = "permit.bpmn") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="application/xml")


def admin_of(city, where="GA", role=Role.DEPARTMENT_ADMIN):
    client, user = holder_logged_in(role, city[where])
    client.cookies["django_language"] = "en"
    return client, user


def permit(**extra):
    return {
        "key": "permit",
        "name": "护照审批",
        "bpmn": a_file(read_process("single_department.bpmn")),
        **extra,
    }


def test_an_admin_uploads_a_process_and_then_its_next_version(city):
    client, admin = admin_of(city)
    response = client.post(UPLOAD, permit())
    assert response.status_code == 302
    assert response["Location"] == reverse("processes:process", args=["permit"])
    assert "Version 1 of permit is uploaded" in client.get(response["Location"]).content.decode()
    # The next version's form starts from the process's key and name.
    form = client.get(UPLOAD, {"key": "permit"}).context["form"]
    assert form.initial == {"key": "permit", "name": "护照审批"}
    # The same file again changes nothing: the page says so and stores nothing.
    same = client.post(UPLOAD, permit())
    assert same.status_code == 409
    assert "same as version 1; nothing was stored" in same.content.decode()
    # A new name is a change, though the files are the same.
    renamed = client.post(UPLOAD, permit(name="普通护照签发"))
    assert renamed.status_code == 302
    assert ProcessDefinition.objects.get(key="permit", version=2).name == "普通护照签发"
    longer = read_process("single_department.bpmn").replace(
        'name="time_limit" value="5"', 'name="time_limit" value="8"'
    )
    assert client.post(UPLOAD, permit(bpmn=a_file(longer))).status_code == 302
    stored = ProcessDefinition.objects.get(key="permit", version=3)
    assert stored.created_by == admin and stored.bpmn_xml == longer
    uploads = AuditEvent.objects.filter(action="workflow.definition_uploaded", outcome="success")
    assert list(uploads.values_list("actor_id", flat=True)) == [admin.pk] * 3


def test_the_upload_page_says_which_elements_the_platform_runs(city):
    client, _admin = admin_of(city)
    page = client.get(UPLOAD).content.decode()
    assert "<summary>Elements the platform runs</summary>" in page
    assert "parallel gateways for departments reviewing at the same time" in page
    assert "Assignees and candidate groups (the lane decides)" in page  # refused, and why
    # The name asked for is the Chinese one; the English comes from the file.
    assert "In Chinese. English pages name the process by its process element" in page
    client.cookies["django_language"] = "zh-hans"
    assert "<summary>平台可运行的元素</summary>" in client.get(UPLOAD).content.decode()


def test_a_refused_file_lists_its_problems_by_element_and_stores_nothing(city):
    client, _admin = admin_of(city)
    response = client.post(UPLOAD, permit(bpmn=a_file(read_malicious("send_task.bpmn"))))
    assert response.status_code == 422
    [problem] = response.context["problems"]
    assert (problem.element, problem.element_id, problem.source) == ("sendTask", "Task_2", "")
    page = response.content.decode()
    assert "Problems found, element by element" in page
    assert "Unsupported BPMN element sendTask (id Task_2)." in page
    # Beside the id, the name the step has on the canvas, marked as Chinese.
    assert '<th scope="col">Name in the diagram</th>' in page
    assert '<td><span lang="zh-Hans">发送通知</span></td>' in page
    assert not ProcessDefinition.objects.exists()


def test_a_hostile_decision_table_is_listed_under_its_own_file(city):
    client, _admin = admin_of(city, "root", Role.PLATFORM_ADMIN)
    body = {
        "key": "routing",
        "name": "x",
        "bpmn": a_file(read_process("dmn_routing.bpmn")),
        "dmn": [a_file(read_malicious("import_output.dmn"), "routing.dmn")],
    }
    response = client.post(UPLOAD, body)
    assert response.status_code == 422
    assert {problem.source for problem in response.context["problems"]} == {"routing.dmn"}
    assert not ProcessDefinition.objects.exists()


def test_a_lane_naming_no_department_is_a_problem_of_that_lane(city):
    client, _admin = admin_of(city, "root", Role.PLATFORM_ADMIN)
    text = read_process("single_department.bpmn").replace("310000-GA/", "310000-XX/")
    response = client.post(UPLOAD, permit(bpmn=a_file(text)))
    assert response.status_code == 422
    problems = response.context["problems"]
    assert {(p.element, p.element_id) for p in problems} == {
        ("lane", "Lane_window"),
        ("lane", "Lane_review"),
    }
    assert "names department 310000-XX, which does not exist" in str(problems[0].message)
    # The page shows each lane's id, as it does for a lane that names no officer role.
    page = response.content.decode()
    assert (
        '<td class="mono">lane</td><td>310000-XX/window_officer</td>'
        '<td class="mono">Lane_window</td>'
    ) in page


def test_a_refused_expression_and_an_unknown_lane_are_listed_together(city):
    """As the page promises: every problem in one round, not the lane after the expression."""
    client, _admin = admin_of(city)
    response = client.post(UPLOAD, permit(bpmn=a_file(expression_and_unknown_lane())))
    assert response.status_code == 422
    problems = response.context["problems"]
    assert [(p.element, p.element_id) for p in problems] == [
        ("sequenceFlow", "Flow_cond"),
        ("lane", "Lane_1"),
    ]
    page = response.content.decode()
    assert "Correct these 2 problems in the modeler" in page
    assert "“__import__” cannot be used in process expressions" in page
    assert UNKNOWN_LANE in page
    assert not ProcessDefinition.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"bpmn": a_file(b"\xff\xfe<")}, "bpmn", "The file is not UTF-8 text."),
        (
            {"key": "护照"},
            "key",
            "Use only lower-case letters, digits, hyphens and underscores, starting with a "
            "letter or a digit.",
        ),
        ({"key": "Permit"}, "key", "Use only lower-case letters"),
        ({"key": "-permit"}, "key", "starting with a letter or a digit"),
        (
            {"dmn": [a_file("<a/>", "same.dmn"), a_file("<b/>", "same.dmn")]},
            "dmn",
            "Two files are named same.dmn.",
        ),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_stored(city, body, field, message):
    client, _admin = admin_of(city)
    response = client.post(UPLOAD, permit(**body))
    assert response.status_code == 422
    assert any(message in error for error in response.context["form"].errors[field])
    assert not ProcessDefinition.objects.exists()


def test_the_key_s_own_message_speaks_chinese(city, chinese):
    client, _admin = admin_of(city)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(UPLOAD, permit(key="护照"))
    [message] = response.context["form"].errors["key"]
    assert message == "只能使用小写字母、数字、连字符和下划线，并以字母或数字开头。"
    assert "slug" not in response.content.decode() and "字段" not in message


def test_an_admin_of_another_department_is_refused_and_the_refusal_audited(city):
    client, admin = admin_of(city, "SJ")
    response = client.post(UPLOAD, permit())
    assert response.status_code == 403
    # The department it lacks is named, as the reader's language names it.
    assert [str(m) for m in response.context["form"].non_field_errors()] == [
        "Only an admin of every department in the process's lanes may upload it; you are "
        "not an admin of Department 310000-GA."
    ]
    # The page's error summary says so, and its title first (core.middleware).
    assert "<title>Error: Upload a process · OneWindow</title>" in response.content.decode()
    assert not ProcessDefinition.objects.exists()
    refusal = AuditEvent.objects.get(action="workflow.definition_uploaded")
    assert (refusal.actor_id, refusal.outcome) == (admin.pk, "denied")
    assert refusal.detail["not_managed"] == ["310000-GA"]


def test_a_refusal_names_only_the_departments_the_uploader_does_not_manage(city, chinese):
    """newborn.bpmn's lanes name several bureaus; an admin of one of them lacks the rest."""
    client, _admin = admin_of(city, "GA")
    client.cookies["django_language"] = "zh-hans"
    body = permit(key="newborn", bpmn=a_file(read_process("newborn.bpmn")))
    response = client.post(UPLOAD, body)
    assert response.status_code == 403
    [message] = [str(m) for m in response.context["form"].non_field_errors()]
    assert message.startswith("只有该流程所有泳道所涉部门的管理员才能上传该流程；您不是部门310000-")
    assert message.endswith("的管理员。")
    assert "部门310000-GA" not in message and "部门310000-WJ、部门310000-YB" in message


def test_a_file_that_is_not_xml_says_where_in_plain_words(city, chinese):
    client, _admin = admin_of(city)
    response = client.post(UPLOAD, permit(bpmn=a_file("这不是 XML")))
    assert response.status_code == 422
    [problem] = response.context["problems"]
    assert str(problem.message) == "The file is not well-formed XML (line 1, column 1)."
    assert "Start tag expected" not in response.content.decode()
    client.cookies["django_language"] = "zh-hans"
    truncated = read_process("single_department.bpmn")[:300]
    response = client.post(UPLOAD, permit(bpmn=a_file(truncated)))
    [problem] = response.context["problems"]
    assert str(problem.message).startswith("文件不是格式正确的 XML（第 ")


def test_a_refused_expression_is_said_in_chinese_on_the_page(city, chinese):
    client, _admin = admin_of(city)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(UPLOAD, permit(bpmn=a_file(read_malicious("import_condition.bpmn"))))
    assert response.status_code == 422
    page = response.content.decode()
    assert "流程表达式中不能使用“__import__”。" in page
    assert "invalid variable name" not in page and "not allowed in process expressions" not in page


def test_the_list_shows_each_process_with_its_newest_version(city):
    upload("permit", "single_department.bpmn")
    upload("permit", "single_department.bpmn")
    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _admin = admin_of(city)
    rows = client.get(LIST).context["processes"]
    assert [(r.newest.key, r.newest.version, r.versions) for r in rows] == [
        ("permit", 2, 2),
        ("routing", 1, 1),
    ]


def test_a_version_shows_its_lanes_steps_and_the_runs_of_each_version(city):
    first = upload("permit", "single_department.bpmn")
    upload("permit", "single_department.bpmn")
    from onewindow.workflow import services

    services.start_instance(definition=first, data={}, actor=None)
    client, _admin = admin_of(city)
    page = client.get(reverse("processes:process", args=["permit"]))
    assert page.context["shown"].version == 2
    outline = page.context["outline"]
    assert {(lane.department_code, lane.role) for lane in outline.lanes} == {
        ("310000-GA", "window_officer"),
        ("310000-GA", "reviewing_officer"),
    }
    assert all(lane.department == city["GA"] for lane in outline.lanes)
    assert outline.steps and all(step.lane for step in outline.steps)
    runs_by_version = {v.version: (v.runs, v.running) for v, _uses in page.context["uses"].versions}
    assert runs_by_version == {2: (0, 0), 1: (1, 1)}
    older = client.get(reverse("processes:process", args=["permit"]), {"version": "1"})
    assert older.context["shown"] == first
    for missing in ({"version": "9"}, {"version": "x"}):
        assert client.get(reverse("processes:process", args=["permit"]), missing).status_code == 404
    assert client.get(reverse("processes:process", args=["nothing"])).status_code == 404


def test_a_version_lists_the_case_data_it_reads(city):
    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _admin = admin_of(city)
    page = client.get(reverse("processes:process", args=["routing"]))
    assert [entry.name for entry in page.context["outline"].reads] == ["amount", "applicant_age"]
    # The decision tables' labels, the city's Chinese, are marked so on an English page.
    assert (
        'amount (<span lang="zh-Hans">申请金额（元）</span>), '
        'applicant_age (<span lang="zh-Hans">申请人年龄</span>)'
    ) in page.content.decode()


def test_a_version_that_no_longer_loads_still_shows_its_versions(city, monkeypatch):
    upload("permit", "single_department.bpmn")

    def broken(definition):
        raise ProcessError("gone")

    monkeypatch.setattr(runs, "spec_of", broken)
    client, _admin = admin_of(city)
    page = client.get(reverse("processes:process", args=["permit"]))
    assert page.status_code == 200 and page.context["outline"] is None
    assert "can no longer be loaded" in page.content.decode()


def test_a_version_s_diagram_names_its_lanes_by_department_and_marks_nothing(city):
    upload("permit", "single_department.bpmn")
    client, _admin = admin_of(city)
    url = reverse("processes:diagram", args=["permit", 1])
    [drawn] = client.get(url).json()["diagrams"]
    assert drawn["plain"] and drawn["drawn"] == "permit v1"
    assert drawn["xml"] == read_process("single_department.bpmn")
    assert drawn["completed"] == drawn["current"] == drawn["taken_flows"] == []
    department = city["GA"].name_en  # the page is read in English
    assert drawn["names"]["Lane_window"].startswith(department)
    assert drawn["summary"].startswith("Steps: ")
    assert client.get(reverse("processes:diagram", args=["permit", 2])).status_code == 404


def test_a_version_that_no_longer_loads_has_no_diagram(city, monkeypatch):
    upload("permit", "single_department.bpmn")

    def broken(definition):
        raise ProcessError("gone")

    monkeypatch.setattr(runs, "spec_of", broken)
    client, _admin = admin_of(city)
    response = client.get(reverse("processes:diagram", args=["permit", 1]))
    assert response.status_code == 409 and response.json()["code"] == "diagram_unavailable"


def test_a_version_s_files_download_as_uploaded(city):
    definition = upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _admin = admin_of(city)

    def download(name):
        return client.get(reverse("processes:download", args=["routing", 1, name]))

    bpmn = download("process.bpmn")
    assert bpmn.content.decode() == definition.bpmn_xml
    assert bpmn["Content-Disposition"] == 'attachment; filename="routing-v1-process.bpmn"'
    assert download("routing.dmn").content.decode() == read_process("routing.dmn")
    assert download("other.dmn").status_code == 404
    assert (
        client.get(reverse("processes:download", args=["routing", 2, "process.bpmn"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("role", "where", "allowed", "upload_status"),
    [
        (Role.DEPARTMENT_ADMIN, "GA", True, 302),  # the lanes' department
        (Role.DEPARTMENT_ADMIN, "SJ", True, 403),  # sees every process; uploads its own
        (Role.PLATFORM_ADMIN, "root", True, 302),
        (Role.WINDOW_OFFICER, "GA", False, 404),
        (Role.REVIEWING_OFFICER, "GA", False, 404),
    ],
)
def test_only_admins_see_the_back_office(city, role, where, allowed, upload_status):
    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _user = admin_of(city, where, role)
    urls = [
        LIST,
        UPLOAD,
        reverse("processes:process", args=["routing"]),
        reverse("processes:download", args=["routing", 1, "process.bpmn"]),
        reverse("processes:diagram", args=["routing", 1]),
        reverse("processes:trial", args=["routing", 1]),
    ]
    assert {client.get(url).status_code for url in urls} == ({200} if allowed else {404})
    assert client.post(UPLOAD, permit()).status_code == upload_status
    trial = client.post(reverse("processes:trial", args=["routing", 1]), {"case_data": "{}"})
    assert trial.status_code == (200 if allowed else 404)


def test_citizens_and_strangers_do_not_reach_it(client, city):
    assert client.get(LIST).status_code == 302  # to the login page
    client.force_login(make_user())
    assert client.get(LIST).status_code == 404
    assert client.post(UPLOAD, permit()).status_code == 404
    assert not ProcessDefinition.objects.exists()


def test_the_officer_workspace_links_admins_to_it(city):
    client, _admin = admin_of(city)
    assert LIST in client.get(reverse("identity:officer_home")).content.decode()
    officer, _user = admin_of(city, "GA", Role.WINDOW_OFFICER)
    assert LIST not in officer.get(reverse("identity:officer_home")).content.decode()


def test_the_pages_speak_chinese(city):
    upload("permit", "single_department.bpmn")
    client, _admin = admin_of(city)
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        page = client.get(reverse("processes:process", args=["permit"])).content.decode()
        refused = client.post(UPLOAD, permit(bpmn=a_file(read_malicious("send_task.bpmn"))))
    assert "上传下一版本" in page and "泳道" in page
    assert "不支持的 BPMN 元素" in refused.content.decode()


def test_an_empty_post_names_what_is_missing(city):
    client, _admin = admin_of(city)
    response = client.post(UPLOAD, {})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"key", "name", "bpmn"}


def test_a_process_is_called_by_its_english_name_on_english_pages(city):
    definition = upload("permit", "single_department.bpmn")
    assert definition.name_en == "Single-department approval"  # the file's process name_en
    client, _admin = admin_of(city)
    listed = client.get(LIST).content.decode()
    assert "Single-department approval" in listed
    client.cookies["django_language"] = "zh-hans"
    assert "Single-department approval" not in client.get(LIST).content.decode()


def test_versions_stored_before_name_en_get_it_from_their_file():
    from importlib import import_module

    migration = import_module("onewindow.workflow.migrations.0006_process_name_en")
    assert migration.process_name_en(read_process("newborn.bpmn")) == (
        "Birth of a newborn (one-stop service)"
    )
    without = read_process("single_department.bpmn").replace('name="name_en"', 'name="other"')
    assert migration.process_name_en(without) == ""
    assert migration.process_name_en("<not xml") == ""


def test_a_trial_shows_the_route_and_draws_it(city):
    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _admin = admin_of(city)
    url = reverse("processes:trial", args=["routing", 1])
    empty = client.get(url)
    assert empty.status_code == 200 and empty.context["trial"] is None
    assert empty.context["drawing"] is None
    assert "outcome_Task_second_review" in empty.context["form"].fields
    # What to give: the names the decision table reads, with their labels.
    hint = empty.context["form"]["case_data"].help_text
    assert "This version reads: amount (申请金额（元）), applicant_age (申请人年龄)" in hint
    asked = {
        "case_data": '{"amount": 90000, "applicant_age": 30}',
        "outcome_Task_review": "approve",
    }
    page = client.post(url, asked)
    assert [step.number for step in page.context["steps"]] == [1, 2, 3]
    assert page.context["ending"] == "The process reached its end at Case closed."
    assert "Department 310101-MZ" in page.context["steps"][0].department
    # The diagram is drawn from the same run, embedded in the page for its script.
    [drawn] = page.context["drawing"]["diagrams"]
    assert not drawn["plain"] and "Task_second_review" in drawn["completed"]
    assert drawn["taken_flows"] and drawn["current"] == []
    assert drawn["summary"].startswith("Steps taken: ")
    html = page.content.decode()
    assert 'id="trial-drawing"' in html and 'data-diagram-data="trial-drawing"' in html


def test_a_trial_that_ends_names_its_end_event_in_the_page_s_language(city, chinese):
    upload("permit", "single_department.bpmn")
    client, _admin = admin_of(city)
    url = reverse("processes:trial", args=["permit", 1])
    refused = {"case_data": "{}", "outcome_Task_accept": "not_accepted"}
    page = client.post(url, refused)
    assert page.context["ending"] == "The process reached its end at Not accepted."
    assert "The process reached its end at Not accepted." in page.content.decode()
    assert page.context["drawing"]["diagrams"][0]["summary"].endswith(
        "The process reached its end at Not accepted."
    )
    client.cookies["django_language"] = "zh-hans"
    chinese_page = client.post(url, refused)
    assert chinese_page.context["ending"] == "流程在“不予受理”处结束。"


def test_a_trial_takes_case_data_longer_than_a_request_line(city):
    """Gunicorn refuses request lines over 4,094 bytes; a trial's data is posted, up to
    the task data limit the engine sets."""
    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _admin = admin_of(city)
    data = json.dumps(
        {"amount": 1000, "applicant_age": 30, "notes": "说明" * 3000}, ensure_ascii=False
    )
    assert 4094 < len(data.encode()) < engine.MAX_DATA_BYTES
    page = client.post(reverse("processes:trial", args=["routing", 1]), {"case_data": data})
    assert page.status_code == 200
    assert page.context["ending"] == "The process reached its end at Case closed."


def test_a_trial_with_data_that_is_not_a_json_object_says_so(city):
    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _admin = admin_of(city)
    url = reverse("processes:trial", args=["routing", 1])
    for data, message in (
        ("{amount", "This is not JSON"),
        ("[1]", "Give one JSON object"),
        ('{"amount": NaN}', "NaN, Infinity and -Infinity are not JSON numbers."),
    ):
        page = client.post(url, {"case_data": data})
        assert page.status_code == 422 and page.context["trial"] is None
        assert page.context["drawing"] is None
        assert message in page.context["form"].errors["case_data"][0]


def test_a_trial_is_asked_by_post_not_by_the_query_string(city):
    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _admin = admin_of(city)
    page = client.get(reverse("processes:trial", args=["routing", 1]), {"case_data": "{}"})
    assert page.status_code == 200 and page.context["trial"] is None


def test_a_failed_trial_names_its_reason(city):
    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _admin = admin_of(city)
    page = client.post(
        reverse("processes:trial", args=["routing", 1]), {"case_data": '{"amount": 10}'}
    )
    # Where, as the diagram names it (the English page: the file's name_en), and its id.
    assert page.context["ending"] == (
        "The process stopped at Decide if a second review is needed (Task_rules)."
    )
    # What the data lacked, said plainly; the rule's own error kept for whoever wrote it.
    assert [str(entry) for entry in page.context["missing"]] == ["applicant_age (申请人年龄)"]
    assert "applicant_age" in page.context["trial"].detail
    client.cookies["django_language"] = "zh-hans"
    chinese = client.post(
        reverse("processes:trial", args=["routing", 1]), {"case_data": '{"amount": 10}'}
    )
    assert "Task_rules" in chinese.context["ending"] and "判定复核要求" in chinese.context["ending"]


def test_a_trial_stopped_by_a_value_of_the_wrong_kind_says_so_plainly(city, chinese):
    """Text where the decision table compares a number: the reason is said in the page's
    language, naming the rule, the expression and the value's kind; the engine's own
    message stays folded beneath it."""
    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _admin = admin_of(city)
    url = reverse("processes:trial", args=["routing", 1])
    data = {"case_data": '{"amount": "abc", "applicant_age": 30}'}
    page = client.post(url, data)
    reason = (
        "Rule 1 of the decision table (“amount &gt; 50000”) cannot be evaluated on the case "
        "data given: amount = “abc” (text)."
    )
    html = page.content.decode()
    assert f"<p>{reason}</p>" in html
    assert html.index(reason) < html.index('class="mono trial-detail"')
    assert "Error evaluating expression" in page.context["trial"].detail
    assert page.context["missing"] == []  # it gave every name; one was of the wrong kind
    client.cookies["django_language"] = "zh-hans"
    chinese_page = client.post(url, data)
    assert chinese_page.context["trial"].reason == (
        "决策表第 1 条规则（“amount > 50000”）无法按所给的办件数据求值：amount = “abc”（文本）。"
    )


def test_a_trial_missing_a_name_says_which_rule_reads_it(city):
    upload("routing", "dmn_routing.bpmn", "routing.dmn")
    client, _admin = admin_of(city)
    url = reverse("processes:trial", args=["routing", 1])
    page = client.post(url, {"case_data": '{"amount": 10}'})
    assert page.context["trial"].reason == (
        "Rule 2 of the decision table (“applicant_age < 18”) reads applicant_age, which the "
        "case data does not give."
    )


def test_a_version_today_s_checks_refuse_says_so_on_its_page(city):
    client, _admin = admin_of(city)
    upload("permit", "single_department.bpmn")
    clean = client.get(reverse("processes:process", args=["permit"])).content.decode()
    assert "Refused by today" not in clean
    stored_before_the_check(ProcessDefinition.objects.get(key="permit"))
    page = client.get(reverse("processes:process", args=["permit"])).content.decode()
    assert "Refused by today's upload checks" in page
    assert "userTask Task_accept sets camunda:candidateGroups, which is not read here" in page
    assert "Try this version" in page  # it still loads, for its cases
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("processes:process", args=["permit"])).content.decode()
    assert "按现行上传检查将被拒绝" in page
    assert "userTask Task_accept 设置了 camunda:candidateGroups，本平台不读取" in page
