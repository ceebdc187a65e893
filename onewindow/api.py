"""The public API, version 1: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from onewindow.cases.api import router as cases_router
from onewindow.cases.timelimit_api import router as timelimit_router
from onewindow.catalog.api import router as catalog_router
from onewindow.catalog.application_api import router as application_router
from onewindow.core.errors import ServiceError
from onewindow.forms.api import router as forms_router
from onewindow.identity.api import router as identity_router
from onewindow.identity.services import user_for_token
from onewindow.notifications.api import router as notifications_router
from onewindow.supervision.api import router as supervision_router
from onewindow.workflow.api import router as workflow_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        found = user_for_token(token)
        if found is None:
            return None
        user, record = found
        request.user = user
        request.auth_token = record  # type: ignore[attr-defined]
        return user


api = NinjaAPI(
    title="OneWindow API",
    version="1",
    description="一网通办 OneWindow public API. Authenticate with `POST /auth/token`, then "
    "send `Authorization: Bearer <token>`.",
    auth=BearerToken(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    body = {
        "code": "not_authenticated",
        "message": _("Missing, expired or revoked token."),
        "fields": {},
    }
    return api.create_response(request, body, status=401)


# Pydantic's messages are English only; the common kinds get the user's language.
PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Enter text."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "bool_type": gettext_lazy("Enter true or false."),
    "string_too_long": gettext_lazy("This is too long."),
    "string_too_short": gettext_lazy("This is too short."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "model_attributes_type": gettext_lazy("The request body must be a JSON object."),
    "dict_type": gettext_lazy("The request body must be a JSON object."),
    "greater_than_equal": gettext_lazy("Enter %(ge)s or more."),
    "less_than_equal": gettext_lazy("Enter %(le)s or less."),
}


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(p) for p in error.get("loc", []) if p not in ("body", "payload", "query")]
        known = PYDANTIC_MESSAGES.get(str(error.get("type")))
        # A known kind's limits (ge, le) fill its message; others keep pydantic's.
        message = str(known) % error.get("ctx", {}) if known else error.get("msg", "")
        fields.setdefault(".".join(location) or "__all__", []).append(str(message))
    body = {
        "code": "invalid",
        "message": _("Some fields are missing or invalid."),
        "fields": fields,
    }
    return api.create_response(request, body, status=422)


api.add_router("/", identity_router)
api.add_router("/catalog", catalog_router)
api.add_router("/catalog", application_router)
api.add_router("/", cases_router)
api.add_router("/", timelimit_router)
api.add_router("/supervision", supervision_router)
api.add_router("/", notifications_router)
api.add_router("/", workflow_router)
api.add_router("/", forms_router)
