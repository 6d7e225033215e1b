"""Property-based run of schemathesis against /api/v1/openapi.json: whatever it sends (valid
and invalid data, odd query strings and ids), the API never answers with a server error, and
every answer matches the document: a status code, content type, body and headers that it
declares for the operation. Examples per operation are few, so that the suite stays quick;
the answers random data seldom reaches (a record created, a file imported, masked personal
data and custom fields, a workflow step refused, the rate limit, a body too large) are asked
for deliberately, in the same application, and checked the same way."""

from __future__ import annotations

import io
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from core.commands import Context
from core.db import db
from tests.conftest import builtin_plugins, make_user
from tests.core.api_helpers import (
    GRID_A,
    ID,
    PHONE,
    URL,
    A,
    bearer,
    notice,
    token_for,
    unit_id,
)
from tests.sample_plugins import noticeboard, noticeboard_extra
from tests.sample_plugins.noticeboard.models import Notice

EXAMPLES = 15
# the answer matches the document: status code, content type, body, headers
CONFORMANCE = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def app(make_app):
    """The sample plugins and every built-in plugin: all their operations are fuzzed."""
    # the rate limit (600 a minute by default) would answer 429 to most of the run
    return make_app(
        plugins=[noticeboard, noticeboard_extra, *builtin_plugins()], API_RATE_LIMIT=100_000
    )


def mismatches(case, response) -> list[str]:
    """How ``response`` departs from the document (nothing when it matches)."""
    try:
        case.validate_response(response, checks=CONFORMANCE)
    except FailureGroup as group:
        return [
            f"{case.operation.label} {response.status_code}: {failure.title}: "
            + failure.message.replace("\n", " ")[:400]
            for failure in group.exceptions
        ]
    return []


def test_no_operation_answers_with_a_server_error_or_off_the_document(app, demo, capsys):
    with app.app_context():
        make_user("fuzzer", "district_admin", A)
    notice(A, "样例通知")
    headers = bearer(token_for(app, "fuzzer"))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    seen = {}
    answers = 0
    off = {}  # label -> the answers not matching the document

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
            nonlocal answers
            response = case.call(headers=headers)
            label = case.operation.label
            seen.setdefault(label, set()).add(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])
            answers += 1
            found = mismatches(case, response)
            if found:
                off.setdefault(label, []).append(found)

        run()
        if not db.is_closed():
            db.close()
    deliberate = 0
    for case, response in deliberate_answers(app, schema, headers):
        deliberate += 1
        found = mismatches(case, response)
        if found:
            off.setdefault(case.operation.label, []).append(found)
    count = sum(len(found) for found in off.values())
    with capsys.disabled():
        print(f"\nschemathesis: {len(operations)} operations, status codes seen: {seen}")
        print(
            f"answers checked against the document: {answers} generated, {deliberate} "
            f"deliberate; not matching it: {count}"
        )
    assert all(code < 500 for codes in seen.values() for code in codes)
    assert not any(429 in codes for codes in seen.values()), "rate-limited: not really fuzzed"
    assert not off, "\n".join(
        f"{label}: {len(found)} answers, e.g. {found[0]}" for label, found in off.items()
    )


def deliberate_answers(app, schema, headers):
    """(case, response) for answers that random data seldom reaches, each with the status
    it is meant to have."""
    from core import territory
    from core.access import Access
    from core.cases import Case, services
    from core.models import User
    from forms.services import add_custom_field

    with app.app_context():
        add_custom_field(
            Context.trusted(),
            territory.by_code("990101"),
            "noticeboard",
            Notice,
            {"key": "floor", "type": "integer", "label_zh": "楼层", "min": 1, "max": 60},
        )
        make_user("gridder", "grid_worker", GRID_A)  # sees personal data masked
    with app.test_request_context():
        fuzzer = User.get(User.username == "fuzzer")
        case = Case(unit=unit_id(A), title="路灯不亮", source="window")
        services.receive(Context(fuzzer, Access(fuzzer)), case)
    masked = bearer(token_for(app, "gridder"))
    read_only = bearer(token_for(app, "fuzzer", write=False))
    client = app.test_client()

    def ask(status, method, template, params=None, **kwargs):
        path = template.format(**(params or {}))
        response = client.open(f"/api/v1{path}", method=method, **kwargs)
        assert response.status_code == status, (method, path, response.text)
        return schema[template][method].Case(path_parameters=params), response

    notices, one = URL.removeprefix("/api/v1"), "/noticeboard/notice/{record_id}"
    body = {"title": "三楼漏水", "unit": unit_id(GRID_A), "cf_floor": 3, "contact_phone": PHONE}
    created = ask(201, "POST", notices, json={**body, "contact_id": ID}, headers=headers)
    yield created
    record = {"record_id": created[1].get_json()["id"]}
    yield ask(200, "GET", one, record, headers=masked)
    yield ask(200, "GET", notices, headers=masked)
    yield ask(200, "PATCH", one, record, json={"cf_floor": 4}, headers=headers)
    yield ask(400, "PATCH", one, record, json={"cf_floor": 99}, headers=headers)
    yield ask(403, "DELETE", one, record, headers=read_only)
    yield ask(404, "GET", one, record, headers={**headers, "X-Linli-District": "nowhere"})
    yield ask(401, "GET", one, record, headers={"Authorization": "Basic Zm9vOmJhcg=="})
    too_large = json.dumps({**body, "title": "x" * (1024 * 1024)})
    yield ask(
        413, "POST", notices, data=too_large, content_type="application/json", headers=headers
    )
    unit = unit_id(A)
    for status, csv, dry_run in (
        (200, f"title,unit\n通知甲,{unit}\n", "1"),
        (400, f"title,unit\n,{unit}\n", "0"),  # a row without its title
        (201, f"title,unit\n通知乙,{unit}\n", "0"),
    ):
        data = {"file": (io.BytesIO(csv.encode()), "n.csv"), "dry_run": dry_run}
        yield ask(status, "POST", notices + "/import", data=data, headers=headers)
    for fmt in ("csv", "xlsx"):
        yield ask(200, "GET", notices + "/export", query_string={"format": fmt}, headers=headers)
    steps = "/core/case/{record_id}/transitions"
    yield ask(200, "GET", steps, {"record_id": case.id}, headers=headers)
    step = {"comment": "登记", "data": {"category": "repair"}}
    for status in (200, 409):  # the second time the case is no longer where the step starts
        register = {"record_id": case.id, "code": "register"}
        yield ask(status, "POST", steps + "/{code}", register, json=step, headers=headers)
    limits = app.config["LINLI"]
    limits["API_RATE_LIMIT"], before = 1, limits["API_RATE_LIMIT"]
    once = bearer(token_for(app, "gridder"))
    try:
        for status in (200, 429):
            yield ask(status, "GET", "/", headers=once)
    finally:
        limits["API_RATE_LIMIT"] = before
