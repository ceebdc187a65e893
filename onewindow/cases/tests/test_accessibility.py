"""The case and task pages for keyboard and screen reader users, in both languages: the
table of who held the case scrolls sideways in a region the keyboard reaches, and what
the applicant typed in Chinese (names, an address) is marked as Chinese on English pages."""

from __future__ import annotations

import lxml.html
import pytest

from onewindow.cases.models import Case
from onewindow.cases.tests.timekit import accepted_passport, at, signed_in, travel
from onewindow.core.testing import table_regions
from onewindow.workflow import services as workflow_services

pytestmark = pytest.mark.django_db

NOW = at("2026-03-06", 10)


@pytest.fixture
def review(world):
    _case, task = accepted_passport(world, at("2026-03-02", 10))
    return task


@pytest.fixture
def case(world, review):
    return Case.objects.get(instance=review.instance)


def task_page(world, review, language: str):  # type: ignore[no-untyped-def]
    with travel(NOW):
        client = signed_in(world["ga.review"])
        client.cookies["django_language"] = language
        response = client.get(f"/cases/tasks/{review.pk}/")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Each holder of each step, with the working days they held it"),
        ("zh-hans", "每个环节的每位经办方及其占用的工作日"),
    ],
)
def test_who_held_the_case_scrolls_in_a_region_named_by_its_caption(world, review, language, name):
    assert table_regions(task_page(world, review, language).content) == [name]


def answers_of(response) -> dict[str, lxml.html.HtmlElement]:  # type: ignore[no-untyped-def]
    page = lxml.html.fromstring(response.content)
    questions = page.xpath("//dl[contains(@class, 'answers')]//dt")
    return {dt.text_content(): dt.getnext() for dt in questions}


def test_chinese_answers_are_marked_chinese_on_an_english_task_page(world, review):
    answers = answers_of(task_page(world, review, "en"))
    for question, answer in (
        ("Applicant's full name", "王小明"),
        ("Home address", "上海市黄浦区福州路318弄5号402室"),
        ("Emergency contact's name", "张丽华"),
    ):
        assert [(s.get("lang"), s.text) for s in answers[question]] == [("zh-Hans", answer)]
    # Answers in Latin letters or digits, and the choices in English, are English.
    for question in ("Name in pinyin", "Mobile phone number", "Purpose of travel"):
        assert not answers[question].xpath(".//*[@lang]"), question


def test_chinese_answers_are_marked_chinese_on_the_applicants_english_case_page(world, case):
    with travel(NOW):
        response = signed_in(world["citizen.wang"]).get(f"/cases/{case.number}/")
    assert response.status_code == 200
    answers = answers_of(response)
    assert [(s.get("lang"), s.text) for s in answers["Applicant's full name"]] == [
        ("zh-Hans", "王小明")
    ]


def test_answers_on_a_chinese_task_page_need_no_marking(world, review):
    answers = answers_of(task_page(world, review, "zh-hans"))
    assert answers and not any(dd.xpath(".//*[@lang]") for dd in answers.values())


def test_an_officers_chinese_name_is_marked_where_the_case_was_held(world, review):
    with travel(at("2026-03-02", 11)):
        workflow_services.claim_task(actor=world["ga.review"], task_id=review.pk)
    page = lxml.html.fromstring(task_page(world, review, "en").content)
    name = world["ga.review"].full_name
    [longest] = page.xpath("//section[@aria-labelledby='accountability-title']/p")
    assert [(s.get("lang"), s.text) for s in longest.xpath("span")] == [("zh-Hans", name)]
    held = page.xpath("//table[@class='holdings']//td/span[@lang='zh-Hans']/text()")
    assert name in held
