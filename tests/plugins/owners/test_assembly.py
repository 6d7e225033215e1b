"""The residents' committee told of a meeting and its opinion, provisional meetings requested
by owners, results published on the community's notice board with the overdue state, and the
dry-run calculator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from core.models import TerritoryUnit
from core.services import ServiceError
from core.workdays import today
from plugins.owners.assembly import reports, services
from plugins.owners.assembly.models import Matter, Meeting, ProvisionalRequest, ProvisionalRequester
from plugins.owners.committees import services as committees

from .conftest import DAY, reload, trusted


def refused(call, contains):
    with pytest.raises(ServiceError) as exc:
        call()
    assert contains in str(exc.value), str(exc.value)


def test_notice_without_telling_the_residents_committee_is_refused(world):
    meeting = world.meeting(told=False)
    refused(
        lambda: services.notice(trusted(world.staff), meeting, on=DAY), "请先告知社区居民委员会"
    )
    assert reload(meeting).status == "draft"
    # told only after the notice day does not count
    committees.tell_residents_committee(
        trusted(world.staff), meeting, "长青社区居委会", DAY + dt.timedelta(1)
    )
    refused(
        lambda: services.notice(trusted(world.staff), meeting, on=DAY), "请先告知社区居民委员会"
    )
    assert reload(meeting).status == "draft"
    committees.tell_residents_committee(trusted(world.staff), meeting, "长青社区居委会", DAY)
    assert services.notice(trusted(world.staff), meeting, on=DAY).status == "noticed"


def test_the_residents_committee_opinion_is_recorded_once_with_its_date(world):
    meeting = world.meeting("noticed")
    [told] = committees.notices_of(meeting)
    refused(
        lambda: committees.record_opinion(trusted(world.staff), told, "  ", DAY),
        "请填写居委会的意见",
    )
    refused(
        lambda: committees.record_opinion(
            trusted(world.staff), told, "同意", DAY - dt.timedelta(1)
        ),
        "意见日期不能早于告知日期",
    )
    assert reload(told).opinion_on is None
    done = committees.record_opinion(
        trusted(world.staff), told, "同意召开，建议增加线下投票点", DAY + dt.timedelta(2)
    )
    assert (done.opinion, done.opinion_on) == (
        "同意召开，建议增加线下投票点",
        DAY + dt.timedelta(2),
    )
    refused(lambda: committees.record_opinion(trusted(world.staff), done, "改意见", DAY), "已记录")
    assert reload(told).opinion == "同意召开，建议增加线下投票点"


def _request(world):
    return services.request_provisional(
        trusted(world.staff), world.compound, "提前解聘物业", reason="服务差"
    )


def test_provisional_meeting_below_the_threshold_is_refused(world, app):
    from core.registry import kernel_state

    # 3 heads, 300 m²; 20% of heads = 0.6 head, so 1 owner suffices by heads, but set 50%
    kernel_state().settings.set(world.compound.district_id, "owners", "provisional_percent", 50)
    request = _request(world)
    services.add_requester(
        trusted(world.staff), request, world.owners[1], DAY
    )  # unit 2: 50 m², 1 head
    refused(
        lambda: services.add_requester(trusted(world.staff), request, world.owners[1], DAY),
        "已签名",
    )
    meetings_before = Meeting.select().count()
    refused(
        lambda: services.accept_provisional(
            trusted(world.staff), request, DAY + dt.timedelta(20), DAY + dt.timedelta(25)
        ),
        "提议业主 1 / 3 人（面积 50.00 / 300.00 平方米），召开临时会议须 50% 以上的业主提议",
    )
    assert Meeting.select().count() == meetings_before
    assert reload(request).status == "collecting"
    # the co-owner of the same unit adds no head; the owner of units 0 and 1 does: 2 of 3
    services.add_requester(trusted(world.staff), request, world.owners[2], DAY)
    assert reports.request_support(request)["heads"] == 1
    services.add_requester(trusted(world.staff), request, world.owners[0], DAY)
    support = reports.request_support(request)
    assert (support["heads"], support["area"]) == (2, Decimal("250.00"))
    meeting = services.accept_provisional(
        trusted(world.staff), request, DAY + dt.timedelta(20), DAY + dt.timedelta(25), on=DAY
    )
    assert meeting.status == "draft" and meeting.title == "提前解聘物业"
    request = reload(request)
    assert (request.status, request.meeting_id) == ("accepted", meeting.id)
    refused(
        lambda: services.add_requester(trusted(world.staff), request, world.owners[0], DAY),
        "已受理",
    )
    assert (
        ProvisionalRequester.select().where(ProvisionalRequester.request == request.id).count() == 3
    )


def test_provisional_threshold_basis_area_and_heads(world, app):
    from core.registry import kernel_state

    settings = kernel_state().settings
    settings.set(world.compound.district_id, "owners", "provisional_basis", "area_and_heads")
    settings.set(world.compound.district_id, "owners", "provisional_percent", 20)
    request = _request(world)
    # the developer: 50 of 300 m² (16.7% < 20%) though 1 of 3 heads (33%)
    services.add_requester(trusted(world.staff), request, world.developer, DAY)
    support = reports.request_support(request)
    assert (support["by_heads"], support["by_area"], support["accepted"]) == (True, False, False)
    refused(
        lambda: services.accept_provisional(
            trusted(world.staff), request, DAY + dt.timedelta(20), DAY + dt.timedelta(25)
        ),
        "召开临时会议须 20% 以上的业主提议",
    )
    settings.set(world.compound.district_id, "owners", "provisional_basis", "heads")
    assert reports.request_support(request)["accepted"] is True
    assert ProvisionalRequest.select().where(ProvisionalRequest.unit == world.compound).count() == 1


def test_results_are_published_on_the_notice_board_and_overdue_is_visible(world, app):
    from core.publicity import Publication

    meeting = world.meeting("voting_open")
    matter = Matter.get((Matter.meeting == meeting.id) & (Matter.item == "4"))
    day = world.vote_day(meeting)
    services.cast(trusted(world.users[0]), world.owners[0], matter, "agree", on=day)
    services.cast(trusted(world.users[1]), world.owners[1], matter, "agree", on=day)
    meeting = services.close_voting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    tallied_on = today() - dt.timedelta(5)
    meeting = services.tally_meeting(trusted(world.staff), meeting, on=tallied_on)
    assert meeting.publish_due == tallied_on + dt.timedelta(3)
    assert reports.publication_state(meeting) == "overdue"
    district = TerritoryUnit.get_by_id(world.compound.district_id)
    assert [m.id for m in reports.overdue_publications(district)] == [meeting.id]
    meeting = services.publish(trusted(world.staff), meeting, on=today())
    assert reports.publication_state(meeting) == "late"
    assert reports.overdue_publications(district) == []
    # the test compound's notices only (the demo compound publishes fund and joint-meeting ones)
    [notice] = Publication.select().where(
        (Publication.plugin == "owners") & (Publication.unit == world.compound.id)
    )
    assert notice.title == "业主大会表决结果公告：测试业主大会"
    assert notice.state == "published" and notice.target_id == str(meeting.id)
    assert "事项4：通过" in notice.body and "参与表决面积 250 / 300 平方米" in notice.body


def test_the_dry_run_calculator_includes_the_boundary(world):
    # exactly two thirds take part and exactly three quarters agree: a special matter passes
    got = services.calculate("special", "300", "3", "200", "2", "150", "2")
    assert got["quorate_area"] and got["quorate_heads"] and got["result"] == "passed"
    # exactly half agrees: an ordinary matter needs more than half
    got = services.calculate("ordinary", "300", "4", "300", "4", "150", "3")
    assert (got["approved_area"], got["result"]) == (False, "rejected")
    got = services.calculate("ordinary", "300", "3", "199.99", "2", "199.99", "2")
    assert got["result"] == "not_quorate" and got["missing_area"] == Fraction(1, 100)
    refused(lambda: services.calculate("ordinary", "300", "3", "abc", "2", "1", "1"), "请输入数字")
    refused(
        lambda: services.calculate("ordinary", "300", "3", "100", "2", "200", "1"),
        "同意不能超过参与表决",
    )
