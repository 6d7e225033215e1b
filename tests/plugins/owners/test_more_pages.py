"""The admin pages, portal and public pages added on branch ow-ballots, as a user sees them:
Chinese messages, nothing changed on refusal, and another community's records out of reach."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from core.workdays import today
from plugins.owners.assembly import reports, services
from plugins.owners.assembly.models import Matter, Meeting, PaperEntry, Proxy
from plugins.owners.committees.models import Committee, ResidentsCommitteeNotice
from plugins.owners.committees.services import tell_residents_committee
from tests.conftest import csrf_token, login, make_user

from .conftest import COMMUNITY, own_ballots, trusted

OTHER = "990101001001"  # 幸福社区
PDF = b"%PDF-1.4 signed"


def client_of(app, username, password="Passw0rd-long"):
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    return client


def open_meeting(world, items=("4",)) -> Meeting:
    now = today()
    meeting = Meeting.create(
        unit=world.compound,
        title="年度会议",
        opens_on=now - dt.timedelta(1),
        closes_on=now + dt.timedelta(5),
    )
    for item in items:
        services.add_matter(trusted(world.staff), meeting, f"事项{item}", item)
    tell_residents_committee(
        trusted(world.staff), meeting, "长青社区居委会", now - dt.timedelta(16)
    )
    meeting = services.notice(trusted(world.staff), meeting, on=now - dt.timedelta(16))
    return services.open_voting(trusted(world.staff), meeting, on=now)


def post(client, url, data, files=None):
    page = client.get(url).get_data(as_text=True)
    payload = {**data, "csrf_token": csrf_token(page)}
    if files:
        payload.update(files)
    return client.post(url, data=payload, follow_redirects=True, content_type=None).get_data(
        as_text=True
    )


def test_staff_record_a_proxy_only_with_an_authorisation_and_the_proxy_votes_on_the_portal(
    app, world
):
    meeting = open_meeting(world)
    matter = Matter.get(Matter.meeting == meeting.id)
    make_user("agent", "resident", COMMUNITY)
    staff = client_of(app, "cstaff")
    data = {
        "meeting": str(meeting.id),
        "owner": str(world.owners[0].id),
        "proxy_name": "王五",
        "proxy_login": "agent",
    }
    page = post(staff, "/admin/owners/proxy/new/", data)
    assert "委托投票须上传业主签署的委托书" in page
    assert Proxy.select().count() == 0
    page = post(
        staff,
        "/admin/owners/proxy/new/",
        data,
        {"authorisation": (io.BytesIO(PDF), "委托书.pdf", "application/pdf")},
    )
    assert "已保存" in page and "委托书.pdf" in page
    proxy = Proxy.get()
    agent = client_of(app, "agent")
    index = agent.get("/portal/owners/").get_data(as_text=True)
    assert "受托投票" in index and "代 业主0 投票" in index
    url = f"/portal/owners/proxy/{proxy.id}"
    page = agent.get(url).get_data(as_text=True)
    assert "您正在作为 业主0 的受托人投票" in page
    page = agent.post(
        url,
        data={f"matter-{matter.id}": "agree", "csrf_token": csrf_token(page)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "您的表决票已记录" in page
    rows = list(own_ballots())
    assert len(rows) == 2 and all(r.receipt in page for r in rows)
    # the owner cannot vote over the proxy
    owner = client_of(app, "owner0")
    url = f"/portal/owners/meeting/{meeting.id}"
    page = owner.get(url).get_data(as_text=True)
    page = owner.post(
        url,
        data={f"matter-{matter.id}": "disagree", "csrf_token": csrf_token(page)},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "您已委托他人投票" in page
    assert own_ballots().count() == 2
    # someone else's proxy page is not found
    assert client_of(app, "owner1").get(f"/portal/owners/proxy/{proxy.id}").status_code == 404


def test_paper_ballot_pages_refuse_the_same_person_twice(app, world):
    meeting = open_meeting(world)
    matter = Matter.get(Matter.meeting == meeting.id)
    staff = client_of(app, "cstaff")
    url = f"/admin/owners/paper_entry/new/?meeting={meeting.id}"
    data = {
        "sheet": "P-1",
        "premises": str(world.units[2].id),
        "owner": str(world.owners[1].id),
        "proxy": "0",
        "signed_on": today().isoformat(),
        f"matter-{matter.id}": "agree",
    }
    page = post(staff, url, data)
    assert "请由另一人再次录入" in page
    page = post(staff, url, data)
    assert "书面表决票的第二次录入须由另一人进行" in page
    assert PaperEntry.select().count() == 1 and own_ballots().count() == 0
    make_user("clerk", "community_staff", COMMUNITY)
    clerk = client_of(app, "clerk")
    page = post(clerk, url, {**data, f"matter-{matter.id}": "disagree"})
    assert "两次录入不一致" in page and "录入不一致：待第三人核对" in page
    assert own_ballots().count() == 0
    make_user("clerk3", "community_staff", COMMUNITY)
    third = client_of(app, "clerk3")
    page = post(third, f"/admin/owners/paper_entry/resolve/?meeting={meeting.id}&sheet=P-1", data)
    assert "两次录入一致，表决票已计入" in page and "已对照纸质票裁定" in page
    assert reports.latest_ballots(matter) == {world.units[2].id: "agree"}
    listing = staff.get("/admin/owners/ballot_log/").get_data(as_text=True)
    assert "书面表决票" in listing.split("<tbody")[-1]


def test_calculator_page_shows_pass_and_fail_per_threshold(app, world):
    staff = client_of(app, "cstaff")
    page = staff.get(f"/admin/owners/calculator/?compound={world.compound.id}").get_data(
        as_text=True
    )
    assert "300.00" in page and "“以上”包括本数" in page
    page = post(
        staff,
        "/admin/owners/calculator/",
        {
            "kind": "special",
            "total_area": "300",
            "total_heads": "3",
            "participating_area": "200",
            "participating_heads": "2",
            "agree_area": "150",
            "agree_heads": "1",
        },
    )
    table = page.split('id="owners-table"')[1]
    rows = [r for r in table.split("<tr>")[2:]]
    assert "参与表决（面积）" in rows[0] and "达到" in rows[0]  # 200 of 300: exactly 2/3
    assert "同意（面积）" in rows[2] and "达到" in rows[2]  # 150 of 200: exactly 3/4
    assert "同意（人数）" in rows[3] and "未达到" in rows[3]  # 1 of 2
    assert "未通过" in rows[4]
    page = post(
        staff,
        "/admin/owners/calculator/",
        {
            "kind": "ordinary",
            "total_area": "300",
            "total_heads": "3",
            "participating_area": "100",
            "participating_heads": "2",
            "agree_area": "200",
            "agree_heads": "1",
        },
    )
    assert "同意不能超过参与表决" in page and 'id="owners-table"' not in page


def test_an_even_committee_through_the_admin_page_changes_nothing(app, world):
    from plugins.owners.register.models import Owner

    meeting = open_meeting(world, items=("3",))
    matter = Matter.get(Matter.meeting == meeting.id)
    services.cast(trusted(world.users[0]), world.owners[0], matter, "agree")
    services.cast(trusted(world.users[1]), world.owners[1], matter, "agree")
    Meeting.update(closes_on=today() - dt.timedelta(1)).where(Meeting.id == meeting.id).execute()
    meeting = services.close_voting(trusted(world.staff), Meeting.get_by_id(meeting.id))
    services.tally_meeting(trusted(world.staff), meeting)
    for n in range(4):
        Owner.create(unit=world.compound, name=f"候选{n}")
    staff = client_of(app, "cstaff")
    data = {
        "meeting": str(meeting.id),
        "elected_on": today().isoformat(),
        "term_years": "5",
        "members": "候选0,chair\n候选1\n候选2\n候选3",
    }
    page = post(staff, "/admin/owners/committee/new/", data)
    assert "业主委员会成员须为单数，4 人为双数" in page
    assert not Committee.select().where(Committee.unit == world.compound).exists()
    page = post(
        staff, "/admin/owners/committee/new/", {**data, "members": "候选0,chair\n候选1\n候选2"}
    )
    assert "已保存" in page
    committee = Committee.get(Committee.unit == world.compound)
    listing = staff.get("/admin/owners/committee/").get_data(as_text=True)
    assert committee.name in listing and "待办" in listing  # filing due, not yet overdue


def test_residents_committee_opinion_page_and_meeting_overdue_column(app, world):
    meeting = Meeting.create(
        unit=world.compound,
        title="待公告会议",
        opens_on=today() + dt.timedelta(20),
        closes_on=today() + dt.timedelta(25),
    )
    services.add_matter(trusted(world.staff), meeting, "事项", "9")
    staff = client_of(app, "cstaff")
    page = post(
        staff,
        "/admin/owners/rc_notice/new/",
        {
            "meeting": str(meeting.id),
            "committee_name": "长青社区居委会",
            "notified_on": today().isoformat(),
        },
    )
    assert "已保存" in page
    notice = ResidentsCommitteeNotice.get(ResidentsCommitteeNotice.unit == world.compound)
    page = post(
        staff,
        f"/admin/owners/rc_notice/opinion/?id={notice.id}",
        {"opinion": "同意", "opinion_on": (today() - dt.timedelta(3)).isoformat()},
    )
    assert "意见日期不能早于告知日期" in page
    assert ResidentsCommitteeNotice.get_by_id(notice.id).opinion == ""
    page = post(
        staff,
        f"/admin/owners/rc_notice/opinion/?id={notice.id}",
        {"opinion": "同意", "opinion_on": today().isoformat()},
    )
    assert ResidentsCommitteeNotice.get_by_id(notice.id).opinion == "同意"
    Meeting.update(status="tallied", publish_due=today() - dt.timedelta(1)).where(
        Meeting.id == meeting.id
    ).execute()
    listing = staff.get("/admin/owners/meeting/").get_data(as_text=True)
    assert "已超期" in listing


def test_another_communitys_records_are_out_of_reach(app, world):
    meeting = open_meeting(world)
    proxy = services.authorise(
        trusted(world.staff), meeting, world.owners[0], "王五", (PDF, "a.pdf", "")
    )
    notice = ResidentsCommitteeNotice.get(ResidentsCommitteeNotice.unit == world.compound)
    make_user("ostaff", "community_staff", OTHER)
    other = client_of(app, "ostaff")
    for url in ("/admin/owners/proxy/", "/admin/owners/rc_notice/", "/admin/owners/paper_entry/"):
        page = other.get(url).get_data(as_text=True)
        assert "王五" not in page and "长青社区居委会" not in page, url
    page = other.get(f"/admin/owners/proxy/vote/?id={proxy.id}", follow_redirects=True)
    assert "该记录不存在，或您无权修改" in page.get_data(as_text=True)
    page = other.get(f"/admin/owners/rc_notice/opinion/?id={notice.id}", follow_redirects=True)
    assert "该记录不存在，或您无权修改" in page.get_data(as_text=True)
    page = other.get(f"/admin/owners/paper_entry/new/?meeting={meeting.id}").get_data(as_text=True)
    assert "年度会议" not in page
    page = other.get(f"/admin/owners/calculator/?compound={world.compound.id}").get_data(
        as_text=True
    )
    assert "测试小区" not in page
    assert other.get(f"/admin/owners/proxy/details/?id={proxy.id}").status_code in (302, 403, 404)


def test_the_public_ballot_list_and_csv_after_publication_only(app, world):
    meeting = world.meeting("voting_open")
    matter = Matter.get((Matter.meeting == meeting.id) & (Matter.item == "4"))
    day = world.vote_day(meeting)
    services.cast(trusted(world.users[0]), world.owners[0], matter, "agree", on=day)
    services.cast(trusted(world.users[1]), world.owners[1], matter, "disagree", on=day)
    meeting = services.close_voting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    meeting = services.tally_meeting(trusted(world.staff), meeting, on=today())
    anonymous = app.test_client()
    url = f"/public/owners/ballots/{meeting.id}"
    assert anonymous.get(url + "?district=990101").status_code == 404  # not yet published
    assert anonymous.get(url + ".csv?district=990101").status_code == 404
    services.publish(trusted(world.staff), meeting, on=today())
    page = anonymous.get(url + "?district=990101").get_data(as_text=True)
    assert "匿名表决票明细" in page
    receipts = [r.receipt for r in own_ballots()]
    assert all(r in page for r in receipts)
    assert "业主0" not in page and "101室" not in page
    assert "结果：未通过" in page
    text = anonymous.get(url + ".csv?district=990101").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["receipt"] for r in rows if r["matter"] == str(matter.id)) == sorted(receipts)
    assert {r["area"] for r in rows if r["choice"] == "agree"} == {"100.00"}
    heads = {r["head"] for r in rows if r["choice"] == "agree"}
    assert len(heads) == 1  # owner 0's two units count as one head
    tally = json.loads(Matter.get_by_id(matter.id).tally)
    assert tally["participating"]["heads"] == len(
        {r["head"] for r in rows if r["matter"] == str(matter.id)}
    )
    # the result notice on the community's board links the list
    board = anonymous.get(f"/public/{COMMUNITY}/").get_data(as_text=True)
    assert "业主大会表决结果公告：测试业主大会" in board


def test_demo_data_shows_the_new_parts(app, world):
    from core.models import TerritoryUnit
    from plugins.owners.assembly.models import ProvisionalRequest
    from plugins.owners.committees import services as committees
    from plugins.owners.committees.models import PreparatoryGroup

    compound = TerritoryUnit.get(TerritoryUnit.name == "幸福家园小区")
    meeting = Meeting.get(Meeting.unit == compound)
    [told] = ResidentsCommitteeNotice.select().where(ResidentsCommitteeNotice.meeting == meeting.id)
    assert told.opinion.startswith("同意召开")
    request = ProvisionalRequest.get(ProvisionalRequest.unit == compound)
    from plugins.owners.assembly.services import request_support

    assert request_support(request)["accepted"] is False  # 1 of 7 owners: below 20%
    assert PreparatoryGroup.get(PreparatoryGroup.unit == compound).due_on is not None
    old = TerritoryUnit.get(TerritoryUnit.name == "和平里老旧小区")
    pmc = committees.active_committee(old.id)
    assert pmc.kind == "interim" and len(committees.current_members(pmc)) == 7


def test_provisional_request_pages_refuse_acceptance_below_the_threshold(app, world):
    from plugins.owners.assembly.models import ProvisionalRequest

    staff = client_of(app, "cstaff")
    page = post(
        staff,
        "/admin/owners/provisional_request/new/",
        {"unit": str(world.compound.id), "title": "更换物业", "reason": ""},
    )
    request = ProvisionalRequest.get(ProvisionalRequest.unit == world.compound)
    from core.registry import kernel_state

    kernel_state().settings.set(world.compound.district_id, "owners", "provisional_percent", 50)
    page = post(
        staff,
        f"/admin/owners/provisional_request/sign/?id={request.id}",
        {"owner": str(world.owners[1].id), "signed_on": today().isoformat()},
    )
    assert "1 / 3 人" in page
    meetings_before = Meeting.select().count()
    page = post(
        staff,
        f"/admin/owners/provisional_request/accept/?id={request.id}",
        {
            "opens_on": (today() + dt.timedelta(20)).isoformat(),
            "closes_on": (today() + dt.timedelta(25)).isoformat(),
        },
    )
    assert "召开临时会议须 50% 以上的业主提议" in page
    assert Meeting.select().count() == meetings_before
    assert ProvisionalRequest.get_by_id(request.id).status == "collecting"


# -- printed notice and resolution (core.printing) ----------------------------------------


def test_the_meeting_notice_and_resolution_print_with_the_tally(app, world):
    from core.testing.printed import pdf_text

    meeting = world.meeting("voting_open")
    ordinary = Matter.get((Matter.meeting == meeting.id) & (Matter.item == "4"))
    day = world.vote_day(meeting)
    services.cast(trusted(world.users[0]), world.owners[0], ordinary, "agree", on=day)
    services.cast(trusted(world.users[1]), world.owners[1], ordinary, "disagree", on=day)
    meeting = services.close_voting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    meeting = services.tally_meeting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(2)
    )
    client = client_of(app, "cstaff")
    details = client.get(f"/admin/owners/meeting/details/?id={meeting.id}").get_data(as_text=True)
    assert "打印 · 业主大会会议公告" in details and "PDF · 业主大会决议" in details
    notice = client.get(f"/admin/owners/meeting/print/notice/?id={meeting.id}")
    text = notice.get_data(as_text=True)
    assert "测试业主大会 业主大会会议公告" in text and "事项4" in text and "测试小区" in text
    url = f"/admin/owners/meeting/print/resolution/?id={meeting.id}"
    text = client.get(url).get_data(as_text=True)
    assert "业主大会决议" in text and "事项4：未通过" in text
    assert 'class="table table-sm table-bordered mb-1 tally"' in text  # the details' table
    pdf = client.get(url + "&format=pdf")
    assert "filename*=UTF-8''" in pdf.headers["Content-Disposition"]
    words = pdf_text(pdf, squeeze=True)
    assert "业主大会决议" in words and "事项4：未通过" in words and "第1页共1页" in words
    make_user("ostaff_print", "community_staff", OTHER)
    other = client_of(app, "ostaff_print")
    for path in ("notice", "resolution"):
        assert other.get(f"/admin/owners/meeting/print/{path}/?id={meeting.id}").status_code == 404
    assert other.get(url + "&format=pdf").status_code == 404
