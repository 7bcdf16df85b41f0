"""Schemathesis against the API's own OpenAPI schema: no input, valid or not, gives a 500.

The schema is loaded from the real app (`create_app`) over ASGI, with no
network. Each operation gets a few valid and a few invalid requests (positive
and negative generation). Each call carries the token of the account the route
is for, and its path ids point at that account's own project or seat, so the
bodies reach the intake and scoring rules instead of stopping at 404. The
example count is kept small so the run stays well under a minute per backend.

schemathesis' own pytest loader (`from_fixture`) does not run on pytest 9, so
each operation's strategy is driven by a plain Hypothesis `@given` here.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.web.api.conftest import Api

EXAMPLES_PER_OPERATION = 30


def _aim(case: Any, api: Api) -> str:
    """Point the case at the caller's own records; return the login whose token it carries."""
    path = case.path_parameters
    if path and "project_id" in path:
        path["project_id"] = api.project_ids[0]
    if path and "assignment_id" in path:
        path["assignment_id"] = api.assignment_id
    return "expert" if case.path.startswith("/api/assignments") else "agency1"


def _strategy(operation: Any) -> Any:
    """Valid and invalid requests for one operation, mixed."""
    return st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )


def test_no_call_gets_a_server_error(api: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api.client.app)
    operations = [r.ok() for r in schema.include(path_regex="^/api/").get_all_operations()]
    assert len(operations) >= 10
    calls: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=_strategy(operation))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            login = _aim(case, api)
            response = case.call(headers=api.auth(login))
            calls.setdefault(case.operation.label, set()).add(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        check()
    # Every operation was reached past the token check, not only refused at the door.
    assert all(codes - {401} for codes in calls.values()), calls
