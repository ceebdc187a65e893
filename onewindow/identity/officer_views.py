"""A department administrator's pages on officers' accounts: adding an officer who has
no account yet (``officer_accounts``) and resetting an officer's lost second factor
(``two_factor_reset``). Each parses, authorizes, calls one service and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onewindow.core.errors import ServiceError
from onewindow.identity import officer_accounts, permissions, queries, two_factor_reset
from onewindow.identity.forms import NewOfficerForm
from onewindow.identity.models import Department, User
from onewindow.identity.roles import Role
from onewindow.identity.views import apply_errors, current_user


def _managed_department(actor: User, code: str) -> Department:
    """The department, if ``actor`` may manage its roles; otherwise 404, as for a
    department out of sight: the page does not tell what exists elsewhere."""
    try:
        department = queries.get_visible_department(actor, code)
    except Department.DoesNotExist as exc:
        raise Http404 from exc
    if not permissions.can_manage_roles_in(actor, department):
        raise Http404
    return department


@login_required
def new_officer_view(request: HttpRequest, code: str) -> HttpResponse:
    actor = current_user(request)
    department = _managed_department(actor, code)
    form = NewOfficerForm(
        request.POST or None, roles=permissions.grantable_roles(actor, department)
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = officer_accounts.create_officer_account(
                actor=actor,
                department=department,
                site=request.build_absolute_uri("/"),
                request=request,
                **form.cleaned_data,
            )
        except ServiceError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The account %(username)s was created with the role %(role)s. A link "
                    "to set their password was sent to %(email)s."
                )
                % {
                    "username": user.username,
                    "role": Role(form.cleaned_data["role"]).label,
                    "email": user.email,
                },
            )
            return redirect("identity:department", code=code)
    return render(
        request,
        "identity/new_officer.html",
        {"department": department, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def reset_two_factor_view(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    """GET asks to confirm, saying what happens; POST resets. The officer must hold a
    role in this department, and be one the actor may reset; oneself is refused."""
    actor = current_user(request)
    department = _managed_department(actor, code)
    held_here = queries.department_members(department).filter(user_id=user_id).first()
    if held_here is None:
        raise Http404
    officer = held_here.user
    oneself = actor.pk == officer.pk
    if oneself and request.method != "POST":
        return _reset_page(request, department, officer, str(two_factor_reset.NOT_ONESELF))
    if not oneself and not two_factor_reset.may_reset(actor, officer):
        raise Http404  # as a revocation answers: "not yours" looks like "absent"
    if request.method == "POST":
        # Oneself too: the service refuses it on record, as every refused reset.
        try:
            two_factor_reset.reset_two_factor(actor=actor, user=officer, request=request)
        except ServiceError as error:
            return _reset_page(request, department, officer, str(error.message), error.status)
        messages.success(
            request,
            _(
                "The two-factor authentication of %(name)s (%(username)s) was reset. They "
                "set up an authenticator app again at their next login."
            )
            % {"name": officer.full_name, "username": officer.username},
        )
        return redirect("identity:department", code=code)
    return _reset_page(request, department, officer)


def _reset_page(
    request: HttpRequest,
    department: Department,
    officer: User,
    refusal: str = "",
    status: int | None = None,
) -> HttpResponse:
    return render(
        request,
        "identity/reset_two_factor.html",
        {"department": department, "officer": officer, "refusal": refusal},
        status=status or (403 if refusal else 200),
    )
