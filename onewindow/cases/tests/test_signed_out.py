"""An application sent after its session ended (``cases.signed_out``): the login page
says nothing was sent and what is kept, and the form comes back with what was typed
once the applicant logs in again; files are asked for again."""

from __future__ import annotations

from django.test import Client

from onewindow.cases.models import Case
from onewindow.cases.signed_out import MAX_KEPT_BYTES, PENDING
from onewindow.cases.tests.test_views import APPLY, logged_in, people, photo
from onewindow.conftest import PASSWORD
from onewindow.identity.models import User

__all__ = ["people"]  # the fixture, shared with the page tests

TYPED = {
    "applicant_name": "王小明",
    "applicant_phone": "13916209999",
    "name_pinyin": "WANG XIAOMING",
}


def _signed_out_post(client: Client, data: dict) -> str:
    client.logout()  # the session ends: as after hours, or signing out in another tab
    response = client.post(APPLY, data)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    return response["Location"]


def test_what_was_typed_comes_back_after_logging_in_again(people):
    user = people["applicant"]
    User.objects.filter(pk=user.pk).update(preferred_language="en")  # as logging in sets
    client = logged_in(user)
    login_page = _signed_out_post(
        client, {**TYPED, "upload-photo": photo(), "idempotency_key": "k1"}
    )
    page = client.get(login_page).content.decode()
    assert "your application was not sent" in page and "attach your files again" in page
    assert not Case.objects.exists()
    response = client.post(
        login_page, {"username": user.username, "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == APPLY
    assert 'value="13916209999"' in html and 'value="WANG XIAOMING"' in html
    assert "What you typed before you were signed out is back" in html
    # Given back once: the next visit starts afresh (from the account, not these).
    assert 'value="13916209999"' not in client.get(APPLY).content.decode()


def test_answers_too_large_to_be_an_application_are_not_kept(people):
    client = logged_in(people["applicant"])
    _signed_out_post(client, {**TYPED, "name_pinyin": "x" * (MAX_KEPT_BYTES + 1)})
    assert PENDING not in client.session


def test_answers_kept_for_one_page_do_not_fill_another(people):
    client = logged_in(people["applicant"])
    _signed_out_post(client, TYPED)
    session = client.session
    session[PENDING] = {**session[PENDING], "path": "/cases/events/newborn/apply/"}
    session.save()
    client.force_login(people["applicant"])
    assert 'value="13916209999"' not in client.get(APPLY).content.decode()
