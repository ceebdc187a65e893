"""The forms' back office (forms/backoffice_views.py): department admins list the forms,
read a version's materials and preview it as an applicant sees it, download it as a
definition file and upload the next version; a refused definition's problems are
listed part by part and nothing is stored."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.audit.models import AuditEvent
from onewindow.conftest import holder_logged_in, make_user
from onewindow.forms import services
from onewindow.forms.attachments import upload_field_name
from onewindow.forms.models import FormDefinition
from onewindow.forms.tests.conftest import make_definition
from onewindow.identity.roles import Role

pytestmark = pytest.mark.single_pass

LIST = reverse("form_definitions:list")
UPLOAD = reverse("form_definitions:upload")
PASSPORT_FILE = Path(__file__).resolve().parents[1] / "definitions" / "passport.json"


def passport() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(PASSPORT_FILE.read_text(encoding="utf-8"))
    return document


def a_file(content: dict[str, Any] | list[Any] | str | bytes, name: str = "form.json") -> Any:
    if isinstance(content, dict | list):
        content = json.dumps(content, ensure_ascii=False)
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/json")


def admin_of(city, where="police", role=Role.DEPARTMENT_ADMIN):
    client, user = holder_logged_in(role, city[where])
    client.cookies["django_language"] = "en"
    return client, user


def upload(client, content, *, key: str = ""):
    """Post a definition file, from the next version's page of ``key`` if given."""
    return client.post(UPLOAD + (f"?key={key}" if key else ""), {"definition": a_file(content)})


def form_url(key: str) -> str:
    return reverse("form_definitions:form", args=[key])


def test_an_admin_uploads_a_form_and_then_its_next_version(city):
    client, admin = admin_of(city)
    response = upload(client, passport())
    assert response.status_code == 302
    assert response["Location"] == form_url("passport")
    page = client.get(response["Location"]).content.decode()
    assert "Version 1 of the form passport is uploaded" in page
    # The next version's page says which key the file must have.
    hint = client.get(UPLOAD, {"key": "passport"}).content.decode()
    assert 'the file\'s key must be <span class="mono">passport</span>' in hint
    changed = {**passport(), "title_en": "Issue of a passport"}
    assert upload(client, changed, key="passport").status_code == 302
    stored = FormDefinition.objects.get(key="passport", version=2)
    assert stored.created_by == admin and stored.title_en == "Issue of a passport"
    assert stored.schema == passport()["schema"] and stored.attachments == passport()["attachments"]
    created = AuditEvent.objects.filter(action="forms.definition_created", outcome="success")
    assert list(created.values_list("actor_id", flat=True)) == [admin.pk, admin.pk]


def test_title_en_and_attachments_may_be_left_out(city):
    client, _admin = admin_of(city)
    document = passport()
    del document["title_en"], document["attachments"]
    response = upload(client, document)
    assert response.status_code == 302
    stored = FormDefinition.objects.get(key="passport")
    assert (stored.title_en, stored.attachments) == ("", [])
    # Stored, and the uploader told which texts English pages will show in Chinese.
    page = client.get(response["Location"]).content.decode()
    assert "These texts have no English, so English pages show their Chinese" in page
    assert "The form&#x27;s title" in page


def test_a_refused_definition_lists_its_problems_by_part_and_stores_nothing(city):
    client, _admin = admin_of(city)
    document = passport()
    document["key"] = "Passport Form"
    document["schema"]["properties"]["reason"]["$ref"] = "https://example.com/x.json"
    document["attachments"][0]["max_mb"] = 500
    response = upload(client, document)
    assert response.status_code == 422
    problems = [(p.part, p.message) for p in response.context["problems"]]
    assert [part for part, _message in problems] == ["Key", "Schema", "Materials"]
    assert "lower-case letters" in problems[0][1]
    assert "Remote references are not allowed" in problems[1][1]
    assert "max_mb must be more than 0" in problems[2][1]
    page = response.content.decode()
    assert "Problems found" in page and "The form was not uploaded." in page
    assert not FormDefinition.objects.exists()


def test_a_layout_problem_is_listed_under_the_layout(city):
    client, _admin = admin_of(city)
    document = passport()
    document["layout"]["sections"][0]["fields"].append("nickname")
    response = upload(client, document)
    assert response.status_code == 422
    [problem] = response.context["problems"]
    assert problem.part == "Layout" and "nickname" in problem.message
    assert not FormDefinition.objects.exists()


def test_schema_and_layout_problems_are_listed_in_one_round_in_chinese(city, chinese):
    """The QA case: a misspelt type and a layout field the schema lacks, each said once,
    in the reader's language, under its part."""
    client, _admin = admin_of(city)
    client.cookies["django_language"] = "zh-hans"
    document = passport()
    document["schema"]["properties"]["reason"]["type"] = "strng"
    document["layout"]["sections"][0]["fields"].append("ghost")
    response = upload(client, document)
    assert response.status_code == 422
    problems = [(p.part, p.message) for p in response.context["problems"]]
    assert problems == [
        (
            "问题定义（JSON Schema）",
            "属性“reason”：类型 “strng” 不是 string、integer、number、boolean、array 之一。",
        ),
        ("布局", "版式中的字段不在结构定义中：ghost"),
    ]
    assert "is not valid under any of the given schemas" not in response.content.decode()
    assert not FormDefinition.objects.exists()


def test_a_pattern_that_is_no_regular_expression_is_listed_once_at_its_property(city, chinese):
    client, _admin = admin_of(city)
    client.cookies["django_language"] = "zh-hans"
    document = passport()
    document["schema"]["properties"]["reason"]["pattern"] = "^1[3-9"
    response = upload(client, document)
    assert response.status_code == 422
    problems = [(p.part, p.message) for p in response.context["problems"]]
    assert problems == [("问题定义（JSON Schema）", "reason：pattern 不是有效的正则表达式。")]
    assert "JSON Schema 在此处不接受" not in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{", "The file is not UTF-8 text."),
        ('{"key": "passport",', "The file is not valid JSON: the error is at line 1"),
        ('{"key": "passport", "n": NaN}', "NaN, Infinity and -Infinity are not JSON numbers."),
        ([passport()], "The file must hold one JSON object"),
        (
            {k: v for k, v in passport().items() if k not in ("key", "layout")},
            "Missing from the file: key, layout.",
        ),
        ({**passport(), "version": 3}, "entries a form definition does not have: version."),
        ({**passport(), "schema": []}, "schema must be a JSON object."),
        ({**passport(), "attachments": {}}, "attachments must be a list."),
        ({**passport(), "title": 7}, "title must be text."),
        ({**passport(), "title_en": "x" * 201}, "title_en is longer than 200 characters."),
    ],
)
def test_a_file_that_is_not_a_definition_file_is_a_field_error(city, content, message):
    client, _admin = admin_of(city)
    response = upload(client, content)
    assert response.status_code == 422
    assert response.context["problems"] == []
    errors = response.context["form"].errors["definition"]
    assert any(message in error for error in errors), errors
    assert not FormDefinition.objects.exists()


def test_a_file_beyond_the_size_limit_is_refused(city):
    client, _admin = admin_of(city)
    response = upload(client, b" " * (1024 * 1024 + 1))
    assert response.status_code == 422
    assert response.context["form"].errors["definition"] == ["The file is larger than 1 MB."]


def test_a_refusal_of_the_service_is_shown_and_on_record(city, monkeypatch):
    # The page asks the same permission first; the service refuses when it has changed
    # in between (a role revoked as the file was sent).
    client, admin = admin_of(city)
    monkeypatch.setattr(services, "permissions", SimpleNamespace(can_manage_definitions=bool))
    monkeypatch.setattr(services.permissions, "can_manage_definitions", lambda actor: actor is None)
    response = upload(client, passport())
    assert response.status_code == 403
    assert "You may not publish form definitions." in response.content.decode()
    assert not FormDefinition.objects.exists()
    refusal = AuditEvent.objects.get(action="forms.definition_created")
    assert (refusal.actor_id, refusal.outcome) == (admin.pk, "denied")


def test_the_list_shows_each_form_with_its_newest_version(city, django_assert_max_num_queries):
    make_definition(key="sample")
    make_definition(key="sample", title_en="Sample form, again")
    make_definition(key="another", title="另一个表单", title_en="")
    client, _admin = admin_of(city)
    # The session, the user, their second factor, roles and notifications; then the
    # newest versions and the counts, however many forms there are.
    with django_assert_max_num_queries(7):
        response = client.get(LIST)
    rows = response.context["forms"]
    assert [(r.newest.key, r.newest.version, r.versions) for r in rows] == [
        ("another", 1, 1),
        ("sample", 2, 2),
    ]
    page = response.content.decode()
    assert "Sample form, again" in page
    # An English page shows the Chinese title when there is no English one, marked so.
    assert '<span lang="zh-Hans">另一个表单</span>' in page


def test_a_form_page_previews_the_form_and_lists_its_materials(city):
    client, _admin = admin_of(city)
    upload(client, passport())
    response = client.get(form_url("passport"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "forms/forms.css" in page
    preview = page.split('id="preview-title"')[1].split('id="versions-title"')[0]
    assert '<form method="post" novalidate class="form-preview"' in preview
    for label in (
        "Applicant&#x27;s full name",
        "Name in pinyin",
        "Purpose of travel",
        "Free delivery",
    ):
        assert label in preview
    assert 'id="id_applicant_name"' in preview
    assert f'name="{upload_field_name("photo")}"' in preview
    materials = [
        (row.key, row.required, row.types, row.max_mb) for row in response.context["materials"]
    ]
    assert materials == [
        ("photo", True, "JPG, PNG", 2),
        ("previous_passport", False, "PDF, JPG, PNG", 5),
    ]
    table = page.split('id="materials-title"')[1].split('id="preview-title"')[0]
    assert "Digital photo for exit-entry documents" in table and "5 MB" in table
    assert "Version 1 (newest)" in page and "passport-v1.json" in page


def test_an_older_version_is_shown_on_request_and_unknown_ones_are_not_found(city):
    first = make_definition(key="sample")
    make_definition(key="sample", title_en="Sample form, again")
    client, _admin = admin_of(city)
    newest = client.get(form_url("sample"))
    assert newest.context["shown"].version == 2
    assert [v.version for v, _uses in newest.context["uses"].versions] == [2, 1]
    assert 'href="?version=1"' in newest.content.decode()
    # Every row of the versions' table reads alike, the one shown too (not a bare "2").
    current = re.search(r'<tr aria-current="true"[^>]*><td>(.*?)</td>', newest.content.decode())
    assert current and current.group(1) == "Version 2"
    older = client.get(form_url("sample"), {"version": "1"})
    assert older.context["shown"] == first
    assert "Version 1 (newest)" not in older.content.decode()
    for missing in ({"version": "9"}, {"version": "x"}, {"version": "1.0"}):
        assert client.get(form_url("sample"), missing).status_code == 404
    assert client.get(form_url("nothing")).status_code == 404
    download = reverse("form_definitions:download", args=["sample", 3])
    assert client.get(download).status_code == 404


def test_a_download_uploaded_again_is_the_same_definition_and_stores_nothing(city):
    client, _admin = admin_of(city)
    upload(client, passport())
    first = FormDefinition.objects.get(key="passport")
    response = client.get(reverse("form_definitions:download", args=["passport", 1]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="passport-v1.json"'
    document = json.loads(response.content.decode("utf-8"))
    assert list(document) == ["key", "title", "title_en", "schema", "layout", "attachments"]
    assert document == passport()
    # The same content and fingerprint: the page says so instead of a second version.
    again = upload(client, response.content)
    assert again.status_code == 409
    assert "same as version 1; nothing was stored" in again.content.decode()
    assert list(FormDefinition.objects.values_list("sha256", flat=True)) == [first.sha256]
    changed = {**document, "title_en": "Ordinary passport"}
    assert upload(client, changed).status_code == 302
    assert FormDefinition.objects.get(key="passport", version=2).title_en == "Ordinary passport"


@pytest.mark.parametrize(
    ("role", "where", "allowed"),
    [
        (Role.DEPARTMENT_ADMIN, "police", True),
        (Role.DEPARTMENT_ADMIN, "pd_market", True),  # any department's admin
        (Role.PLATFORM_ADMIN, "root", True),
        (Role.WINDOW_OFFICER, "police", False),
        (Role.REVIEWING_OFFICER, "police", False),
        (Role.SUPERVISOR, "root", False),
    ],
)
def test_only_admins_see_the_back_office(city, role, where, allowed):
    make_definition(key="sample")
    client, _user = admin_of(city, where, role)
    urls = [
        LIST,
        UPLOAD,
        form_url("sample"),
        reverse("form_definitions:download", args=["sample", 1]),
    ]
    assert {client.get(url).status_code for url in urls} == ({200} if allowed else {404})
    assert upload(client, passport()).status_code == (302 if allowed else 404)
    assert FormDefinition.objects.filter(key="passport").exists() == allowed


def test_citizens_and_strangers_do_not_reach_it(client, city):
    make_definition(key="sample")
    assert client.get(LIST).status_code == 302  # to the login page
    assert client.get(form_url("sample")).status_code == 302
    client.force_login(make_user())
    for url in (LIST, UPLOAD, form_url("sample")):
        assert client.get(url).status_code == 404
    assert upload(client, passport()).status_code == 404
    assert not FormDefinition.objects.filter(key="passport").exists()


def test_the_officer_workspace_links_admins_to_it(city):
    client, _admin = admin_of(city)
    assert LIST in client.get(reverse("identity:officer_home")).content.decode()
    officer, _user = admin_of(city, "police", Role.WINDOW_OFFICER)
    assert LIST not in officer.get(reverse("identity:officer_home")).content.decode()


def test_the_pages_speak_chinese(city):
    client, _admin = admin_of(city)
    assert upload(client, passport()).status_code == 302
    client.cookies["django_language"] = "zh-hans"
    page = client.get(form_url("passport")).content.decode()
    refused = upload(client, {**passport(), "key": "Not a key"})
    assert "预览" in page and "需上传的材料" in page and "密钥" not in page
    assert "表单未上传。" in refused.content.decode()


def test_an_empty_post_names_the_missing_file(city):
    client, _admin = admin_of(city)
    response = client.post(UPLOAD, {})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"definition"}


def test_answers_typed_into_the_preview_are_checked_as_a_submission_would_be(city):
    from onewindow.cases.demo import sample_answers

    client, _admin = admin_of(city)
    assert upload(client, passport()).status_code == 302
    definition = FormDefinition.objects.get(key="passport")
    wrong = client.post(form_url("passport"), {"applicant_id_number": "110105194912310021"})
    assert wrong.status_code == 422
    errors = wrong.context["check_errors"]
    assert "applicant_name" in errors and "applicant_id_number" in errors
    page = wrong.content.decode()
    assert 'class="error-summary"' in page and 'value="110105194912310021"' in page
    answers = sample_answers(definition, id_number="11010519491231002X")
    posted = {k: ("true" if v is True else v) for k, v in answers.items()}
    right = client.post(form_url("passport"), posted)
    assert right.status_code == 200 and right.context["check_errors"] == {}
    assert '"applicant_id_number": "11010519491231002X"' in right.context["cleaned"]
    assert FormDefinition.objects.count() == 1  # a check stores nothing


def test_answers_with_errors_get_one_error_summary_naming_each_question(city):
    client, _admin = admin_of(city)
    assert upload(client, passport()).status_code == 302
    wrong = client.post(form_url("passport"), {"applicant_id_number": "110105194912310021"})
    page = wrong.content.decode()
    # The form's own summary, the one thing announced and focused on the page.
    assert page.count('class="error-summary"') == 1
    assert page.count('role="alert"') == 1 and page.count("autofocus") == 1
    opening = re.search(r'<div class="error-summary"[^>]*>', page)
    assert opening and 'role="alert"' in opening[0] and "autofocus" in opening[0]
    summary = page[opening.end() :].split("</div>")[0]
    links = re.findall(r'<li><a href="(#[^"]+)">(.*?)</a></li>', summary)
    assert links[0] == ("#id_applicant_name", "Applicant&#x27;s full name: This field is required.")
    assert len(links) == sum(len(m) for m in wrong.context["check_errors"].values())
    assert "need correcting" not in page


def test_answers_that_pass_are_announced_once(city):
    from onewindow.cases.demo import sample_answers

    client, _admin = admin_of(city)
    assert upload(client, passport()).status_code == 302
    definition = FormDefinition.objects.get(key="passport")
    answers = sample_answers(definition, id_number="11010519491231002X")
    right = client.post(
        form_url("passport"), {k: ("true" if v is True else v) for k, v in answers.items()}
    )
    page = right.content.decode()
    assert "error-summary" not in page and 'role="alert"' not in page
    assert page.count("autofocus") == 1 and 'role="status" tabindex="-1" autofocus' in page


def test_the_preview_names_questions_with_chinese_punctuation(city, chinese):
    client, _admin = admin_of(city)
    assert upload(client, passport()).status_code == 302
    client.cookies["django_language"] = "zh-hans"
    page = client.post(form_url("passport"), {}).content.decode()
    summary = page.split('class="error-summary"')[1].split("</ul>")[0]
    assert '<a href="#id_applicant_name">申请人姓名：此字段为必填项。</a>' in summary
