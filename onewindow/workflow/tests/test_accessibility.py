"""The processes' back office for keyboard and screen reader users, in both languages:
its tables scroll sideways in regions the keyboard reaches, the Chinese name and the
city's other Chinese (decision tables' labels and values, steps and departments without
English names, uploaders' names) are marked as Chinese, and each page's title names the
process as its heading does."""

from __future__ import annotations

import re

import lxml.html
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from onewindow.core.testing import chinese_in, on_english_page, table_regions
from onewindow.identity.models import Department
from onewindow.workflow import services
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process
from onewindow.workflow.tests.test_backoffice_views import admin_of

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def single_department() -> ProcessDefinition:
    """The demo's process, named as the demo names it (its English name is the file's)."""
    return services.upload_definition(
        actor=None,
        key="single_department",
        name="单部门审批",
        bpmn_xml=read_process("single_department.bpmn"),
    )


def title_of(html: bytes) -> str:
    found = re.search(r"<title>(.*?)</title>", html.decode(), re.S)
    assert found
    return " ".join(found.group(1).split())


PROCESS = reverse("processes:process", args=["single_department"])
TRIAL = reverse("processes:trial", args=["single_department", 1])


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("en", ["Lanes: who works on it", "Steps officers decide", "Versions"]),
        ("zh-hans", ["泳道：由谁办理", "由工作人员决定的步骤", "版本"]),
    ],
)
def test_a_versions_tables_scroll_in_regions_named_by_their_captions(city, language, names):
    single_department()
    client, _admin = admin_of(city)
    client.cookies["django_language"] = language
    assert table_regions(client.get(PROCESS).content) == names
    assert len(table_regions(client.get(reverse("processes:list")).content)) == 1
    tried = client.post(TRIAL, {"case_data": "{}", "outcome_Task_accept": "not_accepted"})
    assert len(table_regions(tried.content)) == 1


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_chinese_name_is_marked_chinese_and_the_english_english(city, language):
    single_department()
    client, _admin = admin_of(city)
    client.cookies["django_language"] = language
    page = lxml.html.fromstring(client.get(PROCESS).content)
    [facts] = page.xpath("//h1/following-sibling::dl[1]")
    summary = {dt.text_content(): dt.getnext() for dt in facts.xpath("dt")}
    if language == "en":
        name, english = summary["Name"], summary["English name"]
    else:
        name, english = summary["流程名称"], summary["英文名称"]
    assert (name.get("lang"), name.text_content()) == ("zh-Hans", "单部门审批")
    assert [(s.get("lang"), s.text) for s in english.xpath("span")] == [
        ("en", "Single-department approval")
    ]


@pytest.mark.parametrize(
    ("language", "process", "trial"),
    [
        (
            "en",
            "Single-department approval (single_department) · Version 1 · OneWindow",
            "Try Single-department approval, version 1 · OneWindow",
        ),
        (
            "zh-hans",
            "单部门审批（single_department） · 第 1 版 · 一网通办",
            "试运行“单部门审批”第 1 版 · 一网通办",
        ),
    ],
)
def test_a_versions_pages_are_titled_by_the_process_name(city, chinese, language, process, trial):
    single_department()
    client, _admin = admin_of(city)
    client.cookies["django_language"] = language
    assert title_of(client.get(PROCESS).content) == process
    assert title_of(client.get(TRIAL).content) == trial
    # A trial sent back with errors says so first, as every page with errors does.
    refused = client.post(TRIAL, {"case_data": "[1]"})
    assert refused.status_code == 422
    error = "Error: " if language == "en" else "错误："
    assert title_of(refused.content) == error + trial


# --- the city's Chinese on English pages, marked as Chinese ---------------------------
#
# A decision table's labels and rules, a step without an English name, a department
# without one and an uploader's name are the city's, most often Chinese: an English page
# marks them (lang="zh-Hans") so that a screen reader reads them with a Chinese voice.


def routing(*, version_of: str = "", renamed: str = "", without_english: str = "") -> None:
    """dmn_routing and its decision table; the review renamed ``renamed``, and the step
    whose English name is ``without_english`` left without one."""
    bpmn = read_process("dmn_routing.bpmn")
    if renamed:
        bpmn = bpmn.replace('name="民政审核"', f'name="{renamed}"')
    if without_english:
        bpmn = bpmn.replace(f'<camunda:property name="name_en" value="{without_english}"/>', "")
    services.upload_definition(
        actor=None,
        key="routing",
        name="补贴申请",
        bpmn_xml=bpmn,
        dmn_files={"routing.dmn": read_process("routing.dmn")},
    )


def read_as(client, url: str, language: str, data=None) -> lxml.html.HtmlElement:  # type: ignore[no-untyped-def]
    client.cookies["django_language"] = language
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def dd_after(page: lxml.html.HtmlElement, label: str, language: str) -> lxml.html.HtmlElement:
    with translation.override(language):
        shown = gettext(label)
    [value] = page.xpath("//dt[normalize-space()=$label]/following-sibling::dd[1]", label=shown)
    return value


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_versions_page_marks_the_citys_chinese(city, language):
    routing()
    routing(renamed="民政局审核")
    client, admin = admin_of(city)
    ProcessDefinition.objects.filter(key="routing").update(created_by=admin)
    page = read_as(client, reverse("processes:process", args=["routing"]), language)
    # The decision table's labels of what it reads.
    assert chinese_in(dd_after(page, "Case data it reads", language)) == on_english_page(
        language, "申请金额（元）", "申请人年龄"
    )
    # A step's new name, and the old one, as the file has them.
    [changed] = page.xpath("//section[@aria-labelledby='changes-title']//li/ul/li")
    assert chinese_in(changed) == on_english_page(language, "民政审核", "民政局审核")
    name = admin.full_name
    assert chinese_in(dd_after(page, "Uploaded", language)) == on_english_page(language, name)
    uploaders = page.xpath("//table[caption[@id='versions-caption']]//td[3]")
    assert [chinese_in(td) for td in uploaders] == [on_english_page(language, name)] * 2


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_trial_marks_the_citys_chinese(city, language):
    Department.objects.filter(code="310101-MZ").update(
        name="黄浦区民政局", name_en="", short_name="", short_name_en=""
    )
    routing(without_english="Window acceptance")
    client, _admin = admin_of(city)
    url = reverse("processes:trial", args=["routing", 1])
    form = read_as(client, url, language)
    # What to give: the decision table's labels; a step to decide, by its Chinese name.
    [hint] = form.xpath("//p[@id='id_case_data_helptext']")
    assert chinese_in(hint) == on_english_page(language, "申请金额（元）", "申请人年龄")
    [step] = form.xpath("//label[@for='id_outcome_Task_accept']")
    assert chinese_in(step) == on_english_page(language, "窗口受理")

    lacking = read_as(client, url, language, {"case_data": '{"amount": 10}'})
    [result] = lacking.xpath("//section[@aria-labelledby='result-title']")
    assert chinese_in(result.xpath(".//ul")[0]) == on_english_page(language, "申请人年龄")
    [taken] = result.xpath(".//table//tr[td]")[:1]
    assert [chinese_in(td) for td in taken.xpath("./td")] == [
        [],
        on_english_page(language, "窗口受理"),
        on_english_page(language, "黄浦区民政局"),  # and its lane's role, in English
        [],
    ]

    # A rule that cannot be evaluated on a Chinese value quotes it.
    wrong = read_as(client, url, language, {"case_data": '{"amount": "很多", "applicant_age": 30}'})
    [reason] = wrong.xpath("//section[@aria-labelledby='result-title']/p[not(@role)]")
    assert chinese_in(reason) == on_english_page(language, "很多")
