import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.http import QueryDict
from django.utils import translation

from onewindow.core.errors import InvalidInput
from onewindow.forms import queries
from onewindow.forms.demo import load_demo_forms
from onewindow.forms.merge import merge_definitions
from onewindow.forms.rendering import build_form, render_form
from onewindow.forms.schema import validate_data
from onewindow.forms.tests.conftest import make_definition, sample_parts


class Page(HTMLParser):
    """Start tags with their attributes, in order, and the text inside each id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data

    def all(self, tag, **attrs):
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def ids(self):
        return {a["id"] for _, a in self.tags if a.get("id")}


def controls(page):
    return [a for t, a in page.tags if t in ("input", "select", "textarea")]


def test_every_control_has_a_label(sample):
    page = Page(render_form(sample))
    label_targets = {a["for"] for a in page.all("label")}
    assert controls(page)
    for control in controls(page):
        assert control["id"] in label_targets, control
    assert not page.all("script")


def test_sections_and_groups_are_fieldsets_with_legends(sample):
    page = Page(render_form(sample))
    tags = [t for t, _ in page.tags]
    fieldsets = [i for i, t in enumerate(tags) if t == "fieldset"]
    assert len(fieldsets) == 2 + 2 + 1  # two sections, two groups, the uploads
    for index in fieldsets:
        assert tags[index + 1] == "legend"


def test_inputs_by_widget(sample):
    page = Page(render_form(sample))
    assert page.all("input", id="id_full_name")[0]["type"] == "text"
    assert page.all("input", id="id_age")[0]["inputmode"] == "numeric"
    assert page.all("input", id="id_amount")[0]["inputmode"] == "decimal"
    assert page.all("input", id="id_birth")[0]["type"] == "date"
    assert page.all("input", id="id_email")[0]["type"] == "email"
    assert page.all("input", id="id_id_number")[0]["spellcheck"] == "false"
    assert page.all("textarea", id="id_notes")
    assert [a["value"] for a in page.all("input", type="radio", name="colour")] == ["red", "blue"]
    assert len(page.all("input", type="checkbox", name="toppings")) == 3
    assert page.all("input", id="id_agree")[0]["type"] == "checkbox"
    # Required questions say so to assistive technology; no browser validation.
    assert page.all("input", id="id_full_name")[0]["aria-required"] == "true"
    assert "aria-required" not in page.all("input", id="id_amount")[0]
    assert not [c for c in controls(page) if "required" in c]


def test_optional_questions_are_marked(sample, chinese):
    optional = {"code", "amount", "birth", "email", "id_number", "uscc", "notes", "newsletter"}
    # A single box left unticked is an answer: it is optional, and not marked so.
    marked = optional - {"newsletter"}
    with translation.override("zh-hans"):
        chinese_html = render_form(sample)
    # Full-width brackets, right after the label: no space, no ASCII brackets.
    assert chinese_html.count('<span class="optional">（选填）</span>') == len(marked) + 1
    assert '代码<span class="optional">（选填）</span>' in chinese_html
    assert '照片<span class="optional">（选填）</span>' in chinese_html  # the photo slot
    assert "(选填)" not in chinese_html
    with translation.override("en"):
        form = build_form(sample)
        html = render_form(sample)
    assert html.count(' <span class="optional">(optional)</span>') == len(marked) + 1
    assert 'Photo <span class="optional">(optional)</span>' in html
    fields = [f for section in form.sections for f in section.fields]
    assert {f.name for f in fields if not f.required} == optional


def test_hints_are_described_by(sample):
    page = Page(render_form(sample))
    field = page.all("input", id="id_full_name")[0]
    assert field["aria-describedby"] == "id_full_name_helptext"
    assert "id_full_name_helptext" in page.ids()


def test_errors_are_linked_and_described(sample):
    with pytest.raises(InvalidInput) as excinfo:
        validate_data(sample, {"full_name": "张", "age": "x"})
    page = Page(render_form(sample, data={"full_name": "张"}, errors=excinfo.value.fields))
    full_name = page.all("input", id="id_full_name")[0]
    assert full_name["aria-invalid"] == "true"
    assert full_name["aria-describedby"] == "id_full_name_helptext id_full_name_error"
    assert "id_full_name_error" in page.ids()
    assert "id_age_error" in page.ids()
    summary_links = [a["href"] for a in page.all("a")]
    assert summary_links[:2] == ["#id_full_name", "#id_age"]
    # A group's error is on its fieldset; the summary links to its first option.
    assert "#id_colour_0" in summary_links
    group = [
        a for a in page.all("fieldset") if "id_colour_error" in (a.get("aria-describedby") or "")
    ]
    assert group
    assert page.all("div", role="alert")
    assert "aria-invalid" not in page.all("input", id="id_amount")[0]


def test_english_texts_under_english(sample):
    with translation.override("en"):
        page = Page(render_form(sample))
    assert "About you" in page.text and "基本信息" not in page.text
    assert "Full name" in page.text and "As on your ID" in page.text
    assert "Red" in page.text and "红色" not in page.text
    assert "Scan" in page.text
    # A field without an English label falls back to its Chinese title.
    assert "年龄" in page.text


def test_chinese_texts_under_chinese(sample):
    with translation.override("zh-hans"):
        page = Page(render_form(sample))
    assert "基本信息" in page.text and "姓名" in page.text and "红色" in page.text
    assert "About you" not in page.text


def test_posted_values_are_filled_back(sample):
    posted = QueryDict(mutable=True)
    posted.update({"full_name": '"><script>alert(1)</script>', "colour": "blue", "notes": "备注"})
    posted.setlist("toppings", ["ham", "leek"])
    posted["agree"] = "on"
    html = render_form(sample, data=posted)
    page = Page(html)
    assert page.all("input", id="id_full_name")[0]["value"] == '"><script>alert(1)</script>'
    assert "<script>" not in html
    assert "checked" in page.all("input", id="id_colour_1")[0]
    assert "checked" not in page.all("input", id="id_colour_0")[0]
    checked = [a["value"] for a in page.all("input", name="toppings") if "checked" in a]
    assert checked == ["ham", "leek"]
    assert "checked" in page.all("input", id="id_agree")[0]
    assert "备注" in page.text


def test_typed_draft_values_are_filled_back(sample):
    page = Page(render_form(sample, data={"age": 30, "agree": False, "amount": 2.0}))
    assert page.all("input", id="id_age")[0]["value"] == "30"
    assert page.all("input", id="id_amount")[0]["value"] == "2"
    assert "checked" not in page.all("input", id="id_agree")[0]


def test_select_keeps_its_choice(db):
    load_demo_forms()
    definition = queries.latest_definition("passport")
    page = Page(render_form(definition, data={"travel_purpose": "study"}))
    options = page.all("option")
    assert options[0]["value"] == ""
    assert [o["value"] for o in options if "selected" in o] == ["study"]


def test_attachment_inputs(sample):
    with translation.override("en"):
        page = Page(render_form(sample))
    scan = page.all("input", id="id_upload-scan")[0]
    assert scan["type"] == "file" and scan["name"] == "upload-scan"
    assert scan["accept"] == ".pdf,application/pdf,.png,image/png"
    assert scan["aria-required"] == "true"
    assert "Accepted: PDF, PNG; up to 1 MB." in page.text
    assert "Accepted: JPG, PNG; up to 2 MB." in page.text
    # No help of its own: described by the accepted types alone.
    assert scan["aria-describedby"] == "id_upload-scan_types"
    assert "id_upload-scan_helptext" not in page.ids()


def _with_help():
    """The sample with help on its scan slot, worded like the demo's (no full stop)."""
    slots = sample_parts()["attachments"]
    slots[0].update(help="签字后拍照或扫描上传", help_en="When renewing or replacing")
    return make_definition(key="with-help", attachments=slots)


def test_a_slots_help_and_its_accepted_types_are_separate_sentences(sample):
    definition = _with_help()
    with translation.override("en"):
        html = render_form(definition)
    page = Page(html)
    scan = page.all("input", id="id_upload-scan")[0]
    assert scan["aria-describedby"] == "id_upload-scan_helptext id_upload-scan_types"
    assert _text_of(html, "id_upload-scan_helptext") == "When renewing or replacing"
    assert _text_of(html, "id_upload-scan_types") == "Accepted: PDF, PNG; up to 1 MB."
    assert "replacing PDF" not in page.text


def test_the_accepted_types_read_as_a_chinese_sentence(sample, chinese):
    definition = _with_help()
    with translation.override("zh-hans"):
        html = render_form(definition)
    assert _text_of(html, "id_upload-scan_helptext") == "签字后拍照或扫描上传"
    assert _text_of(html, "id_upload-scan_types") == "可上传 PDF、PNG 格式，不超过 1 MB。"


def _text_of(html: str, element_id: str) -> str:
    """The text of the element with ``element_id`` (one without nested elements)."""
    start = html.index(f'id="{element_id}"')
    return html[html.index(">", start) + 1 : html.index("<", start)]


def test_attachment_errors_are_summarised(sample):
    errors = {"upload-scan": ["The file must be one of these types: PDF, PNG."]}
    form = build_form(sample, errors=errors)
    assert form.summary[0].href == "#id_upload-scan"
    page = Page(render_form(sample, errors=errors))
    scan = page.all("input", id="id_upload-scan")[0]
    assert scan["aria-invalid"] == "true"
    assert scan["aria-describedby"] == "id_upload-scan_types id_upload-scan_error"


def test_merged_form_renders(db):
    load_demo_forms()
    merged = merge_definitions(
        queries.latest_definitions(["birth_certificate", "newborn_hukou"]),
        title_en="Having a baby",
    )
    with translation.override("en"):
        form = build_form(merged)
        page = Page(render_form(merged))
    assert form.title == "Having a baby"
    assert len(page.all("input", id="id_applicant_name")) == 1
    assert page.all("input", id="id_birth_certificate__birth_hospital")
    assert len(page.all("input", name="upload-parents_id_cards")) == 1
    label_targets = {a["for"] for a in page.all("label")}
    assert all(c["id"] in label_targets for c in controls(page))


def test_title_follows_the_language(sample):
    with translation.override("en"):
        assert build_form(sample).title == "Sample form"
    with translation.override("zh-hans"):
        assert build_form(sample).title == "示例表单"


@pytest.mark.urls("onewindow.forms.tests.urls")
def test_an_uploaded_file_is_shown_with_its_download_link(sample, media):
    from django.urls import reverse

    from onewindow.conftest import make_user
    from onewindow.forms.attachments import store_attachment
    from onewindow.forms.tests.files import PDF, upload

    attachment = store_attachment(
        owner=make_user(), definition=sample, slot="scan", upload=upload("扫描.pdf", PDF)
    )
    with translation.override("en"):
        page = Page(render_form(sample, uploaded={"scan": attachment}))
    link = reverse("forms:attachment_download", args=[attachment.pk])
    assert page.all("a", href=link)
    assert "Uploaded: 扫描.pdf (" in page.text
    assert "). Choose a file only to replace it." in page.text
    # Already uploaded: no longer required to choose a file.
    assert "aria-required" not in page.all("input", id="id_upload-scan")[0]


@pytest.mark.urls("onewindow.forms.tests.urls")
def test_the_uploaded_file_is_one_sentence_punctuated_in_chinese(sample, media, chinese):
    from onewindow.conftest import make_user
    from onewindow.forms.attachments import store_attachment
    from onewindow.forms.tests.files import PDF, upload

    attachment = store_attachment(
        owner=make_user(), definition=sample, slot="scan", upload=upload("扫描.pdf", PDF)
    )
    with translation.override("zh-hans"):
        page = Page(render_form(sample, uploaded={"scan": attachment}))
    # One sentence, punctuated the Chinese way: no English full stop between its parts.
    assert "已上传：扫描.pdf（142\xa0字节）。如需替换，请重新选择文件。" in page.text


def test_a_question_a_condition_requires_says_when(db, chinese):
    load_demo_forms()
    definition = queries.latest_definition("passport")

    def address_label(language: str) -> str:
        with translation.override(language):
            html = render_form(definition, data={"delivery": "mail"})
        found = re.search(r'<label for="id_applicant_address">(.*?)</label>', html, re.S)
        assert found is not None
        return found.group(1)

    english = address_label("en")
    assert (
        'Home address <span class="optional">'
        "(required if you choose “Free delivery to my home address”)</span>"
    ) in english
    assert "(optional)" not in english
    assert (
        address_label("zh-hans")
        == '居住地址<span class="optional">（选择“免费邮寄到居住地址”时必填）</span>'
    )


def error_summary(html: str) -> list[str]:
    """The texts of the error summary's links."""
    summary = html.split('class="error-summary"')[1].split("</ul>")[0]
    return re.findall(r'<a href="#[^"]+">(.*?)</a>', summary)


def test_the_error_summary_names_each_question_in_the_languages_punctuation(sample, chinese):
    data = {"full_name": "张", "age": "x"}
    with pytest.raises(InvalidInput) as english:
        validate_data(sample, data, "en")
    with translation.override("en"):
        links = error_summary(render_form(sample, data=data, errors=english.value.fields))
    assert links[:2] == ["Full name: Enter at least 2 characters.", "年龄: Enter a whole number."]
    with pytest.raises(InvalidInput) as zh:
        validate_data(sample, data, "zh-hans")
    with translation.override("zh-hans"):
        links = error_summary(render_form(sample, data=data, errors=zh.value.fields))
    assert links[:2] == ["姓名：请至少输入 2 个字符。", "年龄：请输入整数。"]


def test_the_error_summary_escapes_labels_and_messages(sample):
    parts = sample_parts()
    parts["layout"]["fields"]["full_name"]["label_en"] = "<b>Name</b>"
    definition = make_definition(key="escaped", **parts)
    with translation.override("en"):
        html = render_form(definition, errors={"full_name": ["<i>Wrong</i>"]})
    assert error_summary(html) == ["&lt;b&gt;Name&lt;/b&gt;: &lt;i&gt;Wrong&lt;/i&gt;"]
    assert "<b>Name</b>" not in html and "<i>Wrong</i>" not in html


def bounded(**bounds: str) -> dict:
    parts = sample_parts()
    parts["schema"]["properties"]["birth"].update(bounds)
    return parts


@time_machine.travel("2026-03-06T17:00:00Z")  # already 7 March in Shanghai
def test_a_bounded_date_offers_only_days_within_its_bounds(db):
    definition = make_definition(**bounded(notBefore="1900-01-01", notAfter="today"))
    [birth] = Page(render_form(definition)).all("input", id="id_birth")
    assert birth["type"] == "date"
    assert (birth["min"], birth["max"]) == ("1900-01-01", "2026-03-07")


def test_an_unbounded_date_has_no_min_or_max(sample):
    [birth] = Page(render_form(sample)).all("input", id="id_birth")
    assert "min" not in birth and "max" not in birth


def test_a_date_bounded_on_one_side_has_that_attribute_only(db):
    definition = make_definition(**bounded(notBefore="2000-02-29"))
    [birth] = Page(render_form(definition)).all("input", id="id_birth")
    assert birth["min"] == "2000-02-29" and "max" not in birth
