"""Service records (志愿服务记录): logging, confirmation, approval, rejection, reversal.

Every refused input gets a clear Chinese message and changes nothing: no record, no history
row, no ledger movement.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core.commands import Context
from core.events import Event, emit
from core.models import utcnow
from core.services import ServiceError
from core.workflow import WorkflowHistory, history
from plugins.timebank import services
from plugins.timebank.models import Movement, ServiceRecord, Transfer

from .conftest import user


def counts():
    return (
        ServiceRecord.select().count(),
        WorkflowHistory.select().count(),
        Transfer.select().count(),
        Movement.select().count(),
    )


def refused(call, message):
    before = counts()
    with pytest.raises(ServiceError) as caught:
        call()
    assert message in str(caught.value)
    assert counts() == before
    return caught.value


def test_logged_record_waits_for_confirmation_with_history(tb):
    vol = tb.volunteer(0)
    record = tb.record(vol)
    assert record.status == "pending_confirmation"
    assert record.source == "organiser"  # logged by staff for the volunteer
    assert len(record.confirm_token) >= 24
    rows = history(record)
    assert [(h.table, h.from_state, h.to_state) for h in rows] == [
        ("timebank_record", "", "pending_confirmation")
    ]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"minutes": 0}, "服务时长必须大于零分钟。"),
        ({"minutes": -30}, "服务时长必须大于零分钟。"),
        ({"length": 0}, "服务结束时间必须晚于开始时间。"),
        ({"length": -60}, "服务结束时间必须晚于开始时间。"),
        ({"hours_ago": -2}, "不能登记尚未发生的服务"),
        ({"minutes": 90, "length": 60}, "服务时长不能超过开始到结束的时段。"),
    ],
)
def test_bad_times_are_refused(tb, kwargs, message):
    vol = tb.volunteer(0)
    refused(lambda: tb.record(vol, **kwargs), message)


def test_overlapping_records_and_daily_maximum_are_refused(tb):
    vol = tb.volunteer(0)
    tb.record(vol, hours_ago=5, length=120, minutes=120)
    refused(lambda: tb.record(vol, hours_ago=4, length=60), "该时段与该志愿者的另一条服务记录重叠")
    # 12 hours a day by default: 2 h logged, 11 h more is too much (a day earlier, at noon)
    day = (utcnow() - dt.timedelta(days=3)).replace(hour=1, minute=0, second=0, microsecond=0)
    first = ServiceRecord(
        volunteer=vol,
        started_at=day,
        ended_at=day + dt.timedelta(hours=8),
        minutes=480,
        content="社区巡防",
    )
    services.log_record(Context.of(tb.staff), first)
    second = ServiceRecord(
        volunteer=vol,
        started_at=day + dt.timedelta(hours=9),
        ended_at=day + dt.timedelta(hours=14),
        minutes=300,
        content="社区巡防",
    )
    refused(
        lambda: services.log_record(Context.of(tb.staff), second),
        "超过每日服务时长上限。 每日最多 12 小时。",
    )
    # a rejected record no longer blocks its period
    services.reject(Context.of(tb.approver), first, "重复登记")
    services.log_record(Context.of(tb.staff), second)


def test_inactive_volunteer_and_other_community_are_refused(tb):
    vol = tb.volunteer(0)
    services.set_status(Context.of(tb.approver), vol, "suspend", "未参加培训")
    refused(lambda: tb.record(vol), "只有在册志愿者才能进行此操作。")
    from tests.conftest import make_user

    from .conftest import OTHER

    outsider = make_user("outsider", "community_staff", OTHER, "subtree")
    other = tb.volunteer(1)
    refused(lambda: tb.record(other, actor=outsider), "该记录不在您的数据范围内。")


def test_confirmation_by_the_person_served_once_and_never_by_the_volunteer(tb):
    vol = tb.volunteer(0, login="vol0")
    record = tb.record(vol, actor=user("vol0"))
    assert record.source == "volunteer"
    refused(
        lambda: services.confirm_record(Context.of(user("vol0")), record.confirm_token, "我自己"),
        "不能确认自己的服务。",
    )
    refused(
        lambda: services.confirm_record(Context.of(tb.staff), "not-the-token", "赵奶奶"),
        "确认码无效",
    )
    refused(
        lambda: services.confirm_record(Context.of(tb.staff), record.confirm_token, "  "),
        "请填写确认人姓名。",
    )
    services.confirm_record(Context.of(tb.staff), record.confirm_token, "赵奶奶的女儿", "proxy")
    record = ServiceRecord.get_by_id(record.id)
    assert (record.status, record.confirm_method, record.confirmed_name) == (
        "pending_review",
        "proxy",
        "赵奶奶的女儿",
    )
    refused(
        lambda: services.confirm_record(Context.of(tb.second), record.confirm_token, "赵奶奶"),
        "该服务已确认过。",
    )


def test_approval_posts_hours_and_credits_and_no_self_approval(tb):
    vol = tb.volunteer(0, login="vol0")
    # the volunteer is also street staff: still cannot approve their own service
    from core.models import Role, RoleAssignment

    street = RoleAssignment.get(RoleAssignment.user == tb.approver).unit
    RoleAssignment.create(
        user=user("vol0"), role=Role.get(Role.code == "street_staff"), unit=street, scope="subtree"
    )
    record = tb.confirmed(vol, minutes=90, length=120)
    refused(
        lambda: services.approve(Context.of(user("vol0")), record),
        "不能审核自己的服务。",
    )
    refused(lambda: services.approve(Context.of(tb.staff), record), "无权")
    services.approve(Context.of(tb.approver), record)
    assert ServiceRecord.get_by_id(record.id).status == "approved"
    assert services.balances(vol) == {"hours": 90, "credits": 90}
    assert services.verify() == []
    refused(
        lambda: services.approve(Context.of(tb.second), ServiceRecord.get_by_id(record.id)),
        "该服务记录不在待审核状态。",
    )


def test_unconfirmed_record_cannot_be_approved(tb):
    record = tb.record(tb.volunteer(0))
    refused(
        lambda: services.approve(Context.of(tb.approver), record),
        "该服务记录不在待审核状态。",
    )


@pytest.mark.awkward_days
def test_late_record_needs_a_second_approval_by_someone_else(tb):
    vol = tb.volunteer(0)
    record = tb.confirmed(vol, hours_ago=24 * 40)  # logged 40 days after the service
    services.approve(Context.of(tb.approver), record)
    record = ServiceRecord.get_by_id(record.id)
    assert record.status == "pending_second"
    assert services.balances(vol)["hours"] == 0
    refused(
        lambda: services.approve(Context.of(tb.approver), record),
        "复核须由另一人进行。",
    )
    services.approve(Context.of(tb.second), record)
    record = ServiceRecord.get_by_id(record.id)
    assert (record.status, record.reviewed_by_id, record.second_reviewer_id) == (
        "approved",
        tb.approver.id,
        tb.second.id,
    )
    assert services.balances(vol)["hours"] == 60


def test_bulk_approval_approves_what_it_can_and_says_why_not(tb):
    vol0, vol1 = tb.volunteer(0), tb.volunteer(1)
    a = tb.confirmed(vol0)
    b = tb.confirmed(vol1)
    c = tb.record(vol1, hours_ago=10)  # not confirmed
    done, refusals = services.approve_many(Context.of(tb.approver), [a.id, b.id, c.id])
    assert done == 2
    assert len(refusals) == 1 and "不在待审核状态" in refusals[0]


def test_rejection_needs_a_reason_and_reversal_takes_back_what_was_posted(tb):
    vol = tb.volunteer(0)
    record = tb.confirmed(vol)
    refused(lambda: services.reject(Context.of(tb.approver), record, ""), "请填写原因。")
    services.reject(Context.of(tb.approver), record, "服务对象不认可")
    assert ServiceRecord.get_by_id(record.id).status == "rejected"

    approved = tb.approved(vol, hours_ago=30)
    assert services.balances(vol) == {"hours": 60, "credits": 60}
    refused(
        lambda: services.reverse_record(Context.of(tb.approver), approved, ""),
        "请填写原因。",
    )
    services.reverse_record(Context.of(tb.approver), approved, "重复记录")
    assert services.balances(vol) == {"hours": 0, "credits": 0}
    assert ServiceRecord.get_by_id(approved.id).status == "reversed"
    kinds = [
        t.kind
        for t in Transfer.select().where(Transfer.record == approved.id).order_by(Transfer.id)
    ]
    assert kinds == ["service", "reversal"]
    refused(
        lambda: services.reverse_record(
            Context.of(tb.approver), ServiceRecord.get_by_id(approved.id), "再次"
        ),
        "只有已通过的服务记录才能冲销。",
    )
    assert services.verify() == []


def test_reversal_of_spent_credits_is_refused_and_changes_nothing(tb):
    vol = tb.volunteer(0)  # born 1948: may redeem
    approved = tb.approved(vol)
    services.spend(Context.of(tb.approver), vol, 60, "助浴服务")
    refused(
        lambda: services.reverse_record(Context.of(tb.approver), approved, "错误"),
        "余额不足",
    )
    assert ServiceRecord.get_by_id(approved.id).status == "approved"


def test_work_reported_by_another_module_becomes_a_record_once(tb):
    vol = tb.volunteer(0)
    start = utcnow().replace(microsecond=0) - dt.timedelta(hours=6)
    data = {
        "volunteer_id": vol.id,
        "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(hours=2)).isoformat(),
        "content": "协助安全隐患排查",
        "ref": "inspection-17",
    }
    district = tb.community.district_id
    for _ in range(2):
        emit(
            Event(
                "volunteer_work", plugin="hazards", actor=tb.staff, district_id=district, data=data
            )
        )
    records = list(ServiceRecord.select().where(ServiceRecord.source == "event"))
    assert len(records) == 1
    assert (records[0].status, records[0].minutes, records[0].source_ref) == (
        "pending_review",
        120,
        "hazards:inspection-17",
    )
