"""Audit and login logs are kept at least 180 days (网络安全法 art. 21): they are append-only,
and the one delete path, `linli audit prune --before DATE`, refuses anything younger."""

import datetime as dt

import pytest

from core.cli import main
from core.models import AppendOnlyError, AuditLog, LoginAttempt
from tests.conftest import csrf_token


def rows_at(day: dt.date, tag: str):
    at = dt.datetime.combine(day, dt.time(4, 0))  # noon in Beijing
    AuditLog.insert(action="updated", summary=tag, at=at).execute()
    LoginAttempt.insert(username=tag, at=at, ip="10.0.0.1", success=True, reason="").execute()


def test_prune_refuses_anything_younger_than_the_retention(app, demo):
    # the database's own clock guards the 180 days, so the dates are counted from today
    from core.workdays import today

    day = today()
    runner = app.test_cli_runner()
    with app.app_context():
        rows_at(day - dt.timedelta(days=200), "old")
        rows_at(day - dt.timedelta(days=175), "kept")
    floor = (day - dt.timedelta(days=180)).isoformat()
    before = AuditLog.select().count(), LoginAttempt.select().count()
    too_young = (day - dt.timedelta(days=179)).isoformat()
    refused = runner.invoke(main, ["audit", "prune", "--before", too_young])
    assert refused.exit_code == 1
    assert f"审计日志和登录日志至少保留 180 天：只能清理 {floor} 之前的记录。" in refused.output
    assert (AuditLog.select().count(), LoginAttempt.select().count()) == before
    done = runner.invoke(main, ["audit", "prune", "--before", floor])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == f"pruned 1 audit rows and 1 login rows from before {floor}"
    summaries = {a.summary for a in AuditLog.select()}
    assert "old" not in summaries and "kept" in summaries
    assert f"before {floor}: audit 1, logins 1" in summaries  # the pruning is audited
    assert "kept" in {x.username for x in LoginAttempt.select()}
    bad = runner.invoke(main, ["audit", "prune", "--before", "July"])
    assert bad.exit_code == 1 and "not a date" in bad.output


def test_the_database_itself_refuses_to_delete_a_young_row(app, demo):
    import peewee as pw

    from core.db import db

    row = AuditLog.select().first()
    with pytest.raises(
        pw.IntegrityError if db.obj.__class__.__name__.startswith("Sqlite") else pw.DatabaseError
    ):
        with db.atomic():
            pw.ModelDelete(AuditLog).where(AuditLog.id == row.id).execute()
    assert AuditLog.get_or_none(AuditLog.id == row.id) is not None


def test_the_logs_have_no_other_delete_path(app, demo, admin):
    row = AuditLog.select().first()
    with pytest.raises(AppendOnlyError):
        row.delete_instance()
    with pytest.raises(AppendOnlyError):
        AuditLog.delete()
    with pytest.raises(AppendOnlyError):
        LoginAttempt.update(success=False)
    listing = admin.get("/admin/core/audit_log/").get_data(as_text=True) + admin.get(
        "/admin/core/login_attempt/"
    ).get_data(as_text=True)
    assert "/delete/" not in listing
    gone = admin.post(
        "/admin/core/audit_log/delete/", data={"id": row.id, "csrf_token": csrf_token(listing)}
    )
    assert gone.status_code in (302, 403, 404)
    assert AuditLog.get_or_none(AuditLog.id == row.id) is not None


def test_the_retention_setting_is_at_least_180_days(tmp_path):
    from core import config
    from core.config import ConfigError

    with pytest.raises(ConfigError) as err:
        config.load(
            tmp_path, environ={"LINLI_SECRET_KEY": "x" * 32, "LINLI_AUDIT_RETENTION_DAYS": "90"}
        )
    assert str(err.value) == "LINLI_AUDIT_RETENTION_DAYS (environment): must be 180 or more"
