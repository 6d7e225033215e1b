"""The preparatory group, the owners' committee elected at a meeting (odd, 5 to 11, or 3 in a
small compound), terms with expiry alerts, filing within 30 days, members' roles and
replacements, and the interim property management committee."""

from __future__ import annotations

import datetime as dt

import pytest

from core.models import TerritoryUnit
from core.services import ServiceError
from core.workdays import today
from plugins.owners.assembly import services
from plugins.owners.assembly.models import Matter
from plugins.owners.committees import reports as committee_reports
from plugins.owners.committees import services as committees
from plugins.owners.committees.models import (
    Committee,
    CommitteeMember,
    PreparatoryGroup,
    PreparatoryMember,
)
from plugins.owners.register.models import Owner

from .conftest import DAY, reload, trusted


def refused(call, contains):
    with pytest.raises(ServiceError) as exc:
        call()
    assert contains in str(exc.value), str(exc.value)


def counts():
    return (
        Committee.select().count(),
        CommitteeMember.select().count(),
        PreparatoryGroup.select().count(),
        PreparatoryMember.select().count(),
    )


def people(world, n):
    return [
        {"name": f"委员{i}", "owner": Owner.create(unit=world.compound, name=f"委员{i}")}
        for i in range(n)
    ]


def election(world):
    """A tallied meeting whose election matter (民法典 278 item 3) passed."""
    meeting = world.meeting("voting_open", items=("3",))
    matter = Matter.get(Matter.meeting == meeting.id)
    day = world.vote_day(meeting)
    services.cast(trusted(world.users[0]), world.owners[0], matter, "agree", on=day)
    services.cast(trusted(world.users[1]), world.owners[1], matter, "agree", on=day)
    meeting = services.close_voting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    meeting = services.tally_meeting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    assert reload(matter).result == "passed"
    return meeting


def set_setting(world, key, value):
    from core.registry import kernel_state

    kernel_state().settings.set(world.compound.district_id, "owners", key, value)


def test_preparatory_group_is_odd_with_owners_at_least_half(world):
    before = counts()
    members = [
        {"name": "街道代表", "source": "street"},
        {"name": "居委会代表", "source": "residents_committee"},
        {"name": "业主甲", "owner": world.owners[0]},
        {"name": "业主乙", "owner": world.owners[1]},
    ]
    refused(
        lambda: committees.form_preparatory_group(
            trusted(world.staff), world.compound, "筹备组", DAY, members
        ),
        "筹备组成员须为单数",
    )
    refused(
        lambda: committees.form_preparatory_group(
            trusted(world.staff),
            world.compound,
            "筹备组",
            DAY,
            [*members, {"name": "开发商代表", "source": "developer"}],
        ),
        "业主代表不得少于成员的一半",
    )
    assert counts() == before
    group = committees.form_preparatory_group(
        trusted(world.staff),
        world.compound,
        "测试小区筹备组",
        DAY,
        [*members, {"name": "业主丙", "owner": world.owners[2]}],
    )
    assert group.due_on == DAY + dt.timedelta(90)
    assert PreparatoryMember.select().where(PreparatoryMember.group == group.id).count() == 5


def test_an_even_or_out_of_range_committee_is_refused(world):
    meeting = election(world)
    set_setting(world, "small_compound_households", 0)  # no 3-member exception here
    before = counts()
    refused(
        lambda: committees.elect_committee(trusted(world.staff), meeting, people(world, 6), DAY, 5),
        "业主委员会成员须为单数，6 人为双数",
    )
    refused(
        lambda: committees.elect_committee(trusted(world.staff), meeting, people(world, 3), DAY, 5),
        "业主委员会由 5 至 11 人单数组成",
    )
    refused(
        lambda: committees.elect_committee(
            trusted(world.staff), meeting, people(world, 13), DAY, 5
        ),
        "业主委员会由 5 至 11 人单数组成",
    )
    refused(
        lambda: committees.elect_committee(trusted(world.staff), meeting, people(world, 5), DAY, 6),
        "任期不得超过 5 年",
    )
    outsider = [{"name": "非业主", "source": "owner"}] + people(world, 4)
    refused(
        lambda: committees.elect_committee(trusted(world.staff), meeting, outsider, DAY, 5),
        "业主委员会成员须为本小区业主",
    )
    assert counts()[:2] == before[:2]


def test_three_members_where_the_compound_has_at_most_100_households(world):
    meeting = election(world)  # the test compound has 4 households
    committee = committees.elect_committee(trusted(world.staff), meeting, people(world, 3), DAY, 5)
    assert committee.seats == 3 and committee.kind == "owners"


def test_election_needs_a_passed_election_matter(world):
    meeting = world.meeting("voting_open", items=("4",))
    meeting = services.close_voting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    meeting = services.tally_meeting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    refused(
        lambda: committees.elect_committee(trusted(world.staff), meeting, people(world, 5), DAY, 5),
        "没有通过的选举业主委员会事项",
    )
    assert not Committee.select().where(Committee.unit == world.compound).exists()


def test_committee_term_filing_roles_and_replacement(world):
    meeting = election(world)
    elected_on = dt.date(2026, 12, 30)
    members = people(world, 5)
    members[0]["role"] = "chair"
    members[1]["role"] = "vice_chair"
    committee = committees.elect_committee(trusted(world.staff), meeting, members, elected_on, 5)
    assert committee.term_ends == dt.date(2031, 12, 29)
    assert committee.filing_due == elected_on + dt.timedelta(30)
    assert committee_reports.filing_state(committee, elected_on + dt.timedelta(30)) == "due"
    assert committee_reports.filing_state(committee, elected_on + dt.timedelta(31)) == "overdue"
    refused(
        lambda: committees.elect_committee(
            trusted(world.staff), meeting, people(world, 5), elected_on, 5
        ),
        "已有在任的业主委员会",
    )
    committee = committees.file_committee(
        trusted(world.staff), committee, elected_on + dt.timedelta(31)
    )
    assert committee_reports.filing_state(committee) == "late"
    refused(
        lambda: committees.file_committee(trusted(world.staff), committee, elected_on), "已备案"
    )
    # roles: one chair only
    chair, vice = committees.current_members(committee)[:2]
    refused(lambda: committees.set_role(trusted(world.staff), vice, "chair"), "只能有一名主任")
    # replacement keeps the history and the number of seats
    newcomer = Owner.create(unit=world.compound, name="新委员")
    refused(
        lambda: committees.replace_member(
            trusted(world.staff), vice, "新委员", newcomer, elected_on, ""
        ),
        "请填写原因",
    )
    new = committees.replace_member(
        trusted(world.staff), vice, "新委员", newcomer, dt.date(2027, 6, 1), "辞职"
    )
    assert (new.role, new.replaces_id) == ("vice_chair", vice.id)
    old = reload(vice)
    assert (old.ended_on, old.end_reason) == (dt.date(2027, 6, 1), "辞职")
    assert len(committees.current_members(committee)) == 5
    assert CommitteeMember.select().where(CommitteeMember.committee == committee.id).count() == 6


@pytest.mark.awkward_days
def test_term_expiry_alerts_and_overdue_items(world, app):
    from core.notifications import Notification
    from plugins.owners import linli_overdue_items as overdue_items

    meeting = election(world)
    members = people(world, 5)
    elected_on = today() - dt.timedelta(days=5 * 365 - 30)  # ends within 90 days
    committee = committees.elect_committee(trusted(world.staff), meeting, members, elected_on, 5)
    assert committee_reports.term_state(committee) == "ending_soon"
    district = TerritoryUnit.get_by_id(world.compound.district_id)

    def of_committee():  # the election meeting's own dates lie on the fixture's fixed days
        return [i.title for i in overdue_items(district) if committee.name in i.title]

    assert of_committee() == [f"业主委员会未按期备案：{committee.name}"]
    alerts = Notification.select().where(Notification.kind == "deadline_soon")
    assert alerts.count() >= 1
    assert all(a.user_id != world.users[0].id for a in alerts)  # staff, not owners
    assert f"{committee.name}任期将于" in alerts.first().title
    overdue_items(district)  # a second daily run sends nothing new
    assert (
        Notification.select().where(Notification.kind == "deadline_soon").count() == alerts.count()
    )
    committees.file_committee(trusted(world.staff), committee, today())
    assert of_committee() == []


def test_interim_property_management_committee(world):
    before = counts()
    rc = {"name": "居委会代表", "source": "residents_committee", "role": "chair"}
    owners = people(world, 4)
    refused(
        lambda: committees.form_interim_committee(
            trusted(world.staff),
            world.compound,
            [rc, *owners, {"name": "街道", "source": "street"}],
            DAY,
            3,
        ),
        "物业管理委员会由 7 人以上单数组成",
    )
    seven = [
        rc,
        *owners,
        {"name": "街道", "source": "street"},
        {"name": "开发商", "source": "developer"},
    ]
    refused(
        lambda: committees.form_interim_committee(
            trusted(world.staff),
            world.compound,
            [*seven, {"name": "物业", "source": "other"}, {"name": "派出所", "source": "other"}],
            DAY,
            3,
        ),
        "业主代表不得少于成员的一半",
    )
    no_rc_chair = [
        {**rc, "role": "member"},
        *owners,
        {"name": "街道", "source": "street"},
        {"name": "开发商", "source": "developer"},
    ]
    no_rc_chair[1] = {**no_rc_chair[1], "role": "chair"}
    refused(
        lambda: committees.form_interim_committee(
            trusted(world.staff), world.compound, no_rc_chair, DAY, 3
        ),
        "由居民委员会代表担任主任",
    )
    assert counts() == before
    pmc = committees.form_interim_committee(trusted(world.staff), world.compound, seven, DAY, 3)
    assert pmc.kind == "interim" and pmc.seats == 7 and pmc.filing_due is None
    assert pmc.term_ends == dt.date(2029, 11, 30)
    refused(
        lambda: committees.form_interim_committee(
            trusted(world.staff), world.compound, seven, DAY, 3
        ),
        "已有在任的委员会",
    )
