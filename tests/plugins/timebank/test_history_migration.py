"""Migration 0003: the steps of service records kept in the old ``timebank_record_history``
are carried into the core workflow history, once, with the transition that makes them."""

import datetime as dt

from core.db import db
from core.workflow import WorkflowHistory, history


def test_old_history_rows_are_carried_into_the_workflow_history(tb, app):
    migrations = app.extensions["linli"].migrations
    record = tb.record(tb.volunteer(0))
    steps = WorkflowHistory.select().where(WorkflowHistory.table == "timebank_record")
    before = steps.count()  # the demo's records and this one's first step
    at = dt.datetime(2026, 2, 16, 9, 30)  # 除夕, the eve of the Spring Festival
    reverted = []
    while not any(name.startswith("0003") for name in reverted):  # the later ones, then 0003
        step = migrations.downgrade("timebank", steps=1)
        assert step, reverted  # 0003 must come before the end
        reverted += step
    assert "timebank_record_history" in db.get_tables()
    db.execute_sql(
        "INSERT INTO timebank_record_history (record_id, at, actor_id, actor_name, "
        "from_status, to_status, comment) VALUES (?, ?, NULL, ?, ?, ?, ?)".replace(
            "?", "%s" if db.param == "%s" else "?"
        ),
        (record.id, at, "旧系统", "pending_confirmation", "pending_review", "旧记录确认步骤7731"),
    )
    migrations.upgrade("timebank")
    assert "timebank_record_history" not in db.get_tables()
    rows = history(record)
    carried = [h for h in rows if h.comment == "旧记录确认步骤7731"]
    assert [(h.transition, h.from_state, h.to_state, h.actor_name) for h in carried] == [
        ("confirm", "pending_confirmation", "pending_review", "旧系统")
    ]
    assert carried[0].unit_id == record.unit_id
    # the steps made on the workflow engine before the downgrade are there once, not twice
    assert [h.transition for h in rows if h.transition == "log"] == ["log"]
    assert steps.count() == before + 1
