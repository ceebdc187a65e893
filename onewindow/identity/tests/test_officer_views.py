"""The pages adding an officer and resetting an officer's second factor: who may open
and use them (a matrix of readers), their errors in the reader's language with the
error summary, and the department page offering them."""

from __future__ import annotations

import lxml.html
import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from onewindow.audit.models import AuditEvent
from onewindow.conftest import holder_logged_in, make_user
from onewindow.identity.models import User
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]

NEW = "/officer/departments/310000-GA/officers/new/"
DEPARTMENT = "/officer/departments/310000-GA/"
OFFICER = {
    "username": "officer.new",
    "full_name": "新警官",
    "email": "new@example.invalid",
    "role": Role.WINDOW_OFFICER,
    "preferred_language": "zh-hans",
}

# Who reads, and what each may do on 公安局's pages: (GET status, POST status).
READERS = [
    pytest.param(Role.DEPARTMENT_ADMIN, "police", (200, 302), id="department admin here"),
    pytest.param(Role.DEPARTMENT_ADMIN, "market", (404, 404), id="department admin elsewhere"),
    pytest.param(Role.PLATFORM_ADMIN, "root", (200, 302), id="platform admin"),
    pytest.param(Role.WINDOW_OFFICER, "police", (404, 404), id="window officer here"),
    pytest.param(Role.CITIZEN, None, (404, 404), id="citizen"),
    pytest.param(None, None, (302, 302), id="anonymous"),
]


def reader(role, where, city) -> Client:  # type: ignore[no-untyped-def]
    if role is None:
        return Client()
    if role == Role.CITIZEN:
        client = Client()
        client.force_login(make_user())
        return client
    return holder_logged_in(role, city[where])[0]


@pytest.mark.parametrize(("role", "where", "expected"), READERS)
def test_who_may_add_an_officer(city, role, where, expected):
    client = reader(role, where, city)
    got = (client.get(NEW).status_code, client.post(NEW, OFFICER).status_code)
    assert got == expected
    assert User.objects.filter(username="officer.new").exists() == (
        expected[1] == 302 and role is not None
    )


@pytest.mark.parametrize(("role", "where", "expected"), READERS)
def test_who_may_reset_an_officers_second_factor(city, role, where, expected):
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True)
    client = reader(role, where, city)
    url = f"/officer/departments/310000-GA/officers/{officer.pk}/reset-two-factor/"
    got = (client.get(url).status_code, client.post(url).status_code)
    assert got == expected
    reset = expected[1] == 302 and role is not None
    assert TOTPDevice.objects.filter(user=officer).exists() != reset
    if role is None:
        assert client.get(url)["Location"].startswith("/login/")


def test_nobody_resets_their_own_on_the_page(city):
    client, admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    client.cookies["django_language"] = "en"
    url = f"/officer/departments/310000-GA/officers/{admin.pk}/reset-two-factor/"
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 403
        assert "ask another administrator" in response.content.decode()
    assert TOTPDevice.objects.filter(user=admin).exists()
    # The attempt is on record (QA: a refused grant was, this was not).
    assert AuditEvent.objects.filter(
        action="identity.two_factor_reset", outcome="denied", actor_id=admin.pk
    ).exists()


@pytest.mark.parametrize(
    "roles",
    [
        pytest.param([(Role.PLATFORM_ADMIN, "police")], id="a platform admin"),
        pytest.param(
            [(Role.WINDOW_OFFICER, "police"), (Role.WINDOW_OFFICER, "market")],
            id="an officer also outside the subtree",
        ),
    ],
)
def test_a_department_admin_is_not_offered_nor_let_reset(city, roles):
    target = make_user(roles=[(role, city[where]) for role, where in roles], with_totp=True)
    client, _admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    url = f"/officer/departments/310000-GA/officers/{target.pk}/reset-two-factor/"
    assert url not in client.get(DEPARTMENT).content.decode()
    assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    assert TOTPDevice.objects.filter(user=target).exists()


def test_an_officer_of_another_department_is_404_here(city):
    elsewhere = make_user(roles=[(Role.WINDOW_OFFICER, city["market"])], with_totp=True)
    client, _admin = holder_logged_in(Role.PLATFORM_ADMIN, city["root"])
    url = f"/officer/departments/310000-GA/officers/{elsewhere.pk}/reset-two-factor/"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_department_page_offers_both_to_its_admin(city, language, chinese):
    officer = make_user(username="officer.zhao", roles=[(Role.WINDOW_OFFICER, city["police"])])
    client, admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    client.cookies["django_language"] = language
    page = lxml.html.fromstring(client.get(DEPARTMENT).content)
    assert page.xpath(f"//a[@href='{NEW}']")
    [reset] = page.xpath("//a[contains(@href, 'reset-two-factor')]")
    assert reset.get("href").endswith(f"/officers/{officer.pk}/reset-two-factor/")
    hidden = reset.xpath("./span[@class='visually-hidden']")[0].text_content()
    assert "officer.zhao" in hidden  # the link names its officer for a screen reader
    assert f"/officers/{admin.pk}/" not in client.get(DEPARTMENT).content.decode()


def test_a_window_officer_is_offered_neither(city):
    make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    client, officer = holder_logged_in(Role.WINDOW_OFFICER, city["police"])
    page = client.get(DEPARTMENT).content.decode()
    assert NEW not in page and "reset-two-factor" not in page
    # Posting the grant form anyway is refused, not answered with the page (QA).
    posted = client.post(DEPARTMENT, {"username": officer.username, "role": "department_lead"})
    assert posted.status_code == 403
    assert not officer.role_assignments.filter(role="department_lead").exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Enter the officer's email address", "This user name is taken."]),
        ("zh-hans", ["请输入该工作人员的电子邮箱", "该用户名已被占用。"]),
    ],
)
def test_errors_in_the_readers_language_with_the_summary_and_nothing_saved(
    city, language, expected, chinese
):
    make_user(username="taken.name")
    client, _admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    client.cookies["django_language"] = language
    people = User.objects.count()
    response = client.post(NEW, {**OFFICER, "username": "taken.name", "email": ""})
    assert response.status_code == 422
    page = lxml.html.fromstring(response.content)
    [summary] = page.xpath("//div[@class='error-summary']")
    assert summary.get("role") == "alert" and summary.get("autofocus") is not None
    links = {a.get("href") for a in summary.xpath(".//a")}
    assert links == {"#id_username", "#id_email"}
    text = summary.text_content()
    assert all(words in text for words in expected)
    assert User.objects.count() == people


def test_the_form_labels_every_field_and_offers_only_grantable_roles(city):
    client, _admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    client.cookies["django_language"] = "en"
    page = lxml.html.fromstring(client.get(NEW).content)
    for name in [
        "username",
        "full_name",
        "email",
        "id_number",
        "phone",
        "role",
        "preferred_language",
    ]:
        assert page.xpath(f"//label[@for='id_{name}']"), name
    # The city's language is chosen unless the administrator picks the officer's.
    [chosen] = page.xpath("//select[@name='preferred_language']/option[@selected]/@value")
    assert chosen == "zh-hans"
    optional = {label.get("for") for label in page.xpath("//label[span[@class='optional']]")}
    assert optional == {"id_id_number", "id_phone"}
    offered = set(page.xpath("//select[@name='role']/option/@value"))
    assert Role.WINDOW_OFFICER in offered and Role.DEPARTMENT_ADMIN in offered
    assert not offered & {Role.SUPERVISOR, Role.PLATFORM_ADMIN, Role.CITIZEN}


def test_a_role_not_offered_is_refused_at_its_field(city):
    client, _admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    client.cookies["django_language"] = "en"
    response = client.post(NEW, {**OFFICER, "role": Role.SUPERVISOR})
    assert response.status_code == 422
    assert "You may not grant this role here." in response.content.decode()
    assert not User.objects.filter(username="officer.new").exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_confirmation_page_says_who_and_what_happens(city, language, chinese):
    officer = make_user(username="officer.qian", roles=[(Role.WINDOW_OFFICER, city["police"])])
    client, _admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    client.cookies["django_language"] = language
    url = f"/officer/departments/310000-GA/officers/{officer.pk}/reset-two-factor/"
    page = lxml.html.fromstring(client.get(url).content)
    [heading] = page.xpath("//h1")
    assert heading.text_content() == (
        "Reset two-factor authentication" if language == "en" else "重置双因素认证"
    )
    assert "officer.qian" in page.xpath("//p[@class='lead']")[0].text_content()
    [button] = page.xpath("//div[@class='narrow']//form//button[@type='submit']")
    assert button.text_content() == heading.text_content()
    [cancel] = page.xpath("//div[@class='narrow']//form//a")
    assert cancel.get("href") == DEPARTMENT
    assert len(page.xpath("//div[@class='narrow']/ul/li")) == 4


def test_the_new_account_is_announced_on_the_department_page(
    city, django_capture_on_commit_callbacks
):
    client, _admin = holder_logged_in(Role.DEPARTMENT_ADMIN, city["police"])
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(NEW, OFFICER)
    assert done["Location"] == DEPARTMENT
    page = client.get(DEPARTMENT).content.decode()
    assert "The account officer.new was created with the role Window officer." in page
    assert "new@example.invalid" in page
