"""Events and the audit writer: who, when, which record, before and after; append-only."""

import json

import peewee as pw
import pytest

from core.models import AppendOnlyError, AuditLog, TerritoryUnit
from tests.conftest import csrf_token, login
from tests.sample_plugins import noticeboard_extra
from tests.sample_plugins.noticeboard.models import Notice


def unit_id(code):
    return TerritoryUnit.get(TerritoryUnit.code == code).id


def test_create_and_update_are_audited_with_before_and_after(admin):
    url = "/admin/noticeboard/notice/new/"
    token = csrf_token(admin.get(url).get_data(as_text=True))
    admin.post(
        url,
        data={
            "title": "旧标题",
            "body": "正文",
            "unit": unit_id("990101001001"),
            "csrf_token": token,
        },
    )
    notice = Notice.get(Notice.title == "旧标题")
    created = AuditLog.get(
        (AuditLog.action == "created")
        & (AuditLog.record_id == str(notice.id))
        & (AuditLog.table == "noticeboard_notice")
    )
    assert created.actor.username == "admin"
    assert created.table == "noticeboard_notice" and created.plugin == "noticeboard"
    assert json.loads(created.changes)["title"] == [None, "旧标题"]
    assert created.unit_id == unit_id("990101001001")

    edit = f"/admin/noticeboard/notice/edit/?id={notice.id}"
    token = csrf_token(admin.get(edit).get_data(as_text=True))
    admin.post(
        edit,
        data={
            "title": "新标题",
            "body": "正文",
            "unit": unit_id("990101001001"),
            "csrf_token": token,
        },
    )
    updated = AuditLog.get(
        (AuditLog.action == "updated")
        & (AuditLog.record_id == str(notice.id))
        & (AuditLog.table == "noticeboard_notice")
    )
    changes = json.loads(updated.changes)
    assert changes["title"] == ["旧标题", "新标题"]
    assert "body" not in changes  # unchanged fields are not listed
    assert "created" in noticeboard_extra.SEEN and "updated" in noticeboard_extra.SEEN


def test_logins_are_audited(app, demo):
    client = app.test_client()
    login(client, "admin", "wrong-password-1")
    login(client, "admin", "Admin-pass-123")
    actions = [a.action for a in AuditLog.select().order_by(AuditLog.id)]
    assert actions[-2:] == ["login_failed", "login"]
    failed = AuditLog.select().where(AuditLog.action == "login_failed").get()
    assert failed.summary == "admin wrong_password" and failed.ip == "127.0.0.1"


def test_audit_rows_cannot_be_changed_or_deleted(ctx, demo):
    row = AuditLog.select().first()
    row.summary = "tampered"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete_instance()
    with pytest.raises(AppendOnlyError):
        AuditLog.update(summary="x")
    with pytest.raises(AppendOnlyError):
        AuditLog.delete()
    db = AuditLog._meta.database
    with pytest.raises(pw.DatabaseError, match="append-only"):
        with db.atomic():
            db.execute_sql("UPDATE core_audit_log SET summary = 'x'")
    with pytest.raises(pw.DatabaseError, match="append-only"):
        with db.atomic():
            db.execute_sql("DELETE FROM core_audit_log")
    assert AuditLog.get_by_id(row.id).summary != "tampered"


def test_audit_admin_is_read_only(admin):
    assert admin.get("/admin/core/audit_log/").status_code == 200
    row = AuditLog.select().first()
    assert admin.get(f"/admin/core/audit_log/edit/?id={row.id}").status_code == 302
    token = csrf_token(admin.get("/admin/core/audit_log/").get_data(as_text=True))
    admin.post("/admin/core/audit_log/delete/", data={"id": str(row.id), "csrf_token": token})
    assert AuditLog.get_or_none(AuditLog.id == row.id) is not None
    page = admin.get("/admin/core/audit_log/?search=admin").get_data(as_text=True)
    assert "登录" in page
