from datetime import timedelta

import pytest
from django.utils import timezone

from onewindow.audit.models import AuditEvent
from onewindow.conftest import make_user
from onewindow.core.errors import NotFound
from onewindow.identity import assignments, tokens
from onewindow.identity.models import ApiToken
from onewindow.identity.roles import Role

pytestmark = pytest.mark.django_db


def test_token_lifecycle():
    user = make_user()
    token, record = tokens.issue_token(user=user)
    assert token.startswith("ow_")
    assert record.key_hash == tokens.hash_token(token) and token not in record.key_hash
    assert tokens.user_for_token(token)[0] == user
    tokens.revoke_token(user=user, token_id=record.pk)
    assert tokens.user_for_token(token) is None
    assert AuditEvent.objects.filter(action="identity.token_revoked").count() == 1


def test_a_token_in_use_is_checked_in_one_query(city, django_assert_num_queries):
    # The holder's roles are not read (needs_second_factor answered in the same query);
    # the last-use stamp is written at most once a minute.
    citizen = make_user(roles=[(Role.CITIZEN, None)])
    officer = make_user(roles=[(Role.WINDOW_OFFICER, city["police"])])
    for user, second_factor in ((citizen, False), (officer, True)):
        token, _ = tokens.issue_token(user=user, second_factor=second_factor)
        with django_assert_num_queries(2):
            assert tokens.user_for_token(token)[0] == user
        with django_assert_num_queries(1):
            assert tokens.user_for_token(token)[0] == user


def test_expired_token_is_refused():
    user = make_user()
    token, record = tokens.issue_token(user=user)
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tokens.user_for_token(token) is None


def test_someone_elses_token_cannot_be_revoked():
    owner, other = make_user(), make_user()
    _, record = tokens.issue_token(user=owner)
    with pytest.raises(NotFound):
        tokens.revoke_token(user=other, token_id=record.pk)


def test_token_issued_before_becoming_an_officer_stops_working(city):
    user = make_user()
    token, _ = tokens.issue_token(user=user)
    assert tokens.user_for_token(token) is not None
    admin = make_user(roles=[(Role.PLATFORM_ADMIN, city["root"])])
    assignments.grant_role(
        actor=admin, user=user, role=Role.WINDOW_OFFICER, department=city["police"]
    )
    assert tokens.user_for_token(token) is None
