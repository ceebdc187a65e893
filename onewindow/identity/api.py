"""Identity endpoints: tokens, the caller's profile, departments and their members."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from onewindow.core.errors import NotFound
from onewindow.identity import permissions, queries, services
from onewindow.identity.authentication import check_token_login
from onewindow.identity.models import ApiToken, Department, User
from onewindow.identity.schemas import (
    DepartmentOut,
    ErrorOut,
    MemberOut,
    MeOut,
    RoleOut,
    TokenIn,
    TokenOut,
)

router = Router(tags=["identity"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def _caller(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, **ERRORS},
    summary="Exchange user name, password (and officer OTP) for a bearer token",
)
def create_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    user, second_factor = check_token_login(
        request, payload.username, payload.password, payload.otp
    )
    token, record = services.issue_token(user=user, second_factor=second_factor, request=request)
    return TokenOut(token=token, expires_at=record.expires_at)


@router.delete(
    "/auth/token", response={204: None, **ERRORS}, summary="Revoke the token used for this call"
)
def revoke_current_token(request: HttpRequest) -> Status[None]:
    record: ApiToken = request.auth_token  # type: ignore[attr-defined]
    services.revoke_token(user=_caller(request), token_id=record.pk, request=request)
    return Status(204, None)


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The caller's profile")
def me(request: HttpRequest) -> MeOut:
    user = _caller(request)
    roles = [
        RoleOut(
            role=a.role,
            role_label=a.get_role_display(),
            department=a.department.code if a.department else None,
            department_name=a.department.name if a.department else None,
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
        two_factor_enrolled=services.confirmed_device(user) is not None,
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
)
def list_departments(request: HttpRequest) -> list[DepartmentOut]:
    return [_department_out(d) for d in queries.public_departments()]


@router.get(
    "/departments/{code}/members",
    response={200: list[MemberOut], **ERRORS},
    summary="Officers of a department in the caller's scope",
)
def department_members(request: HttpRequest, code: str) -> list[MemberOut]:
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
        for a in queries.department_members(department)
    ]


@router.get(
    "/users/{user_id}", response={200: MemberOut, **ERRORS}, summary="A user in the caller's scope"
)
def get_user(request: HttpRequest, user_id: int) -> MemberOut:
    caller = _caller(request)
    try:
        user = queries.visible_user(caller, user_id)
    except User.DoesNotExist as exc:
        raise NotFound(_("No such user.")) from exc
    roles = sorted(permissions.roles_of(user))
    return MemberOut(
        user_id=user.pk,
        username=user.username,
        full_name=user.full_name,
        id_number=services.identity_number_for(viewer=caller, subject=user, request=request),
        role=",".join(roles),
    )
