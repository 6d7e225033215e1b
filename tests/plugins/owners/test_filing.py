"""备案: the published decisions of a meeting are filed with the community (residents'
committee) and the street office, the last state of a meeting (《物业管理条例》第二十条)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.services import ServiceError
from core.workdays import today
from plugins.owners import linli_overdue_items as overdue_items
from plugins.owners.assembly import services
from plugins.owners.assembly.models import Matter, Meeting
from tests.conftest import csrf_token

from .conftest import DAY, TerritoryUnit, reload, trusted
from .test_pages import _endpoint


def _state(meeting):
    m = reload(meeting)
    return (m.status, m.filed_on, m.filed_with)


def test_published_decisions_are_filed_with_the_community_and_the_street(world):
    meeting = world.meeting("published")
    filed = services.file_decisions(trusted(world.staff), meeting, on=DAY + dt.timedelta(25))
    assert filed.status == "filed"
    assert filed.filed_on == DAY + dt.timedelta(25)
    community = TerritoryUnit.get_by_id(world.compound.parent_id)
    street = TerritoryUnit.get_by_id(community.parent_id)
    assert filed.filed_with == f"{community.name}、{street.name}"
    # the results stay public and the ballot box stays shut
    matter = Matter.get(Matter.meeting == meeting.id)
    with pytest.raises(ServiceError, match="不在表决期间"):
        services.cast(
            trusted(world.users[0]), world.owners[0], matter, "agree", on=world.vote_day(meeting)
        )


def test_filing_before_publication_or_twice_is_refused_and_changes_nothing(world):
    tallied = world.meeting("tallied")
    before = _state(tallied)
    with pytest.raises(ServiceError, match="当前状态下不能进行此操作"):
        services.file_decisions(trusted(world.staff), tallied, on=DAY + dt.timedelta(25))
    assert _state(tallied) == before

    published = world.meeting("published")
    before = _state(published)
    with pytest.raises(ServiceError, match="决定不能早于公布日期备案"):
        services.file_decisions(trusted(world.staff), published, on=DAY + dt.timedelta(22))
    assert _state(published) == before

    services.file_decisions(trusted(world.staff), published, on=DAY + dt.timedelta(24))
    filed = _state(published)
    with pytest.raises(ServiceError, match="当前状态下不能进行此操作"):
        services.file_decisions(trusted(world.staff), reload(published), on=DAY + dt.timedelta(26))
    assert _state(published) == filed


@pytest.mark.awkward_days
def test_decisions_not_filed_in_time_are_overdue_until_filed(world):
    meeting = world.meeting("published")
    district = TerritoryUnit.get_by_id(world.compound.district_id)
    yesterday = today() - dt.timedelta(days=1)  # the fixture's dates are fixed days
    Meeting.update(published_on=yesterday).where(Meeting.id == meeting.id).execute()
    assert not [i for i in overdue_items(district) if "业主大会决定未备案" in i.title]
    published_on = today() - dt.timedelta(days=40)  # the default period is 30 days
    Meeting.update(published_on=published_on).where(Meeting.id == meeting.id).execute()
    late = [i for i in overdue_items(district) if "业主大会决定未备案" in i.title]
    assert [(i.title, i.due) for i in late] == [
        (f"业主大会决定未备案：{meeting.title}", published_on + dt.timedelta(days=30))
    ]
    services.file_decisions(trusted(world.staff), reload(meeting), on=today())
    assert not [i for i in overdue_items(district) if "业主大会决定未备案" in i.title]


def test_staff_file_the_decisions_from_the_meeting_list(app, world, admin):
    meeting = world.meeting("published")  # the fixture's dates lie ahead: published yesterday
    yesterday = today() - dt.timedelta(days=1)
    Meeting.update(published_on=yesterday).where(Meeting.id == meeting.id).execute()
    tallied = world.meeting("tallied")
    listing_url = f"/admin/{_endpoint('meeting')}/"
    listing = admin.get(listing_url).get_data(as_text=True)
    assert "决定备案" in listing
    page = admin.post(
        f"{listing_url}action/",
        data={
            "action": "file",
            "rowid": [str(meeting.id), str(tallied.id)],
            "csrf_token": csrf_token(listing),
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert reload(meeting).status == "filed"
    assert reload(tallied).status == "tallied"  # refused, with its title named
    assert f"{tallied.title}: 会议当前状态下不能进行此操作" in page
    details = admin.get(f"{listing_url}details/?id={meeting.id}").get_data(as_text=True)
    assert "已备案" in details
