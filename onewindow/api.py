"""The public API, version 1: one NinjaAPI, one router per app, one error shape."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationErrorContext
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from onewindow.cases.api import router as cases_router
from onewindow.cases.task_api import router as task_router
from onewindow.cases.timelimit_api import router as timelimit_router
from onewindow.catalog.api import router as catalog_router
from onewindow.catalog.application_api import router as application_router
from onewindow.core import api_errors, openapi, strict_json, text_input
from onewindow.core.errors import InvalidInput, Locked, ServiceError
from onewindow.forms.api import router as forms_router
from onewindow.identity.api import router as identity_router
from onewindow.identity.tokens import user_for_token
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
        if not _names_an_offered_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
            # A client that names no language, or none offered here ("fr", "*"), reads
            # the account's, as its notices are written in (the site's default answered
            # an English reader in Chinese; API QA: so did "fr").
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return user


def _names_an_offered_language(header: str) -> bool:
    for language, _quality in parse_accept_lang_header(header):
        if language == "*":
            continue
        try:
            translation.get_supported_language_variant(language)
        except LookupError:
            continue
        return True
    return False


class NotJson(Exception):
    """A body sent as another media type than JSON."""


class NotAnObject(ValueError):
    """A JSON body that is not an object (a list, a number, a string)."""


class JsonParser(Parser):
    """ninja's parser, refusing a body sent as another type (``text/plain``, a form):
    reading it as JSON anyway would accept what the client did not mean to send.
    A body without a Content-Type is read as JSON, as ninja always has; so are the parts
    ninja reads from a multipart body itself (they have no type).

    Every string it reads, a body's at any depth and a query string's or a form's
    fields, is refused (422, each field at fault named) when it holds a control
    character (``core.text_input``): here, so that no endpoint stores one, however
    its schema reads the value."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        media_type = request.content_type or ""
        if media_type and not _is_json_type(media_type):
            raise NotJson(media_type)
        charset = (request.content_params or {}).get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):  # read as UTF-8 all the same, it was garbled
            raise NotJson(f"{media_type}; charset={charset}")
        body = strict_json.loads(request.body)
        if not isinstance(body, dict):
            # Every body of ours is an object: ninja would read a list or a number for
            # its fields and answer "field required", or take it for an empty body.
            raise NotAnObject(type(body).__name__)
        _refuse_control_characters(text_input.control_character_fields(body))
        return body

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        if data is request.POST:  # a form's fields (ninja reads files from request.FILES)
            _refuse_files_without_a_name(data)
        _refuse_control_characters(text_input.control_character_fields_in_form(data))
        return super().parse_querydict(data, list_fields, request)


# The multipart parts the API's operations read as files (their ``File`` parameters; a
# test holds this to the OpenAPI document). Django reads a part sent with an empty
# ``filename=""`` (a form's file input left empty, a client that names no file) as a
# text field: the answer was about the file's bytes as text ("remove the control
# character") or "required", neither of which told the client what it had done.
FILE_PARTS = frozenset({"file", "bpmn", "dmn"})


def _refuse_files_without_a_name(form: MultiValueDict[str, Any]) -> None:
    message = _(
        "This part came without a file name, so it was not read as a file: send it as a "
        "file, with a filename in its Content-Disposition."
    )
    nameless = sorted(name for name in FILE_PARTS if name in form)
    if nameless:
        raise InvalidInput(message, fields={name: [message] for name in nameless})


def _refuse_control_characters(fields: dict[str, list[Any]]) -> None:
    if fields:
        first = next(iter(fields.values()))[0]
        raise InvalidInput(first, fields=fields)


def _is_json_type(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


class OneWindowApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return openapi.add_error_responses(super().get_openapi_schema(**kwargs))

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        """ninja's, after refusing a path parameter holding a control character (422,
        as the parser refuses the body's and the query's): ninja calls this once an
        operation runs, after authentication and before it reads any parameter, and
        its parser never sees the path's. ``/items/310000-GA%00`` was a 500 on
        PostgreSQL, which refuses to look for text holding a NUL."""
        match = request.resolver_match
        path_params = match.kwargs if match is not None else {}
        _refuse_control_characters(text_input.control_character_fields(path_params))
        return super().create_temporal_response(request)

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> NinjaValidationError:
        """ninja's errors, but a body's fields named as the client sent them: ninja reads
        a body into the endpoint's parameter (``payload``), whose name the client never
        saw, and puts it after the location (``body.payload.items``)."""
        errors = super().validation_error_from_error_contexts(error_contexts).errors
        wrapped = {
            getattr(context.model, "__read_from_single_attr__", None) for context in error_contexts
        } - {None}
        for error in errors:
            loc = list(error.get("loc", ()))
            if len(loc) > 1 and loc[0] == "body" and loc[1] in wrapped:
                error["loc"] = (loc[0], *loc[2:])
        return NinjaValidationError(errors)


api = OneWindowApi(
    title="OneWindow API",
    version="1",
    description="一网通办 OneWindow public API. Authenticate with `POST /auth/token`, then "
    'send `Authorization: Bearer <token>`. Every error is `{"code", "message", "fields"}` '
    "in the language `Accept-Language` asks for; `code` is stable, `message` is for people, "
    "`fields` names each field at fault.",
    auth=BearerToken(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI from our static files ("ninja" in INSTALLED_APPS), and no validity
    # badge, which would send the schema's address to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    parser=JsonParser(),
)


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    message: object,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, api_errors.error_body(code, str(message), fields), status=status
    )


def _bearer_challenge(request: HttpRequest) -> str:
    """RFC 6750: say which scheme to use, and that a token sent was refused."""
    if request.headers.get("Authorization"):
        return 'Bearer error="invalid_token"'
    return "Bearer"


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    if exc.status == 401:
        response["WWW-Authenticate"] = _bearer_challenge(request)
    if isinstance(exc, Locked) and exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(request, 401, "not_authenticated", _("Missing, expired or revoked token."))
    response["WWW-Authenticate"] = _bearer_challenge(request)
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals. The one that happens is a body it could not parse: ninja
    raises ``HttpError(400)`` from what the parser raised, which tells which."""
    cause = exc.__cause__
    if isinstance(cause, ServiceError):  # what the parser refused in the body's content
        return service_error(request, cause)
    if isinstance(cause, NotJson):
        message = _("Send the request body as JSON in UTF-8 (Content-Type: application/json).")
        return _error(request, 415, "unsupported_media_type", message)
    if isinstance(cause, NotAnObject):
        message = _("Send the request body as a JSON object.")
        return _error(request, 422, "not_an_object", message)
    if isinstance(cause, RecursionError):
        return _error(request, 400, "invalid_json", _("The request body is nested too deeply."))
    if isinstance(cause, strict_json.StrictJsonError):
        return _error(request, 400, "invalid_json", str(cause.message))
    if cause is not None:
        return _error(request, 400, "invalid_json", PYDANTIC_MESSAGES["json_invalid"])
    code, message = api_errors.for_status(exc.status_code)
    return _error(request, exc.status_code, code, message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Endpoints raise NotFound; this keeps the shape if something below raises Http404.
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Files are not counted (each form's slots set their own limits), only the rest.
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    message = _("The request is too large: send at most %(limit)s.") % {"limit": limit}
    return _error(request, 413, "too_large", message)


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
@api.exception_handler(MultiPartParserError)
def unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
    # What Django answers 400 for (too many fields or files, a broken multipart body).
    code, message = api_errors.for_status(400)
    return _error(request, 400, code, message)


# Pydantic's messages are English only; the common kinds get the user's language. A
# message may use the error's context (``ge``, ``expected``; ``limit`` is the length
# limit, min or max). Kinds not listed keep pydantic's English message.
PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_short": ngettext_lazy(
        "Enter at least %(limit)d character.", "Enter at least %(limit)d characters.", "limit"
    ),
    "string_too_long": ngettext_lazy(
        "Enter at most %(limit)d character.", "Enter at most %(limit)d characters.", "limit"
    ),
    "string_pattern_mismatch": gettext_lazy("This is not in the expected format."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "bool_type": gettext_lazy("Enter true or false."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "greater_than": gettext_lazy("Enter more than %(gt)s."),
    "greater_than_equal": gettext_lazy("Enter %(ge)s or more."),
    "less_than": gettext_lazy("Enter less than %(lt)s."),
    "less_than_equal": gettext_lazy("Enter %(le)s or less."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "list_type": gettext_lazy("Enter a list."),
    "too_short": ngettext_lazy(
        "Give at least %(limit)d item.", "Give at least %(limit)d items.", "limit"
    ),
    "too_long": ngettext_lazy(
        "Give at most %(limit)d item.", "Give at most %(limit)d items.", "limit"
    ),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "dict_type": gettext_lazy("Enter a JSON object."),
    "model_type": gettext_lazy("Enter a JSON object."),
    "model_attributes_type": gettext_lazy("Enter a JSON object."),
}

# Every place ninja reads parameters from: not part of a field's name.
LOCATIONS = {"path", "query", "header", "cookie", "form", "file", "body"}


def _context(error: dict[str, Any]) -> dict[str, Any]:
    """The error's context for our messages: ``limit`` for either length limit, and the
    values ``expected`` as a plain list (pydantic's is "'a', 'b' or 'c'", in English)."""
    ctx = dict(error.get("ctx") or {})
    for key in ("min_length", "max_length"):
        if key in ctx:
            ctx["limit"] = ctx[key]
    if "expected" in ctx:
        ctx["expected"] = ", ".join(re.findall(r"'([^']*)'", str(ctx["expected"])))
    return ctx


def field_message(error: dict[str, Any]) -> str:
    known = PYDANTIC_MESSAGES.get(str(error.get("type")))
    if known is None:
        return str(error.get("msg", ""))
    return str(known % _context(error))


# What a multipart operation's form and file parameters can be read from.
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def _form_sent_as_another_type(request: HttpRequest, exc: NinjaValidationError) -> bool:
    """A multipart operation sent a body of another type (JSON, most often): Django
    reads no fields from it, and ninja would name every form field missing."""
    from_form = any(tuple(e.get("loc", ()))[:1] in {("form",), ("file",)} for e in exc.errors)
    sent_as = request.content_type  # "" when the request says nothing of its body
    return from_form and bool(sent_as) and sent_as not in FORM_TYPES


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    if _form_sent_as_another_type(request, exc):
        message = _("Send the request body as multipart/form-data, with the file as a part.")
        return _error(request, 415, "unsupported_media_type", message)
    if any(tuple(e.get("loc", ())) == ("body",) and e.get("type") == "missing" for e in exc.errors):
        # No body at all: ninja reports its parameter missing, under no field the client
        # sent ("__all__"); it is a body that is no object, as a list or a number is.
        return _error(request, 422, "not_an_object", _("Send the request body as a JSON object."))
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ())]
        if loc and loc[0] in LOCATIONS:
            loc = loc[1:]
        fields.setdefault(".".join(loc) or "__all__", []).append(field_message(error))
    return _error(request, 422, "invalid", _("Some fields are missing or invalid."), fields)


api.add_router("/", identity_router)
api.add_router("/catalog", catalog_router)
api.add_router("/catalog", application_router)
api.add_router("/", cases_router)
api.add_router("/", task_router)
api.add_router("/", timelimit_router)
api.add_router("/supervision", supervision_router)
api.add_router("/", notifications_router)
api.add_router("/", workflow_router)
api.add_router("/", forms_router)
