import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.conftest import PASSWORD, make_id_number, make_user, otp_for
from onewindow.identity.masking import mask_identity_number
from onewindow.identity.models import RoleAssignment
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db


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
    assert client.get("/officer/")["Location"] == "/account/2fa/"
    assert client.get("/account/")["Location"] == "/account/2fa/"
    wrong = client.post("/account/2fa/", {"otp": "000000"})
    assert wrong.status_code == 422
    assert AuditEvent.objects.filter(action="identity.2fa_verified", outcome="failure").exists()
    # django-otp throttles after a failure, even for a right code: wait it out.
    throttled = client.post("/account/2fa/", {"otp": otp_for(officer)})
    assert throttled.status_code == 422
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        ok = client.post("/account/2fa/", {"otp": otp_for(officer), "next": "/officer/"})
        assert ok["Location"] == "/officer/"
    page = client.get("/officer/").content.decode()
    assert "公安局" in page and "310000-GA" in page


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
    response = client.post(
        "/officer/departments/310000-GA/",
        {"username": person.username, "role": Role.REVIEWING_OFFICER},
    )
    assert response.status_code == 302
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
    assert AuditEvent.objects.filter(action="identity.locked_out").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.invalid"]
    assert "locked" in mail.outbox[0].subject
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


def test_logout_needs_post(client, citizen):
    login(client, citizen)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/account/")["Location"].startswith("/login/")


def test_profile_language_choice_switches_interface(client, citizen):
    login(client, citizen)
    client.post("/account/", {"phone": "", "email": "", "preferred_language": "en"})
    assert "My account" in client.get("/account/").content.decode()


def test_staff_without_officer_role_also_needs_second_factor(client):
    staff = make_user()
    staff.is_staff = True
    staff.save()
    login(client, staff)
    assert client.get("/django-admin/")["Location"] == "/account/2fa/"


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
