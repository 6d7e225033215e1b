"""Property service: contracts and their notice timers, service models, complaints with
deadlines and ratings, disputes referred to mediation, joint meetings published as notices."""

from __future__ import annotations

import datetime as dt

import pytest

from core import commands
from core.cases.models import Case
from core.commands import Context
from core.errors import Refused, ServiceError
from core.publicity.models import Publication
from core.workdays import today
from plugins.owners.property import services as prop
from plugins.owners.property.models import (
    Complaint,
    CompoundService,
    Dispute,
    JointMeeting,
    PropertyCompany,
    ServiceContract,
)

from .conftest import DAY, reload, trusted

USCC = "91350100M000100Y43"  # a valid code (GB 32100 check characters)


def refused(call, contains):
    with pytest.raises(ServiceError) as exc:
        call()
    assert contains in str(exc.value), str(exc.value)


def staff(world) -> Context:
    """The community staff member writing as on the admin form or the API."""
    return Context.of(world.staff, source="admin")


def refused_on(call, field, contains):
    """The command is refused naming ``field`` with a message containing ``contains``."""
    with pytest.raises(Refused) as exc:
        call()
    messages = exc.value.errors.get(field, [])
    assert any(contains in m for m in messages), (field, exc.value.errors)


def company(world):
    values = {"unit": world.compound.parent_id, "name": "安居物业有限公司", "uscc": USCC}
    return commands.create(staff(world), PropertyCompany, values)


def test_a_company_needs_a_valid_credit_code(world):
    values = {"unit": world.compound.parent_id, "name": "某物业", "uscc": "91350100M000100Y44"}
    refused_on(
        lambda: commands.create(staff(world), PropertyCompany, values), "uscc", "统一社会信用代码"
    )
    assert not PropertyCompany.select().where(PropertyCompany.name == "某物业").exists()
    spaced = {**values, "uscc": "91350100m000100y43", "name": " 某物业 "}
    made = commands.create(staff(world), PropertyCompany, spaced)
    assert (reload(made).uscc, reload(made).name) == (USCC, "某物业")
    assert company(world).uscc == USCC


def test_a_contract_ending_before_it_starts_is_refused(world):
    c = company(world)
    valid = {
        "unit": world.compound.id,
        "company": c.id,
        "starts_on": DAY,
        "ends_on": DAY + dt.timedelta(365),
        "fee_fen_per_m2": 180,
    }
    for changes, field, message in (
        ({"ends_on": DAY - dt.timedelta(1)}, "ends_on", "合同终止日期必须晚于开始日期"),
        ({"ends_on": DAY}, "ends_on", "合同终止日期必须晚于开始日期"),
        ({"fee_fen_per_m2": -1}, "fee_fen_per_m2", "物业费不能为负数"),
        ({"unit": world.building.id}, "unit", "请选择小区"),
        ({"terminated_on": DAY - dt.timedelta(1)}, "terminated_on", "合同不能在开始之前终止"),
    ):
        values = {**valid, **changes}
        refused_on(
            lambda v=values: commands.create(staff(world), ServiceContract, v), field, message
        )
    assert not ServiceContract.select().where(ServiceContract.company == c.id).exists()
    contract = commands.create(staff(world), ServiceContract, valid)
    refused_on(
        lambda: commands.update(staff(world), contract, {"ends_on": DAY}),
        "ends_on",
        "合同终止日期必须晚于开始日期",
    )
    assert reload(contract).ends_on == DAY + dt.timedelta(365)


def test_the_renewal_and_dismissal_timers(world):
    c = company(world)
    ends = today() + dt.timedelta(days=100)
    contract = ServiceContract.create(
        unit=world.compound, company=c, starts_on=ends - dt.timedelta(730), ends_on=ends
    )
    notices = prop.contract_notices(contract)
    assert notices["renewal"]["due"] == ends - dt.timedelta(90)  # 民法典第九百四十七条
    assert notices["dismissal"]["due"] == ends - dt.timedelta(60)  # 第九百四十六条
    # 10 days before the renewal notice falls due: within the 30-day alert
    assert notices["renewal"]["alert"] and not notices["renewal"]["past"]
    assert not notices["dismissal"]["alert"]
    far = ServiceContract.create(
        unit=world.compound,
        company=c,
        starts_on=today(),
        ends_on=today() + dt.timedelta(3650),
    )
    assert not prop.contract_notices(far)["renewal"]["alert"]


def test_one_of_the_four_service_models_per_compound(world):
    values = {"unit": world.compound.id, "model": "community"}
    record = commands.create(staff(world), CompoundService, values)
    refused_on(
        lambda: commands.create(staff(world), CompoundService, {**values, "model": "self"}),
        "unit",
        "本小区已登记物业服务模式",
    )
    refused_on(
        lambda: commands.update(staff(world), record, {"model": "nonsense"}),
        "model",
        "请选择四种物业服务模式之一",
    )
    assert [
        r.model for r in CompoundService.select().where(CompoundService.unit == record.unit_id)
    ] == ["community"]


@pytest.mark.awkward_days
def test_a_complaint_gets_a_deadline_is_handled_and_rated_by_its_complainant(world):
    resident = world.users[0]
    complaint = prop.file_complaint(
        trusted(resident), world.compound, "电梯经常停运", "3号电梯", on=DAY
    )
    assert complaint.due_on == DAY + dt.timedelta(7) and complaint.status == "open"
    assert prop.is_overdue(complaint, on=DAY + dt.timedelta(8))
    assert not prop.is_overdue(complaint, on=DAY + dt.timedelta(7))
    refused(lambda: prop.rate_complaint(trusted(resident), complaint, 5), "投诉处理后才能评价")
    complaint = prop.handle_complaint(trusted(world.staff), complaint, "已更换控制柜", on=DAY)
    assert complaint.status == "handled" and not prop.is_overdue(complaint, DAY + dt.timedelta(30))
    refused(
        lambda: prop.rate_complaint(trusted(world.users[1]), complaint, 5), "只有投诉人本人才能评价"
    )
    for bad in (0, 6, "4.5", "好", None):
        refused(
            lambda bad=bad: prop.rate_complaint(trusted(resident), complaint, bad),
            "评议分数须为 1 至 5",
        )
    assert reload(complaint).rating is None and reload(complaint).status == "handled"
    complaint = prop.rate_complaint(trusted(resident), complaint, "4", "满意")
    assert complaint.rating == 4 and complaint.status == "rated"
    refused(lambda: prop.rate_complaint(trusted(resident), complaint, 5), "只能评价一次")
    assert reload(complaint).rating == 4


def test_a_dispute_is_referred_to_mediation_as_a_core_case(world):
    dispute = Dispute.create(
        unit=world.compound, title="停车位收费争议", parties="业主代表；安居物业", description="…"
    )
    dispute = prop.refer_to_mediation(Context(world.staff, world.access), dispute)
    case = Case.get_by_id(dispute.case_id)
    assert case.category == "dispute" and case.title == "物业纠纷：停车位收费争议"
    assert case.unit_id == world.compound.id and case.receiver_id == world.staff.id
    refused(
        lambda: prop.refer_to_mediation(Context(world.staff, world.access), dispute), "已转入调解"
    )
    assert Case.select().where(Case.unit == world.compound.id).count() == 1


def test_joint_meeting_decisions_are_published_and_then_frozen(world):
    meeting = JointMeeting.create(
        unit=world.compound,
        held_on=DAY,
        topic="物业费调整",
        attendees="长青社区居委会；业主委员会；安居物业",
        minutes="讨论了物业费调整方案",
    )
    refused(lambda: prop.publish_decisions(trusted(world.staff), meeting), "请先填写决定事项再公示")
    assert not Publication.select().where(Publication.unit == world.compound.id).exists()
    meeting.decisions = "维持现行物业费标准至年底"
    meeting.save()
    meeting = prop.publish_decisions(trusted(world.staff), meeting)
    notice = Publication.get_by_id(meeting.publication_id)
    assert notice.title == "联席会议决定：物业费调整" and "维持现行物业费标准" in notice.body
    assert notice.state == "published"
    for write in (
        lambda: commands.update(staff(world), meeting, {"topic": "改为别的议题"}),
        lambda: commands.delete(Context.trusted(actor=world.staff), meeting),
    ):
        refused(write, "决定事项已公示")
    assert reload(meeting).topic == "物业费调整"
    refused(lambda: prop.publish_decisions(trusted(world.staff), meeting), "已经公示")
    assert Publication.select().where(Publication.unit == world.compound.id).count() == 1


def test_complaint_subject_is_required(world):
    refused(
        lambda: prop.file_complaint(trusted(world.users[0]), world.compound, " ", ""), "请填写事由"
    )
    assert not Complaint.select().where(Complaint.unit == world.compound.id).exists()
