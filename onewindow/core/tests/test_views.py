from datetime import datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import loader
from django.test import Client
from django.utils import translation

from onewindow.core import health
from onewindow.identity.roles import Role
from onewindow.workdays import services

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_health_is_ok_while_the_calendar_reaches_60_days_ahead(client, db):
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=SHANGHAI), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_health_is_degraded_60_days_before_an_unconfigured_year(client, db):
    # 2026-11-02 + 60 days is 2027-01-01, which nothing covers yet.
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        response = client.get("/healthz")
        lines = response.content.decode().splitlines()
        assert response.status_code == 200
        assert lines[0] == "degraded"
        assert lines[1].startswith("calendar: 2027 is not configured (known until 2026-12-31)")
        services.declare_year(actor=None, year=2027, note="test")
        health.forget_checks()  # what it found is kept SERVICE_CHECK_SECONDS
        assert client.get("/healthz").content == b"ok"


# --- error pages (DEBUG off, as in production) -----------------------------------------


@pytest.fixture
def production(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    return settings


def _browser(language: str) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _main(html: str) -> str:
    """The inside of the page's one ``<main>``."""
    assert html.count("<main") == 1
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def test_an_unknown_address_gets_the_sites_404_page_in_english(db, production):
    response = _browser("en").get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html and "<title>Page not found · OneWindow</title>" in html
    assert 'class="skip-link" href="#main"' in html and 'class="site-header"' in html
    main = _main(html)
    assert "<h1>Page not found</h1>" in main
    for link in ('href="/"', 'href="/services/"', 'href="/cases/"'):
        assert link in main


def test_an_unknown_address_gets_the_sites_404_page_in_chinese(db, production):
    response = _browser("zh-hans").get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="zh-Hans">' in html and " · 一网通办</title>" in html
    _main(html)
    # The site's chrome, in Chinese, around the page: not Django's bare English page.
    assert ">首页</a>" in html and ">服务事项</a>" in html and "跳到主要内容" in html
    assert "The requested resource was not found on this server." not in html


def test_what_one_may_not_see_reads_exactly_like_what_does_not_exist(officer_logged_in, production):
    client, _ = officer_logged_in(Role.REVIEWING_OFFICER, "police")
    client.raise_request_exception = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    hidden = client.get("/officer/departments/310000-SJ/")  # exists, another bureau's
    missing = client.get("/officer/departments/nonexistent/")
    assert hidden.status_code == missing.status_code == 404
    assert _main(hidden.content.decode()) == _main(missing.content.decode())
    assert "Page not found" in _main(hidden.content.decode())


def test_api_addresses_keep_the_apis_json_errors(db, production):
    unknown = _browser("en").get("/api/v1/no-such-endpoint")
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/json; charset=utf-8"  # as the API's own
    assert unknown.json() == {"code": "not_found", "message": "No such endpoint.", "fields": {}}
    # An endpoint's own "no such" answer is the API's, untouched by the site's 404 page.
    item = _browser("en").get("/api/v1/catalog/items/NO-SUCH-ITEM")
    assert item.status_code == 404 and item["Content-Type"].startswith("application/json")
    assert item.json()["message"] == "No such service item."


@pytest.mark.urls("onewindow.core.tests.urls")
def test_a_failing_view_gets_the_500_page(db, production):
    response = _browser("en").get("/test-only/fails/")
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="en">' in html and "<h1>Something went wrong</h1>" in _main(html)
    assert 'class="skip-link" href="#main"' in html and 'href="/static/onewindow/site.css"' in html


def test_the_500_page_needs_no_request_context_processor_or_database():
    # No ``db`` fixture: a query would fail the test. Django renders 500.html this way.
    with translation.override("zh-hans"):
        html = loader.get_template("500.html").render()
    assert '<html lang="zh-Hans">' in html
    assert "一网通办" in html and "12345" in html
    _main(html)


@pytest.mark.parametrize(
    ("language", "title"), [("en", "The form has expired"), ("zh-hans", "表单已过期")]
)
def test_a_form_sent_without_its_csrf_token_gets_the_sites_page(db, production, language, title):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.get("/login/")  # the CSRF cookie is set; the form's token is not sent
    response = client.post("/login/", {"username": "someone", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{title}</h1>" in _main(html) and "12345" in html
    assert "CSRF" not in html  # Django's own page explains the mechanism, in English


@pytest.mark.urls("onewindow.core.tests.urls")
@pytest.mark.parametrize(
    ("url", "status", "title"),
    [
        ("/test-only/forbids/", 403, "Not allowed"),
        ("/test-only/suspects/", 400, "Request not understood"),
    ],
)
def test_403_and_400_are_the_sites_pages(db, production, url, status, title):
    response = _browser("en").get(url)
    html = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in _main(html) and 'class="site-header"' in html
    assert "a forged request" not in html


# --- the icon ----------------------------------------------------------------------------


def test_pages_link_the_svg_icon_and_favicon_ico_points_to_it(client, db):
    page = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/static/onewindow/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/onewindow/favicon.svg"


def test_the_icon_is_a_square_svg():
    path = finders.find("onewindow/favicon.svg")
    assert path
    root = ElementTree.parse(path).getroot()  # noqa: S314 (our own file, not input)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 32 32"
