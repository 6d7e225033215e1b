"""Service records run on the core workflow engine (服务记录流转并入核心流程引擎): the steps kept
in ``timebank_record_history`` are copied, in order and unchanged, into
``core_workflow_history`` (the one append-only history of every workflow), then the old table
is dropped. Each step is given the code of the workflow transition that makes it today
(``plugins/timebank/flows.py``)."""

import peewee as pw

from core.migrations import append_only, drop_append_only

OLD = "timebank_record_history"

# (from state, to state) -> the transition of plugins/timebank/flows.py that takes that step.
STEP = """CASE
    WHEN h.from_status = '' AND h.to_status = 'draft' THEN 'draft'
    WHEN h.from_status = '' AND h.to_status = 'pending_review' THEN 'report'
    WHEN h.from_status = '' THEN 'log'
    WHEN h.from_status = 'draft' THEN 'submit'
    WHEN h.to_status = 'pending_review' THEN 'confirm'
    WHEN h.to_status = 'pending_second' THEN 'approve_first'
    WHEN h.to_status = 'approved' THEN 'approve'
    WHEN h.to_status = 'rejected' THEN 'reject'
    WHEN h.to_status = 'reversed' THEN 'reverse'
    ELSE h.to_status END"""


def up(migrator, db):
    db.execute_sql(
        'INSERT INTO core_workflow_history ("table", record_id, unit_id, from_state, to_state, '
        "transition, actor_id, actor_name, at, comment, attachments, changes) "
        f"SELECT 'timebank_record', CAST(h.record_id AS VARCHAR(64)), r.unit_id, h.from_status, "
        f"h.to_status, {STEP}, h.actor_id, h.actor_name, h.at, h.comment, '[]', '{{}}' "
        f"FROM {OLD} h JOIN timebank_record r ON r.id = h.record_id "
        # a step already copied (up, down, up again) is not copied twice
        "WHERE NOT EXISTS (SELECT 1 FROM core_workflow_history w "
        "WHERE w.\"table\" = 'timebank_record' "
        "AND w.record_id = CAST(h.record_id AS VARCHAR(64)) AND w.at = h.at "
        "AND w.to_state = h.to_status) ORDER BY h.id"
    )
    migrator.migrate(migrator.drop_table(OLD))
    drop_append_only(db, OLD)


def down(migrator, db):
    """Recreate the old table with the service records' steps. The copies stay in
    ``core_workflow_history``, which is append-only."""
    key = "INTEGER PRIMARY KEY" if isinstance(db, pw.SqliteDatabase) else "SERIAL PRIMARY KEY"
    db.execute_sql(
        f"CREATE TABLE {OLD} (id {key}, record_id INTEGER NOT NULL "
        "REFERENCES timebank_record (id) ON DELETE RESTRICT, at TIMESTAMP NOT NULL, "
        "actor_id INTEGER REFERENCES core_user (id) ON DELETE SET NULL, "
        "actor_name VARCHAR(64) NOT NULL, from_status VARCHAR(24) NOT NULL, "
        "to_status VARCHAR(24) NOT NULL, comment VARCHAR(200) NOT NULL)"
    )
    db.execute_sql(
        f"INSERT INTO {OLD} (record_id, at, actor_id, actor_name, from_status, to_status, "
        "comment) SELECT CAST(record_id AS INTEGER), at, actor_id, actor_name, from_state, "
        "to_state, SUBSTR(comment, 1, 200) FROM core_workflow_history "
        "WHERE \"table\" = 'timebank_record' ORDER BY id"
    )
    append_only(db, OLD)
