"""The catalog's pages write Chinese with Chinese punctuation (full-width colon, comma
and brackets, no space between two sentences or before a bracket) and English with
ASCII punctuation: every place where a value meets punctuation or another sentence is
one translatable pattern. Chinese is read with the translations proposed in
``chinese.py`` (the ``chinese`` fixture) until the .po file carries them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from onewindow.catalog import reviews, services
from onewindow.catalog.models import LifeEvent, LifeEventStep, ServiceItem
from onewindow.catalog.queries import published_version
from onewindow.catalog.tests.portal_fixtures import RICH_CODE, seed_rich_item
from onewindow.catalog.transfer import version_as_dict
from onewindow.conftest import holder_logged_in, make_user
from onewindow.identity.roles import Role
from onewindow.workflow import library
from onewindow.workflow.models import ProcessDefinition
from onewindow.workflow.tests.conftest import read_process

pytestmark = pytest.mark.django_db

HUKOU = "310000-GA-QR-0001"  # L5, no form: not open yet
PASSPORT = "310000-GA-XK-0002"  # L2: apply at an office
BACK_OFFICE = "/backoffice/catalog"


def read(client: Client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return " ".join(response.content.decode().split())  # whitespace as a reader sees it


def dd_after(page: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", page)
    assert found, label
    return found[1]


@pytest.fixture
def editors(catalog: Any) -> tuple[Client, Any]:
    """A police editor (signed in) whose draft of the hukou item awaits review."""
    client, author = holder_logged_in(Role.DEPARTMENT_ADMIN, catalog["GA"])
    data = version_as_dict(published_version(HUKOU))
    services.save_draft(actor=author, data={**data, "summary": "新的概述。"})
    reviews.submit_for_review(actor=author, code=HUKOU)
    return client, author


# --- the back office ----------------------------------------------------------------


def test_the_item_page_in_english_keeps_ascii_punctuation(editors):
    client, author = editors
    page = read(client, f"{BACK_OFFICE}/items/{HUKOU}/", "en")
    assert re.fullmatch(
        r"Version 1, \d{4}-\d\d-\d\d \d\d:\d\d", dd_after(page, "Published version")
    )
    # The author's Chinese name marked as Chinese.
    assert dd_after(page, "Open draft") == (
        f'Version 2: Awaiting review · <span lang="zh-Hans">{author.full_name}</span>'
    )
    assert (
        '<th scope="row">Summary <span class="visually-hidden">(changed)</span>'
        '<span aria-hidden="true">*</span></th>'
    ) in page


def test_the_item_page_in_chinese_is_punctuated_as_chinese(editors, chinese):
    client, _author = editors
    page = read(client, f"{BACK_OFFICE}/items/{HUKOU}/", "zh-hans")
    assert re.fullmatch(r"第 1 版，\d{4}-\d\d-\d\d \d\d:\d\d", dd_after(page, "已发布版本"))
    assert dd_after(page, "当前草稿").startswith("第 2 版：")
    assert (
        '<th scope="row">概述<span class="visually-hidden">（有改动）</span>'
        '<span aria-hidden="true">*</span></th>'
    ) in page
    listing = read(client, f"{BACK_OFFICE}/", "zh-hans")
    assert "<td>第 2 版：" in listing and "第 2 版:" not in listing


def test_a_returned_drafts_comment_is_headed_in_each_languages_punctuation(
    editors, catalog, chinese
):
    client, _author = editors
    reviewer = make_user(roles=[(Role.DEPARTMENT_ADMIN, catalog["GA"])])
    reviewer.full_name = "王审核"
    reviewer.save(update_fields=["full_name"])
    reviews.review_version(actor=reviewer, code=HUKOU, approve=False, comment="请补充依据")
    url = f"{BACK_OFFICE}/items/{HUKOU}/edit/"
    when = r"\d{4}-\d\d-\d\d \d\d:\d\d"
    # On an English page, the Chinese name and comment marked as Chinese.
    english = (
        rf"<strong>Reviewer's comment \(<span lang=\"zh-Hans\">王审核</span>, {when}\):</strong> "
        r'<span lang="zh-Hans">请补充依据</span>'
    )
    assert re.search(english, read(client, url, "en"))
    assert re.search(
        rf"<strong>审核意见（王审核，{when}）：</strong>请补充依据", read(client, url, "zh-hans")
    )
    # The name and the comment are escaped once, as any value.
    reviewer.full_name = "Lee & <Co>"
    reviewer.save(update_fields=["full_name"])
    assert re.search(rf"\(Lee &amp; &lt;Co&gt;, {when}\):</strong>", read(client, url, "en"))


def test_a_department_and_its_code(editors, chinese):
    client, _author = editors
    page = read(client, f"{BACK_OFFICE}/items/new/", "zh-hans")
    assert ">市公安局（310000-GA）</option>" in page
    english = read(client, f"{BACK_OFFICE}/items/new/", "en")
    assert ">Department 310000-GA (310000-GA)</option>" in english


def test_the_processes_back_office_names_items_with_their_codes(catalog):
    process = ProcessDefinition.objects.create(
        key="hukou", version=1, name="户口登记", bpmn_xml=read_process("newborn_hukou.bpmn")
    )
    services.bind_application(actor=None, code=HUKOU, form=None, process=process)
    with translation.override("zh-hans"):
        [use] = library.process_uses.of([process], reader=None)[process.pk]
    assert use.label == "新生儿户口登记（310000-GA-QR-0001）"
    with translation.override("en"):
        [use] = library.process_uses.of([process], reader=None)[process.pk]
    assert use.label == "Household registration of a newborn (310000-GA-QR-0001)"


# --- the public pages ---------------------------------------------------------------


def test_a_guide_not_open_online_yet_joins_its_sentences_as_chinese_does(client, catalog, chinese):
    page = read(client, f"/services/items/{HUKOU}/", "zh-hans")
    box = page[page.index('class="not-open"') :]
    # No space between the two sentences; the phone number in full-width brackets.
    assert "<p><strong>本事项暂未开通网上申请。</strong>请到以下服务窗口申请：</p>" in box
    assert '<li>黄浦区人民路1号（电话：<a href="tel:021-12345">021-12345</a>）</li>' in box
    english = read(client, f"/services/items/{HUKOU}/", "en")
    assert (
        "<p><strong>Online application for this service is not open yet.</strong> "
        "Apply at a service window:</p>"
    ) in english
    assert '<li>1 Renmin Road (phone <a href="tel:021-12345">021-12345</a>)</li>' in english


def test_the_hotline_sentence_follows_without_a_space_too(client, catalog, chinese):
    version = ServiceItem.objects.get(code=HUKOU).published
    assert version is not None
    version.offices = []
    version.save(update_fields=["offices"])
    page = read(client, f"/services/items/{HUKOU}/", "zh-hans")
    assert (
        "<strong>本事项暂未开通网上申请。</strong>请拨打市民服务热线 12345 咨询办理地点。" in page
    )


def test_a_guides_version_and_its_day(client, catalog, chinese):
    chinese_page = read(client, f"/services/items/{PASSPORT}/", "zh-hans")
    assert re.search(
        r'<dd>第 1 版，<time datetime="[^"]+">\d{4}-\d\d-\d\d</time> 发布</dd>', chinese_page
    )
    english = read(client, f"/services/items/{PASSPORT}/", "en")
    assert re.search(r'<dd>Version 1, published <time datetime="[^"]+">[\d-]+</time></dd>', english)


def test_a_sentence_and_its_link(client, catalog, chinese):
    page = read(client, f"/services/items/{PASSPORT}/", "zh-hans")
    assert '请携带以下材料到所列办理地点办理。<a href="#offices">办理地点</a>' in page
    english = read(client, f"/services/items/{PASSPORT}/", "en")
    assert 'offices listed. <a href="#offices">Where to go</a>' in english


def test_an_e_certificate_and_its_department(client, catalog, chinese):
    seed_rich_item()
    page = read(client, f"/services/items/{RICH_CODE}/", "zh-hans")
    assert "电子证照：居民身份证电子证照（市公安局）" in page
    english = read(client, f"/services/items/{RICH_CODE}/", "en")
    assert re.search(r"Electronic certificate: .+ \(Department 310000-GA\)", english)


def test_a_life_events_step_without_a_guide(client, catalog, chinese):
    draft_only = ServiceItem.objects.create(code="310000-GA-QR-0009", department=catalog["GA"])
    LifeEventStep.objects.create(
        event=LifeEvent.objects.get(code="newborn"), item=draft_only, order=4
    )
    page = read(client, "/services/events/newborn/", "zh-hans")
    assert '310000-GA-QR-0009<span class="muted">（办事指南未发布）</span>' in page
    english = read(client, "/services/events/newborn/", "en")
    assert '310000-GA-QR-0009 <span class="muted">(guide not published)</span>' in english


def test_a_filters_count(client, catalog, chinese):
    page = read(client, "/services/", "zh-hans")
    assert re.search(
        r'<span class="facet-label">市公安局</span><span class="facet-count">（\d+）</span>', page
    )
    english = read(client, "/services/", "en")
    assert re.search(
        r'<span class="facet-label">Department 310000-GA</span> '
        r'<span class="facet-count">\(\d+\)</span>',
        english,
    )


def test_what_runs_a_process_version_and_its_state(catalog, chinese):
    # The QA's case: "(已发布)" and "(草稿)" after the items on a process's page.
    process = ProcessDefinition.objects.create(
        key="hukou", version=1, name="户口登记", bpmn_xml=read_process("newborn_hukou.bpmn")
    )
    services.bind_application(actor=None, code=HUKOU, form=None, process=process)
    client, _user = holder_logged_in(Role.PLATFORM_ADMIN, catalog["root"])
    page = read(client, "/backoffice/processes/process/hukou/", "zh-hans")
    assert (
        f'<li><a href="{BACK_OFFICE}/items/{HUKOU}/">新生儿户口登记（{HUKOU}）</a>'
        '<span class="muted">（已发布）</span></li>'
    ) in page
    english = read(client, "/backoffice/processes/process/hukou/", "en")
    assert (
        f'<li><a href="{BACK_OFFICE}/items/{HUKOU}/">Household registration of a newborn '
        f'({HUKOU})</a> <span class="muted">(Published)</span></li>'
    ) in english
