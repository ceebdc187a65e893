"""Identity endpoints: tokens, the caller's profile, departments and their members."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from onewindow.core import paging
from onewindow.core.api_errors import errors
from onewindow.core.errors import NotFound
from onewindow.core.templatetags.onewindow import localized
from onewindow.identity import permissions, queries, services, tokens, two_factor
from onewindow.identity.authentication import check_token_login
from onewindow.identity.models import ApiToken, Department, User
from onewindow.identity.schemas import (
    DepartmentOut,
    MemberOut,
    MeOut,
    RoleOut,
    TokenIn,
    TokenOut,
)

router = Router(tags=["identity"])


def _caller(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, **errors(401, 403, 429)},
    summary="Exchange user name, password (and officer OTP) for a bearer token",
    operation_id="tokens_create",
)
def create_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Officers also send ``otp``, their current two-factor code, and must have enrolled
    on the site first (403 ``2fa_not_enrolled``); repeated failures lock the account
    (429 ``locked``) and wrong codes throttle it (429 ``2fa_throttled``)."""
    user, second_factor = check_token_login(
        request, payload.username, payload.password, payload.otp
    )
    token, record = tokens.issue_token(user=user, second_factor=second_factor, request=request)
    return TokenOut(token=token, expires_at=record.expires_at)


@router.delete(
    "/auth/token",
    response={204: None},
    summary="Revoke the token used for this call",
    operation_id="tokens_revoke",
)
def revoke_current_token(request: HttpRequest) -> Status[None]:
    """The token stops working at once; other tokens of the user are untouched."""
    record: ApiToken = request.auth_token  # type: ignore[attr-defined]
    tokens.revoke_token(user=_caller(request), token_id=record.pk, request=request)
    return Status(204, None)


@router.get("/me", response=MeOut, summary="The caller's profile", operation_id="me_get")
def me(request: HttpRequest) -> MeOut:
    """With the caller's roles by department and the companies they act for."""
    user = _caller(request)
    roles = [
        RoleOut(
            role=a.role,
            role_label=a.get_role_display(),
            department=a.department.code if a.department else None,
            department_name=localized(a.department) if a.department else None,
        )
        for a in queries.assignments_of(user)
    ]
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        id_number=services.identity_number_for(viewer=user, subject=user, request=request),
        phone=user.phone,
        email=user.email,
        preferred_language=user.preferred_language,
        is_officer=permissions.is_officer(user),
        two_factor_enrolled=two_factor.confirmed_device(user) is not None,
        roles=roles,
        companies=[{"uscc": c.uscc, "name": c.name} for c in user.companies.all()],  # type: ignore[misc]
    )


def _department_out(department: Department) -> DepartmentOut:
    return DepartmentOut(
        code=department.code,
        name=department.name,
        name_en=department.name_en,
        kind=department.kind,
        parent=department.parent.code if department.parent else None,
        division_code=department.division_code,
    )


@router.get(
    "/departments",
    auth=None,
    response=list[DepartmentOut],
    summary="All departments of the city (public)",
    operation_id="departments_list",
)
def list_departments(request: HttpRequest) -> list[DepartmentOut]:
    """The city, district and street governments and their departments, each with its
    parent's code."""
    return [_department_out(d) for d in queries.public_departments()]


@router.get(
    "/departments/{code}/members",
    response=list[MemberOut],
    summary="Officers of a department in the caller's scope",
    openapi_extra=paging.TOTAL_IN_SCHEMA,
    operation_id="departments_members",
)
def department_members(
    request: HttpRequest, response: HttpResponse, code: str, page: Query[paging.PageIn]
) -> list[MemberOut]:
    """A department outside the caller's scope answers 404, as one that does not exist;
    identity numbers are masked unless the caller's role entitles them. By name, a page
    at a time (``limit``, ``offset``; the total in ``X-Total-Count``)."""
    caller = _caller(request)
    try:
        department = queries.get_visible_department(caller, code)
    except Department.DoesNotExist as exc:
        raise NotFound(_("No such department.")) from exc
    return [
        MemberOut(
            user_id=a.user.pk,
            username=a.user.username,
            full_name=a.user.full_name,
            id_number=services.identity_number_for(viewer=caller, subject=a.user, request=request),
            role=a.role,
        )
        for a in paging.page_of(queries.department_members(department), page, response)
    ]


@router.get(
    "/users/{user_id}",
    response=MemberOut,
    summary="A user in the caller's scope",
    operation_id="users_get",
)
def get_user(request: HttpRequest, user_id: int) -> MemberOut:
    """The caller, or someone holding a role in the caller's departments (with their
    subtrees); anyone else answers 404. ``role``: the roles they hold in those
    departments, comma-separated (the caller's own: all of theirs)."""
    caller = _caller(request)
    try:
        user = queries.visible_user(caller, user_id)
    except User.DoesNotExist as exc:
        raise NotFound(_("No such user.")) from exc
    roles = sorted({a.role for a in queries.assignments_seen_by(caller, user)})
    return MemberOut(
        user_id=user.pk,
        username=user.username,
        full_name=user.full_name,
        id_number=services.identity_number_for(viewer=caller, subject=user, request=request),
        role=",".join(roles),
    )
