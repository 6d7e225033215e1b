"""The workflow engine (流程引擎), exercised through the case flow and a small toy workflow:
deadlines on the working-day calendar, permissions and data scope, guards, required fields
and comments, concurrent moves, and the append-only history."""

from __future__ import annotations

import datetime as dt
import json

import peewee as pw
import pytest

from core import workdays, workflow
from core.access import Access
from core.cases import Case, overdue_items, portal_tasks
from core.cases import services as cases
from core.cases.flow import CASE_FLOW
from core.commands import Context
from core.db import db
from core.models import AppendOnlyError, AuditLog, DistrictOwnedModel, TerritoryUnit, User
from core.registry import kernel_state
from core.workflow import (
    Deadline,
    State,
    Transition,
    Workflow,
    WorkflowError,
    WorkflowHistory,
)
from tests.conftest import make_user

D = dt.date
XINGFU, HEPING, CHANGQING = "990101001001", "990101001002", "990101002001"
DONGHU = "990101001"


def unit(code):
    return TerritoryUnit.get(TerritoryUnit.code == code)


def user(name):
    return User.get(User.username == name)


@pytest.fixture
def people(ctx, demo):
    make_user("zhang", "community_staff", XINGFU)  # 幸福社区 first-contact staff
    make_user("wang", "community_staff", XINGFU)
    make_user("liwei", "street_staff", DONGHU)  # 东湖街道: may supervise
    make_user("chen", "community_staff", CHANGQING)  # another street's community
    make_user("grid", "grid_worker", XINGFU + "G01", "unit")
    make_user("reader", "resident", XINGFU)  # no core permission at all
    return ctx


@pytest.fixture
def on(monkeypatch):
    """``on(date)`` makes ``date`` today in China for the engine and the calendar."""

    def set_today(day):
        monkeypatch.setattr(workdays, "today", lambda: day)

    return set_today


def receive(name="zhang", code=XINGFU, title="3号楼路灯不亮", **fields):
    actor = user(name)
    case = Case(unit=unit(code), title=title, requester_name="刘阿姨", **fields)
    return cases.receive(Context(actor, Access(actor)), case)


def move(case, code, name, comment="", **data):
    actor = user(name)
    return cases.move(Context(actor, Access(actor)), case, code, comment, data)


def fresh(case):
    return Case.get_by_id(case.id)


def counts(case):
    return (
        len(workflow.history(case)),
        AuditLog.select().where(AuditLog.action == "state_changed").count(),
    )


def refused(case, code, name, message, comment="", **data):
    """``code`` by ``name`` is refused with ``message`` and nothing is written."""
    before = (fresh(case).__data__.copy(), counts(case))
    with pytest.raises(WorkflowError) as err:
        move(case, code, name, comment, **data)
    assert str(err.value) == message
    assert (fresh(case).__data__, counts(case)) == before
    return err


# -- declaration ---------------------------------------------------------------------------------


def test_a_workflow_with_an_unknown_state_is_refused_at_declaration():
    with pytest.raises(ValueError, match="unknown state 'done'"):
        Workflow(
            "demo",
            start=Transition("open", "开始", "Open", (), "new"),
            states=[State("new", "新", "New")],
            transitions=[Transition("finish", "完成", "Finish", ("new",), "done")],
        )
    with pytest.raises(ValueError, match="leaves terminal state"):
        Workflow(
            "demo",
            start=Transition("open", "开始", "Open", (), "new"),
            states=[State("new", "新", "New"), State("end", "结束", "End", terminal=True)],
            transitions=[Transition("again", "重开", "Reopen", ("end",), "new")],
        )


def test_binding_needs_state_version_and_unit():
    class NoVersion(DistrictOwnedModel):
        state = pw.CharField()

    flow = Workflow(
        "demo",
        start=Transition("open", "开始", "Open", (), "new"),
        states=[State("new", "新", "New")],
        transitions=[],
    )
    with pytest.raises(ValueError, match="has no version"):
        flow.bind(NoVersion)


def test_each_time_limit_is_a_district_setting_with_a_default(ctx):
    declared = {s.key: s for s in CASE_FLOW.settings()}
    assert {k: s.default for k, s in declared.items()} == {
        "case_register_days": 1,
        "case_dispatch_days": 1,
        "case_handling_days": 5,
        "case_proxy_days": 10,
        "case_transfer_days": 5,
        "case_supervision_days": 2,
        "case_rating_days": 5,
        "case_archive_days": 2,
    }
    registry = kernel_state().settings
    assert registry.declared("core", "case_handling_days").label_zh == "直接办理时限（工作日）"
    assert registry.declared("core", "case_handling_days").minimum == 0


# -- deadlines -----------------------------------------------------------------------------------


def test_deadlines_follow_the_working_day_calendar(people, on):
    on(D(2026, 9, 30))  # the day before the National Day holiday (1-7 October)
    case = receive()
    assert (case.state, case.version, case.receiver.username) == ("received", 0, "zhang")
    assert case.due == D(2026, 10, 8)  # registered within 1 working day: after the holiday
    move(case, "register", "zhang", category="repair")
    move(case, "handle", "zhang")
    # 5 working days: 8, 9, 10 (make-up Saturday), 12, 13 October
    assert fresh(case).due == D(2026, 10, 13)
    assert workflow.current_deadline(case) == D(2026, 10, 13)
    rows = workflow.history(case)
    assert [(r.transition, r.from_state, r.to_state, r.due) for r in rows] == [
        ("receive", "", "received", D(2026, 10, 8)),
        ("register", "received", "registered", D(2026, 10, 8)),
        ("handle", "registered", "handling", D(2026, 10, 13)),
    ]


def test_a_district_sets_its_own_time_limit(people, on):
    on(D(2026, 11, 20))  # a Friday
    district = unit("990101")
    kernel_state().settings.set(district.id, "core", "case_proxy_days", 3)
    case = receive()
    move(case, "register", "zhang", category="gov_proxy")
    move(case, "proxy", "zhang")
    assert (fresh(case).handling_mode, fresh(case).due) == ("proxy", D(2026, 11, 25))


@pytest.fixture
def tickets(people):
    """A toy plugin workflow with a calendar-day limit, on a table of its own."""

    class Ticket(DistrictOwnedModel):
        title = pw.CharField(default="")
        state = pw.CharField(default="open")
        version = pw.IntegerField(default=0)

        class Meta:
            table_name = "test_ticket"

    flow = Workflow(
        "core",
        start=Transition("open", "开单", "Open", (), "open"),
        states=[State("open", "待回复", "Open"), State("replied", "已回复", "Replied", True)],
        transitions=[
            Transition(
                "reply",
                "回复",
                "Reply",
                ("open",),
                "replied",
                deadline=Deadline("ticket_days", 3, "回复时限", "Reply time", working=False),
            )
        ],
    )
    flow.bind(Ticket)
    db.create_tables([Ticket])
    yield Ticket
    db.drop_tables([Ticket])


def test_a_calendar_day_limit_ending_on_a_holiday_moves_to_the_next_working_day(tickets, on):
    on(D(2026, 9, 30))
    actor = user("zhang")
    ticket = workflow.start(tickets(unit=unit(XINGFU), title="t"), actor, Access(actor))
    assert ticket.state == "open" and ticket.created_by_id == actor.id
    workflow.transition(ticket, "reply", actor, Access(actor))
    # no "due" field on this model: the deadline is read from the history
    assert workflow.current_deadline(ticket) == D(2026, 10, 8)  # 3 October is a holiday
    assert not workflow.is_overdue(ticket, on=D(2026, 12, 1))  # terminal: never overdue


# -- overdue -------------------------------------------------------------------------------------


def test_overdue_is_computed_and_reported_for_escalation(people, on):
    on(D(2026, 11, 2))  # Monday
    late = receive(title="楼道堆物")
    move(late, "register", "zhang", category="sanitation")
    move(late, "handle", "zhang")  # due Monday 9 November
    on(D(2026, 11, 4))
    done = receive(title="开具居住证明")
    move(done, "answer", "zhang", category="certificate", result="当场开具")
    on(D(2026, 11, 9))
    assert not workflow.is_overdue(fresh(late))  # until 24:00 of the last day
    assert overdue_items(unit("990101")) == []
    on(D(2026, 11, 10))
    assert workflow.is_overdue(fresh(late))
    items = overdue_items(unit("990101"))
    assert [(i.title, i.due, i.unit_id, i.responsible_id) for i in items] == [
        (
            "事项超期（办理中）：楼道堆物",
            D(2026, 11, 9),
            unit(XINGFU).id,
            user("zhang").id,
        )
    ]
    assert items[0].url == f"/admin/core/case/details/?id={late.id}"
    # the resident's rating period of the other case is still open (5 working days)
    assert fresh(done).due == D(2026, 11, 11) and fresh(done).state == "feedback"
    assert [i.title for i in overdue_items(unit("990101"))] == ["事项超期（办理中）：楼道堆物"]
    # nothing called "overdue" is stored
    assert "overdue" not in Case._meta.fields


def test_portal_tasks_list_the_cases_a_user_has_to_act_on(people, on):
    on(D(2026, 11, 2))
    case = receive()
    tasks = portal_tasks(user("zhang"), unit("990101"))
    assert [(t.title, t.due, t.url) for t in tasks] == [
        ("已受理：3号楼路灯不亮", D(2026, 11, 3), f"/admin/core/case/details/?id={case.id}")
    ]
    assert portal_tasks(user("wang"), unit("990101")) == []
    on(D(2026, 11, 4))
    assert portal_tasks(user("zhang"), unit("990101"))[0].note == "已超期"


# -- refusals ------------------------------------------------------------------------------------


def test_a_step_from_the_wrong_state_is_refused(people):
    case = receive()
    refused(case, "feedback", "zhang", "当前状态为“已受理”，不能执行“反馈办理结果”。", result="好")
    with pytest.raises(WorkflowError, match="未知的办理环节：fly。"):
        move(case, "fly", "zhang")


def test_a_user_without_the_permission_is_refused(people):
    case = receive()
    move(case, "register", "zhang", category="repair")
    move(case, "handle", "zhang")
    # community staff and grid workers do not hold core:approve: no supervision (督办)
    refused(case, "supervise", "zhang", "您无权执行“督办”。", comment="抓紧")
    refused(case, "supervise", "grid", "您无权执行“督办”。", comment="抓紧")
    refused(case, "feedback", "reader", "您无权执行“反馈办理结果”。", result="已修好")
    assert "supervise" not in [
        t.code for t in workflow.available_transitions(case, user("zhang"), Access(user("zhang")))
    ]


def test_a_case_of_another_community_is_refused(people):
    case = receive()
    refused(case, "register", "chen", "该记录不在您的数据范围内。", category="repair")
    assert workflow.available_transitions(case, user("chen"), Access(user("chen"))) == []
    # receiving a case into another community is refused too, and nothing is created
    actor = user("chen")
    with pytest.raises(WorkflowError, match="该记录不在您的数据范围内。"):
        cases.receive(Context(actor, Access(actor)), Case(unit=unit(XINGFU), title="越权受理"))
    assert not Case.select().where(Case.title == "越权受理").exists()


def test_only_the_responsible_person_or_a_supervisor_moves_a_case(people):
    case = receive()
    refused(
        case,
        "register",
        "wang",
        "只有本事项的负责人（zhang）或督办人员可以执行此操作。",
        category="repair",
    )
    move(case, "register", "liwei", category="repair")  # the street may step in
    assert fresh(case).state == "registered"


def test_two_people_moving_the_same_case_at_once(people):
    case = receive()
    first, second = fresh(case), fresh(case)  # both read the case as "received"
    move(first, "register", "zhang", category="repair")
    before = counts(case)
    with pytest.raises(WorkflowError) as err:
        move(second, "answer", "liwei", category="other", result="已解释")
    assert str(err.value) == (
        "该记录已被他人处理（当前状态为“已登记分类”），您的操作未生效；请刷新页面核对后再操作。"
    )
    now = fresh(case)
    assert (now.state, now.version, now.category, now.result) == ("registered", 1, "repair", "")
    assert counts(case) == before


def test_a_required_field_or_comment_missing_is_refused(people):
    case = receive()
    refused(case, "register", "zhang", "请填写“事项类别”。")
    refused(case, "register", "zhang", "事项类别：“dragons”不是可选项。", category="dragons")
    move(case, "register", "zhang", category="dispute")
    refused(case, "transfer", "zhang", "“转办”必须填写意见。", handler=user("liwei").id)
    refused(
        case,
        "transfer",
        "zhang",
        "请选择转办的承办人或承办单位。",
        comment="需街道协调",
    )
    refused(case, "transfer", "zhang", "承办人：所选记录不存在。", comment="x", handler="99999")


def test_rating_out_of_range_is_refused(people):
    case = receive()
    move(case, "answer", "zhang", category="certificate", result="当场开具居住证明")
    refused(case, "rate", "zhang", "评议分数须为 1 至 5 的整数。", rating="6")
    refused(case, "rate", "zhang", "评议分数须为 1 至 5 的整数。", rating="0")
    refused(case, "rate", "zhang", "群众评议（1-5 分）：请输入整数。", rating="很好")
    refused(case, "rate", "zhang", "请填写“群众评议（1-5 分）”。", rating="")
    move(case, "rate", "zhang", rating="5", rating_comment="很满意")
    assert (fresh(case).rating, fresh(case).state) == (5, "rated")


def test_unrated_archiving_waits_for_the_end_of_the_rating_period(people, on):
    on(D(2026, 11, 2))
    case = receive()
    move(case, "answer", "zhang", category="other", result="已解释政策")
    refused(
        case,
        "archive_unrated",
        "zhang",
        "群众评议期限至 2026-11-09，期满后方可未评议归档。",
        comment="电话未接通",
    )
    on(D(2026, 11, 10))
    move(case, "archive_unrated", "zhang", comment="三次回访未接通")
    assert fresh(case).state == "archived" and not workflow.is_overdue(fresh(case))


# -- transfer, supervision ---------------------------------------------------------------------


def test_transfer_moves_the_responsibility(people, on):
    on(D(2026, 11, 2))
    case = receive(title="邻里噪音纠纷")
    move(case, "register", "zhang", category="dispute")
    move(case, "transfer", "zhang", "需要和平社区调解员介入", handler=user("wang").id)
    now = fresh(case)
    assert (now.state, now.handling_mode, now.handler.username) == (
        "transferred",
        "transfer",
        "wang",
    )
    assert now.receiver.username == "zhang"  # the record of who received it stays
    # the receiver is no longer responsible; the new handler is
    refused(
        case,
        "feedback",
        "zhang",
        "只有本事项的负责人（wang）或督办人员可以执行此操作。",
        result="已调解",
    )
    assert portal_tasks(user("zhang"), unit("990101")) == []
    assert [t.title for t in portal_tasks(user("wang"), unit("990101"))] == ["已转办：邻里噪音纠纷"]
    move(case, "feedback", "wang", result="双方达成调解协议")
    assert fresh(case).state == "feedback"


def test_transfer_to_a_unit_and_its_limits(people):
    case = receive()
    move(case, "register", "zhang", category="repair")
    refused(
        case,
        "transfer",
        "zhang",
        "事项只能转办给本辖区的上级或下级单位，不能转办给和平社区。",
        comment="x",
        handler_unit=unit(HEPING).id,
    )
    refused(
        case,
        "transfer",
        "zhang",
        "chen 无权办理本社区的事项。",
        comment="x",
        handler=user("chen").id,
    )
    move(case, "transfer", "zhang", "路灯归街道城管科", handler_unit=unit(DONGHU).id)
    now = fresh(case)
    assert (now.handler_id, now.handler_unit.code, cases.responsible_id(now)) == (
        None,
        DONGHU,
        None,
    )
    # staff of the street may act; the receiver may not
    refused(
        case,
        "feedback",
        "zhang",
        "只有承接转办的东湖街道工作人员或督办人员可以执行此操作。",
        result="x",
    )
    assert [
        c.id for c in cases.my_cases(user("liwei"), Access(user("liwei")), unit("990101").id)
    ] == [case.id]


def test_supervision_by_the_street_keeps_the_handler(people, on):
    on(D(2026, 11, 2))
    case = receive()
    move(case, "register", "zhang", category="repair")
    move(case, "handle", "zhang", handler=user("wang").id)
    move(case, "supervise", "liwei", "请于两个工作日内修复")
    now = fresh(case)
    assert (now.state, now.handler.username, now.due) == ("supervised", "wang", D(2026, 11, 4))
    row = workflow.history(case)[-1]
    assert (row.transition, row.actor_name, row.comment) == (
        "supervise",
        "liwei",
        "请于两个工作日内修复",
    )
    refused(case, "supervise", "wang", "您无权执行“督办”。", comment="x")


def test_a_step_is_audited_as_state_changed(people):
    case = receive()
    move(case, "register", "zhang", "分类为设施报修", category="repair")
    row = AuditLog.select().where(AuditLog.action == "state_changed").get()
    assert (row.table, row.record_id, row.actor_name, row.unit_id) == (
        "core_case",
        str(case.id),
        "zhang",
        unit(XINGFU).id,
    )
    changes = json.loads(row.changes)
    assert changes["state"] == ["received", "registered"]
    assert changes["category"] == ["", "repair"]


# -- history is evidence -------------------------------------------------------------------------


def test_history_rows_cannot_be_changed_or_deleted(people):
    case = receive()
    row = workflow.history(case)[0]
    row.comment = "改写"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete_instance()
    with pytest.raises(AppendOnlyError):
        WorkflowHistory.update(comment="x").execute()
    with pytest.raises(AppendOnlyError):
        WorkflowHistory.delete().execute()
    for sql in (
        "UPDATE core_workflow_history SET comment = 'x'",
        "DELETE FROM core_workflow_history",
    ):
        with pytest.raises(pw.DatabaseError, match="append-only"):
            with db.atomic():
                db.execute_sql(sql)
    assert [r.comment for r in workflow.history(case)] == [""]
