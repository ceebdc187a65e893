import pytest
from django.contrib.auth.hashers import identify_hasher
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.conftest import PASSWORD, make_id_number, make_uscc, make_user
from onewindow.core.errors import Conflict, InvalidInput, NotFound
from onewindow.identity import services
from onewindow.identity.models import LegalPerson, RoleAssignment, User
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db

VALID_ID = make_id_number()


def test_citizen_registration_is_audited_with_masked_number():
    number = make_id_number()
    user = services.register_citizen(
        username="wang", password=PASSWORD, full_name="王小明", id_number=number
    )
    assert user.check_password(PASSWORD)
    assert "argon2" in identify_hasher(user.password).algorithm
    assert RoleAssignment.objects.get(user=user).role == Role.CITIZEN
    created = AuditEvent.objects.get(action="identity.account_created")
    assert created.detail["id_number"] == number[:3] + "*" * 11 + number[-4:]
    assert number not in str(created.detail)
    assert AuditEvent.objects.filter(
        action="identity.role_granted", target_id=str(user.pk)
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password": "short-pw"}, "password"),
        ({"password": "password1234"}, "password"),
        ({"id_number": "310101199003071231X"}, "id_number"),
        ({"id_number": ""}, "id_number"),
        ({"username": ""}, "username"),
        ({"full_name": "  "}, "full_name"),
        ({"password": "wangxiaoming2026", "email": "wangxiaoming2026@example.cn"}, "password"),
    ],
)
def test_bad_registration_saves_nothing(changes, field):
    data = {
        "username": "li",
        "password": PASSWORD,
        "full_name": "李四",
        "id_number": make_id_number(),
        **changes,
    }
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as excinfo:
        services.register_citizen(**data)
    assert field in excinfo.value.fields
    assert not User.objects.exists()
    assert AuditEvent.objects.count() == before


def test_every_problem_with_a_registration_is_reported_at_once():
    make_user(username="citizen.wang")
    before = (User.objects.count(), AuditEvent.objects.count())
    with translation.override("en"):
        with pytest.raises(InvalidInput) as excinfo:
            services.register_citizen(
                username="citizen.wang",
                password="short",
                full_name=" ",
                id_number=VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1"),
                phone="12",
                email="not-an-address",
            )
        fields = {name: [str(m) for m in msgs] for name, msgs in excinfo.value.fields.items()}
    assert fields == {
        "full_name": ["Enter your full name."],
        "id_number": ["The check digit of this identity number is wrong."],
        "phone": ["Enter an 11-digit mobile number, like 13812345678."],
        "email": ["Enter an email address like name@example.com."],
        "password": ["This password is too short: it needs at least 12 characters."],
        "username": ["This user name is taken."],
    }
    assert (User.objects.count(), AuditEvent.objects.count()) == before


def test_registration_errors_are_those_register_citizen_would_raise_and_write_nothing():
    make_user(username="taken")
    details = {
        "username": "taken",
        "password": PASSWORD,
        "full_name": "李四",
        "id_number": "",
        "phone": "abc-123",
    }
    before = (User.objects.count(), AuditEvent.objects.count())
    problems = services.registration_errors(**details)
    assert set(problems) == {"username", "id_number", "phone"}
    with pytest.raises(InvalidInput) as excinfo:
        services.register_citizen(**details)
    assert excinfo.value.fields == problems
    assert (User.objects.count(), AuditEvent.objects.count()) == before
    assert services.registration_errors(**{**details, "username": "free", "phone": ""}) == {
        "id_number": [services.ENTER_ID_NUMBER]
    }


def test_details_right_but_another_accounts_are_a_conflict():
    number = make_id_number()
    services.register_citizen(username="a1", password=PASSWORD, full_name="甲", id_number=number)
    with pytest.raises(Conflict) as excinfo:
        services.register_citizen(
            username="a1", password=PASSWORD, full_name="乙", id_number=number
        )
    assert set(excinfo.value.fields) == {"username", "id_number"}


@pytest.mark.parametrize("username", ["wang xiaoming", "wang/xm", "王 小明"])
def test_a_user_name_follows_the_models_rule(username):
    with pytest.raises(InvalidInput) as excinfo:
        services.register_citizen(
            username=username, password=PASSWORD, full_name="王小明", id_number=make_id_number()
        )
    assert set(excinfo.value.fields) == {"username"}


def test_the_mobile_number_is_stored_as_its_11_digits():
    user = services.register_citizen(
        username="wang",
        password=PASSWORD,
        full_name="王小明",
        id_number=make_id_number(),
        phone="+86 138-1234-5678",
    )
    assert User.objects.get(pk=user.pk).phone == "13812345678"


def test_duplicate_identity_number_conflicts():
    number = make_id_number()
    services.register_citizen(username="a1", password=PASSWORD, full_name="甲", id_number=number)
    with pytest.raises(Conflict):
        services.register_citizen(
            username="a2", password=PASSWORD, full_name="乙", id_number=number
        )
    assert User.objects.count() == 1


def test_an_unknown_user_name_is_an_error_of_that_field():
    with pytest.raises(NotFound) as excinfo:
        services.find_user("nobody")
    assert list(excinfo.value.fields) == ["username"]


def test_legal_person_with_agent(city):
    agent = make_user()
    code = make_uscc()
    company = services.register_legal_person(
        uscc=code, name="申城科技有限公司", legal_representative="赵六", agents=[agent]
    )
    assert list(agent.companies.all()) == [company]
    assert RoleAssignment.objects.filter(user=agent, role=Role.COMPANY_AGENT).exists()
    with pytest.raises(InvalidInput):
        services.register_legal_person(
            uscc=code[:-1] + ("0" if code[-1] != "0" else "1"), name="x", legal_representative="y"
        )
    assert LegalPerson.objects.count() == 1


def test_identity_number_view_is_masked_or_audited(city):
    subject = make_user(roles=[(Role.REVIEWING_OFFICER, city["police"])])
    admin = make_user(roles=[(Role.PLATFORM_ADMIN, city["police"])])
    masked = subject.id_number[:3] + "*" * 11 + subject.id_number[-4:]
    for colleague in (Role.REVIEWING_OFFICER, Role.WINDOW_OFFICER):
        viewer = make_user(roles=[(colleague, city["police"])])
        assert services.identity_number_for(viewer=viewer, subject=subject) == masked
    assert not AuditEvent.objects.filter(action="identity.personal_data_viewed").exists()
    assert services.identity_number_for(viewer=admin, subject=subject) == subject.id_number
    viewed = AuditEvent.objects.get(action="identity.personal_data_viewed")
    assert (viewed.actor_id, viewed.target_id) == (admin.pk, str(subject.pk))
    services.identity_number_for(viewer=subject, subject=subject)
    assert AuditEvent.objects.filter(action="identity.personal_data_viewed").count() == 1


def test_profile_update_is_audited():
    user = make_user()
    services.update_profile(user=user, phone="13800000000", email="a@b.cn", preferred_language="en")
    user.refresh_from_db()
    assert user.preferred_language == "en"
    event = AuditEvent.objects.get(action="identity.profile_updated")
    assert event.detail == {"changed": ["email", "phone", "preferred_language"]}
    with pytest.raises(InvalidInput):
        services.update_profile(user=user, phone="", email="", preferred_language="fr")


def test_a_profile_may_not_take_another_accounts_email_address_but_keeps_its_own():
    make_user(email="wang@example.invalid")
    user = make_user(email="li@example.invalid")
    with pytest.raises(InvalidInput) as refused:
        services.update_profile(
            user=user, phone="", email="WANG@example.invalid", preferred_language="en"
        )
    assert list(refused.value.fields) == ["email"]
    user.refresh_from_db()
    assert user.email == "li@example.invalid"
    services.update_profile(
        user=user, phone="", email="Li@example.invalid", preferred_language="en"
    )
    user.refresh_from_db()
    assert user.email == "Li@example.invalid"


def test_a_profile_keeps_a_mobile_number_as_its_11_digits():
    user = make_user()
    services.update_profile(user=user, phone="138 1234 5678", email="", preferred_language="en")
    user.refresh_from_db()
    assert user.phone == "13812345678"


def test_a_profile_with_a_bad_phone_or_email_is_refused_at_both_and_unchanged():
    user = make_user()
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as excinfo:
        services.update_profile(
            user=user, phone="abc-123", email="not-an-address", preferred_language="fr"
        )
    assert set(excinfo.value.fields) == {"phone", "email", "preferred_language"}
    user.refresh_from_db()
    assert (user.phone, user.email, user.preferred_language) == ("", "", "zh-hans")
    assert AuditEvent.objects.count() == before


def test_moving_a_department_moves_its_subtree(city):
    from onewindow.identity.models import Department

    pudong = city["pudong"]
    pudong.parent = city["police"]  # nonsense, but a move
    pudong.save()
    street = Department.objects.get(code="310115004")
    assert street.path == "/310000/310000-GA/310115/310115004/"


def test_concurrent_duplicate_becomes_a_conflict(monkeypatch):
    """The uniqueness check and the insert race; the database's refusal is a 409."""
    number = make_id_number()
    services.register_citizen(username="dup", password=PASSWORD, full_name="甲", id_number=number)
    monkeypatch.setattr(services.User.objects, "filter", lambda **kw: services.User.objects.none())
    with pytest.raises(Conflict):
        services.register_citizen(
            username="dup", password=PASSWORD, full_name="乙", id_number=make_id_number()
        )
    monkeypatch.undo()
    assert User.objects.filter(username="dup").count() == 1


# --- the register page's throttle (registration_throttle) ----------------------------


def _register_page_request():
    from django.test import RequestFactory

    return RequestFactory().post("/register/", REMOTE_ADDR="198.51.100.7")


def test_a_registration_check_naming_a_taken_detail_counts_against_the_address():
    from onewindow.identity import registration_throttle

    taken = make_user(username="taken")
    request = _register_page_request()
    details = {"password": PASSWORD, "full_name": "李四", "id_number": make_id_number()}
    for _ in range(5):
        # Wrong, not taken: not counted.
        services.registration_errors(**details, username="bad name", request=request)
        # Without the page's request (an administrator's tools): never counted.
        assert set(services.registration_errors(**details, username="taken")) == {"username"}
    assert registration_throttle.seconds_paused(request) is None
    for _ in range(5):
        problems = services.registration_errors(
            **{**details, "id_number": taken.id_number}, username="free", request=request
        )
        assert problems == {"id_number": [services.ID_NUMBER_TAKEN]}
    assert registration_throttle.seconds_paused(request) is not None


def _register(request, username: str, id_number: str):
    """The register page's registration, from ``request``'s address."""
    return services.register_citizen(
        username=username, password=PASSWORD, full_name="乙", id_number=id_number, request=request
    )


def test_register_citizen_refuses_a_paused_address_before_reading_the_details():
    from onewindow.core.errors import Locked

    taken = make_user(username="taken")
    request = _register_page_request()
    for attempt in range(5):
        with pytest.raises(Conflict):
            _register(request, f"guess{attempt}", taken.id_number)
    with pytest.raises(Locked) as paused:
        _register(request, "free", make_id_number())
    assert paused.value.code == "registration_throttled" and not paused.value.fields
    assert not User.objects.filter(username="free").exists()


def test_a_taken_user_name_is_not_counted():
    # No secret, and an honest mistake many behind one address make (NAT).
    make_user(username="taken")
    request = _register_page_request()
    for _ in range(6):
        with pytest.raises(Conflict):
            _register(request, "taken", make_id_number())
    assert _register(request, "free", make_id_number()).username == "free"


def test_a_conflict_found_only_by_the_insert_counts_too(monkeypatch):
    from onewindow.identity import registration_throttle

    make_user(username="dup")
    request = _register_page_request()
    monkeypatch.setattr(services.User.objects, "filter", lambda **kw: services.User.objects.none())
    for _ in range(5):
        with pytest.raises(Conflict):
            _register(request, "dup", make_id_number())
    monkeypatch.undo()
    assert registration_throttle.seconds_paused(request) is not None
