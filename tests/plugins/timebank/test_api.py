"""The time bank through the REST API: catalogue records are writable, people and the ledger
are read-only, scope and masking hold, and bad input names the field."""

from __future__ import annotations

import json

from core.api.tokens import create_token
from core.commands import Context
from plugins.timebank.models import Activity, Movement, Shift

from .conftest import OTHER, user


def token(username, write=True):
    _row, value = create_token(Context.trusted(), user(username), "test", write, 30)
    return {"Authorization": f"Bearer {value}"}


def test_shifts_are_checked_and_the_ledger_is_read_only(app, tb):
    vol = tb.volunteer(0)
    tb.approved(vol)
    staff = token("staff")
    client = app.test_client()
    activity = client.post(
        "/api/v1/timebank/activity",
        headers=staff,
        json={"unit": tb.community.id, "title": "垃圾分类宣传", "service_type": "environment"},
    )
    assert activity.status_code == 201, activity.get_data(as_text=True)
    activity_id = activity.get_json()["id"]
    start = "2030-05-01T01:00:00"
    bad = client.post(
        "/api/v1/timebank/shift",
        headers=staff,
        json={
            "unit": tb.community.id,
            "activity": activity_id,
            "starts_at": start,
            "ends_at": start,
            "capacity": 3,
        },
    )
    assert bad.status_code == 400
    assert "班次结束时间必须晚于开始时间。" in json.dumps(bad.get_json(), ensure_ascii=False)
    assert "ends_at" in json.dumps(bad.get_json())
    assert Shift.select().count() == 1  # the demo's only
    # the ledger and the people change only through the services
    for url, body in (
        ("/api/v1/timebank/movement", {"transfer": 1, "account": 1, "amount": 999}),
        ("/api/v1/timebank/record", {"volunteer": vol.id}),
        ("/api/v1/timebank/volunteer", {"name": "x"}),
    ):
        assert client.post(url, headers=staff, json=body).status_code in (403, 404, 405)
    movements = client.get("/api/v1/timebank/movement", headers=staff).get_json()
    assert len(movements["items"]) >= 4  # the movements of accounts in the staff's scope
    assert Movement.select().count() >= 4
    assert Activity.get_by_id(activity_id).title == "垃圾分类宣传"


def test_other_communitys_staff_see_nothing_of_ours(app, tb):
    from tests.conftest import make_user

    make_user("outsider", "community_staff", OTHER, "subtree")
    vol = tb.volunteer(0)
    tb.approved(vol)
    client = app.test_client()
    outsider = token("outsider")
    assert client.get(f"/api/v1/timebank/volunteer/{vol.id}", headers=outsider).status_code == 404
    listing = client.get("/api/v1/timebank/record", headers=outsider).get_json()
    text = json.dumps(listing, ensure_ascii=False)
    assert "陪老人聊天" not in text
    ours = client.get(f"/api/v1/timebank/volunteer/{vol.id}", headers=token("staff"))
    assert ours.status_code == 200 and ours.get_json()["name"] == "志愿者0"


def test_times_are_sent_in_utc_with_their_offset_and_read_with_any(app, tb):
    """Times are stored in UTC without an offset: the API sends them with "+00:00" (RFC 3339),
    converts one sent with another offset and takes one without as UTC; a filter by the time
    the API sent finds the record."""
    import datetime as dt

    staff = token("staff")
    client = app.test_client()
    activity = client.post(
        "/api/v1/timebank/activity",
        headers=staff,
        json={"unit": tb.community.id, "title": "旧衣回收", "service_type": "environment"},
    ).get_json()
    r = client.post(
        "/api/v1/timebank/shift",
        headers=staff,
        json={
            "unit": tb.community.id,
            "activity": activity["id"],
            "starts_at": "2030-05-01T09:00:00+08:00",
            "ends_at": "2030-05-01T03:00:00",
            "capacity": 3,
        },
    )
    assert r.status_code == 201, r.get_json()
    shift = Shift.get_by_id(r.get_json()["id"])
    assert (shift.starts_at, shift.ends_at) == (
        dt.datetime(2030, 5, 1, 1),
        dt.datetime(2030, 5, 1, 3),
    )
    sent = r.get_json()
    assert (sent["starts_at"], sent["ends_at"]) == (
        "2030-05-01T01:00:00+00:00",
        "2030-05-01T03:00:00+00:00",
    )
    found = client.get(
        "/api/v1/timebank/shift", headers=staff, query_string={"starts_at": sent["starts_at"]}
    ).get_json()["items"]
    assert [s["id"] for s in found] == [shift.id]
