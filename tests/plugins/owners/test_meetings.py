"""Meeting lifecycle, ballots and the ballot log: every refusal has a clear Chinese message
and changes nothing."""

from __future__ import annotations

import datetime as dt
import json

import peewee as pw
import pytest
from click.testing import CliRunner

from core.cli import main
from core.db import db
from core.models import AppendOnlyError
from core.services import ServiceError
from plugins.owners.assembly import reports, services
from plugins.owners.assembly.models import BallotLog, Matter, Meeting

from .conftest import DAY, own_ballots, reload, trusted


def refused(call, contains):
    with pytest.raises(ServiceError) as exc:
        call()
    assert contains in str(exc.value), str(exc.value)


def test_notice_needs_fifteen_days_and_a_matter(world):
    empty = Meeting.create(
        unit=world.compound,
        title="空",
        opens_on=DAY + dt.timedelta(15),
        closes_on=DAY + dt.timedelta(16),
    )
    refused(
        lambda: services.notice(trusted(world.staff), empty, on=DAY), "请先添加至少一项表决事项"
    )
    meeting = world.meeting()
    refused(
        lambda: services.notice(trusted(world.staff), meeting, on=DAY + dt.timedelta(1)),
        "会议公告须在表决开始 15 日以前发布",
    )
    assert reload(meeting).status == "draft"
    meeting = services.notice(trusted(world.staff), meeting, on=DAY)  # exactly 15 days: allowed
    assert (meeting.status, meeting.noticed_on) == ("noticed", DAY)


def test_agenda_is_frozen_once_noticed(world):
    meeting = world.meeting("noticed")
    before = Matter.select().where(Matter.meeting == meeting.id).count()
    refused(
        lambda: services.add_matter(trusted(world.staff), meeting, "临时动议", "9"), "议题不得变更"
    )
    assert Matter.select().where(Matter.meeting == meeting.id).count() == before


def test_steps_out_of_order_and_outside_the_window_are_refused(world):
    meeting = world.meeting("draft")
    refused(
        lambda: services.open_voting(trusted(world.staff), meeting, on=meeting.opens_on), "当前状态"
    )
    meeting = services.notice(trusted(world.staff), meeting, on=DAY)
    refused(
        lambda: services.open_voting(
            trusted(world.staff), meeting, on=meeting.opens_on - dt.timedelta(1)
        ),
        "之间开始表决",
    )
    meeting = services.open_voting(trusted(world.staff), meeting, on=meeting.opens_on)
    refused(
        lambda: services.close_voting(trusted(world.staff), meeting, on=meeting.closes_on),
        "表决持续到",
    )
    refused(lambda: services.tally_meeting(trusted(world.staff), meeting), "当前状态")
    assert reload(meeting).status == "voting_open"


def test_matter_kind_follows_the_civil_code_item(world):
    meeting = world.meeting(items=("5", "6", "7", "8"))
    kinds = [
        m.kind for m in Matter.select().where(Matter.meeting == meeting.id).order_by(Matter.id)
    ]
    assert kinds == ["ordinary", "special", "special", "special"]


def test_voting_outside_the_window_or_for_someone_else_is_refused(world):
    meeting = world.meeting("noticed")
    matter = Matter.get(Matter.meeting == meeting.id)
    owner, user = world.owners[0], world.users[0]
    refused(
        lambda: services.cast(trusted(user), owner, matter, "agree", on=meeting.opens_on),
        "不在表决期间",
    )
    meeting = services.open_voting(trusted(world.staff), meeting, on=meeting.opens_on)
    refused(
        lambda: services.cast(
            trusted(user), owner, matter, "agree", on=meeting.closes_on + dt.timedelta(1)
        ),
        "不在表决期间",
    )
    refused(
        lambda: services.cast(trusted(world.users[1]), owner, matter, "agree", on=meeting.opens_on),
        "本人",
    )
    refused(
        lambda: services.cast(trusted(user), owner, matter, "maybe", on=meeting.opens_on),
        "未知的表决意见",
    )
    assert own_ballots().count() == 0


def test_one_ballot_per_unit_changeable_with_history_and_no_double_ballot(world):
    meeting = world.meeting("voting_open")
    matter = Matter.get((Matter.meeting == meeting.id) & (Matter.item == "4"))
    day = world.vote_day(meeting)
    rows = services.cast(trusted(world.users[0]), world.owners[0], matter, "disagree", on=day)
    assert len(rows) == 2  # one ballot per unit the owner holds
    assert len({r.receipt for r in rows}) == 2
    refused(
        lambda: services.cast(trusted(world.users[0]), world.owners[0], matter, "disagree", on=day),
        "您已投过相同的票",
    )
    assert own_ballots().count() == 2
    services.cast(trusted(world.users[0]), world.owners[0], matter, "agree", on=day)  # changed
    assert own_ballots().count() == 4  # history kept
    assert set(reports.latest_ballots(matter).values()) == {"agree"}
    with pytest.raises(AppendOnlyError):
        rows[0].delete_instance()


def test_tally_publishes_results_by_area_and_heads(world):
    meeting = world.meeting("voting_open")
    ordinary = Matter.get((Matter.meeting == meeting.id) & (Matter.item == "4"))
    special = Matter.get((Matter.meeting == meeting.id) & (Matter.item == "6"))
    day = world.vote_day(meeting)
    # owner 0: 200 m², 1 head; co-owners of unit 2: 50 m², 1 head. Total 300 m², 3 heads.
    services.cast(trusted(world.users[0]), world.owners[0], ordinary, "agree", on=day)
    services.cast(trusted(world.users[1]), world.owners[1], ordinary, "disagree", on=day)
    services.cast(trusted(world.users[0]), world.owners[0], special, "agree", on=day)
    services.cast(trusted(world.users[2]), world.owners[2], special, "agree", on=day)
    meeting = services.close_voting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    refused(
        lambda: services.cast(trusted(world.users[1]), world.owners[1], ordinary, "agree", on=day),
        "不在表决期间",
    )
    tally_day = meeting.closes_on + dt.timedelta(2)
    meeting = services.tally_meeting(trusted(world.staff), meeting, on=tally_day)
    assert meeting.publish_due == tally_day + dt.timedelta(3)
    ordinary, special = reload(ordinary), reload(special)
    # 250 of 300 m² and 2 of 3 heads take part; agree 200 m² (> half) but 1 of 2 heads (not)
    assert ordinary.result == "rejected"
    counts = json.loads(ordinary.tally)
    assert counts["participating"] == {"area": "250", "heads": 2}
    assert counts["agree"] == {"area": "200", "heads": 1}
    assert special.result == "passed"  # 250 m² and 2 heads, all agree
    meeting = services.publish(trusted(world.staff), meeting, on=tally_day)
    assert meeting.status == "published"


def test_not_quorate_without_two_thirds(world):
    meeting = world.meeting("voting_open")
    matter = Matter.get((Matter.meeting == meeting.id) & (Matter.item == "4"))
    services.cast(
        trusted(world.users[0]), world.owners[0], matter, "agree", on=world.vote_day(meeting)
    )
    m = Meeting.get_by_id(matter.meeting_id)
    m = services.close_voting(trusted(world.staff), m, on=m.closes_on + dt.timedelta(1))
    services.tally_meeting(trusted(world.staff), m, on=m.closes_on + dt.timedelta(1))
    assert reload(matter).result == "not_quorate"  # 200 of 300 m² but 1 of 3 heads


def test_verify_command_detects_a_forged_row_and_a_changed_row(app, world):
    meeting = world.meeting("voting_open")
    matter = Matter.get((Matter.meeting == meeting.id) & (Matter.item == "4"))
    services.cast(
        trusted(world.users[0]), world.owners[0], matter, "agree", on=world.vote_day(meeting)
    )
    services.cast(
        trusted(world.users[1]), world.owners[1], matter, "disagree", on=world.vote_day(meeting)
    )
    db.close()
    runner = CliRunner()

    def verify():
        return runner.invoke(main, ["owners", "verify"], obj=_script(app), env={"FLASK_APP": ""})

    result = verify()
    assert result.exit_code == 0, result.output
    everyone = BallotLog.select().count()  # the demo's ballots and the test's three
    assert own_ballots().count() == 3
    assert f"ballot log intact: {everyone} ballot(s)" in result.output

    db.connect(reuse_if_open=True)
    last = own_ballots().order_by(BallotLog.id.desc()).first()
    sql = (
        "INSERT INTO owners_ballot_log (unit_id, matter_id, premises_id, owner_id, choice,"
        " receipt, at, prev_hash, hash) VALUES (?, ?, ?, ?, 'agree', ?, ?, ?, ?)"
    ).replace("?", "?" if _sqlite() else "%s")
    values = (last.unit_id, matter.id, world.units[2].id, world.owners[1].id)
    # a fork of the chain (a second row after the same row) is refused by the database
    with pytest.raises(pw.IntegrityError), db.atomic():
        db.execute_sql(sql, (*values, "FORK", last.at, last.prev_hash, "1" * 64))
    # a forged ballot appended by raw SQL: its hash cannot match its contents
    db.execute_sql(sql, (*values, "FORGED", last.at, last.hash, "0" * 64))
    db.close()
    result = verify()
    assert result.exit_code == 1
    assert "hash does not match its contents" in result.output

    db.connect(reuse_if_open=True)
    with pytest.raises(pw.DatabaseError):  # the database itself refuses changes
        with db.atomic():
            db.execute_sql("UPDATE owners_ballot_log SET choice = 'disagree'")


def test_verify_detects_a_changed_choice_with_the_trigger_disabled(world):
    if not _sqlite():
        pytest.skip("drops the SQLite trigger")
    meeting = world.meeting("voting_open")
    matter = Matter.get((Matter.meeting == meeting.id) & (Matter.item == "4"))
    services.cast(
        trusted(world.users[0]), world.owners[0], matter, "disagree", on=world.vote_day(meeting)
    )
    assert reports.verify() == []
    db.execute_sql("DROP TRIGGER owners_ballot_log_no_update")
    db.execute_sql(
        "UPDATE owners_ballot_log SET choice = 'agree'"
        " WHERE id = (SELECT MAX(id) FROM owners_ballot_log)"  # the test's ballot
    )
    problems = reports.verify()
    assert any("hash does not match" in p for p in problems)


def _sqlite():
    return isinstance(db.obj, pw.SqliteDatabase)


def _script(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)
