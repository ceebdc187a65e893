"""The notification list page, its read marks, and the unread count in the header."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from onewindow.conftest import PASSWORD
from onewindow.identity.models import User
from onewindow.notifications import views
from onewindow.notifications.models import Notification, OutboxMessage
from onewindow.notifications.tests.conftest import make_recipient, notify

pytestmark = pytest.mark.single_pass


def logged_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    assert (
        client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    return client


def test_the_list_marks_unread_in_words_and_links_the_case(db):
    user = make_recipient(language="en")
    notify(user, "case_submitted", link="/cases/310000-GA-20261122-0001/")
    notify(user, "case_overdue", link="/cases/310000-GA-20261122-0001/")
    Notification.objects.filter(kind="case_submitted").update(read_at="2026-11-22T10:00:00Z")
    html = logged_in(user).get("/notifications/").content.decode()
    assert "<main" in html and "<h1>Notifications</h1>" in html
    # Each notification is an article named by its heading; the unread one says so.
    assert html.count('class="notification-state">Unread</span>') == 1
    assert re.search(
        r"<h2[^>]*><span[^>]*>Unread</span> Your case 310000-GA-20261122-0001 is past", html
    )
    # Each link goes through its notification, which marks it read on the way.
    for notification in Notification.objects.all():
        link = f'href="/notifications/{notification.pk}/open/">Open case 310000-GA-20261122-0001'
        assert link in html
    assert "You have 1 unread notification." in html
    # The header's count, in words.
    assert '<span class="nav-count">1 unread</span>' in html


def test_a_link_to_another_page_than_the_case_is_not_called_the_case(db):
    user = make_recipient(language="en")
    notify(user, "extension_requested", link="/cases/extensions/")
    html = logged_in(user).get("/notifications/").content.decode()
    [notification] = Notification.objects.all()
    assert (
        f'href="/notifications/{notification.pk}/open/">Open<span class="visually-hidden">' in html
    )
    assert "Open case" not in html


def test_mark_one_and_all_read(db):
    user = make_recipient()
    notify(user, "case_submitted", dedupe_key="a")
    notify(user, "case_overdue", dedupe_key="b")
    notify(user, "case_resumed", dedupe_key="c")
    client = logged_in(user)
    first = Notification.objects.get(dedupe_key="a")
    response = client.post(f"/notifications/{first.pk}/read/", {"page": "1"})
    # Back where the reader was: the notice just marked, which takes focus there.
    assert response.status_code == 302
    assert response["Location"] == f"/notifications/?page=1#notification-{first.pk}"
    heading = f'id="notification-{first.pk}" tabindex="-1"'
    assert heading in client.get("/notifications/").content.decode()
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 2
    assert client.get(f"/notifications/{first.pk}/read/").status_code == 405
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    page = client.get("/notifications/").content.decode()
    assert "nav-count" not in page and "Mark all as read" not in page


def test_nobody_reads_or_marks_anyone_elses(db):
    me, other = make_recipient(), make_recipient()
    notify(other)
    theirs = Notification.objects.get(recipient=other)
    client = logged_in(me)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post("/notifications/read-all/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert theirs.subject not in client.get("/notifications/").content.decode()
    assert Client().get("/notifications/").status_code == 302  # to the login page


def test_following_a_notices_link_marks_it_read_and_goes_to_its_page(db):
    user = make_recipient()
    notify(user, "case_submitted", dedupe_key="a", link="/cases/310000-GA-20261122-0001/")
    notify(user, "tasks_overdue", dedupe_key="b", link="/cases/inbox/?deadline=overdue")
    first, digest = Notification.objects.order_by("pk")
    client = logged_in(user)
    assert (
        '<span class="nav-count">2 unread</span>' in client.get("/notifications/").content.decode()
    )
    response = client.get(f"/notifications/{first.pk}/open/")
    assert (response.status_code, response["Location"]) == (302, "/cases/310000-GA-20261122-0001/")
    first.refresh_from_db()
    assert first.read_at is not None
    # The header counts one fewer; the other notice stays unread.
    assert (
        '<span class="nav-count">1 unread</span>' in client.get("/notifications/").content.decode()
    )
    assert Notification.objects.get(pk=digest.pk).read_at is None
    # Its query string is kept; and a read notice's link still leads there, unchanged.
    assert client.get(f"/notifications/{digest.pk}/open/")["Location"] == (
        "/cases/inbox/?deadline=overdue"
    )
    read_at = Notification.objects.get(pk=first.pk).read_at
    assert client.get(f"/notifications/{first.pk}/open/")["Location"] == first.link
    assert Notification.objects.get(pk=first.pk).read_at == read_at
    # A link checker's probe, or a form sent to it, marks nothing.
    notify(user, "case_overdue", dedupe_key="c", link="/cases/310000-GA-20261122-0001/")
    third = Notification.objects.get(dedupe_key="c")
    assert client.head(f"/notifications/{third.pk}/open/").status_code == 405
    assert client.post(f"/notifications/{third.pk}/open/").status_code == 405
    assert Notification.objects.get(pk=third.pk).read_at is None


def test_nobody_follows_or_marks_anyone_elses_by_its_link(db):
    me, other = make_recipient(), make_recipient()
    notify(other, link="/cases/310000-GA-20261122-0001/")
    theirs = Notification.objects.get(recipient=other)
    response = logged_in(me).get(f"/notifications/{theirs.pk}/open/")
    assert response.status_code == 404 and "Location" not in response
    assert logged_in(me).get("/notifications/999999/open/").status_code == 404
    # Signed out: to the login page, which comes back here afterwards.
    response = Client().get(f"/notifications/{theirs.pk}/open/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/notifications/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "link",
    [
        "https://elsewhere.example/",
        "//elsewhere.example/",
        "/\\elsewhere.example/",
        "/\t/elsewhere.example/",
        "javascript:alert(1)",
        "cases/310000-GA-20261122-0001/",
    ],
)
def test_a_link_elsewhere_is_not_followed(db, link):
    """``notify`` refuses such a link; a row written around it (an old one, the admin)
    still does not send the reader to another site: back to the list, at the notice."""
    user = make_recipient()
    notify(user, link="/cases/310000-GA-20261122-0001/")
    note = Notification.objects.get(recipient=user)
    Notification.objects.filter(pk=note.pk).update(link=link)
    response = logged_in(user).get(f"/notifications/{note.pk}/open/")
    assert (response.status_code, response["Location"]) == (
        302,
        f"/notifications/#notification-{note.pk}",
    )


def test_marking_needs_the_csrf_token(db):
    user = make_recipient()
    notify(user)
    note = Notification.objects.get(recipient=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 403
    page = client.get("/notifications/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(f"/notifications/{note.pk}/read/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_list_pages_in_constant_queries(db, django_assert_max_num_queries):
    user = make_recipient()
    client = logged_in(user)
    notify(user, dedupe_key="first")
    with django_assert_max_num_queries(8) as few:
        client.get("/notifications/")
    for i in range(views.PER_PAGE + 5):
        notify(user, dedupe_key=f"k{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/notifications/").content.decode()
    assert page.count("<article") == views.PER_PAGE
    assert 'rel="next" href="?page=2"' in page
    assert client.get("/notifications/?page=2").content.decode().count("<article") == 6


def test_a_digest_keeps_its_lines_and_its_link_says_what_it_opens(db):
    user = make_recipient(language="en")
    notify(user, "tasks_overdue", link="/cases/inbox/?deadline=overdue")
    html = logged_in(user).get("/notifications/").content.decode()
    # The body's lines (count, cases, what to do) stay lines on the page.
    assert re.search(r"2 tasks in your inbox are past their time limits.*?<br>\s*Cases: ", html)
    # Without a case number the link is "Open", completed for screen readers by the subject.
    digest = Notification.objects.get()
    assert (
        f'<a href="/notifications/{digest.pk}/open/">Open<span class="visually-hidden">: '
        "2 tasks in your inbox are overdue</span></a>"
    ) in html


def test_the_list_is_in_the_language_it_is_read_in(db):
    """A recipient who chose Chinese for their messages, browsing in English, reads
    their notices in English; their email stays in Chinese."""
    user = make_recipient(language="zh-hans")
    notify(user, "case_submitted", link="/cases/310000-GA-20261122-0001/")
    html = logged_in(user).get("/notifications/").content.decode()
    assert "Application 310000-GA-20261122-0001 received" in html
    assert "已收到" not in html
    [email] = OutboxMessage.objects.filter(channel="email")
    assert "已收到" in email.subject


def test_a_notification_from_before_the_texts_by_language_shows_its_own(db):
    user = make_recipient(language="zh-hans")
    notify(user, "case_submitted", link="/cases/310000-GA-20261122-0001/")
    Notification.objects.update(texts={})
    html = logged_in(user).get("/notifications/").content.decode()
    assert Notification.objects.get().subject in html


def test_chinese_quoted_in_an_english_notice_is_marked_as_chinese(db):
    """A notice in English names a service, a person or a comment in Chinese: those runs
    are read with a Chinese voice (QA), the rest of the notice with an English one."""
    user = make_recipient(language="en")
    notify(user, "catalog_draft_returned", link="/backoffice/catalog/items/310000-GA-QR-0001/")
    html = logged_in(user).get("/notifications/").content.decode()
    body = re.search(r'<p class="notification-body">(.*?)</p>', html, re.S)
    assert body is not None
    marked = re.findall(r'<span lang="zh-Hans">([^<]*)</span>', body[1])
    assert marked and all(re.search(r"[\u4e00-\u9fff]", run) for run in marked)
    assert "returned your draft" in re.sub(r"<[^>]+>", "", body[1])
    assert '<span lang="zh-Hans">returned' not in body[1]
