"""Errors that services raise and views and the API turn into 4xx answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# is_blank lives with the other checks of typed text; imported from here by many.
from onewindow.core.text_input import control_character_problem
from onewindow.core.text_input import is_blank as is_blank


class ServiceError(Exception):
    """A request the service refuses, with a message for the user and, where it is
    about input, the fields at fault. Messages are lazy translations, so they come
    out in the language of the request that shows them."""

    status = 400
    default_code = "invalid"  # the answer's ``code`` when the raiser names none

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str = "",
        fields: dict[str, list[str | Promise]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: [str(m) for m in msgs] for name, msgs in self.fields.items()},
        }


class InvalidInput(ServiceError):
    status = 422


class NotAuthenticated(ServiceError):
    status = 401
    default_code = "not_authenticated"


class Forbidden(ServiceError):
    status = 403
    default_code = "forbidden"


class NotFound(ServiceError):
    status = 404
    default_code = "not_found"


class Conflict(ServiceError):
    status = 409
    default_code = "conflict"


class Locked(ServiceError):
    """Too many attempts; ``retry_after``, when known, is the seconds to wait (the API
    sends it as ``Retry-After``)."""

    status = 429
    default_code = "locked"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str = "",
        fields: dict[str, list[str | Promise]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message, code=code, fields=fields)
        self.retry_after = retry_after


@dataclass
class FieldErrors:
    """Messages collected per field, so a check reports every problem at once."""

    fields: dict[str, list[str | Promise]] = field(default_factory=dict)

    def add(self, name: str, message: str | Promise) -> None:
        self.fields.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def text(
        self, value: object, name: str, *, required: bool = False, limit: int | None = None
    ) -> str:
        """``value`` stripped, or "" with a message when it is not text, missing while
        required (blank: ``is_blank``), longer than ``limit``, or holding a control
        character (``text_input``)."""
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(name, _("Must be text."))
            return ""
        value = value.strip()
        if required and is_blank(value):
            self.add(name, _("This field is required."))
        if limit and len(value) > limit:
            self.add(name, _("At most %(limit)d characters.") % {"limit": limit})
        problem = control_character_problem(value)
        if problem is not None:
            self.add(name, problem)
        return value

    def raise_if_any(self) -> None:
        """Raise ``InvalidInput`` led by the first message, if anything was collected."""
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise InvalidInput(first, fields=self.fields)


def from_validation_error(exc: object, *, field: str | None = None) -> InvalidInput:
    """Wrap Django's ValidationError (with or without a field dict) as InvalidInput."""
    from django.core.exceptions import ValidationError

    assert isinstance(exc, ValidationError)
    if hasattr(exc, "error_dict"):
        fields = {
            name: [message for error in errors for message in error.messages]
            for name, errors in exc.error_dict.items()
        }
    else:
        fields = {field or "__all__": list(exc.messages)}
    first = next(iter(fields.values()))[0]
    return InvalidInput(first, fields=fields)  # type: ignore[arg-type]
