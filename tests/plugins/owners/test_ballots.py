"""Proxies, paper ballots entered twice, the one-ballot-per-unit rule on every path, and the
published anonymised ballot list that anyone can recount. Every refusal: a Chinese message
and nothing changed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from decimal import Decimal

import pytest

from core.commands import Context
from core.models import AppendOnlyError
from core.services import ServiceError
from plugins.owners.assembly import reports, services
from plugins.owners.assembly.models import Matter, PaperEntry, Proxy
from tests.conftest import make_user

from .conftest import COMMUNITY, DAY, own_ballots, reload, trusted

PDF = b"%PDF-1.4 signed authorisation"


def refused(call, contains):
    with pytest.raises(ServiceError) as exc:
        call()
    assert contains in str(exc.value), str(exc.value)


def counts():
    return (own_ballots().count(), Proxy.select().count(), PaperEntry.select().count())


def matters(meeting):
    return {m.item: m for m in Matter.select().where(Matter.meeting == meeting.id)}


# -- proxies -----------------------------------------------------------------------------------


def test_a_proxy_without_an_authorisation_is_refused(world):
    meeting = world.meeting("noticed")
    before = counts()
    refused(
        lambda: services.authorise(trusted(world.staff), meeting, world.owners[0], "王五", None),
        "须上传业主签署的委托书",
    )
    refused(
        lambda: services.authorise(
            trusted(world.staff), meeting, world.owners[0], "王五", (b"", "a.pdf", "")
        ),
        "须上传业主签署的委托书",
    )
    # a file of a type the district does not allow, and one that only claims to be a PDF
    refused(
        lambda: services.authorise(
            trusted(world.staff),
            meeting,
            world.owners[0],
            "王五",
            (b"MZ\x90", "a.exe", "application/x"),
        ),
        "不允许上传该类型的文件",
    )
    refused(
        lambda: services.authorise(
            trusted(world.staff),
            meeting,
            world.owners[0],
            "王五",
            (b"not a pdf", "a.pdf", "application/pdf"),
        ),
        "不允许上传该类型的文件",
    )
    assert counts() == before


def test_a_too_large_authorisation_is_refused(world, app):
    from core.registry import kernel_state

    meeting = world.meeting("noticed")
    kernel_state().settings.set(world.compound.district_id, "owners", "proxy_max_kb", 100)
    refused(
        lambda: services.authorise(
            trusted(world.staff),
            meeting,
            world.owners[0],
            "王五",
            (PDF + b"0" * 200 * 1024, "a.pdf", ""),
        ),
        "文件超过 100 KB",
    )
    assert Proxy.select().count() == 0


def test_proxy_votes_for_all_the_owners_units_and_the_owner_cannot_vote_meanwhile(world):
    meeting = world.meeting("voting_open")
    matter = matters(meeting)["4"]
    day = world.vote_day(meeting)
    agent = make_user("agent", "resident", COMMUNITY)  # not an owner
    proxy = services.authorise(
        trusted(world.staff),
        meeting,
        world.owners[0],
        "王五",
        (PDF, "委托书.pdf", ""),
        proxy_user=agent,
    )
    stored = json.loads(proxy.authorisation)
    assert stored["content_type"] == "application/pdf" and stored["name"] == "委托书.pdf"
    refused(
        lambda: services.cast(trusted(world.users[0]), world.owners[0], matter, "agree", on=day),
        "您已委托他人投票",
    )
    refused(  # nor on paper, unless the sheet is entered as signed by the proxy
        lambda: services.enter_paper(
            trusted(world.staff),
            meeting,
            "P-7",
            world.units[0],
            world.owners[0],
            day,
            {matter.id: "agree"},
        ),
        "该业主已委托他人参加本次会议投票",
    )
    assert PaperEntry.select().count() == 0
    refused(  # someone else's login cannot use the proxy
        lambda: services.cast(
            trusted(world.users[1]), world.owners[0], matter, "agree", on=day, proxy=proxy
        ),
        "本人",
    )
    rows = services.cast(trusted(agent), world.owners[0], matter, "agree", on=day, proxy=proxy)
    assert len(rows) == 2 and {r.channel for r in rows} == {"proxy"}
    assert {r.proxy_id for r in rows} == {proxy.id}
    # the proxy may change the ballot until close; history kept, chain intact
    services.cast(trusted(agent), world.owners[0], matter, "disagree", on=day, proxy=proxy)
    assert own_ballots().count() == 4
    assert set(reports.latest_ballots(matter).values()) == {"disagree"}
    assert reports.verify() == []
    # once the proxy has voted the authorisation stands
    refused(lambda: services.revoke(trusted(world.staff), proxy), "不能再撤销")
    assert reload(proxy).status == "active"


def test_staff_enter_a_proxy_ballot_and_revocation_before_voting(world):
    from core.access import Access

    meeting = world.meeting("voting_open")
    matter = matters(meeting)["4"]
    day = world.vote_day(meeting)
    proxy = services.authorise(
        trusted(world.staff), meeting, world.owners[1], "李四", (PDF, "a.pdf", "")
    )
    revoked = services.revoke(trusted(world.staff), proxy, on=day)
    assert revoked.status == "revoked"
    before = counts()
    refused(
        lambda: services.cast(
            Context(world.staff, Access(world.staff)),
            world.owners[1],
            matter,
            "agree",
            on=day,
            proxy=proxy,
        ),
        "委托已撤销",
    )
    assert counts() == before
    # revoked: the owner votes again personally
    services.cast(trusted(world.users[1]), world.owners[1], matter, "agree", on=day)
    second = services.authorise(
        trusted(world.staff), meeting, world.owners[2], "李四", (PDF, "b.pdf", "")
    )
    # co-owner 1 has voted for unit 2: co-owner 2's proxy cannot add a second ballot
    before = counts()
    refused(
        lambda: services.cast(
            Context(world.staff, Access(world.staff)),
            world.owners[2],
            matter,
            "disagree",
            on=day,
            proxy=second,
        ),
        "已有他人投出的表决票",
    )
    assert counts() == before


def test_a_second_ballot_for_a_unit_by_a_co_owner_is_refused(world):
    meeting = world.meeting("voting_open")
    matter = matters(meeting)["4"]
    day = world.vote_day(meeting)
    services.cast(trusted(world.users[1]), world.owners[1], matter, "agree", on=day)
    before = counts()
    refused(
        lambda: services.cast(trusted(world.users[2]), world.owners[2], matter, "disagree", on=day),
        "专有部分 201室 已有他人投出的表决票",
    )
    assert counts() == before
    assert reports.latest_ballots(matter)[world.units[2].id] == "agree"
    # the same co-owner may change their own ballot
    services.cast(trusted(world.users[1]), world.owners[1], matter, "disagree", on=day)
    assert reports.latest_ballots(matter)[world.units[2].id] == "disagree"


def test_a_vote_after_close_is_refused_on_every_path(world):
    meeting = world.meeting("voting_open")
    matter = matters(meeting)["4"]
    day = world.vote_day(meeting)
    agent = make_user("agent", "resident", COMMUNITY)
    proxy = services.authorise(
        trusted(world.staff), meeting, world.owners[0], "王五", (PDF, "a.pdf", ""), proxy_user=agent
    )
    late = meeting.closes_on + dt.timedelta(1)
    before = counts()
    refused(  # proxy, after the last voting day
        lambda: services.cast(
            trusted(agent), world.owners[0], matter, "agree", on=late, proxy=proxy
        ),
        "不在表决期间",
    )
    refused(  # paper dated after the last day
        lambda: services.enter_paper(
            trusted(world.staff),
            meeting,
            "P-9",
            world.units[2],
            world.owners[1],
            late,
            {matter.id: "agree"},
        ),
        "书面表决票的签署日期须在",
    )
    services.close_voting(trusted(world.staff), meeting, on=late)
    for call in (
        lambda: services.cast(
            trusted(agent), world.owners[0], matter, "agree", on=day, proxy=proxy
        ),
        lambda: services.cast(trusted(world.users[1]), world.owners[1], matter, "agree", on=day),
        lambda: services.enter_paper(
            trusted(world.staff),
            meeting,
            "P-9",
            world.units[2],
            world.owners[1],
            day,
            {matter.id: "agree"},
        ),
        lambda: services.authorise(
            trusted(world.staff), meeting, world.owners[1], "李四", (PDF, "a", "")
        ),
    ):
        refused(call, "不在表决期间")
    assert counts() == before


# -- paper ballots -------------------------------------------------------------------------------


def test_paper_ballot_entered_twice_matching_becomes_the_ballot(world):
    meeting = world.meeting("voting_open")
    m = matters(meeting)
    day = world.vote_day(meeting)
    clerk = make_user("clerk", "community_staff", COMMUNITY)
    sheet = {m["4"].id: "agree", m["6"].id: "disagree"}
    first, counted = services.enter_paper(
        trusted(world.staff), meeting, "P-001", world.units[2], world.owners[1], day, sheet
    )
    assert counted == [] and own_ballots().count() == 0
    before = counts()
    refused(
        lambda: services.enter_paper(
            trusted(world.staff), meeting, "P-001", world.units[2], world.owners[1], day, sheet
        ),
        "第二次录入须由另一人进行",
    )
    assert counts() == before
    second, counted = services.enter_paper(
        trusted(clerk), meeting, "P-001", world.units[2], world.owners[1], day, dict(sheet)
    )
    assert len(counted) == 2 and {r.channel for r in counted} == {"paper"}
    assert reports.latest_ballots(m["4"]) == {world.units[2].id: "agree"}
    assert reports.latest_ballots(m["6"]) == {world.units[2].id: "disagree"}
    assert reports.verify() == []
    [state] = reports.sheets(meeting)
    assert state["state"] == "counted" and state["differences"] == []
    refused(
        lambda: services.enter_paper(
            trusted(make_user("clerk3", "community_staff", COMMUNITY)),
            meeting,
            "P-001",
            world.units[2],
            world.owners[1],
            day,
            sheet,
        ),
        "已录入两次",
    )
    with pytest.raises(AppendOnlyError):
        first.delete_instance()


def test_paper_mismatch_is_listed_and_resolved_by_a_third_person(world):
    meeting = world.meeting("voting_open")
    m = matters(meeting)
    day = world.vote_day(meeting)
    clerk = make_user("clerk", "community_staff", COMMUNITY)
    third = make_user("clerk3", "community_staff", COMMUNITY)
    services.enter_paper(
        trusted(world.staff),
        meeting,
        "P-002",
        world.units[0],
        world.owners[0],
        day,
        {m["4"].id: "agree"},
    )
    _, counted = services.enter_paper(
        trusted(clerk),
        meeting,
        "P-002",
        world.units[0],
        world.owners[0],
        day,
        {m["4"].id: "disagree"},
    )
    assert counted == [] and own_ballots().count() == 0
    [state] = reports.sheets(meeting)
    assert state["state"] == "mismatch" and state["differences"] == [f"matter {m['4'].id}"]
    before = counts()
    for person in (world.staff, clerk):
        refused(
            lambda person=person: services.resolve_paper(
                trusted(person),
                meeting,
                "P-002",
                world.units[0],
                world.owners[0],
                day,
                {m["4"].id: "agree"},
            ),
            "须由未参与两次录入的第三人",
        )
    assert counts() == before
    _, counted = services.resolve_paper(
        trusted(third), meeting, "P-002", world.units[0], world.owners[0], day, {m["4"].id: "agree"}
    )
    assert [r.choice for r in counted] == ["agree"]
    assert reports.sheets(meeting)[0]["state"] == "resolved"


def test_paper_ballot_for_a_unit_someone_else_voted_for_is_refused(world):
    meeting = world.meeting("voting_open")
    m = matters(meeting)
    day = world.vote_day(meeting)
    services.cast(trusted(world.users[2]), world.owners[2], m["4"], "agree", on=day)
    before = counts()
    refused(
        lambda: services.enter_paper(
            trusted(world.staff),
            meeting,
            "P-003",
            world.units[2],
            world.owners[1],
            day,
            {m["4"].id: "disagree"},
        ),
        "已有他人投出的表决票",
    )
    refused(
        lambda: services.enter_paper(
            trusted(world.staff),
            meeting,
            "P-003",
            world.units[3],
            world.owners[1],
            day,
            {m["4"].id: "disagree"},
        ),
        "该业主不拥有此专有部分",
    )
    assert counts() == before


# -- the published anonymised ballot list ---------------------------------------------------------


def recount(text: str) -> dict:
    """Independent recount from the published CSV (no project code): per matter, the
    participating and agreeing area and heads, and the verdict under 民法典第二百七十八条."""
    per = defaultdict(lambda: {"rows": []})
    for row in csv.DictReader(io.StringIO(text)):
        per[row["matter"]]["rows"].append(row)
    out = {}
    for matter, data in per.items():
        rows = data["rows"]
        total_area = Decimal(rows[0]["total_area"])
        total_heads = int(rows[0]["total_heads"])
        area = sum(Decimal(r["area"]) for r in rows)
        agree_area = sum(Decimal(r["area"]) for r in rows if r["choice"] == "agree")
        heads = defaultdict(set)
        for r in rows:
            heads[r["head"]].add(r["choice"])
        agree_heads = sum(1 for c in heads.values() if c == {"agree"})
        quorate = area * 3 >= total_area * 2 and len(heads) * 3 >= total_heads * 2
        if rows[0]["kind"] == "special":
            ok = agree_area * 4 >= area * 3 and agree_heads * 4 >= len(heads) * 3
        else:
            ok = agree_area * 2 > area and agree_heads * 2 > len(heads)
        out[int(matter)] = {
            "participating": {"area": area, "heads": len(heads)},
            "agree": {"area": agree_area, "heads": agree_heads},
            "result": ("passed" if ok else "rejected") if quorate else "not_quorate",
        }
    return out


def assert_recount_matches_tally(recounted: dict, matters_: tuple) -> None:
    """The independent recount gives each matter's stored result and counts."""
    for matter in matters_:
        tally = json.loads(reload(matter).tally)
        got = recounted[matter.id]
        assert got["result"] == reload(matter).result
        assert got["participating"]["area"] == Decimal(tally["participating"]["area"])
        assert got["participating"]["heads"] == tally["participating"]["heads"]
        assert got["agree"]["area"] == Decimal(tally["agree"]["area"])
        assert got["agree"]["heads"] == tally["agree"]["heads"]


def test_the_published_tally_can_be_recomputed_from_the_anonymised_csv(world, app):
    meeting = world.meeting("voting_open")
    m = matters(meeting)
    day = world.vote_day(meeting)
    clerk = make_user("clerk", "community_staff", COMMUNITY)
    services.cast(trusted(world.users[0]), world.owners[0], m["4"], "agree", on=day)
    services.cast(trusted(world.users[0]), world.owners[0], m["4"], "disagree", on=day)  # changed
    services.cast(trusted(world.users[0]), world.owners[0], m["6"], "agree", on=day)
    for person in (world.staff, clerk):
        services.enter_paper(
            trusted(person),
            meeting,
            "P-1",
            world.units[2],
            world.owners[1],
            day,
            {m["4"].id: "agree", m["6"].id: "agree"},
        )
    meeting = services.close_voting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    meeting = services.tally_meeting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    text = reports.anonymised_csv(meeting)
    assert "业主" not in text and "101室" not in text and "201室" not in text  # no names, no units
    mine = {r.receipt for r in own_ballots()}
    published = {row["receipt"] for row in csv.DictReader(io.StringIO(text))}
    # only the latest ballot per unit is listed: the changed one is not
    assert published < mine and len(published) == 6
    recounted = recount(text)
    assert_recount_matches_tally(recounted, (m["4"], m["6"]))
    assert recounted[m["4"].id]["result"] == "rejected"  # 200 m² against, 50 m² for
    assert recounted[m["6"].id]["result"] == "passed"


# -- a use of the maintenance fund: only the units bearing the cost vote, on every path ----------


def fund_meeting(world, affected):
    """A meeting with an ordinary matter (item 4, the whole compound) and a proposal to use the
    maintenance fund borne by the units ``affected`` (indexes), open for voting."""
    from plugins.owners.fund import services as fund
    from plugins.owners.fund.models import FundAccount

    FundAccount.create(unit=world.compound, bank="建设银行", account_no="6217")
    meeting = world.meeting("draft", items=("4",))
    proposal = fund.create_proposal(
        trusted(world.staff), world.compound, "2单元水泵", 60000, [world.units[i] for i in affected]
    )
    matter = fund.put_to_vote(trusted(world.staff), proposal, meeting)
    meeting = services.notice(trusted(world.staff), meeting, on=DAY)
    meeting = services.open_voting(trusted(world.staff), meeting, on=meeting.opens_on)
    return meeting, matter


def test_proxy_and_paper_ballots_outside_the_units_bearing_the_cost_are_refused(world):
    meeting, matter = fund_meeting(world, affected=[2])  # only unit 201室 bears the cost
    day = world.vote_day(meeting)
    before = counts()
    # a paper sheet for unit 101室 (owner 0 bears nothing): refused before any entry is written
    refused(
        lambda: services.enter_paper(
            trusted(world.staff),
            meeting,
            "F-1",
            world.units[0],
            world.owners[0],
            day,
            {matter.id: "agree"},
        ),
        "该专有部分不在事项“2单元水泵”的费用分摊范围内",
    )
    assert counts() == before
    # the proxy of owner 0, on the portal and entered by staff
    agent = make_user("agent", "resident", COMMUNITY)
    proxy = services.authorise(
        trusted(world.staff),
        meeting,
        world.owners[0],
        "王五",
        (PDF, "委托书.pdf", ""),
        proxy_user=agent,
    )
    before = counts()
    refused(
        lambda: services.cast(
            trusted(agent), world.owners[0], matter, "agree", on=day, proxy=proxy
        ),
        "您的单元不在本事项的费用分摊范围内",
    )
    refused(
        lambda: services.cast(
            Context(world.staff, world.access),
            world.owners[0],
            matter,
            "agree",
            on=day,
            proxy=proxy,
        ),
        "您的单元不在本事项的费用分摊范围内",
    )
    # a paper sheet signed by the proxy is refused too
    refused(
        lambda: services.enter_paper(
            trusted(world.staff),
            meeting,
            "F-2",
            world.units[1],
            world.owners[0],
            day,
            {matter.id: "agree"},
            proxy=proxy,
        ),
        "不在事项“2单元水泵”的费用分摊范围内",
    )
    assert counts() == before
    # the ordinary matter of the same meeting is voted by the whole compound
    item4 = matters(meeting)["4"]
    assert (
        len(services.cast(trusted(agent), world.owners[0], item4, "agree", on=day, proxy=proxy))
        == 2
    )


def test_a_fund_matter_counts_proxy_and_paper_ballots_and_recounts_from_the_csv(world, app):
    # units 102室 (owner 0, 100 m²) and 201室 (owners 1 and 2, 50 m²) bear the cost: 150 m², 2 heads
    meeting, matter = fund_meeting(world, affected=[1, 2])
    day = world.vote_day(meeting)
    agent = make_user("agent", "resident", COMMUNITY)
    proxy = services.authorise(
        trusted(world.staff),
        meeting,
        world.owners[0],
        "王五",
        (PDF, "委托书.pdf", ""),
        proxy_user=agent,
    )
    rows = services.cast(trusted(agent), world.owners[0], matter, "agree", on=day, proxy=proxy)
    # the proxy votes only for the principal's unit that bears the cost
    assert [(r.premises_id, r.channel) for r in rows] == [(world.units[1].id, "proxy")]
    item4 = matters(meeting)["4"]
    services.cast(trusted(agent), world.owners[0], item4, "disagree", on=day, proxy=proxy)
    clerk = make_user("clerk", "community_staff", COMMUNITY)
    for person in (world.staff, clerk):
        _entry, counted = services.enter_paper(
            trusted(person),
            meeting,
            "F-3",
            world.units[2],
            world.owners[1],
            day,
            {matter.id: "disagree", item4.id: "agree"},
        )
    assert {r.channel for r in counted} == {"paper"}
    meeting = services.close_voting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    meeting = services.tally_meeting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    tally = json.loads(reload(matter).tally)
    assert Decimal(tally["total_area"]) == 150 and tally["total_heads"] == 2
    assert Decimal(tally["participating"]["area"]) == 150 and tally["participating"]["heads"] == 2
    # 100 m² for, 50 m² against, but one head each: not more than half of the heads
    assert reload(matter).result == "rejected"
    text = reports.anonymised_csv(meeting)
    published = list(csv.DictReader(io.StringIO(text)))
    fund_rows = [r for r in published if int(r["matter"]) == matter.id]
    assert len(fund_rows) == 2 and {r["total_area"] for r in fund_rows} == {"150.00"}
    assert {r["total_heads"] for r in fund_rows} == {"2"}
    assert_recount_matches_tally(recount(text), (matter, item4))
    # item 4 is counted over the whole compound: 300 m², 3 heads
    assert {r["total_area"] for r in published if int(r["matter"]) == item4.id} == {"300.00"}
