"""Identity pages. Each view parses, authorizes through permissions/queries, calls one
service and renders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from onewindow.core.errors import Locked, NotFound, ServiceError
from onewindow.core.language import page_language
from onewindow.identity import (
    assignments,
    authentication,
    permissions,
    queries,
    recovery,
    registration_throttle,
    services,
    tokens,
    two_factor,
    two_factor_reset,
)
from onewindow.identity.authentication import check_password
from onewindow.identity.forms import (
    EnrolmentForm,
    GrantRoleForm,
    LoginForm,
    NewPasswordForm,
    OtpForm,
    PasswordChangeForm,
    PasswordForgottenForm,
    ProfileForm,
    RegisterForm,
)
from onewindow.identity.masking import mask_email
from onewindow.identity.models import Department, RoleAssignment, User
from onewindow.identity.roles import ROLE_MANAGER_ROLES
from onewindow.identity.totp import provisioning_qr_svg, secret_base32


def apply_errors(form: Any, error: ServiceError) -> None:
    """A service's refusal on the form: each field's messages at its field, the rest
    (and a refusal naming no field) at the top. Shared by the identity pages' views
    (``views``, ``officer_views``)."""
    placed = False
    for field, field_messages in error.fields.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


def current_user(request: HttpRequest) -> User:
    """The logged-in user (views using this are behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


def _activate_user_language(request: HttpRequest, response: HttpResponse, user: User) -> None:
    translation.activate(user.preferred_language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, user.preferred_language, samesite="Lax", httponly=False
    )


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = check_password(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except ServiceError as error:
            apply_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if permissions.needs_second_factor(user):
                response = redirect(two_factor.page_then(_safe_next(request, "/officer/")))
            else:
                response = redirect(_safe_next(request, "/account/"))
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                # The saved preference, unless the visitor just chose a language here.
                _activate_user_language(request, response, user)
            return response
    status = 401 if form.errors and request.method == "POST" else 200
    return render(
        request,
        "identity/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """POST logs out. GET (a typed or bookmarked address) shows a page asking to, with
    the button that does; a link could be followed by a prefetch or another site."""
    if request.method == "POST":
        logout(request)
        return redirect("core:home")
    return render(request, "identity/logout.html")


def register_view(request: HttpRequest) -> HttpResponse:
    """The form's check of the details (``services.registration_errors``) says whether a
    user name or identity number has an account, so a paused address is refused before
    the form is read (``registration_throttle``), whatever it sends."""
    try:
        registration_throttle.refuse_while_paused(request)
    except Locked as error:
        return _registration_paused(request, error)
    form = RegisterForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_citizen(
                request=request, preferred_language=page_language(), **form.cleaned_data
            )
        except Locked as error:
            return _registration_paused(request, error)
        except ServiceError as error:
            apply_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. Your account is ready."))
            return redirect("identity:account")
    return render(
        request, "identity/register.html", {"form": form}, status=422 if form.errors else 200
    )


def _registration_paused(request: HttpRequest, error: Locked) -> HttpResponse:
    """The register page with an empty form under the notice, as a lockout answers from
    another form (``lockout.locked_out_response``): a form holding what was sent would
    be checked, and its messages say what the pause withholds."""
    page = render(
        request,
        "identity/register.html",
        {"form": RegisterForm(), "paused_message": error.message},
        status=error.status,
    )
    if error.retry_after is not None:
        page["Retry-After"] = str(error.retry_after)
    return page


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Verify a code, or, for an officer with no device yet, enrol one first."""
    user = request.user
    assert isinstance(user, User)
    device = two_factor.confirmed_device(user)
    enrolling = device is None
    pending = two_factor.start_totp_enrollment(user=user, request=request) if enrolling else None
    by_mail = enrolling and two_factor.needs_mailbox_code(user)
    if by_mail and request.method == "POST" and "send_code" in request.POST:
        if two_factor.send_mailbox_code(user=user, request=request):
            messages.success(request, _("We emailed you a new code."))
        else:
            messages.info(request, _("We emailed you a code less than a minute ago."))
        return redirect(request.get_full_path())
    form = (EnrolmentForm if by_mail else OtpForm)(request.POST or None)
    throttled: Locked | None = None
    if request.method == "POST" and form.is_valid():
        try:
            if enrolling:
                device = two_factor.confirm_totp_enrollment(
                    user=user,
                    code=form.cleaned_data["otp"],
                    mailbox_code=form.cleaned_data.get("mailbox_code", ""),
                    request=request,
                )
            else:
                device = two_factor.check_totp(
                    user=user, code=form.cleaned_data["otp"], request=request
                )
        except ServiceError as error:
            apply_errors(form, error)
            throttled = error if isinstance(error, Locked) else None
        else:
            otp_login(request, device)
            return redirect(_safe_next(request, "/officer/"))
    context: dict[str, Any] = {
        "form": form,
        "enrolling": enrolling,
        "mailbox": mask_email(user.email) if by_mail else "",
        "mailbox_minutes": settings.OTP_EMAIL_TOKEN_VALIDITY // 60,
        "next": request.GET.get("next", ""),
    }
    if enrolling and pending is not None:
        context["secret"] = secret_base32(pending)
        context["qr_svg"] = provisioning_qr_svg(pending, user.username)
    status = 429 if throttled else 422 if form.errors else 200
    response = render(request, "identity/two_factor.html", context, status=status)
    if throttled is not None and throttled.retry_after:
        # As the API answers the same wait (429 with Retry-After).
        response["Retry-After"] = str(throttled.retry_after)
    return response


@login_required
def account_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = ProfileForm(
        request.POST or None,
        initial={
            "phone": user.phone,
            "email": user.email,
            "preferred_language": user.preferred_language,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, request=request, **form.cleaned_data)
        except ServiceError as error:
            apply_errors(form, error)
        else:
            response = redirect("identity:account")
            _activate_user_language(request, response, user)
            # After the switch: in the language the next page is read in (QA: it came
            # in the old one, on a page in the new).
            messages.success(request, _("Your details were saved."))
            return response
    return render(
        request,
        "identity/account.html",
        {
            "form": form,
            "id_number": services.identity_number_for(viewer=user, subject=user, request=request),
            "assignments": queries.assignments_of(user),
            "companies": user.companies.all(),
            "tokens": queries.tokens_of(user)[:20],
            "has_2fa": two_factor.confirmed_device(user) is not None,
        },
        status=422 if form.errors else 200,
    )


@login_required
def password_view(request: HttpRequest) -> HttpResponse:
    """Change one's own password. This session stays signed in; the others end."""
    user = current_user(request)
    form = PasswordChangeForm(request.POST or None)
    valid = request.method == "POST" and form.is_valid()
    # With the new copies differing, the rest is judged too: every problem in one round.
    if valid or (request.method == "POST" and form.only_copies_differ()):
        given = (request, user, form.cleaned_data["current_password"])
        new_password = form.cleaned_data["new_password"]
        try:
            if not valid:
                problems = authentication.password_change_problems(*given, new_password)
                problems.raise_if_any()
            else:
                revoked = authentication.change_password(*given, new_password)
                update_session_auth_hash(request, user)
                messages.success(request, _password_changed_message(revoked))
                return redirect("identity:account")
        except Locked:
            # Too many wrong current passwords: whoever sits at this session is signed
            # out too; django-axes answers with the login page saying the account is locked.
            logout(request)
            return redirect("identity:login")
        except ServiceError as error:
            apply_errors(form, error)
    return render(
        request, "identity/password.html", {"form": form}, status=422 if form.errors else 200
    )


@require_http_methods(["GET", "HEAD", "POST"])
def password_forgotten_view(request: HttpRequest) -> HttpResponse:
    """Ask for a link to set a new password. The answer is the same page whether or not
    an account matches (``recovery.request_reset``)."""
    form = PasswordForgottenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recovery.request_reset(
            login=form.cleaned_data["login"], site=request.build_absolute_uri("/"), request=request
        )
        return redirect("identity:password_link_sent")
    return render(
        request,
        "identity/password_forgotten.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


def password_link_sent_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "identity/password_link_sent.html",
        {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
    )


class PasswordResetView(auth_views.PasswordResetConfirmView):
    """The link from the email: Django's view checks the token and moves it from the
    address into the session (so it does not leak through the Referer); the new password
    is set by ``recovery.complete_reset``, with the site's rules, audit and token
    revocation, and the person then logs in with it."""

    form_class = NewPasswordForm  # type: ignore[assignment]  # not Django's SetPasswordForm
    template_name = "identity/password_reset.html"
    success_url = reverse_lazy("identity:login")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")  # Django's SetPasswordForm takes it; ours does not need it
        return kwargs

    def form_valid(self, form: Any) -> HttpResponse:
        assert self.user is not None  # the form is offered on a valid link only
        try:
            recovery.complete_reset(
                user=self.user, password=form.cleaned_data["new_password"], request=self.request
            )
        except ServiceError as error:
            apply_errors(form, error)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your new password is set. Log in with it."))
        return redirect(self.get_success_url())

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=422)


def _password_changed_message(tokens_revoked: int) -> str:
    if not tokens_revoked:
        return _("Your password was changed. You were signed out everywhere else.")
    return ngettext(
        "Your password was changed. You were signed out everywhere else, and your %(count)d "
        "API token was revoked.",
        "Your password was changed. You were signed out everywhere else, and your %(count)d "
        "API tokens were revoked.",
        tokens_revoked,
    ) % {"count": tokens_revoked}


@login_required
@require_POST
def revoke_token_view(request: HttpRequest, token_id: int) -> HttpResponse:
    assert isinstance(request.user, User)
    try:
        tokens.revoke_token(user=request.user, token_id=token_id, request=request)
    except ServiceError as error:
        raise Http404(str(error.message)) from error
    messages.success(request, _("The token was revoked."))
    return redirect("identity:account")


@login_required
def officer_home_view(request: HttpRequest) -> HttpResponse:
    if not permissions.is_officer(request.user):
        raise Http404
    return render(
        request,
        "identity/officer_home.html",
        {
            "assignments": queries.assignments_of(current_user(request)),
            # Department and platform admins keep the catalog, the processes and the forms.
            "is_admin": permissions.holds_any_role(current_user(request), ROLE_MANAGER_ROLES),
        },
    )


def _say_granted(
    request: HttpRequest, target: User, assignment: RoleAssignment, granted: bool
) -> None:
    who = {
        "name": target.full_name,
        "username": target.username,
        "role": assignment.get_role_display(),
    }
    if granted:
        # Who it went to, by name: a grant is made by user name alone (QA).
        messages.success(
            request, _("%(name)s (%(username)s) now holds the role %(role)s here.") % who
        )
    else:
        messages.info(
            request,
            _("%(name)s (%(username)s) already holds the role %(role)s here. Nothing was changed.")
            % who,
        )


@login_required
def department_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        department = queries.get_visible_department(request.user, code)
    except Department.DoesNotExist as exc:
        raise Http404 from exc
    can_manage = permissions.can_manage_roles_in(request.user, department)
    if request.method == "POST" and not can_manage:
        # The page is theirs to read, not to grant from (it was shown again, as if taken).
        raise PermissionDenied
    form = (
        GrantRoleForm(
            request.POST or None, roles=permissions.grantable_roles(request.user, department)
        )
        if can_manage
        else None
    )
    confirming: assignments.GrantPreview | None = None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            target = services.find_user(form.cleaned_data["username"])
            role = form.cleaned_data["role"]
            if request.POST.get("confirm") != "1":
                # First who it would go to, and what they hold already: a grant is made by
                # user name alone, and a name mistyped into a colleague's, or a company's
                # agent's, is caught before anything is written (QA). A grant that would
                # be refused has no preview: it is refused (and audited) at once, below.
                confirming = assignments.grant_preview(
                    actor=current_user(request), user=target, role=role, department=department
                )
            if confirming is None:
                assignment, granted = assignments.grant_role(
                    actor=current_user(request),
                    user=target,
                    role=role,
                    department=department,
                    request=request,
                )
        except ServiceError as error:
            apply_errors(form, error)
        else:
            if confirming is None:
                _say_granted(request, target, assignment, granted)
                return redirect("identity:department", code=code)
    listed = list(queries.department_members(department))
    resettable = (
        two_factor_reset.offered_for(current_user(request), {a.user for a in listed})
        if can_manage
        else set()
    )
    members = [
        (
            assignment,
            services.identity_number_for(
                viewer=request.user, subject=assignment.user, request=request
            ),
            # Not offered: a role the admin may not grant here (a city-level one in a
            # department admin's list), and one's own last role that manages roles here.
            can_manage and permissions.offers_revoke(request.user, assignment),
            # Never one's own (separation of duties), nor anyone holding a role the
            # reader may not grant (``permissions.may_reset_two_factor``).
            assignment.user_id in resettable,
        )
        for assignment in listed
    ]
    return render(
        request,
        "identity/department.html",
        {
            "department": department,
            "members": members,
            "form": form,
            "confirming": confirming,
            "can_manage": can_manage,
            "children": department.children.all(),
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def revoke_role_view(request: HttpRequest, code: str, assignment_id: int) -> HttpResponse:
    """GET asks to confirm (no script needed); POST revokes. An administrator's own last
    role that lets them manage this department's roles is not offered, and refused."""
    actor = current_user(request)
    try:
        department = queries.get_visible_department(actor, code)
        assignment = queries.assignment_in(department, assignment_id)
    except (Department.DoesNotExist, RoleAssignment.DoesNotExist) as exc:
        raise Http404 from exc
    if not permissions.can_grant(actor, assignment.role, department):
        raise Http404  # as revoke_role answers: "not yours" looks like "absent"
    refusal = (
        str(assignments.OWN_LAST_ADMIN_ROLE)
        if permissions.would_lock_out(actor, assignment)
        else ""
    )
    status = 200
    if request.method == "POST":
        try:
            assignments.revoke_role(actor=actor, assignment_id=assignment.pk, request=request)
        except NotFound as exc:
            raise Http404 from exc
        except ServiceError as error:
            refusal, status = str(error.message), error.status
        else:
            messages.success(request, _("The role was revoked."))
            return redirect("identity:department", code=code)
    return render(
        request,
        "identity/revoke_role.html",
        {"department": department, "assignment": assignment, "refusal": refusal},
        status=status,
    )
