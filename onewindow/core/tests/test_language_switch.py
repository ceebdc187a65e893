"""Where the header's language switch returns to (``context_processors.language_next``):
the page itself, or for a page answering a form, the page the form was on; a form's own
address may take only a POST, and the switch's redirect is a GET (405 before)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from onewindow.core.context_processors import language_next

factory = RequestFactory()


def test_a_page_read_returns_to_itself_with_its_query() -> None:
    assert language_next(factory.get("/services/search/", {"q": "护照"})) == (
        "/services/search/?q=%E6%8A%A4%E7%85%A7"
    )


@pytest.mark.parametrize(
    ("referer", "expected"),
    [
        ("http://testserver/cases/310000-GA-20260302-0001/", "/cases/310000-GA-20260302-0001/"),
        ("http://testserver/login/?next=/cases/", "/login/?next=/cases/"),
        ("https://evil.example/phish/", "/"),  # another site's address is not followed
        ("javascript:alert(1)", "/"),
        ("", "/"),  # the browser did not say
    ],
)
def test_a_form_answered_returns_to_the_page_it_was_sent_from(referer: str, expected: str) -> None:
    request = factory.post("/cases/310000-GA-20260302-0001/supplement/", HTTP_REFERER=referer)
    assert language_next(request) == expected


@pytest.mark.django_db
def test_a_refused_login_offers_the_switch_back_to_the_login_page() -> None:
    response = Client().post(
        "/login/?next=/cases/",
        {"username": "nobody", "password": "wrong"},
        HTTP_REFERER="http://testserver/login/?next=/cases/",
    )
    assert response.status_code == 401
    assert '<input name="next" type="hidden" value="/login/?next=/cases/">' in (
        response.content.decode()
    )
