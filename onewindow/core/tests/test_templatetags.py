"""The template helpers every app's pages share (core/templatetags/onewindow.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation


def render(source: str, **context: object) -> str:
    return Template("{% load i18n onewindow %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Status: submitted"), ("zh-hans", "状态：submitted")],
)
def test_a_label_takes_its_languages_colon(language, expected):
    # Chinese writes a full-width colon and no space before the value.
    with translation.override(language):
        assert render('{% label _("Status") %}{{ value }}', value="submitted") == expected


def test_a_label_is_escaped_as_text():
    with translation.override("en"):
        assert render("{% label text %}", text="<b>") == "&lt;b&gt;: "


class Named:
    name = "审核"
    name_en = "Review"


@pytest.mark.parametrize(("language", "expected"), [("en", "Review"), ("zh-hans", "审核")])
def test_localized_picks_the_english_field_on_english_pages(language, expected):
    with translation.override(language):
        assert render("{{ obj|localized }}", obj=Named()) == expected
        assert render("{{ obj|localized }}", obj={"name": "审核", "name_en": ""}) == "审核"


@pytest.mark.parametrize(
    ("language", "obj", "expected"),
    [
        ("en", Named(), "Review"),
        ("en", {"name": "审核", "name_en": ""}, '<span lang="zh-Hans">审核</span>'),
        ("zh-hans", {"name": "审核", "name_en": ""}, "审核"),
        ("en", {"name": "<b>", "name_en": ""}, '<span lang="zh-Hans">&lt;b&gt;</span>'),
        ("en", {"name": "", "name_en": ""}, ""),
    ],
)
def test_a_chinese_fallback_on_an_english_page_is_marked_as_chinese(language, obj, expected):
    with translation.override(language):
        assert render("{{ obj|localized_marked }}", obj=obj) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "王小明", '<span lang="zh-Hans">王小明</span>'),
        # Mixed text is marked whole: a Chinese voice reads the digits, not the reverse.
        ("en", "人民大道 200 号", '<span lang="zh-Hans">人民大道 200 号</span>'),
        ("en", "ZHANG SAN", "ZHANG SAN"),
        # Punctuation alone is not Chinese: choices an English page joins with 、.
        ("en", "Lost、Damaged", "Lost、Damaged"),
        ("en", "<b>张</b>", '<span lang="zh-Hans">&lt;b&gt;张&lt;/b&gt;</span>'),
        ("en", None, ""),
        ("zh-hans", "王小明", "王小明"),
    ],
)
def test_text_holding_chinese_is_marked_as_chinese_on_an_english_page(language, text, expected):
    with translation.override(language):
        assert render("{{ text|chinese_marked }}", text=text) == expected


def test_marking_chinese_keeps_the_line_breaks_of_safe_text():
    with translation.override("en"):
        shown = render("{{ text|linebreaksbr|chinese_marked }}", text="上海市\n黄浦区")
    assert shown == '<span lang="zh-Hans">上海市<br>黄浦区</span>'


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", 'Administrative licensing (<span lang="zh-Hans">行政许可</span>)'),
        ("zh-hans", "Administrative licensing (行政许可)"),
    ],
)
def test_the_chinese_terms_of_english_text_are_marked(language, expected):
    kind = "Administrative licensing (行政许可)"
    with translation.override(language):
        assert render("{{ text|chinese_terms_marked }}", text=kind) == expected


def test_a_chinese_term_runs_across_its_punctuation_and_is_escaped_around():
    with translation.override("en"):
        shown = render("{{ text|chinese_terms_marked }}", text="<i> 上海市，黄浦区 & 200 号")
    assert shown == (
        '&lt;i&gt; <span lang="zh-Hans">上海市，黄浦区</span> &amp; 200 '
        '<span lang="zh-Hans">号</span>'
    )


def test_a_chinese_term_keeps_the_full_width_brackets_around_it():
    with translation.override("en"):
        shown = render(
            "{{ text|chinese_terms_marked }}", text="amount (申请金额（元）), 「审核」。"
        )
    # A full-width full stop after a term is Chinese, the term's (an English sentence
    # ends with "."); the ASCII comma and brackets are the sentence's.
    assert shown == (
        'amount (<span lang="zh-Hans">申请金额（元）</span>), '
        '<span lang="zh-Hans">「审核」。</span>'
    )


class PairedForm(forms.Form):
    summary = forms.CharField(widget=forms.Textarea)
    summary_en = forms.CharField(widget=forms.Textarea, help_text="In English.")
    phone = forms.CharField()
    other_en = forms.CharField()  # no Chinese field beside it


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_paired_field_says_its_language_on_every_page(language):
    form = PairedForm(data={"summary": "摘要", "summary_en": "Summary"})
    with translation.override(language):
        chinese = render("{{ form.summary|with_lang }}", form=form)
        english = render("{{ form.summary_en|with_lang }}", form=form)
        phone = render("{{ form.phone|with_lang }}", form=form)
        other = render("{{ form.other_en|with_lang }}", form=form)
    assert chinese.startswith("<textarea") and 'lang="zh-Hans"' in chinese and "摘要" in chinese
    # What the field renders otherwise is kept: its id and its hint.
    assert 'lang="en"' in english and 'id="id_summary_en"' in english
    assert 'aria-describedby="id_summary_en_helptext"' in english
    assert "lang=" not in phone and phone == str(form["phone"])
    assert "lang=" not in other


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_table_scrolls_in_a_focusable_region_named_by_its_caption(language):
    with translation.override(language):
        shown = render(
            '{% table_scroll "x-"|add:code %}<table><caption id="x-{{ code }}">'
            "{{ caption }}</caption></table>{% endtable_scroll %}",
            code="GA",
            caption="<Cases>",
        )
    assert shown == (
        '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="x-GA">'
        '<table><caption id="x-GA">&lt;Cases&gt;</caption></table></div>'
    )


def test_a_table_scroll_needs_what_names_it():
    with pytest.raises(TemplateSyntaxError):
        render("{% table_scroll %}<table></table>{% endtable_scroll %}")
