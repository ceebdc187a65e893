import re

import pytest

from onewindow.notifications.kinds import KINDS
from onewindow.notifications.rendering import render_message, render_sms
from onewindow.notifications.tests.conftest import REMEDIES, SAMPLES

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_kind_has_a_sample():
    assert set(SAMPLES) == set(KINDS)
    for name, kind in KINDS.items():
        assert set(SAMPLES[name]) == kind.context, name


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_in_both_languages_with_its_number(kind, chinese):
    context = SAMPLES[kind]
    # What names the event: a case, a year, a digest's count, or a catalog item.
    key = str(context.get("number", context.get("year", context.get("count", context.get("code")))))
    zh_subject, zh_body = render_message(kind, context, "zh-hans")
    en_subject, en_body = render_message(kind, context, "en")
    for subject, body in [(zh_subject, zh_body), (en_subject, en_body)]:
        assert key in subject
        assert "\n" not in subject
        assert "{" not in subject + body and "%(" not in subject + body
        assert "\n\n\n" not in body
    # The Chinese text is translated, not the English message ids.
    assert CJK.search(zh_subject.replace(context.get("number", ""), "")), zh_subject
    for number in context.get("numbers", []):
        assert number in zh_body and number in en_body
    assert zh_body != en_body
    # The email's footer is the email's: the site shows the message alone.
    assert "本消息由一网通办系统自动发送" not in zh_body
    assert "sent automatically by OneWindow" not in en_body


def test_text_is_not_html_escaped():
    _subject, body = render_message("case_decided", SAMPLES["case_decided"], "en")
    assert "Bring A & B <originals>." in body


@pytest.mark.parametrize(
    ("language", "reason"), [("en", "Reason: 材料不全"), ("zh-hans", "理由：材料不全")]
)
def test_a_refusal_says_how_to_challenge_it_after_its_reason(language, reason, chinese):
    refusal = {**SAMPLES["case_decided"], "reason": "材料不全", "finished": True}
    _s, body = render_message("case_decided", refusal, language)
    lines = body.splitlines()
    assert lines[lines.index(reason) + 1] == REMEDIES[language]
    # Any other decision gives no reason, and so no remedies.
    _s, accepted = render_message("case_decided", SAMPLES["case_decided"], language)
    assert REMEDIES[language] not in accepted


def test_dates_follow_the_language_and_city_time_zone():
    _s, zh = render_message("case_extended", SAMPLES["case_extended"], "zh-hans")
    _s, en = render_message("case_extended", SAMPLES["case_extended"], "en")
    assert "2026年12月10日" in zh
    assert "Dec. 10, 2026" in en
    # 01:00 UTC is 09:00 in Shanghai.
    _s, warning = render_message("task_warning", SAMPLES["task_warning"], "zh-hans")
    assert "2026年12月1日 09:00" in warning
    # A date the caller formatted already is kept as given.
    _s, overdue = render_message("case_overdue", SAMPLES["case_overdue"], "en")
    assert "by 2026-12-01 and" in overdue


def test_lists_plurals_and_choices():
    _s, body = render_message("supplement_requested", SAMPLES["supplement_requested"], "zh-hans")
    assert "- 身份证：照片不清晰\n- 户口簿" in body
    _s, days = render_message("case_extended", SAMPLES["case_extended"], "en")
    assert "by 5 working days" in days
    _s, one = render_message("extension_requested", SAMPLES["extension_requested"], "en")
    assert "by 1 working day." in one
    approved, _b = render_message("extension_decided", SAMPLES["extension_decided"], "zh-hans")
    refused, _b = render_message(
        "extension_decided", {**SAMPLES["extension_decided"], "approved": False}, "zh-hans"
    )
    assert "已批准" in approved and "未获批准" in refused
    _s, lead = render_message("task_escalated", SAMPLES["task_escalated"], "zh-hans")
    _s, supervisor = render_message(
        "task_escalated",
        {**SAMPLES["task_escalated"], "level": "supervisor", "holder": ""},
        "zh-hans",
    )
    assert "部门负责人" in lead and "张伟" in lead
    assert "督办人员" in supervisor and "尚无人签收" in supervisor


def test_sms_is_the_subject_with_a_pointer_to_the_site():
    subject, _body = render_message(
        "supplement_requested", SAMPLES["supplement_requested"], "zh-hans"
    )
    assert subject == "您的办件 310000-GA-20261122-0001 需要补正材料"
    assert render_sms(subject, "zh-hans") == f"【一网通办】{subject}。详情请登录一网通办查看。"
