"""The service errors' answers: each kind has its status and, when the raiser names no
code, a code of its own kind, so a client can tell a 404 from a 409 by ``code`` too."""

import pytest

from onewindow.core import errors


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.ServiceError, 400, "invalid"),
        (errors.InvalidInput, 422, "invalid"),
        (errors.NotAuthenticated, 401, "not_authenticated"),
        (errors.Forbidden, 403, "forbidden"),
        (errors.NotFound, 404, "not_found"),
        (errors.Conflict, 409, "conflict"),
        (errors.Locked, 429, "locked"),
    ],
)
def test_each_kind_answers_with_its_status_and_code(error, status, code):
    raised = error("No.")
    assert (raised.status, raised.as_dict()) == (
        status,
        {"code": code, "message": "No.", "fields": {}},
    )
    assert error("No.", code="task_closed").code == "task_closed"


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("", True),
        ("  \n\t", True),
        ("\u200b", True),  # zero-width space
        ("\u200e\u2060\ufeff", True),  # direction mark, word joiner, BOM
        ("\u3000", True),  # ideographic space
        ("不予受理", False),
        ("\u200b材料不全", False),
        ("x", False),
    ],
)
def test_a_text_is_blank_when_it_shows_nothing(text, blank):
    assert errors.is_blank(text) is blank
