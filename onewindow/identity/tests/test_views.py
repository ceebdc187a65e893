import html
import re
from datetime import timedelta

import lxml.html
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.conftest import PASSWORD, make_id_number, make_user, otp_for
from onewindow.identity import permissions, tokens
from onewindow.identity.masking import mask_identity_number
from onewindow.identity.models import LegalPerson, RoleAssignment, User
from onewindow.identity.roles import OFFICER_ROLES, Role

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def login(client: Client, user, password: str = PASSWORD):
    return client.post("/login/", {"username": user.username, "password": password})


def test_home_is_chinese_by_default_and_english_after_switch(client):
    page = client.get("/")
    assert '<html lang="zh-Hans">' in page.content.decode()
    assert "一网通办" in page.content.decode()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302
    page = client.get("/")
    assert '<html lang="en">' in page.content.decode()
    assert "One window for every city service" in page.content.decode()


def test_pages_have_landmarks_and_skip_link(client):
    html = client.get("/login/").content.decode()
    assert 'href="#main"' in html and '<main id="main"' in html
    assert 'role="banner"' in html and 'role="contentinfo"' in html
    for field_id in ("id_username", "id_password"):
        assert f'<label for="{field_id}"' in html


def test_citizen_logs_in_and_sees_own_identity_number(client, citizen):
    response = login(client, citizen)
    assert response.status_code == 302 and response["Location"] == "/account/"
    page = client.get("/account/").content.decode()
    assert citizen.id_number in page
    assert AuditEvent.objects.filter(action="identity.login", actor_id=citizen.pk).exists()


def test_wrong_password_is_refused_and_audited(client, citizen):
    response = login(client, citizen, "wrong-password-123")
    assert response.status_code == 401
    assert "用户名或密码" in response.content.decode()
    failure = AuditEvent.objects.get(action="identity.login", outcome="failure")
    assert failure.detail == {"username": citizen.username}


def test_officer_must_pass_second_factor_before_acting(client, city):
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True)
    response = login(client, officer)
    assert response["Location"].startswith("/account/2fa/")
    # Before the code the header offers none of the pages it would be sent back from.
    waiting = client.get("/account/2fa/").content.decode()
    assert 'href="/cases/inbox/"' not in waiting and 'href="/account/"' not in waiting
    assert 'action="/logout/"' in waiting
    # Sent to verify, and back to the page asked for afterwards.
    assert client.get("/officer/")["Location"] == "/account/2fa/?next=%2Fofficer%2F"
    assert client.get("/account/?tab=1")["Location"] == "/account/2fa/?next=%2Faccount%2F%3Ftab%3D1"
    assert client.post("/account/")["Location"] == "/account/2fa/"  # a post is not replayed
    wrong = client.post("/account/2fa/", {"otp": "000000"})
    assert wrong.status_code == 422
    assert AuditEvent.objects.filter(action="identity.2fa_verified", outcome="failure").exists()
    # django-otp throttles after a failure, even for a right code: the page says so.
    throttled = client.post("/account/2fa/", {"otp": otp_for(officer)})
    assert (throttled.status_code, throttled["Retry-After"]) == (429, "1")  # as the API's
    assert "验证码输入有误：请等待 1 秒后输入最新的验证码。" in throttled.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        ok = client.post("/account/2fa/?next=%2Fofficer%2F", {"otp": otp_for(officer)})
        assert ok["Location"] == "/officer/"
    page = client.get("/officer/").content.decode()
    assert "公安局" in page and "310000-GA" in page
    assert 'href="/cases/inbox/"' in page  # verified: the header offers the inbox


def test_officer_without_device_enrolls_first(client, city):
    from django_otp.oath import totp

    officer = make_user(roles=[(Role.REVIEWING_OFFICER, city["market"])])
    login(client, officer)
    page = client.get("/account/2fa/").content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "<svg" in page
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    response = client.post("/account/2fa/", {"otp": f"{totp(key):06d}"})
    assert response.status_code == 302
    assert client.get("/officer/").status_code == 200


def test_an_officer_with_an_email_address_enrols_with_the_emailed_code_too(
    client, city, django_capture_on_commit_callbacks
):
    from django.core import mail

    officer = make_user(
        roles=[(Role.REVIEWING_OFFICER, city["market"])], email="zhou@example.invalid"
    )
    login(client, officer)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get("/account/2fa/").content.decode()
    assert "we also emailed a six-digit code to z***@example.invalid" in page
    assert 'name="mailbox_code"' in page and 'for="id_mailbox_code"' in page
    assert len(mail.outbox) == 1
    again = client.post("/account/2fa/", {"send_code": "1"}, follow=True)
    assert "We emailed you a code less than a minute ago." in again.content.decode()
    assert len(mail.outbox) == 1
    refused = client.post("/account/2fa/", {"otp": "123456", "mailbox_code": "12"})
    assert refused.status_code == 422
    assert "Enter the six-digit code we emailed you." in refused.content.decode()


def test_other_departments_pages_are_404(officer_logged_in, city):
    client, _ = officer_logged_in(Role.REVIEWING_OFFICER, "police")
    assert client.get("/officer/departments/310000-GA/").status_code == 200
    assert client.get("/officer/departments/310000-SJ/").status_code == 404
    assert client.get("/officer/departments/310115/").status_code == 404
    assert client.get("/officer/departments/nonexistent/").status_code == 404


def test_citizens_have_no_officer_pages(client, citizen, city):
    login(client, citizen)
    assert client.get("/officer/").status_code == 404
    assert client.get("/officer/departments/310000-GA/").status_code == 404


def test_department_page_masks_ids_for_reviewers(officer_logged_in, city):
    colleague = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    client, _ = officer_logged_in(Role.REVIEWING_OFFICER, "police")
    page = client.get("/officer/departments/310000-GA/").content.decode()
    assert colleague.id_number not in page
    assert colleague.id_number[:3] + "*" * 11 + colleague.id_number[-4:] in page


def test_department_page_masks_colleagues_ids_for_a_window_officer(officer_logged_in, city):
    colleague = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    client, _viewer = officer_logged_in(Role.WINDOW_OFFICER, "police")
    page = client.get("/officer/departments/310000-GA/").content.decode()
    assert colleague.id_number not in page
    assert mask_identity_number(colleague.id_number) in page
    assert not AuditEvent.objects.filter(action="identity.personal_data_viewed").exists()


def test_department_page_shows_ids_to_platform_admin_and_audits(officer_logged_in, city):
    colleague = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    client, viewer = officer_logged_in(Role.PLATFORM_ADMIN, "police")
    page = client.get("/officer/departments/310000-GA/").content.decode()
    assert colleague.id_number in page
    assert AuditEvent.objects.filter(
        action="identity.personal_data_viewed", actor_id=viewer.pk, target_id=str(colleague.pk)
    ).exists()


def test_department_admin_grants_and_revokes_roles_in_page(officer_logged_in, city):
    person = make_user()
    client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    client.cookies["django_language"] = "en"
    asked = {"username": person.username, "role": Role.REVIEWING_OFFICER}
    # First who it would go to, and nothing written (QA: a grant by user name alone).
    preview = client.post("/officer/departments/310000-GA/", asked)
    assert preview.status_code == 200
    page = lxml.html.fromstring(preview.content.decode())
    [question] = page.xpath("//*[@id='confirm-grant-title']")
    assert " ".join(question.text_content().split()) == (
        f"Grant the role Reviewing officer here to {person.full_name} ({person.username})?"
    )
    assert page.xpath("//div[@class='confirm-grant']//input[@name='confirm']/@value") == ["1"]
    assert not RoleAssignment.objects.filter(user=person, role=Role.REVIEWING_OFFICER).exists()
    response = client.post("/officer/departments/310000-GA/", {**asked, "confirm": "1"})
    assert response.status_code == 302
    # Who it went to, by name: a user name mistyped into another person's shows here.
    shown = client.get(response["Location"]).content.decode()
    assert (
        f"{person.full_name} ({person.username}) now holds the role Reviewing officer here."
    ) in shown
    assignment = RoleAssignment.objects.get(user=person, role=Role.REVIEWING_OFFICER)
    response = client.post(f"/officer/departments/310000-GA/roles/{assignment.pk}/revoke/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    unknown = client.post(
        "/officer/departments/310000-GA/", {"username": "nobody", "role": Role.REVIEWING_OFFICER}
    )
    assert unknown.status_code == 422


def test_lockout_after_repeated_failures(client, city, django_capture_on_commit_callbacks):
    user = make_user(email="owner@example.invalid", language="en")
    limit = settings.AXES_FAILURE_LIMIT
    assert limit <= 100
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(limit):
            login(client, user, "wrong-password-123")
        response = login(client, user)
    assert response.status_code == 429
    # How long to wait, at most: the cool-off counts from the latest failure, this one.
    assert 0 < int(response["Retry-After"]) <= settings.AXES_COOLOFF_TIME * 3600
    assert AuditEvent.objects.filter(action="identity.locked_out").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.invalid"]
    assert "locked" in mail.outbox[0].subject
    # How long, and the footer every notice has.
    hours = settings.AXES_COOLOFF_TIME
    body = mail.outbox[0].body
    assert f"is locked for {hours} hour" in body
    assert body.endswith(
        "--\nThis message was sent automatically by OneWindow. Please do not reply to it.\n"
        "For help, call the 12345 citizen hotline."
    )
    other_client = Client()
    assert login(other_client, user).status_code == 429


def test_registration_form_reports_field_errors(client):
    bad = client.post(
        "/register/",
        {
            "username": "zhang",
            "full_name": "张三",
            "id_number": "310101199003071231",
            "password": PASSWORD,
        },
    )
    assert bad.status_code == 422
    assert "身份证号码" in bad.content.decode() or "校验" in bad.content.decode()
    good = client.post(
        "/register/",
        {
            "username": "zhang",
            "full_name": "张三",
            "id_number": make_id_number(),
            "password": PASSWORD,
        },
    )
    assert good.status_code == 302
    assert client.get("/account/").status_code == 200
    assert User.objects.get(username="zhang").preferred_language == "zh-hans"


def _summary(html: str) -> dict[str, str]:
    """The error summary's messages by the field each links to."""
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S).group(0)
    return dict(re.findall(r'<li><a href="#id_(\w+)">[^<:：]*(?:: |：)([^<]*)</a></li>', summary))


def test_registration_reports_every_problem_in_one_round(client):
    # QA's round: every field wrong at once, the user name taken (the demo's).
    make_user(username="citizen.wang")
    client.cookies["django_language"] = "en"
    number = make_id_number()
    bad_check_digit = number[:-1] + ("0" if number[-1] != "0" else "1")
    data = {
        "username": "citizen.wang",
        "full_name": "",
        "id_number": bad_check_digit,
        "phone": "12",
        "email": "",
        "password": "short",
    }
    users = User.objects.count()
    page = client.post("/register/", data)
    assert page.status_code == 422
    assert _summary(page.content.decode()) == {
        "username": "This user name is taken.",
        "full_name": "This field is required.",
        "id_number": "The check digit of this identity number is wrong.",
        "phone": "Enter an 11-digit mobile number, like 13812345678.",
        "password": "This password is too short: it needs at least 12 characters.",
    }
    assert User.objects.count() == users
    fixed = {**data, "username": "wang2", "full_name": "王小明", "id_number": make_id_number()}
    fixed |= {"phone": "138 1234 5678", "password": PASSWORD}
    assert client.post("/register/", fixed).status_code == 302
    registered = User.objects.get(username="wang2")
    assert registered.phone == "13812345678"
    # Registered on the English page: the site goes on in English after their next login.
    assert registered.preferred_language == "en"


def test_registration_speaks_chinese_about_every_field(client, chinese):
    page = client.post(
        "/register/",
        {
            "username": "wang",
            "full_name": "王小明",
            "id_number": "310101209912310012",
            "phone": "abc-123",
            "email": "wang@",
            "password": "short",
        },
    )
    assert _summary(page.content.decode()) == {
        "id_number": "身份证号码中的出生日期晚于今天。",
        "phone": "请输入 11 位手机号码，例如 13812345678。",
        # Django's own said "输入一个有效的 Email 地址" (QA).
        "email": "请输入电子邮箱地址，例如 name@example.com。",
        "password": "密码太短，至少需要 12 个字符。",
    }


def test_registration_refuses_control_characters_in_our_words_and_saves_nothing(client, chinese):
    """A name pasted with a vertical tab (Word's line break) or sent with a NUL: named by
    its code point, in every field (``core.form_fields.SiteForm``); Django's own refused
    only the NUL, in a garbled Chinese."""
    users = User.objects.count()
    page = client.post(
        "/register/",
        {
            "username": "wang\x00",
            "full_name": "王\x0b小明",
            "id_number": make_id_number(),
            "password": PASSWORD,
        },
    )
    assert page.status_code == 422
    summary = _summary(page.content.decode())
    assert summary["username"].startswith("请删除控制字符 U+0000")
    assert summary["full_name"].startswith("请删除控制字符 U+000B")
    assert User.objects.count() == users


@pytest.mark.parametrize(
    "number", ["31010120300101213X", "310101180001012130", "310101209912310012"]
)
def test_registration_refuses_a_birth_date_nobody_has(client, number):
    client.cookies["django_language"] = "en"
    page = client.post(
        "/register/",
        {"username": "wang", "full_name": "王小明", "id_number": number, "password": PASSWORD},
    )
    assert page.status_code == 422
    assert (
        "The birth date in this identity number is" in _summary(page.content.decode())["id_number"]
    )
    assert not User.objects.filter(username="wang").exists()


def test_my_account_refuses_a_phone_that_is_no_mobile_number(client, citizen):
    login(client, citizen)
    client.cookies["django_language"] = "en"
    page = client.post(
        "/account/", {"phone": "abc-123", "email": "", "preferred_language": "zh-hans"}
    )
    assert page.status_code == 422
    assert _summary(page.content.decode()) == {
        "phone": "Enter an 11-digit mobile number, like 13812345678."
    }
    citizen.refresh_from_db()
    assert citizen.phone == ""
    saved = client.post(
        "/account/", {"phone": "+86 139-1620-0101", "email": "", "preferred_language": "zh-hans"}
    )
    assert saved.status_code == 302
    citizen.refresh_from_db()
    assert citizen.phone == "13916200101"


def test_logout_needs_post(client, citizen):
    login(client, citizen)
    assert client.get("/logout/").status_code == 200  # a page asking, not a logout
    assert client.get("/account/").status_code == 200
    assert client.put("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/account/")["Location"].startswith("/login/")


def test_logout_address_typed_in_shows_a_logout_button(client, citizen):
    client.cookies["django_language"] = "en"
    login(client, citizen)
    page = client.get("/logout/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Log out</h1>" in html
    assert f"You are logged in as {citizen.full_name}. Log out now?" in html
    main = html[html.index('<main id="main"') :]
    form = re.search(r'<form method="post" action="/logout/">(.*?)</form>', main, re.S).group(1)
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<button type="submit" class="button">Log out</button>' in form


def test_logout_address_when_logged_out_links_to_log_in(client):
    client.cookies["django_language"] = "en"
    page = client.get("/logout/")
    html = page.content.decode()
    assert page.status_code == 200
    main = html[html.index('<main id="main"') :]
    assert "You are not logged in." in main and '<a href="/login/">Log in</a>' in main
    assert "<form" not in main


def test_logout_page_is_open_to_an_officer_before_the_second_factor(client, city):
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True)
    login(client, officer)
    assert client.get("/logout/").status_code == 200
    assert client.post("/logout/")["Location"] == "/"


def test_profile_language_choice_switches_interface(client, citizen):
    login(client, citizen)
    client.post("/account/", {"phone": "", "email": "", "preferred_language": "en"})
    page = client.get("/account/").content.decode()
    assert "My account" in page
    # The confirmation in the language the page switched to (QA: it came in the old).
    assert "Your details were saved." in page
    client.post("/account/", {"phone": "", "email": "", "preferred_language": "zh-hans"})
    assert "您的信息已保存。" in client.get("/account/").content.decode()


def test_staff_without_officer_role_also_needs_second_factor(client):
    staff = make_user()
    staff.is_staff = True
    staff.save()
    login(client, staff)
    assert client.get("/django-admin/")["Location"] == "/account/2fa/?next=%2Fdjango-admin%2F"


def test_department_names_follow_the_interface_language(officer_logged_in, city):
    client, _ = officer_logged_in(Role.REVIEWING_OFFICER, "police")
    client.cookies["django_language"] = "en"
    page = client.get("/officer/departments/310000-GA/").content.decode()
    assert "<h1>Department 310000-GA" in page
    client.cookies["django_language"] = "zh-hans"
    assert "<h1>公安局" in client.get("/officer/departments/310000-GA/").content.decode()


def test_department_page_names_its_officers_table_by_the_heading_once(officer_logged_in, city):
    client, _ = officer_logged_in(Role.REVIEWING_OFFICER, "police")
    client.cookies["django_language"] = "en"
    page = client.get("/officer/departments/310000-GA/").content.decode()
    assert '<h2 id="members-title">Officers</h2>' in page
    assert '<table aria-labelledby="members-title">' in page
    # No hidden caption repeating the heading: a screen reader read "Officers" twice.
    assert "<caption" not in page and page.count(">Officers<") == 1


def test_back_office_link_for_catalog_editors_only(officer_logged_in, city):
    client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    assert "/backoffice/catalog/" in client.get("/officer/").content.decode()
    reviewer, _ = officer_logged_in(Role.REVIEWING_OFFICER, "police")
    assert "/backoffice/catalog/" not in reviewer.get("/officer/").content.decode()


def test_error_summary_takes_focus_first(client, citizen):
    html = login(client, citizen, "wrong-password-123").content.decode()
    summary = html.index('class="error-summary"')
    # The first element in the page to claim focus is the summary, not a field.
    assert summary < html.index("autofocus") < html.index(">", summary)


# --- the department page: granting and revoking roles ---------------------------------


def _options(html: str) -> list[str]:
    select = re.search(r'<select name="role"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([a-z_]+)"', select)


def test_grant_form_offers_only_roles_the_admin_may_grant(officer_logged_in, city):
    client, admin = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    offered = _options(client.get("/officer/departments/310000-GA/").content.decode())
    assert Role.PLATFORM_ADMIN not in offered
    assert offered == [r.value for r in permissions.grantable_roles(admin, city["police"])]
    assert Role.DEPARTMENT_ADMIN in offered and Role.CITIZEN not in offered
    platform, _ = officer_logged_in(Role.PLATFORM_ADMIN, "root")
    assert Role.PLATFORM_ADMIN in _options(
        platform.get("/officer/departments/310000-GA/").content.decode()
    )


def test_a_role_not_offered_is_still_refused_at_its_field_and_audited(officer_logged_in, city):
    person = make_user()
    client, admin = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    client.cookies["django_language"] = "en"
    response = client.post(
        "/officer/departments/310000-GA/",
        {"username": person.username, "role": Role.PLATFORM_ADMIN},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert (
        '<div class="field-message" id="id_role_error"><p>You may not grant this role here.' in html
    )
    assert not RoleAssignment.objects.filter(user=person, role=Role.PLATFORM_ADMIN).exists()
    assert AuditEvent.objects.filter(
        action="identity.role_granted", outcome="denied", actor_id=admin.pk
    ).exists()


def test_an_admin_granting_themselves_a_role_is_refused_at_the_user_name(officer_logged_in):
    client, admin = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    client.cookies["django_language"] = "en"
    response = client.post(
        "/officer/departments/310000-GA/",
        {"username": admin.username, "role": Role.DEPARTMENT_LEAD},
    )
    assert response.status_code == 422
    assert (
        '<div class="field-message" id="id_username_error"><p>You may not grant a role to '
        "yourself: another administrator must.</p></div>"
    ) in response.content.decode()
    assert not RoleAssignment.objects.filter(user=admin, role=Role.DEPARTMENT_LEAD).exists()


def test_granting_a_role_held_already_says_so_and_records_nothing(officer_logged_in, city):
    person = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    client.cookies["django_language"] = "en"
    events = AuditEvent.objects.count()
    response = client.post(
        "/officer/departments/310000-GA/",
        {"username": person.username, "role": Role.REVIEWING_OFFICER, "confirm": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f'<p class="message message-info" role="status">{person.full_name} ({person.username}) '
        "already holds the role Reviewing officer here. Nothing was changed.</p>"
    ) in html
    assert "now holds the role" not in html
    assert AuditEvent.objects.count() == events
    assert RoleAssignment.objects.filter(user=person).count() == 1


def test_an_unknown_user_name_is_reported_at_the_field_and_in_the_summary(officer_logged_in):
    client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    client.cookies["django_language"] = "en"
    response = client.post(
        "/officer/departments/310000-GA/", {"username": "nobody", "role": Role.WINDOW_OFFICER}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert '<div class="field-message" id="id_username_error"><p>No such user.</p></div>' in html
    summary = html[
        html.index('class="error-summary"') : html.index(
            "</div>", html.index('class="error-summary"')
        )
    ]
    assert '<a href="#id_username">User name: No such user.</a>' in summary
    assert summary.count("No such user.") == 1  # at the field, not also as the form's own


def test_each_revoke_link_is_named_for_its_officer_and_role(officer_logged_in, city):
    person = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    reviewer = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    client, _admin = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    client.cookies["django_language"] = "en"
    html = client.get("/officer/departments/310000-GA/").content.decode()
    for user, role in ((person, "Window officer"), (reviewer, "Reviewing officer")):
        assignment = RoleAssignment.objects.get(user=user)
        assert (
            f'<a href="/officer/departments/310000-GA/roles/{assignment.pk}/revoke/">Revoke'
            f'<span class="visually-hidden"> the role {role} from '
            f'<span lang="zh-Hans">{user.full_name}</span> ({user.username})</span></a>'
        ) in html
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/officer/departments/310000-GA/").content.decode()
    assert '撤销<span class="visually-hidden"> ' in html


def test_revoking_a_role_asks_first_and_cancel_changes_nothing(officer_logged_in, city):
    person = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    assignment = RoleAssignment.objects.get(user=person)
    client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    client.cookies["django_language"] = "en"
    url = f"/officer/departments/310000-GA/roles/{assignment.pk}/revoke/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Revoke a role</h1>" in html
    assert (
        f'Revoke the role Window officer from <span lang="zh-Hans">{person.full_name}</span> '
        f"({person.username}) in Department 310000-GA?"
    ) in html
    form = re.search(r'<form method="post" novalidate>(.*?)</form>', html, re.S).group(1)
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<button type="submit" class="button">Revoke the role</button>' in form
    assert '<a href="/officer/departments/310000-GA/">Cancel</a>' in form
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert not AuditEvent.objects.filter(action="identity.role_revoked").exists()
    done = client.post(url, follow=True)
    assert done.redirect_chain == [("/officer/departments/310000-GA/", 302)]
    assert "The role was revoked." in done.content.decode()
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(action="identity.role_revoked").count() == 1


def test_an_admin_cannot_revoke_their_own_last_admin_role(officer_logged_in, city):
    client, admin = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    client.cookies["django_language"] = "en"
    own = RoleAssignment.objects.get(user=admin)
    url = f"/officer/departments/310000-GA/roles/{own.pk}/revoke/"
    refusal = "You cannot revoke your own role here: you would no longer be able to manage"
    page = client.get(url).content.decode()
    assert refusal in page and "Revoke the role</button>" not in page
    assert '<a href="/officer/departments/310000-GA/">Back to the department</a>' in page
    response = client.post(url)
    assert response.status_code == 409
    assert refusal in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    assert not AuditEvent.objects.filter(action="identity.role_revoked").exists()
    department = client.get("/officer/departments/310000-GA/")
    assert department.status_code == 200
    # The department page does not offer it; a colleague's role it does.
    colleague = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    theirs = RoleAssignment.objects.get(user=colleague)
    page = client.get("/officer/departments/310000-GA/").content.decode()
    assert url not in page
    assert f"/officer/departments/310000-GA/roles/{theirs.pk}/revoke/" in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_revoke_page_of_another_departments_role_is_404(officer_logged_in, city, method):
    elsewhere = make_user(roles=[(Role.WINDOW_OFFICER, city["market"])])
    assignment = RoleAssignment.objects.get(user=elsewhere)
    client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    call = getattr(client, method)
    # Under its own department (out of scope) and under the admin's (not held there).
    assert call(f"/officer/departments/310000-SJ/roles/{assignment.pk}/revoke/").status_code == 404
    assert call(f"/officer/departments/310000-GA/roles/{assignment.pk}/revoke/").status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_reviewer_may_not_open_the_revoke_page(officer_logged_in, city):
    person = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    assignment = RoleAssignment.objects.get(user=person)
    client, _ = officer_logged_in(Role.REVIEWING_OFFICER, "police")
    url = f"/officer/departments/310000-GA/roles/{assignment.pk}/revoke/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


# --- the second factor -------------------------------------------------------------


@pytest.mark.parametrize("typed", ["abc", "12345", "1234567", ""])
def test_a_malformed_code_asks_for_six_digits_at_the_field(client, city, typed):
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True)
    login(client, officer)
    response = client.post("/account/2fa/", {"otp": typed})
    html = response.content.decode()
    assert response.status_code == 422
    message = "请输入身份验证器应用中的 6 位验证码。"
    assert f'<div class="field-message" id="id_otp_error"><p>{message}</p></div>' in html
    assert f'<a href="#id_otp">身份验证器应用中的 6 位验证码：{message}</a>' in html
    assert "字符" not in html
    # Not a try of the code: nothing to throttle or audit.
    assert not AuditEvent.objects.filter(action="identity.2fa_verified").exists()


def test_each_token_revoke_button_is_named_for_its_token(client, citizen):
    _, record = tokens.issue_token(user=citizen)
    client.cookies["django_language"] = "en"
    login(client, citizen)
    html = client.get("/account/").content.decode()
    assert (
        f'<button type="submit" class="button-small">Revoke'
        f'<span class="visually-hidden"> {record.prefix}…</span></button>'
    ) in html


# --- city-level roles: a platform admin's to grant -----------------------------------

CITY_LEVEL = {Role.SUPERVISOR, Role.HOTLINE_AGENT, Role.PROJECT_OFFICE, Role.PLATFORM_ADMIN}


@pytest.mark.parametrize("role", sorted(OFFICER_ROLES))
@pytest.mark.parametrize(
    ("actor_role", "actor_home"),
    [(Role.DEPARTMENT_ADMIN, "police"), (Role.PLATFORM_ADMIN, "root")],
)
def test_the_department_page_grants_a_city_level_role_only_for_a_platform_admin(
    officer_logged_in, city, actor_role, actor_home, role
):
    """QA: logged in as ga.admin, /officer/departments/310000-GA/ offered and granted
    监督人员, 热线坐席 and 信息化项目管理 in the police bureau itself."""
    allowed = actor_role == Role.PLATFORM_ADMIN or role not in CITY_LEVEL
    person = make_user()
    client, actor = officer_logged_in(actor_role, actor_home)
    offered = _options(client.get("/officer/departments/310000-GA/").content.decode())
    assert (role in offered) is allowed
    response = client.post(
        "/officer/departments/310000-GA/",
        {"username": person.username, "role": role, "confirm": "1"},
    )
    granted = RoleAssignment.objects.filter(user=person, role=role, department=city["police"])
    assert response.status_code == (302 if allowed else 422)
    assert granted.exists() is allowed
    if not allowed:
        assert AuditEvent.objects.filter(
            action="identity.role_granted", outcome="denied", actor_id=actor.pk
        ).exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.HOTLINE_AGENT, Role.PROJECT_OFFICE])
def test_a_department_admin_is_offered_no_revoke_of_a_city_level_role(
    officer_logged_in, city, role
):
    holder = make_user(roles=[(role, city["police"])])
    assignment = RoleAssignment.objects.get(user=holder)
    url = f"/officer/departments/310000-GA/roles/{assignment.pk}/revoke/"
    client, _admin = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    page = client.get("/officer/departments/310000-GA/").content.decode()
    assert holder.username in page and url not in page
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    platform, _ = officer_logged_in(Role.PLATFORM_ADMIN, "root")
    assert url in platform.get("/officer/departments/310000-GA/").content.decode()
    assert platform.post(url).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


# --- the page asked for, kept through the login and the second factor -------------------


def _hidden_next(response) -> str:
    value = re.search(
        r'<input type="hidden" name="next" value="([^"]*)">', response.content.decode()
    )
    return html.unescape(value.group(1))


@pytest.mark.parametrize(
    "asked",
    [
        "/cases/inbox/?status=in_progress&deadline=red",  # QA's: deadline=red was lost
        "/officer/?a=1&a=2&q=%E7%8E%8B+x%26y%3D1&empty=&next=%2Faccount%2F",
    ],
)
def test_an_officer_logging_in_lands_on_the_page_asked_for_with_every_parameter(
    client, city, asked
):
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True)
    to_login = client.get(asked)
    assert to_login.status_code == 302 and to_login["Location"].startswith("/login/?")
    typed_next = _hidden_next(client.get(to_login["Location"]))
    assert typed_next == asked
    to_verify = client.post(
        "/login/", {"username": officer.username, "password": PASSWORD, "next": typed_next}
    )
    page, _, query = to_verify["Location"].partition("?")
    assert page == "/account/2fa/"
    assert list(QueryDict(query).lists()) == [("next", [asked])]  # one parameter, whole
    verify_page = client.get(to_verify["Location"])
    assert _hidden_next(verify_page) == asked
    back = client.post(
        to_verify["Location"], {"otp": otp_for(officer), "next": _hidden_next(verify_page)}
    )
    assert back["Location"] == asked
    landed = client.get(back["Location"])
    assert landed.status_code == 200
    assert dict(landed.wsgi_request.GET.lists()) == dict(QueryDict(asked.partition("?")[2]).lists())


def test_logging_in_with_no_page_asked_for_sends_an_officer_to_verify_then_the_workspace(
    client, city
):
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True)
    assert login(client, officer)["Location"] == "/account/2fa/?next=%2Fofficer%2F"


# --- identity numbers and user names as people type them ------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "110105 19491231 002X",  # QA's: refused by the field's 18 before the check
        "110105-19491231-002X",
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width, from a Chinese input method
        "１１０１０５\u3000１９４９１２３１\u3000００２ｘ",
        "11010519491231002x",
        "1101 0519 4912 3100 2X",
    ],
)
def test_registration_takes_an_identity_number_as_typed(client, typed):
    page = client.post(
        "/register/",
        {"username": "wang", "full_name": "王小明", "id_number": typed, "password": PASSWORD},
    )
    assert page.status_code == 302, _summary(page.content.decode())
    assert User.objects.get(username="wang").id_number == "11010519491231002X"


def test_an_identity_number_too_long_to_be_one_is_refused_in_our_words(client):
    client.cookies["django_language"] = "en"
    html = client.get("/register/").content.decode()
    assert re.search(r'<input type="text" name="id_number" maxlength="35"', html)
    page = client.post(
        "/register/",
        {"username": "wang", "full_name": "王小明", "id_number": "1" * 36, "password": PASSWORD},
    )
    assert page.status_code == 422
    assert _summary(page.content.decode()) == {"id_number": "An identity number has 18 characters."}


def test_a_chinese_user_name_is_accepted_and_the_page_says_so(client, chinese):
    html = client.get("/register/").content.decode()
    assert "最多 150 个字符，可使用汉字、字母、数字和 @ . + - _。" in html
    assert "英文字母" not in html
    page = client.post(
        "/register/",
        {
            "username": "王小明",
            "full_name": "王小明",
            "id_number": make_id_number(),
            "password": PASSWORD,
        },
    )
    assert page.status_code == 302
    assert User.objects.filter(username="王小明").exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "Use only letters (Chinese characters too), digits and the characters "
            "@ . + - _ in a user name.",
        ),
        ("zh-hans", "用户名只能包含汉字、字母、数字和字符 @ . + - _。"),
    ],
)
def test_a_user_name_with_other_characters_is_refused_in_words_true_of_the_rule(
    client, chinese, language, message
):
    client.cookies["django_language"] = language
    page = client.post(
        "/register/",
        {
            "username": "王 小明!",
            "full_name": "王小明",
            "id_number": make_id_number(),
            "password": PASSWORD,
        },
    )
    assert page.status_code == 422
    assert _summary(page.content.decode()) == {"username": message}


# --- registration refusals that say an account exists: throttled per address ----------


def _register(client, **details):
    data = {
        "username": f"new{User.objects.count()}",
        "full_name": "王小明",
        "id_number": make_id_number(),
        "password": PASSWORD,
    }
    return client.post("/register/", data | details)


def test_registration_naming_existing_accounts_is_paused_after_five_refusals(client, chinese):
    """QA: an anonymous POST with someone's number answered 该身份证号码已注册过账号 as
    often as asked."""
    taken = make_user(username="someone")
    users = User.objects.count()
    # A taken user name is no secret, and an honest mistake: not counted (NAT).
    for _ in range(6):
        assert _register(client, username="someone").status_code == 422
    for details in (
        {"id_number": taken.id_number},
        {"id_number": taken.id_number, "username": "someone"},
        {"id_number": taken.id_number, "password": "short"},  # with other problems too
        {"id_number": taken.id_number},
        {"id_number": taken.id_number},
    ):
        refused = _register(client, **details)
        assert refused.status_code == 422
        assert "已" in "".join(_summary(refused.content.decode()).values())
    # The sixth, even with details no account holds, and the page itself: 429.
    for paused in (_register(client), _register(client, id_number=taken.id_number)):
        html = paused.content.decode()
        assert paused.status_code == 429
        assert 3500 < int(paused["Retry-After"]) <= 3600
        assert "请在 60 分钟后再试" in html
        assert "该身份证号码已注册过账号" not in html and "该用户名已被占用" not in html
        assert 'href="/login/"' in html and 'href="/password/forgotten/"' in html
    assert client.get("/register/").status_code == 429
    assert User.objects.count() == users
    [paused_event] = AuditEvent.objects.filter(action="identity.registration_throttled")
    assert (paused_event.outcome, paused_event.ip_address) == ("denied", "127.0.0.1")
    assert paused_event.detail == {"client": "127.0.0.1", "refusals": 5, "seconds": 3600}
    # Another address registers; this one again once the hour is over.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert _register(elsewhere).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert _register(client).status_code == 302


def test_the_pause_speaks_english_on_english_pages(client):
    taken = make_user()
    client.cookies["django_language"] = "en"
    for _ in range(5):
        assert _register(client, id_number=taken.id_number).status_code == 422
    paused = _register(client)
    assert paused.status_code == 429
    assert (
        "Too many registrations from your network were refused because the identity "
        "number already has an account. Try again in 60 minutes."
    ) in paused.content.decode()


def test_refusals_for_other_reasons_do_not_count(client):
    for _ in range(8):
        assert _register(client, password="short").status_code == 422
    assert _register(client).status_code == 302
    assert not AuditEvent.objects.filter(action="identity.registration_throttled").exists()


def test_the_confirmation_shows_the_roles_held_and_the_companies_acted_for(officer_logged_in, city):
    """A company's agent, or an officer of another department, is worth a second look
    before a grant: the page says so before anything is written."""
    person = make_user(roles=[(Role.WINDOW_OFFICER, city["market"])])
    company = LegalPerson.objects.create(
        uscc="91310000MA1FL8TQ3K", name="上海某某科技有限公司", legal_representative="某人"
    )
    company.agents.add(person)
    client, _ = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    client.cookies["django_language"] = "en"
    preview = client.post(
        "/officer/departments/310000-GA/",
        {"username": person.username, "role": Role.WINDOW_OFFICER},
    )
    page = lxml.html.fromstring(preview.content.decode())
    shown = {
        " ".join(dt.text_content().split()): " ".join(dd.text_content().split())
        for dt, dd in zip(
            page.xpath("//div[@class='confirm-grant']//dt"),
            page.xpath("//div[@class='confirm-grant']//dd"),
            strict=True,
        )
    }
    assert shown["Roles held now"].startswith("Window officer · ")
    assert shown["Acts for the companies"] == "上海某某科技有限公司"
    # Refused grants are refused at once, not offered for confirmation: oneself.
    client_self, admin = officer_logged_in(Role.DEPARTMENT_ADMIN, "police")
    refused = client_self.post(
        "/officer/departments/310000-GA/",
        {"username": admin.username, "role": Role.WINDOW_OFFICER},
    )
    assert refused.status_code == 422
    assert b"confirm-grant" not in refused.content
