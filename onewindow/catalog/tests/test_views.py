"""The public portal pages: home, browse, search, service guide, apply, life events and
online breadth, in both languages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from onewindow.catalog import demo as catalog_demo
from onewindow.catalog import services, views
from onewindow.catalog.models import ServiceItem
from onewindow.catalog.tests.portal_fixtures import (
    RICH_CODE,
    RICH_ITEM,
    open_applications,
    seed_rich_item,
)
from onewindow.conftest import PASSWORD, make_user
from onewindow.identity.demo import load_demo_city

pytestmark = pytest.mark.single_pass

LANGUAGES = [("zh-hans", "zh-Hans"), ("en", "en")]


@pytest.fixture
def portal(catalog):  # type: ignore[no-untyped-def]
    """The shared test catalog plus one guide that fills every field."""
    seed_rich_item()
    return catalog


def get(client: Client, url: str, language: str = "zh-hans", status: int = 200) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found
    return " ".join(found.group(1).split())


PAGES = [
    "/",
    "/services/",
    "/services/search/",
    "/services/search/?q=生孩子",
    f"/services/items/{RICH_CODE}/",
    "/services/events/",
    "/services/events/newborn/",
    "/services/breadth/",
]


@pytest.mark.parametrize(("language", "html_lang"), LANGUAGES)
@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_in_both_languages_with_one_h1(client, portal, url, language, html_lang):
    html = get(client, url, language)
    assert f'<html lang="{html_lang}">' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert 'href="/static/catalog/catalog.css"' in html


# --- home ----------------------------------------------------------------------------


def test_home_has_search_life_events_popular_services_and_browse_links(client, portal):
    get(client, "/services/items/310000-SJ-XK-0001/")  # read: now a popular service
    html = main_of(get(client, "/", "en"))
    assert '<form class="portal-search" role="search" action="/services/search/"' in html
    assert '<label for="home-q">' in html and 'name="q"' in html
    assert "One window for every city service" in html
    assert 'href="/services/events/newborn/"' in html and "Having a baby" in html
    assert 'href="/services/items/310000-SJ-XK-0001/"' in html  # popular services
    assert 'href="/services/?department=310000-GA"' in html
    assert 'href="/services/?topic=birth"' in html
    assert 'href="/services/?audience=company"' in html
    assert 'href="/services/breadth/"' in html
    assert 'href="/login/"' in html  # the hero's login button, for visitors


def test_home_shows_chinese_names_by_default(client, portal):
    html = main_of(get(client, "/"))
    assert "新生儿出生一件事" in html and "市公安局" in html and "生育收养" in html


def test_home_hides_login_buttons_once_logged_in(client, portal):
    user = make_user()
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert 'href="/login/"' not in main_of(get(client, "/"))


def popular_section(html: str) -> str:
    """The home page's section of popular services (or of those taking applications),
    empty when the page has none."""
    if 'aria-labelledby="popular-title"' not in html:
        return ""
    section = html[html.index('aria-labelledby="popular-title"') :]
    return section[: section.index("</section>")]


def listed(section: str) -> list[str]:
    return re.findall(r'href="/services/items/([^/]+)/"', section)


def test_home_lists_as_popular_only_the_guides_people_read_most_read_first(client, portal):
    # The QA's case: with nothing read, the list was filled with the first codes of the
    # catalog (in the demo, the finance bureau's procurement complaints and accountants).
    assert popular_section(main_of(get(client, "/", "en"))) == ""
    for code in ("310000-RS-GG-0001", "310000-GA-XK-0002", "310000-GA-XK-0002"):
        services.count_view(code)
    section = popular_section(main_of(get(client, "/", "en")))
    assert '<h2 id="popular-title">Popular services</h2>' in section
    assert listed(section) == ["310000-GA-XK-0002", "310000-RS-GG-0001"]  # not padded
    assert "Passport issuance" in section and "Department 310000-GA" in section


def test_home_lists_the_services_taking_applications_until_a_guide_is_read(client, portal):
    open_applications("310000-GA-QR-0001")
    for language, heading in (("en", "Services you can apply for online"), ("zh-hans", None)):
        section = popular_section(main_of(get(client, "/", language)))
        assert listed(section) == ["310000-GA-QR-0001"], language
        assert "<ul " in section and "<ol " not in section  # in code order, not a ranking
        if heading:
            assert heading in section and "Popular services" not in section
    get(client, "/services/items/310000-SJ-XK-0002/")
    section = popular_section(main_of(get(client, "/", "en")))
    assert "Popular services" in section
    assert listed(section) == ["310000-SJ-XK-0002"]


def test_home_lists_no_popular_services_in_the_demo_before_anyone_reads(client, demo_catalog):
    assert popular_section(main_of(get(client, "/", "en"))) == ""
    services.count_view("310000-GA-XK-0001")
    assert listed(popular_section(main_of(get(client, "/", "en")))) == ["310000-GA-XK-0001"]


def test_home_query_count_does_not_grow_with_the_catalog(
    client, portal, django_assert_max_num_queries
):
    # Until a guide is read, one more: no popular services, then those taking applications.
    with django_assert_max_num_queries(8):
        get(client, "/")
    services.count_view("310000-GA-QR-0001")
    with django_assert_max_num_queries(7):
        get(client, "/")


# --- search --------------------------------------------------------------------------


def test_blank_search_shows_only_the_form(client, portal):
    html = main_of(get(client, "/services/search/?q=++", "en"))
    assert '<label for="search-q">' in html
    assert "services found" not in html and "result-list" not in html


def test_search_highlights_matches_and_lists_life_events_first(client, portal):
    html = main_of(get(client, "/services/search/?q=户口"))
    assert "<mark>户口</mark>" in html
    assert 'href="/services/items/310000-GA-QR-0001/"' in html
    html = main_of(get(client, "/services/search/?q=生孩子", "en"))
    assert "Also searched for:" in html and "出生" in html
    events = html.index('href="/services/events/newborn/"')
    assert events < html.index('href="/services/items/310000-WJ-QR-0001/"')
    assert "3 services found" in text_of(html)


def test_search_hits_show_department_audience_and_online_level(client, portal):
    html = main_of(get(client, "/services/search/?q=营业执照", "en"))
    assert "Company establishment registration" in html
    assert "Legal persons" in html and "L5 Entirely online, zero visits" in html


def test_search_offers_to_apply_online_only_for_items_that_take_applications(client, portal):
    open_applications("310000-GA-QR-0001")
    html = main_of(get(client, "/services/search/?q=新生儿", "en"))
    applies = re.findall(r'<p class="result-apply"><a href="/services/items/([^/]+)/apply/"', html)
    assert applies == ["310000-GA-QR-0001"]
    assert 'href="/services/items/310000-YB-GG-0001/"' in html  # found, but no apply link


def hint_examples(html: str) -> list[str]:
    """The example queries of the search form's hint ("..., for example a, b or c.")."""
    hint = re.search(r'<p class="hint" id="search-q-hint">([^<]*)</p>', html)
    assert hint is not None
    examples = hint.group(1).split("for example ")[1].rstrip(".")
    return [e.strip() for e in re.split(r",| or ", examples) if e.strip()]


def test_the_english_search_hint_gives_english_examples_that_find_services(client, portal):
    examples = hint_examples(get(client, "/services/search/", "en"))
    assert examples == ["passport", "business licence", "newborn"]
    for example in examples:
        assert re.fullmatch(r"[a-z ]+", example)  # English words only
        html = main_of(get(client, f"/services/search/?q={example}", "en"))
        found = re.search(r"(\d+) services? found", text_of(html))
        assert found is not None and int(found.group(1)) >= 1, example


def test_search_escapes_the_query_and_the_names(client, portal):
    html = get(client, "/services/search/?q=<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_facets_show_names_and_counts_and_filter_the_results(client, portal):
    html = main_of(get(client, "/services/search/?q=登记", "en"))
    assert '<aside class="facets" id="filters"' in html
    assert "Individuals" in html and "Legal persons" in html
    assert "Birth and adoption" in html  # topic names, not codes
    link = re.search(r'href="([^"]*audience=company[^"]*)"', html)
    assert link is not None
    filtered = main_of(get(client, link.group(1).replace("&amp;", "&"), "en"))
    assert 'href="/services/items/310000-SJ-XK-0001/"' in filtered
    assert 'href="/services/items/310000-GA-QR-0001/"' not in filtered
    # The chosen value is marked and links back to the unfiltered search.
    assert 'class="selected" aria-current="true"' in filtered
    assert 'href="/services/search/?q=%E7%99%BB%E8%AE%B0"' in filtered


def test_facet_for_a_department_uses_its_name(client, portal):
    html = main_of(get(client, "/services/search/?q=新生儿"))
    assert "市卫生健康委" in html
    assert ">310000-WJ<" not in html


def test_search_with_nothing_found_suggests_where_to_look(client, portal):
    html = main_of(get(client, "/services/search/?q=qqqqxxxx&audience=company", "en"))
    assert "No services match these words with the filters you chose." in html
    assert 'href="/services/events/"' in html and 'href="/services/?topic=birth"' in html
    # The filter in use stays visible and removable though no facet is left to show it.
    assert 'href="/services/search/?q=qqqqxxxx"' in html


def test_search_pages_through_results(client, portal, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_PAGE_SIZE", 2)
    first = main_of(get(client, "/services/search/?q=生孩子", "en"))
    assert first.count('class="result"') == 2
    assert "Showing 1–2 of 3" in first
    assert 'href="/services/search/?q=%E7%94%9F%E5%AD%A9%E5%AD%90&amp;offset=2"' in first
    second = main_of(get(client, "/services/search/?q=生孩子&offset=2", "en"))
    assert second.count('class="result"') == 1
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_search_pages_after_the_first_say_their_number_and_leave_out_life_events(
    client, portal, monkeypatch, chinese
):
    # The QA's case: page 2 had page 1's title, and the life events above its results.
    monkeypatch.setattr(views, "SEARCH_PAGE_SIZE", 2)
    for language, first_title, second_title in (
        ("en", "“生孩子” – search · OneWindow", "“生孩子” – search (page 2) · OneWindow"),
        ("zh-hans", "搜索“生孩子” · 一网通办", "搜索“生孩子”（第 2 页） · 一网通办"),
    ):
        first = get(client, "/services/search/?q=生孩子", language)
        second = get(client, "/services/search/?q=生孩子&offset=2", language)
        assert (title_of(first), title_of(second)) == (first_title, second_title)
        assert 'href="/services/events/newborn/"' in main_of(first)
        assert 'id="event-hits-title"' not in second
        assert 'href="/services/events/newborn/"' not in main_of(second)
    # An offset off the page grid is the page its previous link is one step after.
    assert "(page 2)" in title_of(get(client, "/services/search/?q=生孩子&offset=1", "en"))


def test_search_for_newborn_in_the_demo_lists_the_life_event_and_the_birth_certificate(
    client, demo_catalog
):
    # The QA's case, with the example the English search form suggests.
    for language, event_name, certificate in (
        ("en", "Having a baby", "Issue of a medical birth certificate"),
        ("zh-hans", "新生儿出生一件事", "出生医学证明签发"),
    ):
        html = main_of(get(client, "/services/search/?q=newborn", language))
        events = html[html.index('aria-labelledby="event-hits-title"') :]
        events = events[: events.index("</section>")]
        assert 'href="/services/events/newborn/"' in events and event_name in events
        assert 'href="/services/items/310000-WJ-QR-0001/"' in html and certificate in html


def test_search_query_count(client, portal, django_assert_max_num_queries):
    get(client, "/services/search/?q=登记")  # builds the search index once
    with django_assert_max_num_queries(3):
        get(client, "/services/search/?q=登记&audience=person")


# --- browse --------------------------------------------------------------------------


def test_browse_lists_every_published_item_with_filter_links(client, portal):
    html = main_of(get(client, "/services/", "en"))
    assert "8 services" in text_of(html)
    for code in ("310000-GA-QR-0001", "310000-SJ-XK-0002", RICH_CODE):
        assert f'href="/services/items/{code}/"' in html
    assert 'href="/services/?department=310000-SJ"' in html
    assert 'href="/services/?topic=birth"' in html
    assert 'href="/services/?audience=person"' in html


def test_browse_pages_after_the_first_say_their_number_in_the_title(client, portal, monkeypatch):
    monkeypatch.setattr(views, "BROWSE_PAGE_SIZE", 5)
    assert "<title>All services · OneWindow</title>" in get(client, "/services/", "en")
    assert "<title>All services (page 2) · OneWindow</title>" in get(
        client, "/services/?page=2", "en"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("department=310000-SJ", {"310000-SJ-XK-0001", "310000-SJ-XK-0002"}),
        ("topic=household", {"310000-GA-QR-0001"}),
        ("audience=company", {"310000-SJ-XK-0001", "310000-SJ-XK-0002"}),
        ("level=5", {"310000-GA-QR-0001", "310000-YB-GG-0001", "310000-SJ-XK-0001"}),
        ("audience=person&level=3", {"310000-RS-GG-0001", RICH_CODE}),
    ],
)
def test_browse_filters(client, portal, query, expected):
    html = main_of(get(client, f"/services/?{query}"))
    listed = set(re.findall(r'<h3 class="result-title"><a href="/services/items/([^/]+)/"', html))
    assert listed == expected


def test_browse_counts_each_option_with_the_other_filters_kept(client, portal):
    html = main_of(get(client, "/services/?audience=company", "en"))
    facets = dict(
        re.findall(
            r'href="/services/\?([^"]+)"[^>]*>(?:<span aria-hidden="true">✓ </span>)?'
            r'<span class="facet-label">[^<]*</span> <span class="facet-count">\((\d+)\)</span>',
            html,
        )
    )
    # Only market regulation has company items: its count is of them, and no department
    # listing none under this filter is offered.
    assert facets["department=310000-SJ&amp;audience=company"] == "2"
    assert not any("department=310000-GA" in link for link in facets)
    # The audience's own options count as if it were not chosen.
    assert facets["audience=person"] == "6"


def test_browse_offers_to_apply_online_only_for_items_that_take_applications(client, portal):
    open_applications("310000-WJ-QR-0001")
    html = main_of(get(client, "/services/", "en"))
    applies = re.findall(r'<p class="result-apply"><a href="/services/items/([^/]+)/apply/"', html)
    assert applies == ["310000-WJ-QR-0001"]  # the L5 items without a form have none
    # ...and their level reads as what their department declares, not as what is offered.
    declared = re.findall(r'level-declared">([^<]*)', html)
    assert declared and all(label.startswith("Declared by the department") for label in declared)
    assert html.count("level-declared") == html.count('class="result"') - 1


def test_browse_ignores_nonsense_filters(client, portal):
    html = main_of(get(client, "/services/?level=9&audience=martians&page=x", "en"))
    assert "8 services" in text_of(html)


def test_browse_query_count(client, portal, django_assert_max_num_queries):
    open_applications("310000-WJ-QR-0001")
    open_applications("310000-GA-QR-0001")
    # The page, the departments and topics, and one count per filter (facet_counts).
    with django_assert_max_num_queries(8):
        get(client, "/services/?audience=person")


# --- service guide -------------------------------------------------------------------


def test_guide_shows_every_field(client, portal):
    html = main_of(get(client, f"/services/items/{RICH_CODE}/"))
    text = text_of(html)
    for expected in (
        "机动车驾驶证换证",
        "Renewing a driving licence",
        "市公安局",
        "市卫生健康委",
        "驾驶证有效期满前九十日内申请换证。",
        "《机动车驾驶证申领和使用规定》第六十一条",
        "驾驶证有效期满前九十日内。",
        "¥10.00",
        "《驾驶证工本费收费标准》",
        "浦东新区沪南路1号车管所",
        "周一至周六 9:00-17:00",
        "021-22222222",
        "过期了还能换吗？",
        "过期一年内可以换证。",
        RICH_CODE,
    ):
        assert expected in text, expected
    assert '<details class="faq">' in html


def test_guide_lists_every_material_with_form_source_and_requirement(client, portal):
    html = main_of(get(client, f"/services/items/{RICH_CODE}/", "en"))
    table = html[html.index('<table class="materials">') : html.index("</table>")]
    assert '<caption id="materials-caption">' in table
    rows = re.findall(r"<tr>.*?</tr>", table, flags=re.S)[1:]
    assert len(rows) == len(RICH_ITEM["materials"])
    licence, health, identity, photo = (text_of(r) for r in rows)
    assert "Driving licence" in licence and "Original" in licence and "You bring it" in licence
    assert "Required" in licence
    assert "Health certificate" in health and "Shared by another department" in health
    assert "No need to bring it" in health and "由体检医院上传" in health
    assert "Electronic certificate" in identity and "居民身份证电子证照" in identity
    assert "Recent photograph" in photo and "Optional" in photo and " 2 " in photo


def give_the_rich_guide_english() -> None:
    """English for some of the rich guide's texts: the first office's hours, the health
    certificate's notes and the identity card's certificate type, not the others."""
    version = ServiceItem.objects.get(code=RICH_CODE).published
    assert version is not None
    version.legal_basis_en = "Provisions on Driving Licences, Article 61"
    version.conditions_en = "Within ninety days before the licence expires."
    version.fee_basis_en = "Fee Standard for Driving Licences"
    version.offices[0]["hours_en"] = "Monday to Saturday 9:00-17:00"
    version.save()
    materials = {m.name: m for m in version.materials.all()}
    materials["身体条件证明"].notes_en = "Uploaded by the hospital"
    materials["身体条件证明"].save()
    materials["居民身份证"].certificate_type_en = "Resident Identity Card"
    materials["居民身份证"].save()


def test_guide_in_english_shows_the_english_guide_texts(client, portal):
    give_the_rich_guide_english()
    html = main_of(get(client, f"/services/items/{RICH_CODE}/", "en"))
    for english, chinese in (
        ("<p>Provisions on Driving Licences, Article 61</p>", "第六十一条"),
        ("<p>Within ninety days before the licence expires.</p>", "驾驶证有效期满前九十日内。"),
        ("<p>Fee Standard for Driving Licences</p>", "《驾驶证工本费收费标准》"),
        ("<dd>Monday to Saturday 9:00-17:00</dd>", "周一至周六"),
        ("Uploaded by the hospital", "由体检医院上传"),
        ("Electronic certificate: Resident Identity Card", "居民身份证电子证照"),
    ):
        assert english in html, english
        assert chinese not in html, chinese
    # What has no English yet shows in Chinese, marked as Chinese for screen readers.
    assert '<dd><span lang="zh-Hans">周一至周五 9:00-17:00</span></dd>' in html
    assert '<span lang="zh-Hans">白底一寸</span>' in html


def test_guide_in_english_falls_back_to_the_chinese_marked_as_chinese(client, portal):
    html = main_of(get(client, f"/services/items/{RICH_CODE}/", "en"))
    for section, chinese in (
        ("conditions", "<p>驾驶证有效期满前九十日内。</p>"),
        ("legal-basis", "<p>《机动车驾驶证申领和使用规定》第六十一条</p>"),
        ("fees", "<p>《驾驶证工本费收费标准》</p>"),
    ):
        part = html[html.index(f'<section id="{section}"') :]
        part = part[: part.index("</section>")]
        assert f'<div lang="zh-Hans">{chinese}</div>' in part, section
    assert '<dd><span lang="zh-Hans">周一至周六 9:00-17:00</span></dd>' in html
    assert '<span lang="zh-Hans">由体检医院上传</span>' in html
    assert 'Electronic certificate: <span lang="zh-Hans">居民身份证电子证照</span>' in html


def test_guide_in_chinese_shows_the_chinese_even_with_english(client, portal):
    give_the_rich_guide_english()
    html = main_of(get(client, f"/services/items/{RICH_CODE}/"))
    for chinese in ("驾驶证有效期满前九十日内。", "周一至周六 9:00-17:00", "由体检医院上传"):
        assert chinese in html, chinese
    for english in ("Provisions on Driving Licences", "Uploaded by the hospital", "Monday to"):
        assert english not in html, english
    assert 'lang="zh-Hans"' not in html


def test_guide_highlights_the_promised_time_limit_and_explains_the_level(client, portal):
    open_applications(RICH_CODE)
    html = main_of(get(client, f"/services/items/{RICH_CODE}/", "en"))
    promise = html[html.index('class="fact fact-promise"') :]
    assert "Promised time limit" in promise[:200] and "1 working day" in promise[:300]
    assert "20 working days" in html
    assert "At most one visit" in html or "最多跑一次" in html
    assert "You can submit the application and materials online" in html


def fact_of(html: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", html, re.S)
    assert found, label
    return text_of(found[1]).strip()


def level_tag_of(html: str) -> str:
    found = re.search(r'<li class="tag level-tag[^"]*">(.*?)</li>', html, re.S)
    assert found
    return text_of(found[1]).strip()


def test_guide_says_no_visit_needed_for_an_entirely_online_service(client, portal):
    open_applications("310000-GA-QR-0001")  # L5, taking applications here
    html = main_of(get(client, "/services/items/310000-GA-QR-0001/", "en"))
    assert fact_of(html, "Visits to an office") == "No visit needed"
    assert level_tag_of(html) == "L5 Entirely online, zero visits"
    assert "level-declared" not in html and "Free of charge" in html


def test_a_guide_not_taking_applications_gives_its_level_as_the_departments_word(client, portal):
    # The QA's case: "L5 zero visits" and "no visit needed" above "apply at a window".
    html = main_of(get(client, "/services/items/310000-GA-QR-0001/", "en"))  # L5, no form
    assert level_tag_of(html) == "Declared by the department: L5 Entirely online, zero visits"
    assert 'class="tag level-tag level-5 level-declared"' in html
    assert fact_of(html, "Visits to an office") == (
        "In person, until applications are taken online here "
        "Declared by the department: No visit needed"
    )
    assert "Online application for this service is not open yet." in html
    # Below level 3 as well: the level is the department's word, visits as declared.
    html = main_of(get(client, "/services/items/310000-GA-XK-0002/", "en"))  # L2, 2 visits
    assert level_tag_of(html) == "Declared by the department: L2 Downloadable forms"
    assert fact_of(html, "Visits to an office") == "More than one visit"


def test_a_guide_not_taking_applications_in_chinese(client, portal, chinese):
    html = main_of(get(client, "/services/items/310000-GA-QR-0001/"))
    assert level_tag_of(html) == "部门公布：L5 全程网办，零跑动"
    assert fact_of(html, "到现场次数") == "网上申请开通前需到现场办理 部门公布：无需到现场"
    assert "本事项暂未开通网上申请。" in html
    open_applications("310000-GA-QR-0001")
    html = main_of(get(client, "/services/items/310000-GA-QR-0001/"))
    assert level_tag_of(html) == "L5 全程网办，零跑动"
    assert fact_of(html, "到现场次数") == "无需到现场"


def test_guide_links_to_its_life_events(client, portal):
    html = main_of(get(client, "/services/items/310000-GA-QR-0001/", "en"))
    assert 'href="/services/events/newborn/"' in html


def test_visitors_are_asked_to_log_in_to_apply_online(client, portal):
    open_applications(RICH_CODE)
    html = main_of(get(client, f"/services/items/{RICH_CODE}/", "en"))
    login = f'href="/login/?next=/services/items/{RICH_CODE}/apply/"'
    assert login in html.replace("%2F", "/")
    assert 'aria-describedby="apply-note"' in html and 'id="apply-note"' in html


def test_logged_in_people_get_an_apply_link_where_applications_are_taken(client, portal):
    open_applications(RICH_CODE)
    user = make_user()
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    html = main_of(get(client, f"/services/items/{RICH_CODE}/", "en"))
    assert f'href="/services/items/{RICH_CODE}/apply/"' in html and "Apply online" in html
    assert "Online portal" in text_of(html)  # a way to apply, now that it is one


@pytest.mark.parametrize("logged_in", [False, True])
def test_a_guide_declared_online_without_a_form_says_where_to_apply_instead(
    client, portal, logged_in
):
    if logged_in:
        user = make_user()
        client.post("/login/", {"username": user.username, "password": PASSWORD})
    html = main_of(get(client, "/services/items/310000-GA-QR-0001/", "en"))  # L5, no form
    box = text_of(html[html.index('class="apply-box') : html.index('class="guide-layout"')])
    assert "/apply/" not in html and "Apply online" not in html
    assert "Online application for this service is not open yet." in box
    assert "Apply at a service window: 1 Renmin Road (phone 021-12345 )" in box
    # Not "Everything is done online": the level is what the department declared.
    assert "Everything is done online" not in box
    assert "The department has declared this service as “L5 Entirely online" in box
    assert "Online portal" not in box and "Service window" in box


def test_a_guide_without_offices_points_to_the_hotline(client, portal):
    version = ServiceItem.objects.get(code="310000-GA-QR-0001").published
    assert version is not None
    version.offices = []
    version.save(update_fields=["offices"])
    html = main_of(get(client, "/services/items/310000-GA-QR-0001/"))
    assert "Apply at a service window" not in html
    html = main_of(get(client, "/services/items/310000-GA-QR-0001/", "en"))
    assert "Call the city hotline 12345 to ask where to apply." in html


@pytest.mark.parametrize("code", ["310000-GA-XK-0002", "310000-SJ-XK-0002"])  # L2 and L1
def test_no_apply_link_below_level_3(client, portal, code):
    html = main_of(get(client, f"/services/items/{code}/", "en"))
    assert "/apply/" not in html
    assert "cannot be applied for online yet" in html


def test_reading_a_guide_counts_a_view(client, portal):
    before = ServiceItem.objects.get(code=RICH_CODE).popularity
    get(client, f"/services/items/{RICH_CODE}/")
    assert ServiceItem.objects.get(code=RICH_CODE).popularity == before + 1


def test_unknown_or_unpublished_items_are_404(client, portal):
    get(client, "/services/items/310000-GA-QR-9999/", status=404)
    get(client, f"/services/items/{RICH_CODE}/apply/", status=302)  # login first
    get(client, "/services/events/no-such-event/", status=404)


def test_guide_query_count(client, portal, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        get(client, f"/services/items/{RICH_CODE}/")


# --- apply ---------------------------------------------------------------------------


def test_apply_page_needs_login_then_lists_the_materials(client, portal):
    open_applications(RICH_CODE)
    response = client.get(f"/services/items/{RICH_CODE}/apply/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    user = make_user()
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    html = main_of(get(client, f"/services/items/{RICH_CODE}/apply/", "en"))
    assert "Renewing a driving licence" in html
    for material in RICH_ITEM["materials"]:
        assert material["name_en"] in html
    assert f'href="/services/items/{RICH_CODE}/"' in html


def test_apply_page_of_an_item_without_a_form_says_where_to_apply_and_nothing_else(client, portal):
    user = make_user()
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    html = main_of(get(client, "/services/items/310000-GA-QR-0001/apply/", "en"))
    text = text_of(html)
    assert "Online application for this service is not open yet." in text
    assert "Apply at a service window: 1 Renmin Road" in text
    assert "Apply online" not in text and "<form" not in html
    # Nothing claiming the application is made on this page.
    assert "on this page" not in text and "fill in the form" not in text
    assert "Identity card" in text  # the materials to bring
    assert 'href="/services/items/310000-GA-QR-0001/"' in html


def test_apply_page_sends_offline_services_back_to_the_guide(client, portal):
    user = make_user()
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    response = client.get("/services/items/310000-GA-XK-0002/apply/")
    assert response.status_code == 302
    assert response["Location"] == "/services/items/310000-GA-XK-0002/"
    get(client, "/services/items/310000-GA-QR-9999/apply/", status=404)


# --- life events ---------------------------------------------------------------------


def test_life_event_shows_outcome_departments_and_ordered_steps(client, portal):
    html = main_of(get(client, "/services/events/newborn/"))
    text = text_of(html)
    assert "新生儿出生一件事" in text and "出生医学证明、户口、医保" in text
    for name in ("市卫生健康委", "市公安局", "市医保局"):
        assert name in text
    steps = [
        html.index(f'href="/services/items/{code}/"')
        for code in ("310000-WJ-QR-0001", "310000-GA-QR-0001", "310000-YB-GG-0001")
    ]
    assert steps == sorted(steps)
    assert "医院出具" in text  # a step's note
    second = html[html.index('id="step-2"') : html.index('id="step-3"')]
    assert 'href="#step-1"' in second and "出生医学证明签发" in second


def test_life_event_in_english_adds_up_the_promised_days(client, portal):
    html = main_of(get(client, "/services/events/newborn/", "en"))
    assert "Having a baby" in html and "Birth certificate, hukou, insurance" in html
    assert "15 working days" in html  # 5 + 5 + 5, one after another
    assert "After:" in html and "From the hospital" in html


def test_life_event_without_online_steps_offers_no_application(client, portal):
    html = main_of(get(client, "/services/events/newborn/", "en"))
    assert "/apply/" not in html
    assert "These services cannot be applied for online together yet" in html


def test_life_event_offers_one_application_for_the_steps_that_take_them(client, portal):
    open_applications("310000-GA-QR-0001")
    html = main_of(get(client, "/services/events/newborn/", "en"))
    assert 'href="/cases/events/newborn/apply/"' in html
    assert "Apply online for 1 of these 3 services" in html
    first = text_of(html[html.index('id="step-1"') : html.index('id="step-2"')])
    second = text_of(html[html.index('id="step-2"') : html.index('id="step-3"')])
    assert "Not part of the online application" in first
    assert "Not part of the online application" not in second
    open_applications("310000-WJ-QR-0001")
    open_applications("310000-YB-GG-0001")
    html = main_of(get(client, "/services/events/newborn/", "en"))
    assert "Apply for all at once" in html and "Not part of the online application" not in html


@pytest.mark.django_db
def test_the_demo_newborn_event_says_what_you_get_once(client):
    """The demo's outcome is the list its heading ("What you will get", 办理结果)
    announces, not a sentence saying the heading again ("You will get: ...")."""
    load_demo_city()
    event = next(e for e in catalog_demo.read("life_events") if e["code"] == "newborn")
    codes = {step["item"] for step in event["steps"]}
    services.seed_topics(catalog_demo.read("topics"))
    items = [row for row in catalog_demo.read("items") if row["code"] in codes]
    services.seed_items(rows=items, source="test")
    services.seed_life_events([event])
    for language, heading, lead_in, outcome in (
        ("zh-hans", "办理结果", "您将获得", "出生医学证明（电子证照）、户口簿登记页"),
        ("en", "What you will get", "You will get", "The medical birth certificate (electronic)"),
    ):
        html = main_of(get(client, "/services/events/newborn/", language))
        section = html[html.index('aria-labelledby="outcome-title"') :]
        section = text_of(section[: section.index("</section>")])
        assert heading in section and outcome in section, language
        assert lead_in not in section, language


def test_life_events_list_both_audiences(client, portal):
    html = main_of(get(client, "/services/events/", "en"))
    assert "For individuals" in html and "For companies" in html
    assert 'href="/services/events/newborn/"' in html and "3 services" in html


def test_life_event_pages_query_count(client, portal, django_assert_max_num_queries):
    open_applications("310000-GA-QR-0001")
    with django_assert_max_num_queries(4):
        get(client, "/services/events/")
    get(client, "/services/events/newborn/")  # this worker parses the item's process
    # The event, its steps, their dependencies and those steps' items, and the departments
    # the lanes of the process of the step taking applications name (which others it
    # handles: ``event_plan``).
    with django_assert_max_num_queries(5):
        get(client, "/services/events/newborn/")


# --- breadth -------------------------------------------------------------------------


def test_breadth_gives_shares_overall_by_department_and_by_audience(client, portal):
    html = main_of(get(client, "/services/breadth/", "en"))
    # 8 items: L3+ are WJ(4), GA(5), YB(5), RS(3), SJ(5) and the rich GA item (3).
    assert "75.0%" in html and "37.5%" in html
    assert html.count("<caption id=") == 2
    gongan = html[html.index('href="/services/?department=310000-GA"') :]
    assert re.search(r"3</td>\s*<td[^>]*>2</td>\s*<td[^>]*>66.7%", gongan)
    assert "Legal persons" in html and "50.0%" in html
    assert "L5 Entirely online, zero visits" in html  # the levels explained


def test_breadth_says_the_levels_are_declared_and_how_many_take_applications_now(client, portal):
    # The QA's case: most items declare L3+ but few are connected to the case system.
    open_applications("310000-GA-QR-0001")
    html = main_of(get(client, "/services/breadth/", "en"))
    figures = html.split('class="facts', 1)[1].split("</dl>", 1)[0]
    facts = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", figures, re.S))
    assert list(facts) == [
        "Take applications online now",
        "Declared online by their departments (L3 and above)",
        "Declared entirely online, zero visits (L5)",
    ]
    now = text_of(facts["Take applications online now"])
    assert "12.5%" in now and "1 of 8 services" in now
    declared = text_of(facts["Declared online by their departments (L3 and above)"])
    assert "75.0%" in declared and "6 of 8 services" in declared
    assert "once the city connects it to the online case system" in html
    # Each table says the levels are declared, and counts the items taking applications.
    assert html.count('<th scope="col" class="numeric">Declared online (L3+)</th>') == 2
    gongan = html[html.index('href="/services/?department=310000-GA"') :]
    row = gongan[: gongan.index("</tr>")]
    assert re.findall(r'<td class="numeric">([^<]*)</td>', row) == [
        "3",
        "2",
        "66.7%",
        "1",
        "33.3%",
        "1",
    ]


def test_breadth_in_chinese(client, portal, chinese):
    open_applications("310000-GA-QR-0001")
    html = text_of(main_of(get(client, "/services/breadth/")))
    assert "现已开通网上申请 12.5% 8 个事项中的 1 个" in html
    assert "部门公布可网上申请（L3 及以上） 75.0% 8 个事项中的 6 个" in html


def test_breadth_query_count(client, portal, django_assert_max_num_queries):
    open_applications("310000-GA-QR-0001")
    with django_assert_max_num_queries(4):
        get(client, "/services/breadth/")


def test_pages_work_with_an_empty_catalog(client, db):
    for url in (
        "/",
        "/services/",
        "/services/events/",
        "/services/breadth/",
        "/services/search/?q=出生",
    ):
        get(client, url, "en")


def test_search_past_the_last_page_starts_over(client, portal):
    response = client.get("/services/search/", {"q": "生孩子", "audience": "person", "offset": 40})
    assert response.status_code == 302
    assert response["Location"] == "/services/search/?q=%E7%94%9F%E5%AD%A9%E5%AD%90&audience=person"
