import pytest
from django.test import Client

from onewindow.conftest import PASSWORD
from onewindow.identity.models import User
from onewindow.notifications.models import Notification
from onewindow.notifications.tests.conftest import make_recipient, notify

pytestmark = pytest.mark.single_pass


def headers(client: Client, user: User) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def test_users_list_only_their_own_notifications(client, db):
    me, other = make_recipient(language="en"), make_recipient()
    notify(me, "case_submitted", link="/cases/310000-GA-20261122-0001/")
    notify(me, "calendar_not_configured")
    notify(other, "case_submitted")
    mine = client.get("/api/v1/notifications", **headers(client, me)).json()
    assert [(n["kind"], n["case"], n["read"]) for n in mine] == [
        ("calendar_not_configured", "", False),
        ("case_submitted", "310000-GA-20261122-0001", False),
    ]
    first = mine[1]
    assert first["subject"] == "Application 310000-GA-20261122-0001 received"
    assert first["link"] == "/cases/310000-GA-20261122-0001/"
    assert first["id"] == Notification.objects.get(recipient=me, kind="case_submitted").pk
    assert set(first) == {"id", "kind", "case", "subject", "body", "link", "created_at", "read"}
    theirs = client.get("/api/v1/notifications", **headers(client, other)).json()
    assert [n["kind"] for n in theirs] == ["case_submitted"]


def test_the_list_comes_a_page_at_a_time(client, db):
    me = make_recipient(language="en")
    for key in range(5):
        notify(me, "calendar_not_configured", dedupe_key=f"year-{key}")
    auth = headers(client, me)
    first = client.get("/api/v1/notifications?limit=2", **auth)
    assert first["X-Total-Count"] == "5"
    rest = client.get("/api/v1/notifications?limit=2&offset=2", **auth).json()
    newest = list(Notification.objects.filter(recipient=me).values_list("pk", flat=True))
    assert [n["id"] for n in first.json()] + [n["id"] for n in rest] == newest[:4]
    assert client.get("/api/v1/notifications?limit=0", **auth).status_code == 422


def test_mark_read_only_ones_own(client, db):
    me, other = make_recipient(), make_recipient()
    notify(me)
    notify(other)
    mine = Notification.objects.get(recipient=me)
    theirs = Notification.objects.get(recipient=other)
    auth = headers(client, me)
    response = client.post(f"/api/v1/notifications/{mine.pk}/read", **auth)
    assert response.status_code == 200 and response.json()["read"] is True
    again = client.post(f"/api/v1/notifications/{mine.pk}/read", **auth)
    assert again.status_code == 200
    refused = client.post(f"/api/v1/notifications/{theirs.pk}/read", **auth)
    assert refused.status_code == 404 and refused.json()["message"] == "没有这条通知。"
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get("/api/v1/notifications").status_code == 401


def test_the_api_answers_in_the_language_asked_for_else_the_recipients(client, db):
    user = make_recipient(language="zh-hans")
    notify(user, "case_submitted", link="/cases/310000-GA-20261122-0001/")
    auth = headers(client, user)
    [english] = client.get("/api/v1/notifications", HTTP_ACCEPT_LANGUAGE="en", **auth).json()
    assert english["subject"] == "Application 310000-GA-20261122-0001 received"
    [chosen] = client.get("/api/v1/notifications", **auth).json()
    assert chosen["subject"] == Notification.objects.get().subject
    assert "已收到" in chosen["subject"]
