"""The processes' back office for keyboard and screen reader users, in both languages:
its tables scroll sideways in regions the keyboard reaches, the Chinese name is marked as
Chinese, and each page's title names the process as its heading does."""

from __future__ import annotations

import re

import lxml.html
import pytest
from django.urls import reverse

from onewindow.core.testing import table_regions
from onewindow.workflow import services
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process
from onewindow.workflow.tests.test_backoffice_views import admin_of

pytestmark = pytest.mark.django_db


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
