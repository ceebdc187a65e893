"""The catalog's pages for keyboard and screen reader users, in both languages: tables
scroll sideways in regions the keyboard reaches, Chinese on an English page is marked as
Chinese, and a page's title names what its heading names."""

from __future__ import annotations

import re

import lxml.html
import pytest

from onewindow.catalog.models import Synonym
from onewindow.catalog.tests.portal_fixtures import RICH_CODE
from onewindow.catalog.tests.test_backoffice_views import (
    BASE,
    POLICE_ITEM,
    admin,
    review,
    seeded,
    submit,
)
from onewindow.catalog.tests.test_views import get, main_of, portal
from onewindow.core.testing import table_regions
from onewindow.identity.models import Department
from onewindow.identity.roles import Role

pytestmark = pytest.mark.single_pass

__all__ = ["admin", "portal", "seeded"]  # fixtures, shared with the page tests

# --- tables that scroll ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "names"),
    [
        (
            "en",
            [
                "Online services for individuals and for legal persons",
                "Online services by responsible department",
            ],
        ),
        ("zh-hans", ["个人与法人事项网办情况", "各实施部门事项网办情况"]),
    ],
)
def test_the_breadth_tables_scroll_in_regions_named_by_their_captions(
    client, portal, language, names
):
    assert table_regions(get(client, "/services/breadth/", language)) == names


@pytest.mark.parametrize(
    ("language", "name"), [("en", "Materials checklist"), ("zh-hans", "申请材料清单")]
)
def test_a_guides_materials_scroll_in_a_region_named_by_their_caption(
    client, portal, language, name
):
    [named] = table_regions(get(client, f"/services/items/{RICH_CODE}/", language))
    assert named.startswith(name)  # with the count of materials after it


@pytest.mark.parametrize(("language", "name"), [("en", "Synonyms"), ("zh-hans", "同义词")])
def test_the_back_offices_tables_scroll_in_named_regions(admin, language, name):
    client, _ = admin
    client.cookies["django_language"] = language
    assert table_regions(client.get(f"{BASE}/synonyms/").content) == [name]
    assert len(table_regions(client.get(f"{BASE}/items/{POLICE_ITEM}/").content)) == 1
    assert len(table_regions(client.get(f"{BASE}/").content)) == 1


# --- Chinese marked as Chinese --------------------------------------------------------


def test_a_kind_of_power_marks_its_chinese_term_on_an_english_guide(client, portal):
    html = main_of(get(client, f"/services/items/{RICH_CODE}/", "en"))
    marked = 'Administrative licensing (<span lang="zh-Hans">行政许可</span>)'
    assert f'<li class="tag">{marked}</li>' in html and f"<dd>{marked}</dd>" in html


def test_a_kind_of_power_on_a_chinese_guide_is_the_chinese_term(client, portal):
    html = main_of(get(client, f"/services/items/{RICH_CODE}/", "zh-hans"))
    assert '<li class="tag">行政许可</li>' in html and "<dd>行政许可</dd>" in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_department_without_an_english_name_is_marked_on_the_guide(client, portal, language):
    """QA: the guide's breadcrumb, responsible and co-handling departments showed a
    district's Chinese name on an English page unmarked."""
    Department.objects.update(name_en="")
    html = main_of(get(client, f"/services/items/{RICH_CODE}/", language))
    department = Department.objects.get(service_items__code=RICH_CODE)
    marked = f'<span lang="zh-Hans">{department.name}</span>'
    assert (html.count(marked) >= 2) == (language == "en")
    assert department.name in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_synonyms_are_marked_chinese_on_an_english_page(seeded, officer_logged_in, language):
    client, _ = officer_logged_in(Role.PLATFORM_ADMIN, "root")
    client.cookies["django_language"] = language
    Synonym.objects.create(term="生孩子", canonical="出生")
    Synonym.objects.create(term="pasport", canonical="护照")
    page = lxml.html.fromstring(client.get(f"{BASE}/synonyms/").content)
    rows = {row.xpath("td")[0].text_content(): row for row in page.xpath("//table//tbody/tr")}
    chinese = "zh-Hans" if language == "en" else None  # a Chinese page is Chinese already
    term, canonical = rows["生孩子"].xpath("td")[:2]
    assert [span.get("lang") for span in term.xpath("span")] == ([chinese] if chinese else [])
    assert [span.get("lang") for span in canonical.xpath("span")] == ([chinese] if chinese else [])
    # The word's name on its Delete link too; a word in Latin letters is not marked.
    hidden = rows["生孩子"].xpath(".//a/span[@class='visually-hidden']")[0]
    assert [span.get("lang") for span in hidden.xpath("span")] == ([chinese] if chinese else [])
    assert not rows["pasport"].xpath("td[1]//*[@lang]")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_guide_text_on_the_edit_page_says_its_language(admin, language):
    client, _ = admin
    client.cookies["django_language"] = language
    page = lxml.html.fromstring(client.get(f"{BASE}/items/{POLICE_ITEM}/edit/").content)

    def lang(control_id: str) -> str | None:
        [control] = page.xpath("//*[@id=$id]", id=control_id)
        return control.get("lang")

    for chinese in ("id_name", "id_summary", "id_legal_basis", "id_conditions", "id_fee_basis"):
        assert lang(chinese) == "zh-Hans", chinese
        assert lang(f"{chinese}_en") == "en", chinese
    for chinese in ("id_materials-0-name", "id_materials-0-notes", "id_offices-0-address"):
        assert lang(chinese) == "zh-Hans", chinese
        assert lang(f"{chinese}_en") == "en", chinese
    assert (lang("id_faq-0-q"), lang("id_faq-0-a_en")) == ("zh-Hans", "en")
    # Fields of no language, or not paired, say none.
    for other in ("id_keywords", "id_offices-0-phone", "id_statutory_limit_days", "id_kind"):
        assert lang(other) is None, other
    # What the page already said of each field is kept.
    [summary] = page.xpath("//textarea[@id='id_summary']")
    assert summary.text_content().strip() and summary.get("name") == "summary"


def marked(cell) -> list[tuple[str | None, str]]:  # type: ignore[no-untyped-def]
    """The parts of a cell that say their language: (lang, text) of each."""
    return [(part.get("lang"), part.text_content()) for part in cell.xpath(".//*[@lang]")]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_draft_comparison_marks_its_chinese_on_an_english_page(
    admin, officer_logged_in, language
):
    author_client, author = admin
    Department.objects.filter(code="310000-GA").update(name_en="")  # English pages: Chinese
    assert submit(author_client, name="新生儿户口登记（新）", kind="licensing").status_code == 302
    reviewer_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    reviewer_client.cookies["django_language"] = language
    page = lxml.html.fromstring(reviewer_client.get(f"{BASE}/items/{POLICE_ITEM}/").content)
    [table] = page.xpath("//table[caption[@id='comparison-caption']]")
    if language != "en":  # a Chinese page is Chinese already
        assert "新生儿户口登记（新）" in table.text_content()
        assert not table.xpath(".//*[@lang]")
        return
    rows = {row.xpath("th/text()")[0].strip(): row.xpath("td") for row in table.xpath("tbody/tr")}
    name, kind = rows["Item name"], rows["Kind of power"]
    # The guide's Chinese text, whole; the Chinese terms of a choice's English label.
    assert [marked(cell) for cell in name] == [
        [("zh-Hans", "新生儿户口登记")],
        [("zh-Hans", "新生儿户口登记（新）")],
    ]
    assert [cell.text_content() for cell in kind] == [
        "Administrative confirmation (行政确认)",
        "Administrative licensing (行政许可)",
    ]
    assert [marked(cell) for cell in kind] == [[("zh-Hans", "行政确认")], [("zh-Hans", "行政许可")]]
    # English text and numbers are not marked.
    for label in ("English item name", "Promised time limit (working days)", "Who applies"):
        assert [marked(cell) for cell in rows[label]] == [[], []], label
    # Whose draft it is, in the summary and in the history, and the review queue's row.
    summary = page.xpath("//dl[@class='summary']")[0]  # the item's, before the application's
    assert ("zh-Hans", author.full_name) in marked(summary)
    [history] = page.xpath("//table[caption[@id='history-caption']]")
    assert ("zh-Hans", author.full_name) in marked(history)
    queue = lxml.html.fromstring(reviewer_client.get(f"{BASE}/reviews/").content)
    [row] = queue.xpath("//table//tbody/tr")
    item, department, author_cell = row.xpath("td")[1], row.xpath("td")[2], row.xpath("td")[4]
    # The item has an English name; the department has none now, nor has the author.
    assert (item.text_content(), marked(item)) == ("Household registration of a newborn", [])
    assert marked(department) == [("zh-Hans", "公安局")]
    assert marked(author_cell) == [("zh-Hans", author.full_name)]


def test_the_item_list_marks_chinese_names_and_comments_on_an_english_page(
    admin, officer_logged_in
):
    author_client, _ = admin
    author_client.cookies["django_language"] = "en"
    Department.objects.filter(code="310000-GA").update(name_en="")
    assert submit(author_client).status_code == 302
    reviewer_client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    assert review(reviewer_client, "return", "请补充法律依据的条款。").status_code == 302
    page = lxml.html.fromstring(author_client.get(f"{BASE}/").content)
    [row] = [row for row in page.xpath("//table//tbody/tr") if POLICE_ITEM in row.text_content()]
    name, department, _published, draft = row.xpath("td")[1:5]
    assert (name.text_content(), marked(name)) == ("Household registration of a newborn", [])
    assert marked(department) == [("zh-Hans", "公安局")]
    assert marked(draft) == [("zh-Hans", "请补充法律依据的条款。")]


# --- page titles ----------------------------------------------------------------------


def title_of(html: bytes) -> str:
    found = re.search(r"<title>(.*?)</title>", html.decode(), re.S)
    assert found
    return " ".join(found.group(1).split())


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("en", f"Household registration of a newborn ({POLICE_ITEM}) · OneWindow"),
        ("zh-hans", f"新生儿户口登记（{POLICE_ITEM}） · 一网通办"),
    ],
)
def test_an_items_back_office_page_is_titled_by_its_name_and_code(admin, language, title):
    client, _ = admin
    client.cookies["django_language"] = language
    assert title_of(client.get(f"{BASE}/items/{POLICE_ITEM}/").content) == title
