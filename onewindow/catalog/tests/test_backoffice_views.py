import io
import json
import re
from typing import Any

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from onewindow.audit.models import AuditEvent
from onewindow.catalog import imports, queries, services, transfer
from onewindow.catalog.models import ServiceItem, ServiceItemVersion, Synonym
from onewindow.catalog.tests.conftest import TOPICS, item_row
from onewindow.conftest import PASSWORD
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]

POLICE_ITEM = "310000-GA-QR-0001"
MARKET_ITEM = "310000-SJ-XK-0001"
BASE = "/backoffice/catalog"


def police_row(code: str = POLICE_ITEM, **changes: Any) -> dict[str, Any]:
    row = item_row(
        code=code,
        department="310000-GA",
        name="新生儿户口登记",
        name_en="Household registration of a newborn",
        topics=("birth",),
    )
    return {**row, **changes}


@pytest.fixture
def seeded(city):  # type: ignore[no-untyped-def]
    services.seed_topics(TOPICS)
    services.seed_items(
        rows=[
            police_row(),
            item_row(
                code=MARKET_ITEM,
                department="310000-SJ",
                name="企业设立登记",
                name_en="Company registration",
                audience="company",
                kind="licensing",
            ),
        ],
        source="test",
    )
    return city


@pytest.fixture
def admin(seeded, officer_logged_in):  # type: ignore[no-untyped-def]
    """A logged-in department admin of the police bureau."""
    return officer_logged_in(Role.DEPARTMENT_ADMIN, "police")


def form_data(item: dict[str, Any], *, new: bool = False, extra: int = 3) -> dict[str, Any]:
    """What the edit page posts for ``item`` (an item dict), with ``extra`` empty rows."""
    data: dict[str, Any] = {
        name: item.get(name, "")  # rows made by item_row have no English guide texts
        for name in (
            "name",
            "name_en",
            "kind",
            "audience",
            "summary",
            "summary_en",
            "legal_basis",
            "legal_basis_en",
            "conditions",
            "conditions_en",
            "statutory_limit_days",
            "promised_limit_days",
            "fee_amount",
            "fee_basis",
            "fee_basis_en",
            "online_level",
            "max_visits",
            "keywords",
            "channels",
            "co_departments",
            "topics",
        )
    }
    if item["is_free"]:
        data["is_free"] = "on"
    if new:
        data["code"], data["department"] = item["code"], item["department"]
    empty = {"materials": {"count": "1", "required": "on"}, "offices": {}, "faq": {}}
    for prefix in ("materials", "offices", "faq"):
        rows = item[prefix]
        data[f"{prefix}-TOTAL_FORMS"] = len(rows) + extra
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for number, row in enumerate(rows):
            for key, value in row.items():
                if value is True:
                    data[f"{prefix}-{number}-{key}"] = "on"
                elif value not in (None, False):
                    data[f"{prefix}-{number}-{key}"] = value
        for number in range(len(rows), len(rows) + extra):
            for key, value in empty[prefix].items():
                data[f"{prefix}-{number}-{key}"] = value
    return data


def current(code: str = POLICE_ITEM) -> dict[str, Any]:
    item = ServiceItem.objects.get(code=code)
    return transfer.version_as_dict(queries.open_version(item) or item.published)


def edit_url(code: str = POLICE_ITEM) -> str:
    return f"{BASE}/items/{code}/edit/"


# --- who may use it -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "department", "status"),
    [
        (Role.DEPARTMENT_ADMIN, "police", 200),
        (Role.DEPARTMENT_ADMIN, "root", 200),
        # Another department's published item, which anyone reads: not theirs (403).
        (Role.DEPARTMENT_ADMIN, "market", 403),
        (Role.REVIEWING_OFFICER, "police", 404),
        (Role.WINDOW_OFFICER, "police", 404),
    ],
)
def test_editing_is_scoped_to_the_admins_departments(
    seeded, officer_logged_in, role, department, status
):
    client, _ = officer_logged_in(role, department)
    versions = ServiceItemVersion.objects.count()
    assert client.get(edit_url()).status_code == status
    response = client.post(edit_url(), form_data({**current(), "name": "新名称"}))
    if status == 200:
        assert response.status_code == 302
        assert response["Location"] == f"{BASE}/items/{POLICE_ITEM}/"
        assert current()["name"] == "新名称"
        assert ServiceItemVersion.objects.count() == versions + 1
    else:
        assert response.status_code == status
        assert ServiceItemVersion.objects.count() == versions


def test_citizens_and_strangers_get_nothing(seeded, citizen):
    anonymous = Client()
    assert anonymous.get(f"{BASE}/")["Location"].startswith("/login/")
    client = Client()
    assert (
        client.post("/login/", {"username": citizen.username, "password": PASSWORD}).status_code
        == 302
    )
    for path in (
        "/",
        "/items/new/",
        f"/items/{POLICE_ITEM}/",
        f"/items/{POLICE_ITEM}/edit/",
        "/reviews/",
        "/import/",
        "/export.json",
        "/export.xlsx",
        "/synonyms/",
    ):
        assert client.get(BASE + path).status_code == 404, path
    assert client.post(edit_url(), form_data(current())).status_code == 404


def test_the_list_shows_only_items_in_scope(admin):
    client, _ = admin
    page = client.get(f"{BASE}/").content.decode()
    assert POLICE_ITEM in page and MARKET_ITEM not in page
    # Published, so anyone reads it: refused as not theirs rather than hidden.
    assert client.get(f"{BASE}/items/{MARKET_ITEM}/").status_code == 403
    assert client.get(edit_url(MARKET_ITEM)).status_code == 403


def test_the_list_takes_the_same_queries_for_more_items(admin, capture_queries):
    client, _ = admin
    # A draft on either side: the drafts' review trails are read in one query.
    client.post(edit_url(), form_data(current()))
    with capture_queries() as few:
        assert client.get(f"{BASE}/").status_code == 200
    services.seed_items(
        rows=[police_row(code=f"310000-GA-QR-00{n}") for n in range(10, 20)], source="test"
    )
    client.post(edit_url("310000-GA-QR-0011"), form_data(current("310000-GA-QR-0011")))
    with capture_queries() as many:
        page = client.get(f"{BASE}/").content.decode()
    assert "310000-GA-QR-0019" in page
    assert len(many) == len(few)


# --- editing ------------------------------------------------------------------------


def test_the_edit_form_is_prefilled_from_the_published_version(admin):
    client, _ = admin
    page = client.get(edit_url()).content.decode()
    assert 'value="新生儿户口登记"' in page
    assert 'name="materials-0-name"' in page and 'value="居民身份证"' in page
    assert 'name="materials-3-name"' in page  # three empty rows after the one material
    assert 'name="code"' not in page  # fixed for an existing item
    assert "<legend>" in page and '<label for="id_legal_basis">' in page


def test_bad_input_shows_field_errors_and_saves_nothing(admin):
    client, _ = admin
    versions, events = ServiceItemVersion.objects.count(), AuditEvent.objects.count()
    data = form_data(
        {
            **current(),
            "promised_limit_days": 30,
            "materials": [
                {
                    "name": "出生医学证明",
                    "form": "electronic",
                    "count": 1,
                    "source": "department",
                    "source_department": None,
                    "certificate_type": "",
                    "required": True,
                    "notes": "",
                },
                {
                    "name": "居民身份证",
                    "form": "original",
                    "count": 1,
                    "source": "certificate",
                    "source_department": "310000-GA",
                    "certificate_type": "",
                    "required": True,
                    "notes": "",
                },
            ],
        }
    )
    response = client.post(edit_url(), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert 'href="#id_promised_limit_days"' in page
    assert 'href="#id_materials-0-source_department"' in page
    assert 'href="#id_materials-1-certificate_type"' in page
    assert page.count("field-error") >= 3
    assert ServiceItemVersion.objects.count() == versions
    assert AuditEvent.objects.count() == events


def summary_links(page: str) -> list[str]:
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">', summary)


def test_rules_between_fields_are_reported_with_the_pages_own_errors(admin):
    # The QA's case: a promised limit over the statutory one used to be reported only
    # once every other field and material row was right, so the editor submitted twice.
    client, _ = admin
    client.cookies["django_language"] = "en"
    data = form_data(
        {
            **current(),
            "statutory_limit_days": 15,
            "promised_limit_days": 20,
            "legal_basis": "",  # required: the page's own error
            "materials": [
                {"name": "", "form": "original", "count": 1, "source": "applicant"},
                {"name": "出生医学证明", "form": "electronic", "count": 1, "source": "department"},
            ],
        }
    )
    response = client.post(edit_url(), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert summary_links(page) == [
        "id_legal_basis",
        "id_promised_limit_days",
        "id_materials-0-name",
        "id_materials-1-source_department",
    ]
    assert "The promised time limit cannot exceed the statutory one." in page
    assert "Name the department the material comes from." in page
    assert queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM)) is None
    # Corrected all at once, the page saves in the next round.
    fixed = {
        **data,
        "promised_limit_days": 10,
        "legal_basis": "《户口登记条例》第七条",
        "materials-0-name": "居民身份证",
        "materials-1-source_department": "310000-SJ",
    }
    assert client.post(edit_url(), fixed).status_code == 302


def test_a_rule_about_a_wrong_value_says_nothing_more(admin):
    client, _ = admin
    data = form_data({**current(), "statutory_limit_days": "fifteen", "promised_limit_days": 20})
    data["name"] = ""
    page = client.post(edit_url(), data).content.decode()
    assert summary_links(page) == ["id_name", "id_statutory_limit_days"]


def test_a_refused_page_takes_focus_to_its_error_summary(admin):
    client, _ = admin
    page = client.post(edit_url(), form_data({**current(), "name": ""})).content.decode()
    summary = page.index('class="error-summary"')
    # The first element in the page to claim focus is the summary, as on the other forms.
    assert summary < page.index("autofocus") < page.index(">", summary)
    assert page.count("autofocus") == 1


def test_a_missing_required_field_is_reported_before_any_service(admin):
    client, _ = admin
    response = client.post(edit_url(), form_data({**current(), "name": ""}))
    assert response.status_code == 422
    assert 'href="#id_name"' in response.content.decode()
    assert queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM)) is None


def test_materials_offices_and_faq_are_added_and_deleted(admin):
    client, _ = admin
    item = current()
    data = form_data(
        {
            **item,
            "offices": [],
            "faq": [
                *item["faq"],
                {"q": "收费吗？", "a": "免费。", "q_en": "Any fee?", "a_en": "No."},
            ],
        }
    )
    data.update(
        {
            "materials-0-DELETE": "on",
            "materials-1-name": "出生医学证明",
            "materials-1-form": "electronic",
            "materials-1-source": "certificate",
            "materials-1-source_department": "310000-GA",
            "materials-1-certificate_type": "出生医学证明",
        }
    )
    assert client.post(edit_url(), data).status_code == 302
    saved = current()
    assert [m["name"] for m in saved["materials"]] == ["出生医学证明"]
    assert saved["materials"][0]["source_department"] == "310000-GA"
    assert saved["offices"] == []
    assert [f["q"] for f in saved["faq"]] == ["要多久？", "收费吗？"]


@pytest.mark.parametrize(
    ("entry", "missing"),
    [
        pytest.param({"q": "收费吗？"}, "a", id="question without answer"),
        pytest.param({"a": "免费。"}, "q", id="answer without question"),
    ],
)
def test_a_half_filled_question_is_refused_at_its_row(admin, entry, missing):
    # The QA's case: the half-filled row was saved, and the guide showed an empty answer.
    client, _ = admin
    client.cookies["django_language"] = "en"
    item = current()
    data = form_data(item)
    data.update({f"faq-1-{key}": value for key, value in entry.items()})
    response = client.post(edit_url(), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert summary_links(page) == [f"id_faq-1-{missing}"]
    assert "This field is required." in page
    assert queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM)) is None


def test_a_half_filled_question_is_reported_with_the_pages_own_errors(admin):
    client, _ = admin
    data = form_data({**current(), "name": ""})
    data["faq-1-q"] = "收费吗？"
    page = client.post(edit_url(), data).content.decode()
    assert summary_links(page) == ["id_name", "id_faq-1-a"]


def english_changes(item: dict[str, Any]) -> dict[str, Any]:
    """``item`` with English for its legal basis, conditions, office hours and notes."""
    return {
        **item,
        "legal_basis_en": "Test Regulations, Article 1",
        "conditions_en": "Applicants who meet the conditions.",
        "offices": [{**o, "hours_en": "9:00-17:00 on working days"} for o in item["offices"]],
        "materials": [
            {**m, "notes_en": "Bring the original", "certificate_type_en": "Identity card"}
            for m in item["materials"]
        ],
    }


def test_the_editor_saves_the_english_guide_texts(admin):
    client, _ = admin
    page = client.get(edit_url()).content.decode()
    for field in ("legal_basis_en", "conditions_en", "fee_basis_en"):
        assert f'id="id_{field}"' in page, field
    assert 'id="id_offices-0-hours_en"' in page
    assert 'id="id_materials-0-notes_en"' in page
    assert 'id="id_materials-0-certificate_type_en"' in page
    assert client.post(edit_url(), form_data(english_changes(current()))).status_code == 302
    saved = current()
    assert saved["legal_basis_en"] == "Test Regulations, Article 1"
    assert saved["conditions_en"] == "Applicants who meet the conditions."
    assert saved["fee_basis_en"] == ""
    assert saved["offices"][0]["hours_en"] == "9:00-17:00 on working days"
    assert saved["materials"][0]["notes_en"] == "Bring the original"
    assert saved["materials"][0]["certificate_type_en"] == "Identity card"
    # The next edit starts from what was saved.
    again = client.get(edit_url()).content.decode()
    assert "Applicants who meet the conditions." in again and "Bring the original" in again


def test_the_reviewer_sees_which_texts_have_no_english(admin):
    client, _ = admin
    client.cookies["django_language"] = "en"
    item_page = f"{BASE}/items/{POLICE_ITEM}/"
    chinese_only = {**current(), "legal_basis_en": "", "conditions_en": ""}
    assert client.post(edit_url(), form_data(chinese_only)).status_code == 302
    page = client.get(item_page)
    missing = page.context["missing_english"]
    assert "Legal basis" in missing and "Conditions" in missing
    assert "English pages will show the Chinese there" in page.content.decode()
    assert client.post(edit_url(), form_data(english_changes(current()))).status_code == 302
    given = client.get(item_page).context["missing_english"]
    assert "Legal basis" not in given and "Conditions" not in given
    assert not [text for text in given if "Opening hours" in text or "E-certificate" in text]


def changed_rows(page: str) -> list[str]:
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    return [row for row in table.split("<tr") if 'class="changed"' in row]


def test_the_comparison_shows_changes_of_the_english_guide_texts(admin):
    client, _ = admin
    client.cookies["django_language"] = "en"
    assert client.post(edit_url(), form_data(english_changes(current()))).status_code == 302
    page = client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    rows = changed_rows(page)
    for label, draft in (
        ("English legal basis", "Test Regulations, Article 1"),
        ("English conditions", "Applicants who meet the conditions."),
        ("Offices · English opening hours", "9:00-17:00 on working days"),
        ("Materials · English notes", "Bring the original"),
        ("Materials · English e-certificate type", "Identity card"),
    ):
        matching = [row for row in rows if f"{label} <span" in row]
        assert len(matching) == 1, label
        assert f"<td>—</td><td>{draft}</td>" in matching[0], label
    assert len(rows) == 5


def test_the_comparison_shows_what_a_material_asks_of_the_applicant(admin):
    """Its form, copies, source and whether it is required: a reviewer approved changes
    to these unseen, the comparison naming each material only."""
    client, _ = admin
    client.cookies["django_language"] = "en"
    item = current()
    first = item["materials"][0]
    assert (first["form"], first["count"], first["required"]) == ("original", 1, True)
    item["materials"][0] = {**first, "form": "copy", "count": 2, "required": False}
    assert client.post(edit_url(), form_data(item)).status_code == 302
    rows = changed_rows(client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode())
    shown = {
        label: row
        for label in ("Materials · Form", "Materials · Copies", "Materials · Required")
        for row in rows
        if f"{label} <span" in row
    }
    assert set(shown) == {"Materials · Form", "Materials · Copies", "Materials · Required"}
    assert "<td>Original</td><td>Copy</td>" in shown["Materials · Form"]
    assert "<td>1</td><td>2</td>" in shown["Materials · Copies"]
    assert "<td>Yes</td><td>No</td>" in shown["Materials · Required"]


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [
        ("en", "Birth and adoption", "Birth and adoption, Household registration"),
        ("zh-hans", "生育收养", "生育收养、户籍办理"),
    ],
)
def test_the_comparison_names_topics_in_the_readers_language(admin, language, before, after):
    client, _ = admin
    client.cookies["django_language"] = language
    data = form_data(current())
    data["topics"] = ["birth", "household"]
    assert client.post(edit_url(), data).status_code == 302
    page = client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    [row] = changed_rows(page)
    assert f"<td>{before}</td><td>{after}</td>" in row
    assert "household" not in row.replace("Household", "")


def test_the_comparison_names_co_handling_departments(admin):
    client, _ = admin
    data = form_data(current())
    data["co_departments"] = ["310000-SJ"]
    assert client.post(edit_url(), data).status_code == 302
    page = client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    [row] = changed_rows(page)
    assert "<td>—</td><td>市场监管局</td>" in row  # the page is Chinese; not "310000-SJ"


def test_co_handling_departments_and_topics_are_boxes_to_tick(admin):
    # A list box needed Ctrl-click to choose several: hard by keyboard (QA).
    client, _ = admin
    data = form_data(current())
    data["co_departments"] = ["310000-SJ"]
    assert client.post(edit_url(), data).status_code == 302
    page = lxml.html.fromstring(client.get(edit_url()).content)
    assert not page.xpath("//select[@multiple]")
    for name in ("co_departments", "topics"):
        [group] = page.xpath(
            "//fieldset[contains(@class, 'field')][.//input[@name=$name]]", name=name
        )
        assert group.xpath("legend"), name  # the group is named by its legend
        assert group.xpath(".//div[@class='choice-list']"), name
    ticked = page.xpath("//input[@name='co_departments'][@checked]/@value")
    assert ticked == ["310000-SJ"]


def test_a_new_item_is_created_in_an_editable_department_only(admin):
    client, _ = admin
    page = client.get(f"{BASE}/items/new/").content.decode()
    assert (
        'value="310000-GA"' in page
        and 'value="310000-SJ"' not in page.split('id="id_co_departments"')[0]
    )
    new = police_row(code="310000-GA-QR-0002", name="户口迁移")
    response = client.post(f"{BASE}/items/new/", form_data(new, new=True))
    assert response.status_code == 302
    assert current("310000-GA-QR-0002")["name"] == "户口迁移"
    market = {**new, "code": "310000-SJ-QR-0002", "department": "310000-SJ"}
    refused = client.post(f"{BASE}/items/new/", form_data(market, new=True))
    assert refused.status_code == 422
    assert not ServiceItem.objects.filter(code="310000-SJ-QR-0002").exists()


def test_new_refuses_the_code_of_an_existing_item(admin):
    client, _ = admin
    response = client.post(f"{BASE}/items/new/", form_data({**current(), "name": "覆盖"}, new=True))
    assert response.status_code == 422
    assert "edit it instead" in response.content.decode() or "编辑" in response.content.decode()
    assert current()["name"] == "新生儿户口登记"


# --- review and publishing ----------------------------------------------------------


def submit(client: Client, **changes: Any) -> Any:
    return client.post(edit_url(), {**form_data({**current(), **changes}), "submit": "1"})


def review(client: Client, decision: str, comment: str = "") -> Any:
    return client.post(f"{BASE}/items/{POLICE_ITEM}/", {"decision": decision, "comment": comment})


def test_submit_then_a_second_admin_approves_and_the_guide_is_published(admin, officer_logged_in):
    author_client, author = admin
    before = queries.published_version(POLICE_ITEM).number
    assert submit(author_client, name="新生儿户口登记（新）").status_code == 302
    assert queries.published_version(POLICE_ITEM).name == "新生儿户口登记"  # not yet
    reviewer_client, reviewer = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    index = reviewer_client.get(f"{BASE}/").content.decode()
    assert f'href="{BASE}/reviews/"' in index
    queue = reviewer_client.get(f"{BASE}/reviews/").content.decode()
    assert POLICE_ITEM in queue and "新生儿户口登记（新）" in queue
    item_page = reviewer_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert 'name="decision"' in item_page and "新生儿户口登记（新）" in item_page
    response = review(reviewer_client, "approve")
    assert response.status_code == 302
    published = queries.published_version(POLICE_ITEM)
    assert published.number == before + 1
    assert published.name == "新生儿户口登记（新）"
    assert published.author == author and published.last_review.reviewer == reviewer
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"catalog.draft_saved", "catalog.submitted", "catalog.published"} <= actions
    history = reviewer_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert reviewer.full_name in history and author.full_name in history


def test_the_author_cannot_approve_their_own_draft(admin):
    client, _ = admin
    before = queries.published_version(POLICE_ITEM).number
    submit(client, name="自己批准")
    page = client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert 'name="decision"' not in page  # no review form for the author
    assert POLICE_ITEM not in client.get(f"{BASE}/reviews/").content.decode()
    response = review(client, "approve")
    assert response.status_code == 403
    assert "error-summary" in response.content.decode()
    assert queries.published_version(POLICE_ITEM).number == before
    assert AuditEvent.objects.filter(action="catalog.reviewed", outcome="denied").exists()


def test_return_with_a_comment_goes_back_to_the_author(admin, officer_logged_in):
    author_client, _ = admin
    submit(author_client, name="待退回")
    reviewer_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    without_comment = review(reviewer_client, "return")
    assert without_comment.status_code == 422
    assert 'href="#id_comment"' in without_comment.content.decode()
    assert review(reviewer_client, "return", "请补充法律依据。").status_code == 302
    draft = queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM))
    assert draft.status == "rejected" and draft.last_review.comment == "请补充法律依据。"
    assert "请补充法律依据。" in author_client.get(f"{BASE}/").content.decode()
    assert AuditEvent.objects.filter(action="catalog.returned").exists()
    # The author corrects the draft and submits it again from the item page.
    edit_page = author_client.get(edit_url())
    assert edit_page.status_code == 200 and "请补充法律依据。" in edit_page.content.decode()
    resubmitted = author_client.post(f"{BASE}/items/{POLICE_ITEM}/submit/")
    assert resubmitted.status_code == 302
    assert queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM)).status == "in_review"


def test_an_editor_who_changed_the_draft_is_told_why_they_cannot_review_it(
    admin, officer_logged_in
):
    author_client, _ = admin
    editor_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    editor_client.cookies["django_language"] = "en"
    changed = {**current(), "legal_basis": "《条例》第八条"}
    assert editor_client.post(edit_url(), form_data(changed)).status_code == 302
    assert submit(author_client).status_code == 302
    page = editor_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert 'name="decision"' not in page
    assert "You changed this draft, so another editor must review it" in page
    assert POLICE_ITEM not in editor_client.get(f"{BASE}/reviews/").content.decode()
    assert review(editor_client, "approve").status_code == 403
    assert queries.published_version(POLICE_ITEM).number == 1


def test_a_draft_in_review_cannot_be_edited(admin):
    client, _ = admin
    submit(client)
    assert client.get(edit_url()).status_code == 409
    assert submit(client, name="改不了").status_code == 409
    assert current()["name"] == "新生儿户口登记"


def withdraw(client: Client) -> Any:
    return client.post(f"{BASE}/items/{POLICE_ITEM}/withdraw/", follow=True)


def shown_messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_author_withdraws_a_draft_from_review(admin, officer_logged_in):
    author_client, _ = admin
    author_client.cookies["django_language"] = "en"
    assert submit(author_client, name="撤回再改").status_code == 302
    reviewer_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    assert POLICE_ITEM in reviewer_client.get(f"{BASE}/reviews/").content.decode()
    # The author's page offers the button; the reviewer's offers the review instead.
    button = f'action="{BASE}/items/{POLICE_ITEM}/withdraw/"'
    page = author_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert button in page and "Withdraw from review</button>" in page
    assert 'name="decision"' not in page
    reviewers_page = reviewer_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert button not in reviewers_page and 'name="decision"' in reviewers_page
    # The edit page, locked meanwhile, tells the author how to unlock it.
    assert "withdraw it from review" in author_client.get(edit_url()).content.decode()

    response = withdraw(author_client)
    assert response.redirect_chain == [(f"{BASE}/items/{POLICE_ITEM}/", 302)]
    assert shown_messages(response) == [
        "The draft was withdrawn from review. You can edit it again."
    ]
    page = response.content.decode()
    assert button not in page and "Submit for review</button>" in page
    assert queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM)).status == "draft"
    assert AuditEvent.objects.filter(action="catalog.withdrawn", outcome="success").exists()
    # Off the review queue, and editable again.
    queue = reviewer_client.get(f"{BASE}/reviews/").content.decode()
    assert POLICE_ITEM not in queue and "撤回再改" not in queue
    assert author_client.get(edit_url()).status_code == 200


def seen_by(client: Client) -> str:
    """The draft's content stamp as the item page gave it to ``client`` to send back."""
    page = client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    match = re.search(r'name="seen" value="([0-9a-f]{64})"', page)
    assert match, "the review form carries what it showed"
    return match[1]


def test_a_decision_on_a_draft_changed_since_it_was_read_is_refused(admin, officer_logged_in):
    """QA: the author withdrew the draft, changed it and submitted it again while the
    reviewer read the old one, whose approval then published what nobody reviewed."""
    author_client, _ = admin
    submit(author_client, name="审核人看到的版本")
    reviewer_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    reviewer_client.cookies["django_language"] = "en"
    read = seen_by(reviewer_client)
    withdraw(author_client)
    submit(author_client, name="审核人没看到的版本")
    before = queries.published_version(POLICE_ITEM).number
    post = {"decision": "approve", "comment": "同意", "seen": read}
    refused = reviewer_client.post(f"{BASE}/items/{POLICE_ITEM}/", post)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "The draft changed after you opened it" in page and "审核人没看到的版本" in page
    assert queries.published_version(POLICE_ITEM).number == before
    # The page shows the draft as it is now, and the decision sent from it is taken.
    again = re.search(r'name="seen" value="([0-9a-f]{64})"', page)
    assert again and again[1] != read and again[1] == seen_by(reviewer_client)
    taken = reviewer_client.post(f"{BASE}/items/{POLICE_ITEM}/", {**post, "seen": again[1]})
    assert taken.status_code == 302
    assert queries.published_version(POLICE_ITEM).name == "审核人没看到的版本"


def test_a_draft_resubmitted_unchanged_is_still_the_one_read(admin, officer_logged_in):
    author_client, _ = admin
    submit(author_client, name="原样重新提交")
    reviewer_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    read = seen_by(reviewer_client)
    withdraw(author_client)
    assert author_client.post(f"{BASE}/items/{POLICE_ITEM}/submit/").status_code == 302
    post = {"decision": "approve", "comment": "", "seen": read}
    assert reviewer_client.post(f"{BASE}/items/{POLICE_ITEM}/", post).status_code == 302
    assert queries.published_version(POLICE_ITEM).name == "原样重新提交"


def test_a_decision_on_a_draft_withdrawn_meanwhile_says_why_it_was_not_taken(
    admin, officer_logged_in
):
    """QA: the 409 came back with no message on the page."""
    author_client, _ = admin
    submit(author_client, name="审核中被撤回")
    reviewer_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    reviewer_client.cookies["django_language"] = "en"
    read = seen_by(reviewer_client)
    withdraw(author_client)
    post = {"decision": "approve", "comment": "", "seen": read}
    refused = reviewer_client.post(f"{BASE}/items/{POLICE_ITEM}/", post)
    assert refused.status_code == 409
    assert "There is nothing awaiting review for this item." in refused.content.decode()


def test_the_withdrawal_message_in_chinese(admin, chinese):
    client, _ = admin
    submit(client)
    page = client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    assert "撤回审核</button>" in page
    assert shown_messages(withdraw(client)) == ["草稿已撤回审核，可以继续编辑。"]


def test_a_withdrawal_after_the_reviewer_decided_says_so(admin, officer_logged_in):
    author_client, _ = admin
    author_client.cookies["django_language"] = "en"
    submit(author_client)
    reviewer_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    assert review(reviewer_client, "approve").status_code == 302
    response = withdraw(author_client)
    assert shown_messages(response)[-1] == (
        "The draft is no longer awaiting review: a reviewer has decided on it, or it was "
        "withdrawn already."
    )
    assert 'role="alert"' in response.content.decode()
    assert queries.published_version(POLICE_ITEM).name == "新生儿户口登记"  # still published


def test_another_editor_cannot_withdraw_the_draft(admin, officer_logged_in):
    author_client, _ = admin
    submit(author_client)
    other_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    other_client.cookies["django_language"] = "en"
    response = withdraw(other_client)
    assert shown_messages(response) == ["Only the editor who submitted the draft may withdraw it."]
    assert queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM)).status == "in_review"
    # Another department's editor is refused the item itself, as for any other change.
    market_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "market")
    assert market_client.post(f"{BASE}/items/{POLICE_ITEM}/withdraw/").status_code == 403


def test_withdrawing_takes_a_post(admin):
    client, _ = admin
    submit(client)
    assert client.get(f"{BASE}/items/{POLICE_ITEM}/withdraw/").status_code == 405
    assert queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM)).status == "in_review"


# --- import and export --------------------------------------------------------------


def upload(client: Client, name: str, body: bytes) -> Any:
    return client.post(f"{BASE}/import/", {"file": SimpleUploadedFile(name, body)})


def test_import_json_creates_versions_awaiting_review(admin):
    client, _ = admin
    rows = [police_row(name="导入的名称"), police_row(code="310000-GA-QR-0003")]
    response = upload(client, "items.json", json.dumps(rows, ensure_ascii=False).encode())
    assert response.status_code == 302
    for code in (POLICE_ITEM, "310000-GA-QR-0003"):
        assert queries.open_version(ServiceItem.objects.get(code=code)).status == "in_review"
    assert current()["name"] == "导入的名称"
    page = client.get(response["Location"]).content.decode()
    assert "2" in page and ("await review" in page or "待审核" in page)
    event = AuditEvent.objects.get(action="catalog.imported")
    assert event.detail["source"] == "items.json"


def test_a_whole_file_problem_names_no_field(admin):
    """Its field column was the upload's internal name, "file" (QA)."""
    client, _ = admin
    response = upload(client, "items.xlsx", b"not a workbook")
    assert response.status_code == 422
    [row] = lxml.html.fromstring(response.content.decode()).xpath("//tbody/tr")
    cells = [" ".join(cell.text_content().split()) for cell in row.xpath("td")]
    assert cells[1] == "" and cells[0] in ("Whole file", "整个文件")


def police_workbook(**cells: Any) -> bytes:
    """The police item's export with some cells of its row in the items sheet changed."""
    workbook = load_workbook(
        io.BytesIO(transfer.export_excel([queries.published_version(POLICE_ITEM)]))
    )
    sheet = workbook["items"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    for column, value in cells.items():
        sheet.cell(row=2, column=columns[column], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_excel_creates_versions_awaiting_review(admin):
    client, _ = admin
    assert upload(client, "items.xlsx", police_workbook(name="导入的名称")).status_code == 302
    draft = queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM))
    assert draft.status == "in_review"
    published = transfer.version_as_dict(queries.published_version(POLICE_ITEM))
    assert current() == {**published, "name": "导入的名称"}


def test_reimporting_an_export_leaves_the_items_alone_and_says_so(admin):
    # The QA's case: an unmodified export made every item a new version awaiting review.
    client, _ = admin
    client.cookies["django_language"] = "en"
    versions = ServiceItemVersion.objects.count()
    response = upload(client, "items.xlsx", police_workbook())
    assert response.status_code == 302
    assert ServiceItemVersion.objects.count() == versions
    page = client.get(response["Location"]).content.decode()
    assert "1 item was unchanged and was left as it is." in page
    assert "await" not in page.split('class="messages"', 1)[1].split("</div>", 1)[0]


def test_import_says_how_many_await_review_and_how_many_were_unchanged(admin):
    client, _ = admin
    client.cookies["django_language"] = "en"
    rows = [police_row(), police_row(code="310000-GA-QR-0003")]
    response = upload(client, "items.json", json.dumps(rows, ensure_ascii=False).encode())
    page = client.get(response["Location"]).content.decode()
    assert "1 item now awaits review." in page
    assert "1 item was unchanged and was left as it is." in page


def test_import_refuses_to_overwrite_another_editors_draft(admin, officer_logged_in):
    # The QA's case: editor B's import replaced editor A's open draft, under B's name.
    author_client, author = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    assert (
        author_client.post(edit_url(), form_data({**current(), "name": "甲的草稿"})).status_code
        == 302
    )
    client, _ = admin
    client.cookies["django_language"] = "en"
    versions = ServiceItemVersion.objects.count()
    response = upload(client, "items.xlsx", police_workbook(keywords="乙的文件"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "<td>items sheet, row 2</td>" in page
    assert f"{author.full_name} has an open draft of {POLICE_ITEM} (version 2)" in page
    assert ServiceItemVersion.objects.count() == versions
    draft = queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM))
    assert (draft.author, draft.status, draft.name) == (author, "draft", "甲的草稿")
    assert not AuditEvent.objects.filter(action="catalog.imported").exists()


def test_import_says_it_replaced_the_importers_own_draft(admin):
    client, _ = admin
    client.cookies["django_language"] = "en"
    assert client.post(edit_url(), form_data({**current(), "name": "我的草稿"})).status_code == 302
    response = upload(client, "items.xlsx", police_workbook(keywords="文件的关键词"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"The file&#x27;s guide replaced your open draft of {POLICE_ITEM}." in page
    draft = queries.open_version(ServiceItem.objects.get(code=POLICE_ITEM))
    assert draft.status == "in_review"
    assert (draft.name, draft.keywords) == (
        queries.published_version(POLICE_ITEM).name,
        "文件的关键词",
    )


def test_import_errors_in_the_materials_sheet_name_it_and_its_row(admin):
    client, _ = admin
    client.cookies["django_language"] = "en"
    workbook = load_workbook(
        io.BytesIO(transfer.export_excel([queries.published_version(POLICE_ITEM)]))
    )
    workbook["materials"]["D2"] = "fax"  # the form of the item's first material
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, "items.xlsx", buffer.getvalue())
    assert response.status_code == 422
    page = response.content.decode()
    assert '<td>materials sheet, row 2</td><td class="mono">form</td>' in page


def test_import_errors_are_listed_and_nothing_is_imported(admin):
    client, _ = admin
    versions = ServiceItemVersion.objects.count()
    rows = [
        police_row(),
        police_row(code="310000-GA-QR-0004", is_free="maybe"),
        item_row(code=MARKET_ITEM, department="310000-SJ", name="x", name_en="x"),
    ]
    client.cookies["django_language"] = "en"
    response = upload(client, "items.json", json.dumps(rows).encode())
    assert response.status_code == 422
    page = response.content.decode()
    assert "<td>item 2</td>" in page and "is_free" in page
    assert "<td>item 3</td>" in page and "department" in page
    assert ServiceItemVersion.objects.count() == versions


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("items.xlsx", b"not a workbook at all"),
        ("items.json", b"\x89PNG\r\n"),
        ("items.json", b'{"code": "310000-GA-QR-0001"}'),
    ],
)
def test_import_checks_the_content_not_only_the_extension(admin, name, body):
    client, _ = admin
    response = upload(client, name, body)
    assert response.status_code == 422
    assert "file" in response.content.decode()
    assert ServiceItemVersion.objects.count() == 2


def test_import_refuses_other_files_and_big_ones(admin, monkeypatch):
    client, _ = admin
    assert upload(client, "items.csv", b"code\n").status_code == 422
    monkeypatch.setattr("onewindow.catalog.backoffice_forms.MAX_UPLOAD_BYTES", 10)
    assert upload(client, "items.json", b"[" + b" " * 20 + b"]").status_code == 422


def test_exports_download_the_published_items_in_scope(admin):
    client, user = admin
    submit(client, name="未发布的草稿")  # drafts are not exported
    published = transfer.version_as_dict(queries.published_version(POLICE_ITEM))

    as_json = client.get(f"{BASE}/export.json")
    assert as_json.status_code == 200
    assert as_json["Content-Type"].startswith("application/json")
    assert as_json["Content-Disposition"].startswith('attachment; filename="catalog-')
    assert as_json["Content-Disposition"].endswith('.json"')
    assert json.loads(as_json.content) == [published]

    as_excel = client.get(f"{BASE}/export.xlsx")
    assert as_excel["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert as_excel["Content-Disposition"].endswith('.xlsx"')
    rows = transfer.parse_excel(as_excel.content)
    assert [row["code"] for row in rows] == [POLICE_ITEM]
    # What was exported imports back as changing nothing, whatever draft is open.
    result = imports.import_items(actor=user, rows=rows, source="round trip")
    assert (result.staged, result.unchanged) == ([], [POLICE_ITEM])
    item = ServiceItem.objects.get(code=POLICE_ITEM)
    assert transfer.version_as_dict(item.published) == published
    assert queries.open_version(item).name == "未发布的草稿"
    assert io.BytesIO(as_excel.content).read(2) == b"PK"


# --- synonyms -----------------------------------------------------------------------


def test_a_departments_admin_reads_the_synonyms_without_the_means_to_change_them(admin):
    client, _ = admin
    Synonym.objects.create(term="办执照", canonical="营业执照")
    page = client.get(f"{BASE}/synonyms/").content.decode()
    assert "办执照" in page
    assert 'name="term"' not in page and "synonyms/delete/" not in page
    refused = client.post(f"{BASE}/synonyms/", {"term": "办执照", "canonical": "护照"})
    assert refused.status_code == 403
    assert client.get(f"{BASE}/synonyms/delete/", {"term": "办执照"}).status_code == 403
    assert client.post(f"{BASE}/synonyms/delete/", {"term": "办执照"}).status_code == 302
    assert Synonym.objects.get(term="办执照").canonical == "营业执照"


def test_deleting_a_synonym_is_confirmed_first(seeded, officer_logged_in):
    client, _ = officer_logged_in(Role.PLATFORM_ADMIN, "root")
    client.cookies["django_language"] = "en"
    Synonym.objects.create(term="办执照", canonical="营业执照")
    listing = client.get(f"{BASE}/synonyms/").content.decode()
    link = f"{BASE}/synonyms/delete/?term=%E5%8A%9E%E6%89%A7%E7%85%A7"
    assert f'<a class="button-small" href="{link}">Delete' in listing
    page = client.get(link)
    assert page.status_code == 200 and Synonym.objects.filter(term="办执照").exists()
    text = page.content.decode()
    assert "<h1>Delete a synonym</h1>" in text
    assert (
        'Searches for “<span lang="zh-Hans">办执照</span>” will no longer find the services '
        'listed under “<span lang="zh-Hans">营业执照</span>”.'
    ) in text
    assert '<input type="hidden" name="term" value="办执照">' in text
    assert client.get(f"{BASE}/synonyms/delete/", {"term": "没有"}).status_code == 404


def test_synonyms_are_added_changed_and_deleted(seeded, officer_logged_in):
    client, _ = officer_logged_in(Role.PLATFORM_ADMIN, "root")
    url = f"{BASE}/synonyms/"
    assert client.post(url, {"term": "生孩子", "canonical": "出生"}).status_code == 302
    assert "生孩子" in client.get(url).content.decode()
    assert client.post(url, {"term": "生孩子", "canonical": "生育"}).status_code == 302
    assert Synonym.objects.get(term="生孩子").canonical == "生育"
    refused = client.post(url, {"term": "出生", "canonical": "出生"})
    assert refused.status_code == 422 and 'href="#id_canonical"' in refused.content.decode()
    assert client.post(f"{url}delete/", {"term": "生孩子"}).status_code == 302
    assert not Synonym.objects.exists()
    missing = client.post(f"{url}delete/", {"term": "生孩子"}, follow=True)
    assert missing.status_code == 200 and "message-error" in missing.content.decode()
    actions = list(
        AuditEvent.objects.filter(action__startswith="catalog.synonym_").values_list(
            "action", flat=True
        )
    )
    assert actions == ["catalog.synonym_saved", "catalog.synonym_saved", "catalog.synonym_deleted"]


# --- the list: narrowed by department and words, a page at a time ----------------------


@pytest.fixture
def city_admin(seeded, officer_logged_in):  # type: ignore[no-untyped-def]
    """The platform admin, who edits every department's items, reading in English."""
    client, user = officer_logged_in(Role.PLATFORM_ADMIN, "root")
    client.cookies["django_language"] = "en"
    return client, user


def listed(page: str) -> list[str]:
    return re.findall(r'<td class="mono"><a href="[^"]+">([^<]+)</a></td>', page)


def results_heading(page: str) -> str:
    found = re.search(r'<h2 class="results-count" id="results-title">(.*?)</h2>', page)
    assert found
    return found[1]


def test_the_list_is_narrowed_to_a_department_of_the_users(city_admin):
    # The QA's case: the platform admin's list was every item of the city on one page.
    client, _ = city_admin
    page = client.get(f"{BASE}/").content.decode()
    assert listed(page) == [POLICE_ITEM, MARKET_ITEM]
    assert results_heading(page) == "2 items"
    assert '<label for="id_department">Department</label>' in page
    assert '<label for="id_q">Code or name contains</label>' in page
    # Only departments responsible for an item are offered, by name and code.
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page)
    assert options == [
        ("", "All my departments"),
        ("310000-GA", "Department 310000-GA (310000-GA)"),  # its English name
        ("310000-SJ", "Department 310000-SJ (310000-SJ)"),
    ]
    page = client.get(f"{BASE}/", {"department": "310000-SJ"}).content.decode()
    assert listed(page) == [MARKET_ITEM]
    assert results_heading(page) == "1 item matches"
    assert '<option value="310000-SJ" selected>' in page
    assert 'href="/backoffice/catalog/">Show all items</a>' in page
    # A department that is not one of the choices narrows nothing, as the form shows.
    page = client.get(f"{BASE}/", {"department": "310115"}).content.decode()
    assert listed(page) == [POLICE_ITEM, MARKET_ITEM]
    assert "Show all items" not in page


def test_a_department_admin_is_offered_only_their_departments(admin):
    client, _ = admin
    page = client.get(f"{BASE}/").content.decode()
    options = re.findall(r'<option value="([^"]*)"', page)
    assert options == ["", "310000-GA"]
    page = client.get(f"{BASE}/", {"department": "310000-SJ"}).content.decode()
    assert listed(page) == [POLICE_ITEM]  # not theirs: ignored, and nothing else shown


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("户口", [POLICE_ITEM]),  # the published Chinese name
        ("company", [MARKET_ITEM]),  # the English name, in any case
        ("sj-xk", [MARKET_ITEM]),  # part of the code, in any case
        ("  310000-GA-QR-0001 ", [POLICE_ITEM]),
        ("无此事项", []),
    ],
)
def test_the_list_is_narrowed_to_a_code_or_name(city_admin, words, found):
    client, _ = city_admin
    page = client.get(f"{BASE}/", {"q": words}).content.decode()
    assert listed(page) == found
    if not found:
        assert "No item matches these filters." in page
        assert results_heading(page) == "0 items match"
    assert f'name="q" value="{words.strip()}"' in page


def test_a_drafts_name_is_found_too(city_admin):
    client, user = city_admin
    services.save_draft(actor=user, data={**current(), "name": "出生登记（新名称）"})
    page = client.get(f"{BASE}/", {"q": "新名称", "department": "310000-GA"}).content.decode()
    assert listed(page) == [POLICE_ITEM]


def test_the_list_comes_a_page_at_a_time_keeping_its_filters(city_admin):
    client, _ = city_admin
    services.seed_items(
        rows=[police_row(code=f"310000-GA-QR-{n:04d}") for n in range(100, 160)], source="test"
    )
    page = client.get(f"{BASE}/", {"department": "310000-GA"}).content.decode()
    assert len(listed(page)) == 50 and results_heading(page) == "61 items match"
    assert "Showing 1–50 of 61" in page and "Page 1 of 2" in page
    assert 'href="?department=310000-GA&amp;page=2"' in page
    page = client.get(f"{BASE}/", {"department": "310000-GA", "page": "2"}).content.decode()
    assert listed(page)[-1] == "310000-GA-QR-0159" and len(listed(page)) == 11


def test_the_filtered_list_takes_a_bounded_number_of_queries(
    city_admin, django_assert_max_num_queries, capture_queries
):
    client, user = city_admin
    services.seed_items(
        rows=[police_row(code=f"310000-GA-QR-{n:04d}") for n in range(100, 180)], source="test"
    )
    services.save_draft(actor=user, data={**current("310000-GA-QR-0101"), "name": "改名后的事项"})
    with capture_queries() as plain:
        client.get(f"{BASE}/")
    with django_assert_max_num_queries(len(plain)):
        page = client.get(f"{BASE}/", {"q": "改名", "department": "310000-GA", "page": "1"})
    assert listed(page.content.decode()) == ["310000-GA-QR-0101"]
    with django_assert_max_num_queries(12):
        client.get(f"{BASE}/", {"page": "2"})


def test_the_list_in_chinese(city_admin, chinese):
    client, _ = city_admin
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"{BASE}/").content.decode()
    assert results_heading(page) == "共 2 项"  # as the guide counts its materials
    assert '<option value="310000-GA">公安局（310000-GA）</option>' in page
    page = client.get(f"{BASE}/", {"q": "户口"}).content.decode()
    assert results_heading(page) == "找到 1 个事项"
    assert '<label for="id_q">编码或名称包含</label>' in page


# --- the forms' own words -------------------------------------------------------------


def summary_texts(page: str) -> list[str]:
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<li>(.*?)</li>", summary)]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Decision: Choose an option."), ("zh-hans", "审核结果：请选择一项。")],
)
def test_an_unanswered_decision_is_asked_for_as_radio_groups_are(
    admin, officer_logged_in, language, expected
):
    # The QA's case: "审核结果：此字段为必填项。" where other radio groups say "请选择一项。".
    author_client, _ = admin
    submit(author_client, name="待审核")
    reviewer_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    reviewer_client.cookies["django_language"] = language
    response = reviewer_client.post(f"{BASE}/items/{POLICE_ITEM}/", {"comment": ""})
    assert response.status_code == 422
    assert summary_texts(response.content.decode()) == [expected]
    response = review(reviewer_client, "publish-it")  # not one of the choices
    assert summary_texts(response.content.decode()) == [expected]


@pytest.mark.parametrize(
    ("changes", "field", "english", "chinese_text"),
    [
        (
            {"fee_amount": "-5", "is_free": False, "fee_basis": "《收费条例》"},
            "Fee (yuan)",
            "Must be an amount in yuan, such as 20 or 20.50.",
            "必须是以元为单位的金额，如 20 或 20.50。",
        ),
        (
            {"fee_amount": "20.505", "is_free": False, "fee_basis": "《收费条例》"},
            "Fee (yuan)",
            "Must be an amount in yuan, such as 20 or 20.50.",
            "必须是以元为单位的金额，如 20 或 20.50。",
        ),
        (
            {"statutory_limit_days": "-1"},
            "Statutory time limit (working days)",
            "Must be between 0 and 365.",
            "必须在 0 至 365 之间。",
        ),
        (
            {"promised_limit_days": "1.5"},
            "Promised time limit (working days)",
            "Must be a whole number.",
            "必须是整数。",
        ),
    ],
)
def test_numbers_are_refused_in_the_catalogs_own_words(
    admin, changes, field, english, chinese_text
):
    # The QA's case: the fee said Django's "确保该值大于或等于0。".
    client, _ = admin
    data = form_data({**current(), **changes})
    client.cookies["django_language"] = "en"
    lines = summary_texts(client.post(edit_url(), data).content.decode())
    assert f"{field}: {english}" in lines
    client.cookies["django_language"] = "zh-hans"
    page = client.post(edit_url(), data).content.decode()
    assert any(line.endswith(f"：{chinese_text}") for line in summary_texts(page)), page
    assert "确保" not in page


def test_import_problems_in_chinese(admin, officer_logged_in, chinese):
    author_client, author = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    assert author_client.post(edit_url(), form_data(current())).status_code == 302
    assert author_client.post(f"{BASE}/items/{POLICE_ITEM}/submit/").status_code == 302
    client, _ = admin
    response = upload(client, "items.xlsx", police_workbook(keywords="乙的文件"))
    assert response.status_code == 422
    page = response.content.decode()
    assert '<th scope="col">位置</th>' in page
    assert "<td>items 工作表第 2 行</td>" in page
    assert (
        f"{POLICE_ITEM} 有待审核的版本（第 2 版，{author.full_name} 提交），与文件内容不同："
        "请在审核完成后再导入该事项。"
    ) in page


def test_the_review_comment_says_when_it_is_required(admin, officer_logged_in):
    """QA: the label said "(optional)", though a return needs one."""
    author_client, _ = admin
    submit(author_client, name="评论标签")
    reviewer_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    reviewer_client.cookies["django_language"] = "en"
    page = reviewer_client.get(f"{BASE}/items/{POLICE_ITEM}/").content.decode()
    label = re.search(r'<label for="id_comment">(.*?)</label>', page, re.S)
    assert label is not None
    assert "(required to return the draft)" in label[1] and "(optional)" not in label[1]


def test_a_new_items_taken_code_is_said_with_its_other_problems(admin):
    # QA: the taken code was reported only once every other field was right.
    client, _ = admin
    client.cookies["django_language"] = "en"
    new = police_row(code=POLICE_ITEM, name="")
    response = client.post(f"{BASE}/items/new/", form_data(new, new=True))
    assert response.status_code == 422
    page = response.content.decode()
    assert "An item with this code exists; edit it instead." in page
    assert 'href="#id_name"' in page  # the blank name, in the same round
    # Taken alone, it is said too, and nothing is written.
    versions = ServiceItemVersion.objects.count()
    again = client.post(f"{BASE}/items/new/", form_data(police_row(code=POLICE_ITEM), new=True))
    assert again.status_code == 422
    assert "An item with this code exists; edit it instead." in again.content.decode()
    assert ServiceItemVersion.objects.count() == versions
