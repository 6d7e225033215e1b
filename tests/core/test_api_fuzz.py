"""Property-based run of schemathesis against /api/v1/openapi.json: whatever it sends (valid
and invalid data, odd query strings and ids), the API never answers with a server error.
Examples per operation are few, so that the suite stays quick."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from core.db import db
from tests.conftest import builtin_plugins, make_user
from tests.core.api_helpers import A, bearer, notice, token_for
from tests.sample_plugins import noticeboard, noticeboard_extra

EXAMPLES = 15


@pytest.fixture
def app(make_app):
    """The sample plugins and every built-in plugin: all their operations are fuzzed."""
    # the rate limit (600 a minute by default) would answer 429 to most of the run
    return make_app(
        plugins=[noticeboard, noticeboard_extra, *builtin_plugins()], API_RATE_LIMIT=100_000
    )


def test_no_operation_answers_with_a_server_error(app, demo, capsys):
    with app.app_context():
        make_user("fuzzer", "district_admin", A)
    notice(A, "样例通知")
    headers = bearer(token_for(app, "fuzzer"))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    seen = {}

    for operation in operations:
        modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
        strategy = st.one_of(*(operation.as_strategy(generation_mode=m) for m in modes))

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            response = case.call(headers=headers)
            label = case.operation.label
            seen.setdefault(label, set()).add(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])

        run()
        if not db.is_closed():
            db.close()
    with capsys.disabled():
        print(f"\nschemathesis: {len(operations)} operations, status codes seen: {seen}")
    assert all(code < 500 for codes in seen.values() for code in codes)
    assert not any(429 in codes for codes in seen.values()), "rate-limited: not really fuzzed"
