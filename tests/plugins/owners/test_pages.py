"""The portal page where an owner votes, the admin views and the demo data."""

from __future__ import annotations

import datetime as dt

from core.workdays import today
from plugins.owners.assembly import services
from plugins.owners.assembly.models import Matter, Meeting
from plugins.owners.committees.services import tell_residents_committee
from plugins.owners.register.models import Owner, Ownership, Premises
from plugins.owners.register.services import holdings
from tests.conftest import csrf_token, login

from .conftest import own_ballots, trusted


def client_of(app, username, password="Passw0rd-long"):
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    return client


def open_meeting(world) -> Meeting:
    """A meeting whose voting is open today (noticed 16 days ago)."""
    now = today()
    meeting = Meeting.create(
        unit=world.compound,
        title="年度会议",
        opens_on=now - dt.timedelta(1),
        closes_on=now + dt.timedelta(5),
    )
    services.add_matter(trusted(world.staff), meeting, "续聘物业", "4")
    tell_residents_committee(
        trusted(world.staff), meeting, "长青社区居委会", now - dt.timedelta(16)
    )
    meeting = services.notice(trusted(world.staff), meeting, on=now - dt.timedelta(16))
    return services.open_voting(trusted(world.staff), meeting, on=now)


def test_owner_votes_on_the_portal_changes_the_vote_and_sees_receipts(app, world):
    meeting = open_meeting(world)
    matter = Matter.get(Matter.meeting == meeting.id)
    client = client_of(app, "owner0")
    index = client.get("/portal/owners/").get_data(as_text=True)
    assert "年度会议" in index
    url = f"/portal/owners/meeting/{meeting.id}"
    page = client.get(url).get_data(as_text=True)
    assert "续聘物业" in page and "101室" in page and "102室" in page
    response = client.post(
        url,
        data={f"matter-{matter.id}": "agree", "csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "您的表决票已记录" in page
    receipts = [r.receipt for r in own_ballots()]
    assert len(receipts) == 2 and all(r in page for r in receipts)
    again = client.post(
        url,
        data={f"matter-{matter.id}": "agree", "csrf_token": csrf_token(page)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "您已投过相同的票" in again
    assert own_ballots().count() == 2
    assert "参与表决" not in again  # no results while voting is open


def test_someone_elses_meeting_is_not_found(app, world):
    meeting = open_meeting(world)
    from tests.conftest import make_user

    make_user("stranger", "resident", "990101002001")
    client = client_of(app, "stranger")
    assert client.get(f"/portal/owners/meeting/{meeting.id}").status_code == 404
    assert "您尚未登记为业主" in client.get("/portal/owners/").get_data(as_text=True)


def test_admin_views_list_and_hide_choices_until_close(app, world, admin):
    meeting = open_meeting(world)
    matter = Matter.get(Matter.meeting == meeting.id)
    services.cast(trusted(world.users[0]), world.owners[0], matter, "agree")
    for path in ("owner", "premises", "ownership", "meeting", "matter", "ballot_log"):
        assert admin.get(f"/admin/{_endpoint(path)}/").status_code == 200, path
    page = admin.get(f"/admin/{_endpoint('ballot_log')}/").get_data(as_text=True)
    # the test's ballot hides its choice (the demo's tallied meeting shows its own)
    mine = [row for row in page.split("<tbody")[-1].split("<tr") if matter.title in row]
    assert "表决结束前不公开" in page and mine and all("同意" not in row for row in mine)


def test_admin_refuses_to_edit_the_agenda_after_notice(app, world, admin):
    meeting = open_meeting(world)
    matter = Matter.get(Matter.meeting == meeting.id)
    url = f"/admin/{_endpoint('matter')}/edit/?id={matter.id}"
    page = admin.get(url).get_data(as_text=True)
    response = admin.post(
        url,
        data={
            "unit": str(world.compound.id),
            "meeting": str(meeting.id),
            "title": "改过的标题",
            "item": "4",
            "description": "",
            "csrf_token": csrf_token(page),
        },
        follow_redirects=True,
    )
    assert "议题不得变更" in response.get_data(as_text=True)
    assert Matter.get_by_id(matter.id).title == "续聘物业"


def test_demo_data_loads_a_compound_with_units(app, world):
    """The demo fixture has loaded the plugin's demo data in 幸福社区; loading it again adds
    nothing."""
    from core.models import TerritoryUnit, User
    from plugins.owners.demo import load

    compound = TerritoryUnit.get(TerritoryUnit.name == "幸福家园小区")
    assert len(holdings(compound)) == 12
    assert holdings(compound) and Meeting.get(Meeting.unit == compound).status == "draft"
    district = TerritoryUnit.get_by_id(compound.district_id)
    assert load(district, User.get(User.username == "admin")) == []
    # 7 sold units: 陈美华 holds two, 赵丽 and 孙伟 co-own one: 6 heads; the developer: 1
    from plugins.owners.register import rules

    assert rules.headcount(holdings(compound)) == 7


def _endpoint(name):
    return f"owners/{name}"


def test_admin_refuses_a_unit_outside_a_building_and_a_cross_compound_ownership(app, world, admin):
    from core import territory

    url = f"/admin/{_endpoint('premises')}/new/"
    page = admin.get(url).get_data(as_text=True)
    data = {"unit": str(world.compound.id), "number": "X-1", "area": "80", "area_source": "survey"}
    response = admin.post(url, data={**data, "csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "专有部分必须登记在楼栋下" in response.get_data(as_text=True)
    response = admin.post(
        url,
        data={**data, "unit": str(world.building.id), "area": "0", "csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert "专有部分面积必须大于零" in response.get_data(as_text=True)
    assert not Premises.select().where(Premises.number == "X-1").exists()

    other = territory.create_unit("T-XQ2", "另一小区", "compound", world.compound.parent)

    stranger = Owner.create(unit=other, name="外小区业主")
    url = f"/admin/{_endpoint('ownership')}/new/"
    page = admin.get(url).get_data(as_text=True)
    before = Ownership.select().count()
    response = admin.post(
        url,
        data={
            "unit": str(world.building.id),
            "premises": str(world.units[0].id),
            "owner": str(stranger.id),
            "csrf_token": csrf_token(page),
        },
        follow_redirects=True,
    )
    assert "业主和专有部分必须属于同一小区" in response.get_data(as_text=True)
    assert Ownership.select().count() == before


def test_admin_gives_notice_through_the_meeting_action(app, world, admin):
    near = Meeting.create(
        unit=world.compound,
        title="太近的会议",
        opens_on=today() + dt.timedelta(5),
        closes_on=today() + dt.timedelta(10),
    )
    services.add_matter(trusted(world.staff), near, "事项", "9")
    listing_url = f"/admin/{_endpoint('meeting')}/"
    listing = admin.get(listing_url).get_data(as_text=True)
    response = admin.post(
        f"{listing_url}action/",
        data={"action": "notice", "rowid": [str(near.id)], "csrf_token": csrf_token(listing)},
        follow_redirects=True,
    )
    assert "会议公告须在表决开始 15 日以前发布" in response.get_data(as_text=True)
    assert Meeting.get_by_id(near.id).status == "draft"
    far = Meeting.create(
        unit=world.compound,
        title="正常的会议",
        opens_on=today() + dt.timedelta(20),
        closes_on=today() + dt.timedelta(25),
    )
    services.add_matter(trusted(world.staff), far, "事项", "9")
    tell_residents_committee(trusted(world.staff), far, "长青社区居委会", today())
    response = admin.post(
        f"{listing_url}action/",
        data={"action": "notice", "rowid": [str(far.id)], "csrf_token": csrf_token(listing)},
        follow_redirects=True,
    )
    assert Meeting.get_by_id(far.id).status == "noticed"


def test_portal_shows_results_only_once_published(app, world):
    meeting = world.meeting("voting_open")
    matter = Matter.get((Matter.meeting == meeting.id) & (Matter.item == "4"))
    services.cast(
        trusted(world.users[0]), world.owners[0], matter, "agree", on=world.vote_day(meeting)
    )
    services.cast(
        trusted(world.users[1]), world.owners[1], matter, "agree", on=world.vote_day(meeting)
    )
    meeting = services.close_voting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    meeting = services.tally_meeting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    client = client_of(app, "owner1")
    url = f"/portal/owners/meeting/{meeting.id}"
    assert "参与表决" not in client.get(url).get_data(as_text=True)
    services.publish(trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(2))
    page = client.get(url).get_data(as_text=True)
    assert "结果：通过" in page
    assert "参与表决：面积 250 / 300 平方米，人数 2 / 3 人" in page


def test_admin_cannot_delete_a_matter_after_notice(app, world, admin):
    meeting = world.meeting("noticed")
    matter = Matter.get(Matter.meeting == meeting.id)
    listing = admin.get(f"/admin/{_endpoint('matter')}/").get_data(as_text=True)
    response = admin.post(
        f"/admin/{_endpoint('matter')}/delete/",
        data={"id": str(matter.id), "csrf_token": csrf_token(listing)},
        follow_redirects=True,
    )
    assert "议题不得变更" in response.get_data(as_text=True)
    assert Matter.get_or_none(Matter.id == matter.id) is not None
