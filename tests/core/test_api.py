"""The REST API (/api/v1): tokens, list/retrieve/create/update/delete, permissions, data
scope, personal-data masking, custom fields, workflow steps, and every kind of bad input
answered with a JSON 4xx naming the field, with nothing changed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core.api.models import ApiToken
from core.api.tokens import revoke_token
from core.commands import Context
from core.models import AuditLog, User
from tests.conftest import csrf_token, make_user
from tests.core.api_helpers import (
    GRID_A,
    ID,
    PHONE,
    URL,
    A,
    B,
    bearer,
    counts,
    notice,
    token_for,
    unit_id,
)
from tests.sample_plugins.noticeboard.models import Notice

# -- reading -----------------------------------------------------------------------------


def test_list_is_scoped_paged_filtered_searched_and_sorted(api):
    client, headers = api
    mine = [notice(A, f"停水通知{i}") for i in range(3)]
    notice(GRID_A, "网格通知")
    theirs = notice(B, "长青社区通知")
    r = client.get(URL, headers=headers)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    ids = {item["id"] for item in body["items"]}
    assert theirs.id not in ids and {n.id for n in mine} <= ids
    assert body["total"] == len(ids)

    page = client.get(f"{URL}?per_page=2&page=2&sort=-id", headers=headers).get_json()
    assert page["per_page"] == 2 and page["page"] == 2 and len(page["items"]) == 2
    assert page["pages"] == 2

    found = client.get(f"{URL}?q=停水", headers=headers).get_json()
    assert {i["title"] for i in found["items"]} == {n.title for n in mine}
    filtered = client.get(f"{URL}?unit={unit_id(GRID_A)}", headers=headers).get_json()
    assert [i["title"] for i in filtered["items"]] == ["网格通知"]


def test_retrieve_and_personal_data_masking(app, api):
    client, headers = api
    n = notice(A, "联系人", contact_phone=PHONE, contact_id=ID)
    full = client.get(f"{URL}/{n.id}", headers=headers).get_json()
    assert full["contact_phone"] == PHONE and full["contact_id"] == ID
    masked_headers = bearer(token_for(app, "gridder"))
    n2 = notice(GRID_A, "网格联系人", contact_phone=PHONE, contact_id=ID)
    masked = client.get(f"{URL}/{n2.id}", headers=masked_headers).get_json()
    assert masked["contact_phone"] == "138****8000"
    assert masked["contact_id"] == "110105********002X"
    listing = client.get(URL, headers=masked_headers).get_data(as_text=True)
    assert PHONE not in listing and ID not in listing
    # what one may not see one may not change
    before = counts()
    r = client.patch(
        f"{URL}/{n2.id}", json={"contact_phone": "13900139000"}, headers=masked_headers
    )
    assert r.status_code == 400
    assert "contact_phone" in r.get_json()["errors"]
    assert Notice.get_by_id(n2.id).contact_phone == PHONE and counts() == before


def test_another_communitys_record_is_not_found_and_unchanged(api):
    client, headers = api
    theirs = notice(B, "他人的通知")
    before = counts()
    assert client.get(f"{URL}/{theirs.id}", headers=headers).status_code == 404
    r = client.patch(f"{URL}/{theirs.id}", json={"title": "改"}, headers=headers)
    assert r.status_code == 404 and "message" in r.get_json()
    assert client.delete(f"{URL}/{theirs.id}", headers=headers).status_code in (403, 404)
    # nor may a record be moved into, or created in, another community
    mine = notice(A, "我的")
    r = client.patch(f"{URL}/{mine.id}", json={"unit": unit_id(B)}, headers=headers)
    assert r.status_code == 403 and "unit" in r.get_json()["errors"]
    r = client.post(URL, json={"title": "越权", "unit": unit_id(B)}, headers=headers)
    assert r.status_code == 403 and "unit" in r.get_json()["errors"]
    assert Notice.get_by_id(theirs.id).title == "他人的通知"
    assert Notice.get_by_id(mine.id).unit_id == unit_id(A)
    assert counts() == (before[0] + 1, before[1])


# -- writing -----------------------------------------------------------------------------


def test_create_update_delete_with_audit(api):
    client, headers = api
    r = client.post(
        URL, json={"title": "新通知", "unit": unit_id(A), "body": "正文"}, headers=headers
    )
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["title"] == "新通知" and r.headers["Location"].endswith(f"/{created['id']}")
    record = Notice.get_by_id(created["id"])
    assert record.created_by.username == "staff_a"
    audit = AuditLog.get((AuditLog.table == "noticeboard_notice") & (AuditLog.action == "created"))
    assert audit.actor_name == "staff_a" and audit.record_id == str(record.id)

    r = client.patch(f"{URL}/{record.id}", json={"title": "改过的通知"}, headers=headers)
    assert r.status_code == 200 and r.get_json()["title"] == "改过的通知"
    assert Notice.get_by_id(record.id).title == "改过的通知"
    updated = AuditLog.get(
        (AuditLog.table == "noticeboard_notice") & (AuditLog.action == "updated")
    )
    assert json.loads(updated.changes)["title"] == ["新通知", "改过的通知"]

    r = client.put(f"{URL}/{record.id}", json={"title": "整体替换"}, headers=headers)
    assert r.status_code == 400 and "unit" in r.get_json()["errors"]  # PUT needs every field

    # community staff may not delete (no delete permission)
    assert client.delete(f"{URL}/{record.id}", headers=headers).status_code == 403
    assert Notice.get_or_none(Notice.id == record.id) is not None


def test_delete_where_permitted(app, api_people):
    client, headers = app.test_client(), bearer(token_for(app, "boss_a"))
    n = notice(A, "要删除的")
    assert client.delete(f"{URL}/{n.id}", headers=headers).status_code == 204
    assert Notice.get_or_none(Notice.id == n.id) is None
    assert AuditLog.get_or_none(
        (AuditLog.table == "noticeboard_notice") & (AuditLog.action == "deleted")
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"unit": 1}, "title"),  # missing required field
        ({"title": 123, "unit": 1}, "title"),  # wrong type
        ({"title": "x", "unit": "one"}, "unit"),  # wrong type
        ({"title": "x", "unit": 1, "colour": "red"}, "colour"),  # unknown field
        ({"title": "x" * 101, "unit": 1}, "title"),  # too long
        ({"title": "x", "unit": 1, "contact_id": "123"}, "contact_id"),  # bad ID number
        ({"title": "x", "unit": 1, "contact_phone": "12345"}, "contact_phone"),
        ({"title": "a\x00b", "unit": 1}, "title"),  # NUL
        ({"title": "x", "unit": 2**40}, "unit"),  # out of range
        ({"title": "x", "unit": 1, "hidden": True}, "hidden"),  # read-only field
    ],
)
def test_bad_payloads_name_the_field_and_change_nothing(api, payload, field):
    client, headers = api
    payload = {**payload, "unit": unit_id(A) if payload.get("unit") == 1 else payload["unit"]}
    before = counts()
    r = client.post(URL, json=payload, headers=headers)
    assert r.status_code == 400, r.get_json()
    body = r.get_json()
    assert field in body["errors"], body
    assert body["message"]
    assert counts() == before


def test_malformed_json_and_oversized_payload(api):
    client, headers = api
    before = counts()
    r = client.post(URL, data="{title: 1", content_type="application/json", headers=headers)
    assert r.status_code == 400 and "_body" in r.get_json()["errors"]
    r = client.post(URL, json=["a list"], headers=headers)
    assert r.status_code == 400 and "_schema" in r.get_json()["errors"]
    big = json.dumps({"title": "x", "unit": unit_id(A), "body": "长" * 600_000})
    r = client.post(URL, data=big, content_type="application/json", headers=headers)
    assert r.status_code == 413 and "_body" in r.get_json()["errors"]
    assert counts() == before


def test_chinese_messages_with_english_field_names(api):
    client, headers = api
    r = client.post(URL, json={"unit": unit_id(A)}, headers=headers)
    assert r.get_json()["errors"]["title"] == ["此项为必填项。"]


def test_bad_query_parameters(api):
    client, headers = api
    for query, field in (
        ("page=0", "page"),
        ("per_page=100000", "per_page"),
        ("sort=colour", "sort"),
        ("colour=red", "colour"),
        ("unit=abc", "unit"),
        ("id=99999999999999999999", "id"),
        ("sort=contact_phone", "sort"),
    ):
        r = client.get(f"{URL}?{query}", headers=headers)
        assert r.status_code == 400, query
        assert field in r.get_json()["errors"], query
    assert client.get(f"{URL}/abc", headers=headers).status_code == 400
    assert client.get("/api/v1/noticeboard/nothing", headers=headers).status_code == 404


# -- tokens ------------------------------------------------------------------------------


def test_tokens_are_hashed_and_refused_when_expired_revoked_or_read_only(app, api_people):
    client = app.test_client()
    token = token_for(app, "staff_a", write=False)
    row = ApiToken.get(ApiToken.prefix == token[:10])
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert client.get(URL, headers=bearer(token)).status_code == 200
    before = counts()
    r = client.post(URL, json={"title": "x", "unit": unit_id(A)}, headers=bearer(token))
    assert r.status_code == 403 and r.get_json()["message"]
    assert counts() == before

    with app.app_context():
        revoke_token(Context.trusted(), ApiToken.get_by_id(row.id))
    r = client.get(URL, headers=bearer(token))
    assert r.status_code == 401 and r.get_json()["message"] == "API 令牌已被吊销。"
    r = client.post(URL, json={"title": "x", "unit": unit_id(A)}, headers=bearer(token))
    assert r.status_code == 401 and counts()[0] == before[0]

    expired = token_for(app, "staff_a", write=True)
    ApiToken.update(expires_at=dt.datetime(2020, 1, 1)).where(
        ApiToken.prefix == expired[:10]
    ).execute()
    r = client.post(URL, json={"title": "x", "unit": unit_id(A)}, headers=bearer(expired))
    assert r.status_code == 401 and counts()[0] == before[0]
    assert r.get_json()["message"] == "API 令牌已过期。"
    assert client.get(URL, headers=bearer("lk_nonsense")).status_code == 401
    assert client.get(URL).status_code == 401


def test_rate_limit_per_token(make_app, demo):
    from tests.sample_plugins import noticeboard, noticeboard_extra

    app = make_app(plugins=[noticeboard, noticeboard_extra], API_RATE_LIMIT=3)
    with app.app_context():
        from core import demo as demo_module

        demo_module.load()
        make_user("staff_a", "community_staff", A)
    client = app.test_client()
    token = token_for(app, "staff_a")
    answers = [client.get(URL, headers=bearer(token)).status_code for _ in range(4)]
    assert answers[:3] == [200, 200, 200] and answers[3] == 429
    other = token_for(app, "staff_a")
    assert client.get(URL, headers=bearer(other)).status_code == 200


def test_session_writes_need_csrf_token_writes_do_not(app, api_people, client_for):
    client = client_for("staff_a")
    before = counts()
    r = client.post(URL, json={"title": "会话", "unit": unit_id(A)})
    assert r.status_code == 400 and counts() == before
    token = csrf_token(client.get("/admin/noticeboard/notice/").get_data(as_text=True))
    r = client.post(URL, json={"title": "会话", "unit": unit_id(A)}, headers={"X-CSRFToken": token})
    assert r.status_code == 201
    api_token = token_for(app, "staff_a")
    r = app.test_client().post(
        URL, json={"title": "令牌", "unit": unit_id(A)}, headers=bearer(api_token)
    )
    assert r.status_code == 201


def test_disabled_module_answers_404(app, api):
    from core import services, territory

    client, headers = api
    n = notice(A, "停用后")
    with app.app_context():
        services.disable_plugin(Context.trusted(), "noticeboard_extra", territory.by_code("990101"))
        services.disable_plugin(Context.trusted(), "noticeboard", territory.by_code("990101"))
    assert client.get(URL, headers=headers).status_code == 404
    assert client.get(f"{URL}/{n.id}", headers=headers).status_code == 404
    r = client.post(URL, json={"title": "x", "unit": unit_id(A)}, headers=headers)
    assert r.status_code == 404 and r.get_json()["message"]
    assert client.get("/api/v1/core/case", headers=headers).status_code == 200


def test_token_cli_and_admin_page(app, api_people, admin):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tokens", "create", "--user", "staff_a", "--write", "--days", "7"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("lk_")
    assert app.test_client().get(URL, headers=bearer(token)).status_code == 200
    result = runner.invoke(args=["tokens", "create", "--user", "nobody"])
    assert result.exit_code != 0 and "unknown user" in result.output
    listing = runner.invoke(args=["tokens", "list"])
    assert token[:10] in listing.output and token not in listing.output

    page = admin.get("/admin/core/api-tokens/")
    assert page.status_code == 200 and token[:10] in page.get_data(as_text=True)
    r = admin.post(
        "/admin/core/api-tokens/",
        data={
            "name": "脚本",
            "days": "30",
            "write": "1",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    html = r.get_data(as_text=True)
    assert "lk_" in html and "请立即复制" in html
    row = ApiToken.get(ApiToken.name == "脚本")
    admin.post(
        f"/admin/core/api-tokens/{row.id}/revoke",
        data={"csrf_token": csrf_token(html)},
    )
    assert ApiToken.get_by_id(row.id).revoked_at is not None


# -- custom fields -------------------------------------------------------------------------


@pytest.fixture
def floor(app, api_people):
    from core import territory
    from forms.services import add_custom_field

    with app.app_context():
        return add_custom_field(
            Context.trusted(),
            territory.by_code("990101"),
            "noticeboard",
            Notice,
            {"key": "floor", "type": "integer", "label_zh": "楼层", "min": 1, "max": 60},
        )


def test_custom_fields_are_read_written_filtered_and_checked(api, floor):
    client, headers = api
    r = client.post(
        URL, json={"title": "三楼漏水", "unit": unit_id(A), "cf_floor": 3}, headers=headers
    )
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["cf_floor"] == 3
    client.post(
        URL, json={"title": "五楼停电", "unit": unit_id(A), "cf_floor": "5"}, headers=headers
    )
    items = client.get(f"{URL}?cf_floor=5", headers=headers).get_json()["items"]
    assert [i["title"] for i in items] == ["五楼停电"]
    record_id = r.get_json()["id"]
    r = client.patch(f"{URL}/{record_id}", json={"cf_floor": 4}, headers=headers)
    assert r.get_json()["cf_floor"] == 4
    before = counts()
    r = client.patch(f"{URL}/{record_id}", json={"cf_floor": 99}, headers=headers)
    assert r.status_code == 400 and "cf_floor" in r.get_json()["errors"]
    r = client.post(URL, json={"title": "x", "unit": unit_id(A), "cf_nothing": 1}, headers=headers)
    assert r.status_code == 400 and "cf_nothing" in r.get_json()["errors"]
    assert counts() == before
    assert client.get(f"{URL}/{record_id}", headers=headers).get_json()["cf_floor"] == 4


# -- workflow steps --------------------------------------------------------------------------


def test_workflow_transition_through_the_api(app, api, client_for):
    from core.access import Access
    from core.cases import Case, services

    client, headers = api
    with app.test_request_context():
        staff = User.get(User.username == "staff_a")
        case = Case(unit=unit_id(A), title="路灯不亮", source="window")
        services.receive(Context(staff, Access(staff)), case)
    url = f"/api/v1/core/case/{case.id}"
    offered = client.get(f"{url}/transitions", headers=headers).get_json()
    assert "register" in {t["code"] for t in offered["transitions"]}
    r = client.post(
        f"{url}/transitions/register",
        json={"comment": "登记", "data": {"category": "repair"}},
        headers=headers,
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["state"] == "registered" and r.get_json()["category"] == "repair"
    # a step not possible from here: 409, nothing changed
    r = client.post(f"{url}/transitions/register", json={}, headers=headers)
    assert r.status_code == 409 and r.get_json()["message"]
    assert Case.get_by_id(case.id).version == 1
    r = client.post(f"{url}/transitions/register", json={"colour": 1}, headers=headers)
    assert r.status_code == 400 and "colour" in r.get_json()["errors"]
    # cases are not created or deleted through the API
    assert client.post("/api/v1/core/case", json={}, headers=headers).status_code == 405
    assert client.delete(url, headers=headers).status_code == 405
    other = bearer(token_for(app, "staff_b"))
    assert client.post(f"{url}/transitions/handle", json={}, headers=other).status_code == 404


# -- OpenAPI -------------------------------------------------------------------------------


def test_openapi_document_and_interactive_page(app, api_people):
    client = app.test_client()
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert "/noticeboard/notice" in doc["paths"] and "/core/case/{record_id}" in doc["paths"]
    assert "post" in doc["paths"]["/noticeboard/notice"]
    assert "post" not in doc["paths"]["/core/case"]
    assert "title" in doc["components"]["schemas"]["noticeboard_notice"]["properties"]
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "vendor/swagger-ui/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_staff_manage_only_their_own_tokens_in_the_admin(app, api_people, client_for):
    other = token_for(app, "staff_b")
    client = client_for("staff_a")
    page = client.get("/admin/core/api-tokens/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and other[:10] not in html and 'name="username"' not in html
    before = ApiToken.select().count()
    r = client.post(
        "/admin/core/api-tokens/",
        data={"username": "staff_b", "days": "5", "csrf_token": csrf_token(html)},
    )
    assert "未知的用户。" in r.get_data(as_text=True) and ApiToken.select().count() == before
    theirs = ApiToken.get(ApiToken.prefix == other[:10])
    client.post(f"/admin/core/api-tokens/{theirs.id}/revoke", data={"csrf_token": csrf_token(html)})
    assert ApiToken.get_by_id(theirs.id).revoked_at is None
    r = client.post("/admin/core/api-tokens/", data={"days": "0", "csrf_token": csrf_token(html)})
    assert "令牌有效期为 1 至 3650 天。" in r.get_data(as_text=True)
    assert ApiToken.select().count() == before
