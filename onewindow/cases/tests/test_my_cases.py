"""My cases: the applicant's cases with their companies named in the page's language,
and the applications they saved to finish later ("Drafts"), theirs only."""

from __future__ import annotations

from typing import Any

import lxml.html
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.cases import queries, views
from onewindow.cases.tests.conftest import ASSISTANCE, COMPANY, PASSPORT, submit
from onewindow.cases.tests.test_outcomes import english
from onewindow.catalog.models import LifeEvent, ServiceItem
from onewindow.forms.models import FormDraft
from onewindow.identity.models import LegalPerson, User

EVENT_APPLY = "/cases/events/newborn/apply/"


def apply_url(code: str) -> str:
    return f"/services/items/{code}/apply/"


def chinese(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    return client


def save_draft(client: Client, url: str, **answers: str) -> None:
    response = client.post(url, {**answers, "action": "save_draft"})
    assert response.status_code == 302, response.content.decode()


def drafts_section(html: str) -> Any:
    found = lxml.html.fromstring(html).xpath("//section[@class='drafts']")
    return found[0] if found else None


def test_the_company_is_named_in_the_pages_language(world):
    agent = world["agent.li"]
    company = LegalPerson.objects.get(agents=agent)
    assert company.name_en and company.name_en != company.name
    submit(agent, COMPANY)
    in_english = english(agent).get("/cases/").content.decode()
    assert f'<span class="muted case-for">{company.name_en}</span>' in in_english
    assert company.name not in in_english
    in_chinese = chinese(agent).get("/cases/").content.decode()
    assert f'<span class="muted case-for">{company.name}</span>' in in_chinese


def test_a_company_without_an_english_name_is_marked_as_chinese(world):
    agent = world["agent.li"]
    company = LegalPerson.objects.get(agents=agent)
    LegalPerson.objects.filter(pk=company.pk).update(name_en="")
    submit(agent, COMPANY)
    html = english(agent).get("/cases/").content.decode()
    assert f'<span class="muted case-for"><span lang="zh-Hans">{company.name}</span></span>' in html


def test_drafts_are_listed_to_continue_last_saved_first(world):
    user, other = world["citizen.chen"], world["citizen.wang"]
    client = english(user)
    assert drafts_section(client.get("/cases/").content.decode()) is None
    save_draft(client, apply_url(PASSPORT), applicant_phone="13916")
    save_draft(client, EVENT_APPLY, mother_name="李梅")
    save_draft(english(other), apply_url(ASSISTANCE))  # someone else's
    section = drafts_section(client.get("/cases/").content.decode())
    assert section is not None
    assert section.xpath("string(h2)") == "Drafts"
    links = [(a.get("href"), a.text_content()) for a in section.xpath(".//li/a[1]")]
    passport = ServiceItem.objects.get(code=PASSPORT).published
    event = LifeEvent.objects.get(code="newborn")
    assert links == [(EVENT_APPLY, event.name_en), (apply_url(PASSPORT), passport.name_en)]
    saved = timezone.localtime(
        FormDraft.objects.get(owner=user, context="apply:newborn").updated_at
    )
    first = " ".join(section.xpath("string(.//li)").split())
    assert first == (
        f"{event.name_en} · Last saved: {saved:%Y-%m-%d %H:%M} · Discard {event.name_en}"
    )
    assert section.xpath(".//li[1]//time/@datetime") == [saved.isoformat()]
    # Continuing: the apply page has the draft back.
    assert 'value="13916"' in client.get(links[1][0]).content.decode()
    # The other applicant sees only their own.
    theirs = drafts_section(english(other).get("/cases/").content.decode())
    assert [a.get("href") for a in theirs.xpath(".//li/a[1]")] == [apply_url(ASSISTANCE)]


def test_drafts_are_named_in_the_pages_language(world):
    user = world["citizen.wang"]
    save_draft(english(user), EVENT_APPLY, mother_name="李梅")
    section = drafts_section(chinese(user).get("/cases/").content.decode())
    event = LifeEvent.objects.get(code="newborn")
    assert section.xpath("string(.//li/a[1])") == event.name


def test_a_draft_with_no_page_to_continue_on_is_left_out(world):
    user = world["citizen.chen"]
    client = english(user)
    save_draft(client, apply_url(PASSPORT))
    draft = FormDraft.objects.get(owner=user)
    FormDraft.objects.create(owner=user, definition=draft.definition, context="apply:gone")
    FormDraft.objects.create(owner=user, definition=draft.definition, context="profile:x")
    assert [d.code for d in queries.my_drafts(user)] == [PASSPORT]


def test_drafts_are_read_in_a_few_queries_however_many(world):
    user = world["citizen.chen"]
    client = english(user)
    save_draft(client, apply_url(PASSPORT))
    save_draft(client, EVENT_APPLY)
    with CaptureQueriesContext(connection) as two:
        assert len(queries.my_drafts(user)) == 2
    save_draft(client, apply_url(ASSISTANCE))
    save_draft(client, apply_url(COMPANY))
    with CaptureQueriesContext(connection) as four:
        assert len(queries.my_drafts(user)) == 4
    assert len(two) == len(four) == 3
    FormDraft.objects.filter(owner=user).exclude(context="apply:newborn").delete()
    with CaptureQueriesContext(connection) as event_only:
        queries.my_drafts(user)
    assert len(event_only) == 3
    FormDraft.objects.filter(owner=user).delete()
    with CaptureQueriesContext(connection) as none:
        assert queries.my_drafts(user) == []
    assert len(none) == 1


def test_drafts_are_shown_on_the_first_page_only(world, monkeypatch):
    monkeypatch.setattr(views, "MY_CASES_PAGE_SIZE", 1)
    user = world["citizen.chen"]
    submit(user, PASSPORT)
    submit(user, PASSPORT)
    client = english(user)
    save_draft(client, apply_url(PASSPORT))
    assert drafts_section(client.get("/cases/").content.decode()) is not None
    assert drafts_section(client.get("/cases/?page=2").content.decode()) is None


def test_a_draft_is_discarded_after_asking_and_audited(world):
    user = world["citizen.chen"]
    client = english(user)
    save_draft(client, apply_url(PASSPORT), applicant_phone="13916")
    save_draft(client, EVENT_APPLY, mother_name="李梅")
    [discard] = drafts_section(client.get("/cases/").content.decode()).xpath(
        f".//li[a[@href='{apply_url(PASSPORT)}']]/a[2]/@href"
    )
    assert discard == f"/cases/drafts/{PASSPORT}/discard/"
    # Asked first: the page says what goes, and a GET changes nothing.
    asked = client.get(discard)
    assert asked.status_code == 200
    passport = ServiceItem.objects.get(code=PASSPORT).published
    assert f"Your draft of “{passport.name_en}”" in asked.content.decode()
    assert FormDraft.objects.filter(owner=user, context=f"apply:{PASSPORT}").exists()
    done = client.post(discard)
    assert done.status_code == 302 and done["Location"] == "/cases/"
    assert not FormDraft.objects.filter(owner=user, context=f"apply:{PASSPORT}").exists()
    assert FormDraft.objects.filter(owner=user, context="apply:newborn").exists()  # the other
    page = client.get("/cases/").content.decode()
    assert f"Your draft of “{passport.name_en}” was discarded." in page
    event = AuditEvent.objects.get(action="forms.draft_discarded")
    assert (event.actor_id, event.detail["context"]) == (user.pk, f"apply:{PASSPORT}")
    # Gone: asking again finds nothing, and the application page starts afresh.
    assert client.get(discard).status_code == 404
    assert 'value="13916"' not in client.get(apply_url(PASSPORT)).content.decode()


def test_only_the_owner_discards_a_draft(world):
    owner, other = world["citizen.chen"], world["citizen.wang"]
    save_draft(english(owner), apply_url(PASSPORT), applicant_phone="13916")
    discard = f"/cases/drafts/{PASSPORT}/discard/"
    assert english(other).post(discard).status_code == 404
    assert FormDraft.objects.filter(owner=owner).exists()
    assert Client().post(discard).status_code == 302  # to log in
    assert FormDraft.objects.filter(owner=owner).exists()
