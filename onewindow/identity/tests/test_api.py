from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from openapi_spec_validator import validate

from onewindow.audit.models import AuditEvent
from onewindow.conftest import PASSWORD, make_user, otp_for
from onewindow.identity.lockout import LOCKED_MESSAGE
from onewindow.identity.masking import mask_identity_number
from onewindow.identity.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.single_pass]


def token_for(client, user, otp: str = "") -> str:
    response = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD, "otp": otp},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_schema_is_valid_openapi_3(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    for path in (
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/departments",
        "/api/v1/departments/{code}/members",
        "/api/v1/users/{user_id}",
    ):
        assert path in schema["paths"]


def test_an_empty_user_name_or_password_is_refused_as_the_schema_says(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["components"]["schemas"]["TokenIn"]["properties"]
    assert body["username"]["minLength"] == body["password"]["minLength"] == 1
    response = client.post(
        "/api/v1/auth/token",
        {"username": "", "password": ""},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "username": ["Enter your user name."],
        "password": ["Enter your password."],
    }


def test_citizen_token_and_profile(client, citizen):
    token = token_for(client, citizen)
    me = client.get("/api/v1/me", **bearer(token)).json()
    assert me["username"] == citizen.username
    assert me["id_number"] == citizen.id_number  # the person themself
    assert me["roles"][0]["role"] == "citizen"
    assert me["is_officer"] is False


@pytest.mark.parametrize(
    ("language", "name"), [("en", "Department 310000-GA"), ("zh-hans", "公安局")]
)
def test_my_roles_name_their_departments_in_the_requests_language(client, city, language, name):
    """As role_label does: the department came in Chinese on an English request (QA)."""
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True)
    token = token_for(client, officer, otp_for(officer))
    me = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE=language, **bearer(token)).json()
    [role] = me["roles"]
    assert (role["department"], role["department_name"]) == ("310000-GA", name)


def test_a_client_naming_no_language_reads_the_accounts(client, city):
    """An English reader was answered in Chinese unless their client sent the header."""
    reader = make_user(language="en")
    token = token_for(client, reader)
    plain = client.get("/api/v1/departments/nope/members", **bearer(token))
    assert (plain.json()["message"], plain["Content-Language"]) == ("No such department.", "en")
    asked = client.get(
        "/api/v1/departments/nope/members", HTTP_ACCEPT_LANGUAGE="zh-hans", **bearer(token)
    )
    assert asked["Content-Language"] == "zh-hans"
    assert asked.json()["message"] != "No such department."


@pytest.mark.parametrize("header", ["fr", "*", "fr-FR, de;q=0.8", "*;q=0.5"])
def test_a_client_naming_no_language_offered_here_reads_the_accounts(client, city, header):
    """API QA: "fr" or "*" was answered in the site's default, Chinese."""
    reader = make_user(language="en")
    token = token_for(client, reader)
    answer = client.get(
        "/api/v1/departments/nope/members", HTTP_ACCEPT_LANGUAGE=header, **bearer(token)
    )
    assert (answer.json()["message"], answer["Content-Language"]) == ("No such department.", "en")
    either = client.get(
        "/api/v1/departments/nope/members",
        HTTP_ACCEPT_LANGUAGE="fr, zh-CN;q=0.5",
        **bearer(token),
    )
    assert either["Content-Language"] == "zh-hans"  # the one it names that is offered


def test_missing_or_bad_token_is_401(client):
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", **bearer("ow_not-a-token"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_bad_credentials(client, citizen):
    response = client.post(
        "/api/v1/auth/token",
        {"username": citizen.username, "password": "wrong-password-1"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "bad_credentials"


def test_field_errors_in_the_callers_language(client):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "someone"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"password": ["此字段为必填项。"]}
    response = client.post(
        "/api/v1/auth/token",
        {"username": "someone"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["fields"] == {"password": ["This field is required."]}


def test_officer_needs_otp_for_a_token(client, city):
    officer = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])], with_totp=True)
    missing = client.post(
        "/api/v1/auth/token",
        {"username": officer.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert missing.status_code == 422 and "otp" in missing.json()["fields"]
    wrong = client.post(
        "/api/v1/auth/token",
        {"username": officer.username, "password": PASSWORD, "otp": "123456"},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        token = token_for(client, officer, otp_for(officer))
    assert client.get("/api/v1/me", **bearer(token)).json()["is_officer"] is True


def test_officer_without_2fa_gets_no_token(client, city):
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    response = client.post(
        "/api/v1/auth/token",
        {"username": officer.username, "password": PASSWORD, "otp": "1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "2fa_not_enrolled"


def test_token_expires(client, citizen, settings):
    token = token_for(client, citizen)
    assert client.get("/api/v1/me", **bearer(token)).status_code == 200
    later = timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS, minutes=1)
    with time_machine.travel(later):
        assert client.get("/api/v1/me", **bearer(token)).status_code == 401


def test_token_revocation(client, citizen):
    token = token_for(client, citizen)
    assert client.delete("/api/v1/auth/token", **bearer(token)).status_code == 204
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401
    assert AuditEvent.objects.filter(action="identity.token_revoked").exists()


def test_token_revoked_from_account_page(client, citizen):
    token = token_for(client, citizen)
    from onewindow.identity.models import ApiToken

    record = ApiToken.objects.get(user=citizen)
    client.post("/login/", {"username": citizen.username, "password": PASSWORD})
    assert client.post(f"/account/tokens/{record.pk}/revoke/").status_code == 302
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401


def officer_token(client, city, role, home):
    officer = make_user(roles=[(role, city[home])], with_totp=True)
    return officer, token_for(client, officer, otp_for(officer))


def test_department_members_scoped_with_404_outside(client, city):
    colleague = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    _, token = officer_token(client, city, Role.REVIEWING_OFFICER, "police")
    own = client.get("/api/v1/departments/310000-GA/members", **bearer(token))
    assert own.status_code == 200
    rows = {row["username"]: row for row in own.json()}
    assert rows[colleague.username]["id_number"] == (
        colleague.id_number[:3] + "*" * 11 + colleague.id_number[-4:]
    )
    other = client.get("/api/v1/departments/310000-SJ/members", **bearer(token))
    assert other.status_code == 404
    assert client.get("/api/v1/departments/nope/members", **bearer(token)).status_code == 404


def test_department_members_come_a_page_at_a_time(client, city):
    for _ in range(3):
        make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    _, token = officer_token(client, city, Role.REVIEWING_OFFICER, "police")
    url = "/api/v1/departments/310000-GA/members"
    whole = client.get(url, **bearer(token))
    names = [row["username"] for row in whole.json()]
    assert whole["X-Total-Count"] == str(len(names)) == "4"
    pages = [client.get(url, {"limit": 3, "offset": at}, **bearer(token)) for at in (0, 3)]
    assert [row["username"] for p in pages for row in p.json()] == names
    assert {p["X-Total-Count"] for p in pages} == {"4"}


def test_users_endpoint_scoped(client, city):
    colleague = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    stranger = make_user(roles=[(Role.REVIEWING_OFFICER, city["market"])])
    _, token = officer_token(client, city, Role.WINDOW_OFFICER, "police")
    seen = client.get(f"/api/v1/users/{colleague.pk}", **bearer(token))
    assert seen.status_code == 200
    assert seen.json()["id_number"] == mask_identity_number(colleague.id_number)
    assert client.get(f"/api/v1/users/{stranger.pk}", **bearer(token)).status_code == 404
    _, token = officer_token(client, city, Role.PLATFORM_ADMIN, "police")
    seen = client.get(f"/api/v1/users/{colleague.pk}", **bearer(token))
    assert seen.json()["id_number"] == colleague.id_number  # the admin is entitled


def test_citizen_sees_no_members(client, city, citizen):
    token = token_for(client, citizen)
    response = client.get("/api/v1/departments/310000-GA/members", **bearer(token))
    assert response.status_code == 404


def test_public_department_list(client, city):
    codes = [d["code"] for d in client.get("/api/v1/departments").json()]
    assert codes[0] == "310000" and "310115004" in codes


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_api_lockout(client, citizen, settings, language):
    def attempt(password: str):
        return client.post(
            "/api/v1/auth/token",
            {"username": citizen.username, "password": password},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
        )

    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt("bad-one-123")
        clock.shift(timedelta(minutes=10))
        response = attempt(PASSWORD)
    assert response.status_code == 429
    # The API's type, as its other answers; and how long to wait: a try while locked
    # counts as a failure, so the whole cool-off from now.
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Retry-After"] == str(settings.AXES_COOLOFF_TIME * 3600)
    with translation.override(language):
        message = str(LOCKED_MESSAGE)
    assert response.json() == {"code": "locked", "message": message, "fields": {}}
    if language == "zh-hans":
        assert message.startswith("失败次数过多")


def test_a_throttled_second_factor_says_when_to_try_again(client, city):
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])], with_totp=True)

    def attempt(otp: str):
        return client.post(
            "/api/v1/auth/token",
            {"username": officer.username, "password": PASSWORD, "otp": otp},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert attempt("000000").status_code == 422  # 1 s to wait after it
        clock.shift(timedelta(seconds=1))
        assert attempt("000000").status_code == 422  # 2 s after the second
        response = attempt(otp_for(officer))
    assert response.status_code == 429
    assert response["Retry-After"] == "2"
    body = response.json()
    assert body["code"] == "2fa_throttled"
    assert body["message"] == ("After a wrong code, wait 2 seconds, then enter the newest code.")


@pytest.mark.parametrize(
    ("caller_role", "caller_home", "roles"),
    [
        # QA: the police bureau's officer read that the colleague supervises the market
        # bureau, a department out of their sight.
        (Role.WINDOW_OFFICER, "police", "reviewing_officer"),
        (Role.PLATFORM_ADMIN, "police", "reviewing_officer"),
        (Role.DEPARTMENT_ADMIN, "market", "supervisor"),
        (Role.SUPERVISOR, "root", "reviewing_officer,supervisor"),
        (Role.PLATFORM_ADMIN, "root", "citizen,reviewing_officer,supervisor"),
    ],
)
def test_a_users_roles_are_listed_in_the_callers_departments_only(
    client, city, caller_role, caller_home, roles
):
    colleague = make_user(
        roles=[
            (Role.REVIEWING_OFFICER, city["police"]),
            (Role.SUPERVISOR, city["market"]),
            (Role.CITIZEN, None),
        ]
    )
    _, token = officer_token(client, city, caller_role, caller_home)
    seen = client.get(f"/api/v1/users/{colleague.pk}", **bearer(token))
    assert seen.status_code == 200
    assert seen.json()["role"] == roles


def test_ones_own_user_lists_all_ones_roles(client, city):
    officer = make_user(
        roles=[
            (Role.REVIEWING_OFFICER, city["police"]),
            (Role.SUPERVISOR, city["market"]),
            (Role.CITIZEN, None),
        ],
        with_totp=True,
    )
    token = token_for(client, officer, otp_for(officer))
    seen = client.get(f"/api/v1/users/{officer.pk}", **bearer(token)).json()
    assert seen["role"] == "citizen,reviewing_officer,supervisor"
