"""Meetings run on the core workflow engine: a ``version`` column for its compare-and-set, and
one workflow history row (流转记录) per existing meeting for the state it is in, so that the
history of every meeting starts somewhere. The row names the step that enters that state,
its day when the meeting recorded one (noticed, tallied, published, filed on), the last user
who changed the meeting and a comment saying it was carried over.

Down drops the column only: history rows are evidence (append-only) and stay; up writes a
row only for a meeting that has none, so running it again adds nothing."""

import datetime as dt

from peewee import *

# the step that enters each state, and the field holding the day it was taken
ENTERED_BY = {
    "draft": ("draft", None),
    "noticed": ("notice", "noticed_on"),
    "voting_open": ("open", None),
    "voting_closed": ("close", None),
    "tallied": ("tally", "tallied_on"),
    "published": ("publish", "published_on"),
    "filed": ("file", "filed_on"),
}
COMMENT = "迁移：启用流程记录前会议已处于此状态（Carried over: the meeting was in this state before"
COMMENT += " its steps were recorded）"


def up(migrator, db):
    migrator.migrate(migrator.add_column("owners_meeting", "version", IntegerField(default=0)))

    class User(Model):
        username = CharField()
        display_name = CharField()

        class Meta:
            database = db
            table_name = "core_user"

    class Meeting(Model):
        unit_id = IntegerField()
        status = CharField()
        created_at = DateTimeField(null=True)
        updated_at = DateTimeField(null=True)
        updated_by_id = IntegerField(null=True)
        noticed_on = DateField(null=True)
        tallied_on = DateField(null=True)
        published_on = DateField(null=True)
        filed_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "owners_meeting"

    class WorkflowHistory(Model):
        table = CharField()
        record_id = CharField()
        unit_id = IntegerField(null=True)
        from_state = CharField()
        to_state = CharField()
        transition = CharField()
        actor_id = IntegerField(null=True)
        actor_name = CharField()
        at = DateTimeField()
        comment = TextField()
        attachments = TextField()
        changes = TextField()

        class Meta:
            database = db
            table_name = "core_workflow_history"

    recorded = {
        row.record_id
        for row in WorkflowHistory.select(WorkflowHistory.record_id).where(
            WorkflowHistory.table == "owners_meeting"
        )
    }
    names = {}
    for meeting in Meeting.select().order_by(Meeting.id):
        if str(meeting.id) in recorded:
            continue
        code, day_field = ENTERED_BY.get(meeting.status, (meeting.status, None))
        day = getattr(meeting, day_field) if day_field else None
        at = (
            dt.datetime.combine(day, dt.time(0, 0))
            if day
            else (meeting.updated_at or meeting.created_at or dt.datetime.utcnow())
        )
        actor = meeting.updated_by_id
        if actor is not None and actor not in names:
            user = User.get_or_none(User.id == actor)
            names[actor] = ((user.display_name or user.username) if user else "")[:64]
        WorkflowHistory.insert(
            table="owners_meeting",
            record_id=str(meeting.id),
            unit_id=meeting.unit_id,
            from_state="",
            to_state=meeting.status,
            transition=code,
            actor_id=actor,
            actor_name=names.get(actor, ""),
            at=at,
            comment=COMMENT,
            attachments="[]",
            changes="{}",
        ).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_column("owners_meeting", "version"))
