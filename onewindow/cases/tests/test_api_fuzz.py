"""Every operation of the API, fed what its OpenAPI document allows and what it does not
(schemathesis, from the document the API serves): no input makes it answer 5xx.

A fixed seed and a few examples an operation keep the run short and the same each time;
a citizen's token reaches the applicants' operations and is refused the rest (401/403/
404 are answers, not failures). On PostgreSQL this is where a NUL in a string once
became a 500. Each operation is its own test, parametrized here rather than by
schemathesis's pytest plugin, whose items pytest-xdist runs as one that tests nothing."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from onewindow.api import api
from onewindow.cases.tests.test_api import token_for
from onewindow.wsgi import application

# The document /api/v1/openapi.json serves, its requests sent to the application in
# process (WSGI).
SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
SCHEMA.app = application
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture
def citizen_bearer(client: Any, world: dict[str, Any]) -> Any:
    """A citizen's token, then the database connection kept across the requests, as
    Django's test client keeps it: a request's start and end close it, which on
    PostgreSQL ends the test's transaction. (The test client connects that again after
    its own request, so the token comes first.)"""
    headers = {"Authorization": f"Bearer {token_for(client, world['citizen.wang'])}"}
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield headers
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


def test_every_operation_is_fuzzed() -> None:
    paths = {f"{operation.method.upper()} {operation.path}" for operation in OPERATIONS}
    assert len(paths) == len(OPERATIONS) >= 36
    assert {"POST /api/v1/cases", "POST /api/v1/tasks/{task_id}/complete"} <= paths


@pytest.mark.parametrize(
    "operation", OPERATIONS, ids=[f"{op.method.upper()} {op.path}" for op in OPERATIONS]
)
@settings(max_examples=6, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_input_makes_an_operation_fail(
    operation: Any, citizen_bearer: dict[str, str], data: st.DataObject
) -> None:
    case = data.draw(operation.as_strategy())
    case.call_and_validate(headers=citizen_bearer, checks=[not_a_server_error])
