"""Imports in batches (分批导入): the rows of a file are checked one by one by the same command as
a single create, then written 1,000 at a time with their audit rows — the same records, the
same audit rows and the same events as that many single creates, in a few INSERT statements;
a bad row anywhere still writes nothing."""

from __future__ import annotations

import csv
import io
import json
import logging
import re

import pytest

from core.models import AuditLog
from tests.core.api_helpers import PHONE, URL, A, bearer, counts, token_for, unit_id
from tests.sample_plugins import noticeboard
from tests.sample_plugins.noticeboard.models import Notice

ROWS = 2500
VARYING = {"id", "title", "created_at", "updated_at"}  # differ from record to record


def csv_body(rows, header=("title", "unit", "body", "contact_phone")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(client, headers, body: bytes, **form):
    return client.post(
        f"{URL}/import",
        data={"file": (io.BytesIO(body), "notices.csv"), **form},
        headers=headers,
        content_type="multipart/form-data",
    )


def inserts(caplog, table: str) -> int:
    """INSERT statements into ``table`` peewee logged (each a (sql, params) tuple)."""
    return sum(1 for r in caplog.records if r.getMessage().startswith(f'(\'INSERT INTO "{table}"'))


def all_inserts(caplog) -> int:
    return sum(1 for r in caplog.records if "INSERT INTO" in r.getMessage())


@pytest.fixture
def boss(app, api_people):
    return app.test_client(), bearer(token_for(app, "boss_a"))


def audit_of(record_id) -> AuditLog:
    return AuditLog.get(
        (AuditLog.table == "noticeboard_notice")
        & (AuditLog.record_id == str(record_id))
        & (AuditLog.action == "created")
    )


def comparable(row: AuditLog) -> dict:
    changes = json.loads(row.changes)
    return {
        "actor": row.actor_id,
        "actor_name": row.actor_name,
        "action": row.action,
        "plugin": row.plugin,
        "table": row.table,
        "unit_id": row.unit_id,
        "ip": row.ip,
        "fields": sorted(changes),
        "same": {k: v for k, v in changes.items() if k not in VARYING},
    }


def test_an_import_writes_records_and_audit_rows_like_single_creates_in_few_inserts(boss, caplog):
    client, headers = boss
    unit = unit_id(A)
    single = client.post(
        URL,
        json={"title": "单条", "unit": unit, "body": "正文", "contact_phone": PHONE},
        headers=headers,
    )
    assert single.status_code == 201, single.get_json()
    one = Notice.get(Notice.title == "单条")
    expected = comparable(audit_of(one.id))
    before_notices, before_audit = counts()
    noticeboard.RECEIVED.clear()

    rows = [(f"导入{i}", unit, "正文", PHONE) for i in range(ROWS)]
    caplog.set_level(logging.DEBUG, logger="peewee")
    caplog.clear()
    r = upload(client, headers, csv_body(rows))
    assert r.status_code == 201 and r.get_json()["created"] == ROWS, r.get_json()
    statements = (inserts(caplog, "noticeboard_notice"), inserts(caplog, "core_audit_log"))
    total = all_inserts(caplog)
    caplog.set_level(logging.WARNING, logger="peewee")

    assert counts() == (before_notices + ROWS, before_audit + ROWS)
    # one INSERT of records and one of audit rows per 1,000 rows, nothing else inserted
    assert statements == (3, 3) and total == 6, (statements, total)
    # every subscriber got one created event per record
    assert [e for e in noticeboard.RECEIVED if e[0] == "created"] == [
        ("created", "noticeboard", "noticeboard_notice")
    ] * ROWS

    imported = list(Notice.select().where(Notice.title.startswith("导入")).order_by(Notice.id))
    assert [n.title for n in imported] == [f"导入{i}" for i in range(ROWS)]
    for notice in (imported[0], imported[999], imported[1000], imported[-1]):
        row = audit_of(notice.id)
        assert comparable(row) == expected
        changes = json.loads(row.changes)
        assert changes["id"] == [None, notice.id] and changes["title"] == [None, notice.title]
        assert row.summary == notice.title
        assert notice.created_by.username == "boss_a" and notice.contact_phone == PHONE


def test_a_bad_row_in_the_middle_writes_nothing_and_is_named_in_chinese(boss):
    client, headers = boss
    unit = unit_id(A)
    rows = [(f"批量{i}", unit, "", PHONE) for i in range(ROWS)]
    rows[1500] = ("批量坏", unit, "", "12345")  # spreadsheet row 1502
    before = counts()
    for dry_run in ("1", ""):
        r = upload(client, headers, csv_body(rows), dry_run=dry_run)
        assert r.status_code == 400
        body = r.get_json()
        assert [(e["row"], e["field"]) for e in body["errors"]] == [(1502, "contact_phone")]
        assert re.search(r"[\u4e00-\u9fff]", body["errors"][0]["message"])
        assert re.search(r"[\u4e00-\u9fff]", body["message"])
    assert counts() == before


def test_a_dry_run_writes_nothing(boss, caplog):
    client, headers = boss
    rows = [(f"试导{i}", unit_id(A), "", "") for i in range(1200)]
    before = counts()
    caplog.set_level(logging.DEBUG, logger="peewee")
    caplog.clear()
    r = upload(client, headers, csv_body(rows), dry_run="1")
    written = all_inserts(caplog)
    caplog.set_level(logging.WARNING, logger="peewee")
    assert r.status_code == 200 and r.get_json() == {"rows": 1200, "created": 0, "dry_run": True}
    assert counts() == before and written == 0


def test_rules_that_read_other_rows_keep_an_import_row_after_row():
    from core.commands import Rules, batches_allowed
    from plugins.owners.register.commands import PremisesRules
    from plugins.socialorgs.commands import ActivityRules
    from plugins.timebank.commands import ShiftRules

    assert batches_allowed(Rules())  # no rules of its own
    assert batches_allowed(ShiftRules())  # its rules read only the row: batch_import = True
    assert not batches_allowed(PremisesRules())  # a number unique in its building
    assert not batches_allowed(ActivityRules())  # overrides derive and validate, says nothing


def test_a_batch_the_database_refuses_writes_none_of_its_records(app, api_people):
    from core.commands import Conflict, Context, create_many
    from core.models import User

    unit = unit_id(A)
    taken = Notice.create(unit=unit, title="已有")
    ctx = Context.of(User.get(User.username == "boss_a"), source="import")
    records = [Notice(unit=unit, title=f"新{i}") for i in range(5)]
    records.append(Notice(id=taken.id, unit=unit, title="撞号"))  # its id is taken
    before = counts()
    with pytest.raises(Conflict):
        create_many(ctx, records, plugin="noticeboard")
    assert counts() == before
    assert not Notice.select().where(Notice.title.startswith("新")).exists()
