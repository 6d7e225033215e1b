"""Demo data of the owners' assembly: a compound (小区) with two buildings, twelve units with
register/survey/contract areas, owners (one with two units, one pair of co-owners), the
developer holding the unsold units, and a draft meeting with an ordinary and a special
matter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core import commands, territory
from core.commands import Context
from core.db import db
from core.models import TerritoryUnit
from core.workdays import today

from .assembly import services as assembly
from .assembly.models import Meeting
from .committees import services as committees
from .fund import services as fund
from .fund.models import FundAccount
from .property import services as prop
from .property.models import (
    Complaint,
    CompoundService,
    Dispute,
    JointMeeting,
    PropertyCompany,
    ServiceContract,
)
from .register.models import Owner, Ownership, Premises

OWNERS = ["陈美华", "刘志强", "赵丽", "孙伟", "周敏", "吴磊", "郑芳"]


def load(district, actor) -> list[str]:
    """The demo compound of ``district``, loaded as ``actor`` (a trusted context: the demo
    loader, as the operator's command)."""
    ctx = Context.trusted(actor=actor, source="system")
    community = TerritoryUnit.get_or_none(
        (TerritoryUnit.district_id == district.id) & (TerritoryUnit.level == "community")
    )
    if community is None:
        return []
    code = f"{community.code}-XQ1"
    if TerritoryUnit.select().where(TerritoryUnit.code == code).exists():
        return []
    compound = territory.create_unit(code, "幸福家园小区", "compound", community)
    buildings = [
        territory.create_unit(f"{code}-{n}", f"{n}号楼", "building", compound) for n in (1, 2)
    ]

    def stamp(**values):
        return {"created_by": actor, "updated_by": actor, **values}

    people = [Owner.create(**stamp(unit=compound, name=name)) for name in OWNERS]
    developer = Owner.create(**stamp(unit=compound, name="幸福置业有限公司", is_developer=True))
    premises = []
    for b, building in enumerate(buildings, start=1):
        for n, area in enumerate(("89.50", "102.30", "120.00", "76.80", "95.25", "88.00")):
            source = ("register", "survey", "contract")[n % 3] if n < 5 else "register"
            premises.append(
                Premises.create(
                    **stamp(
                        unit=building,
                        number=f"{b}-{101 + n}",
                        area=Decimal(area),
                        area_source=source,
                    )
                )
            )
    holders = {0: [0], 1: [1], 2: [2, 3], 3: [4], 4: [5], 5: [0], 6: [6]}  # 陈美华: two units
    for index, owner_indexes in holders.items():
        for o in owner_indexes:
            Ownership.create(
                **stamp(unit=premises[index].unit_id, premises=premises[index], owner=people[o])
            )
    for p in premises[7:]:  # unsold: the developer's, one head in total
        Ownership.create(**stamp(unit=p.unit_id, premises=p, owner=developer))
    start = today() + dt.timedelta(days=20)
    meeting = Meeting.create(
        **stamp(
            unit=compound,
            title="2026年度业主大会会议",
            opens_on=start,
            closes_on=start + dt.timedelta(days=14),
        )
    )
    assembly.add_matter(ctx, meeting, "续聘物业服务企业", "4")
    assembly.add_matter(ctx, meeting, "利用小区共有部分设置广告位", "8")
    lines = [f"owners: compound {compound.name}, {len(premises)} units, 1 meeting"]
    lines += load_committees_and_requests(ctx, community, compound, meeting, people)
    lines += load_fund_and_service(ctx, compound, premises, meeting)
    return lines + load_votes(ctx, community, compound, [*people, developer])


def load_votes(ctx, community, compound, voters) -> list[str]:
    """A meeting whose voting is open (a few paper ballots counted, the rest still to come)
    and last year's meeting, voted, tallied, published and filed, whose results read as the
    table of 《民法典》第二百七十八条. The ballots are paper sheets already counted (书面表决票)."""
    from .assembly.services import record_ballots
    from .register.services import compound_of, premises_of

    now = today()
    committee = f"{community.name}居民委员会"

    def meeting_on(title, opens_on, days, matters, ballots, steps):
        with db.atomic():  # one transaction: the demo loads fast (one commit, not dozens)
            return _meeting(title, opens_on, days, matters, ballots, steps)

    def _meeting(title, opens_on, days, matters, ballots, steps):
        record = Meeting.create(
            unit=compound,
            title=title,
            opens_on=opens_on,
            closes_on=opens_on + dt.timedelta(days=days),
            created_by=ctx.actor,
            updated_by=ctx.actor,
        )
        rows = [assembly.add_matter(ctx, record, t, item) for t, item in matters]
        noticed_on = opens_on - dt.timedelta(days=20)
        committees.tell_residents_committee(ctx, record, committee, noticed_on)
        assembly.notice(ctx, record, on=noticed_on)
        record = assembly.open_voting(ctx, record, on=opens_on)
        for owner, choices in ballots:
            units = premises_of(owner, compound_of(record))
            for matter, choice in zip(rows, choices, strict=True):
                record_ballots(ctx, owner, matter, record, units, choice, "paper")
        for step, on in steps:
            record = assembly.STEPS[step](ctx, record, on=on)
        return record

    agree = ("agree", "agree")
    meeting_on(
        "2026年第二次业主大会会议（书面征求意见）",
        now - dt.timedelta(days=3),
        14,
        [("选举第二届业主委员会委员", "3"), ("修订管理规约", "2")],
        [(voters[0], agree), (voters[1], ("agree", "disagree")), (voters[3], ("abstain", "agree"))],
        [],
    )
    opened = now - dt.timedelta(days=60)
    meeting_on(
        "2025年度业主大会会议",
        opened,
        14,
        [("制定业主大会议事规则", "1"), ("改建小区北侧绿地为停车场", "8")],
        [
            (voters[0], agree),
            (voters[1], agree),
            (voters[2], ("agree", "disagree")),
            (voters[4], ("agree", "abstain")),
            (voters[5], agree),
            (voters[6], agree),
            (voters[7], ("agree", "disagree")),
        ],
        [
            ("close", opened + dt.timedelta(days=15)),
            ("tally", opened + dt.timedelta(days=16)),
            ("publish", opened + dt.timedelta(days=17)),
            ("file", opened + dt.timedelta(days=20)),
        ],
    )
    return ["owners: 1 meeting voting (3 ballots), 1 meeting tallied, published and filed"]


def load_committees_and_requests(ctx, community, compound, meeting, people) -> list[str]:
    """The residents' committee told of the meeting and its opinion, a provisional-meeting
    request still below the threshold, a preparatory group, and an older compound without an
    owners' committee run by an interim property management committee."""
    now = today()
    told = committees.tell_residents_committee(ctx, meeting, f"{community.name}居民委员会", now)
    committees.record_opinion(ctx, told, "同意召开；建议在小区门口设置书面表决票投票箱。", now)
    request = assembly.request_provisional(
        ctx, compound, "提前解聘物业服务企业", reason="电梯多次停运，物业未及时维修"
    )
    for owner in people[:1]:
        assembly.add_requester(ctx, request, owner, now)
    committees.form_preparatory_group(
        ctx,
        compound,
        "幸福家园小区首次业主大会筹备组",
        now - dt.timedelta(days=10),
        [
            {"name": "东湖街道 王科长", "source": "street"},
            {"name": f"{community.name}居委会 李主任", "source": "residents_committee"},
            {"name": people[0].name, "source": "owner", "owner": people[0]},
            {"name": people[1].name, "source": "owner", "owner": people[1]},
            {"name": people[4].name, "source": "owner", "owner": people[4]},
        ],
        posted_on=now - dt.timedelta(days=5),
    )
    old = territory.create_unit(f"{compound.code}-OLD", "和平里老旧小区", "compound", community)
    committees.form_interim_committee(
        ctx,
        old,
        [
            {
                "name": f"{community.name}居委会 张委员",
                "source": "residents_committee",
                "role": "chair",
            },
            {"name": "东湖街道 赵干事", "source": "street"},
            {"name": "物业公司 钱经理", "source": "other"},
            {"name": "业主代表 孙大爷", "source": "owner", "role": "vice_chair"},
            {"name": "业主代表 周阿姨", "source": "owner"},
            {"name": "业主代表 吴先生", "source": "owner"},
            {"name": "业主代表 郑女士", "source": "owner"},
        ],
        now - dt.timedelta(days=400),
        3,
    )
    return [
        "owners: residents' committee opinion, 1 provisional request, 1 preparatory group,"
        " 1 property management committee"
    ]


# -- maintenance fund and property service ---------------------------------------------------------


def _credit_code(seq: int) -> str:
    """A valid unified social credit code (GB 32100) for a demo company (9 = 工商, 1 = 企业)."""
    from forms.validators import org_code_check_char, uscc_check_char

    body = f"{60000000 + seq}"
    first17 = "91" + "110105" + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def load_fund_and_service(ctx, compound, premises, meeting) -> list[str]:
    """The fund account with a first deposit for every unit (the area times 100 yuan), a use
    proposal on the draft meeting (building 1's roof, units of building 1), an emergency lift
    repair confirmed by the residents' committee and paid; a property company, its contract,
    the compound's service model, a complaint, a dispute and a joint meeting."""
    actor = ctx.actor
    FundAccount.create(
        unit=compound,
        bank="中国建设银行",
        account_no="1100 1234 5678 0001",
        custodian="区住房和城乡建设委员会",
        opened_on=today() - dt.timedelta(days=400),
        created_by=actor,
        updated_by=actor,
    )
    first_day = today() - dt.timedelta(days=365)
    for p in premises:
        fund.deposit(ctx, p, int(p.area * 100 * 100), on=first_day, memo="首期交存")
    fund.post_interest(ctx, compound, 123456, on=today() - dt.timedelta(days=30), memo="年度结息")
    building_one = [p for p in premises if p.number.startswith("1-")]
    roof = fund.create_proposal(
        ctx, compound, "1号楼屋面防水翻修", 4_800_000, building_one, scope="屋面防水层整体翻修"
    )
    fund.put_to_vote(ctx, roof, meeting)
    lift = fund.confirm_emergency(
        ctx,
        compound,
        "2号楼电梯困人故障抢修",
        1_250_000,
        [p for p in premises if p.number.startswith("2-")],
        "lift",
        "幸福社区居民委员会",
        scope="更换曳引机制动器",
    )
    fund.disburse(ctx, lift, 1_250_000, memo="支付维保单位")
    company = commands.create(
        Context.trusted(compound.district_id, source="cli", actor=actor),
        PropertyCompany,
        {
            "unit": compound.parent_id,
            "name": "安居物业服务有限公司",
            "uscc": _credit_code(1),
            "qualification": "二级",
            "contact": "马经理",
            "phone": "010-88886666",
        },
    )
    starts = today() - dt.timedelta(days=640)
    ServiceContract.create(
        unit=compound,
        company=company,
        starts_on=starts,
        ends_on=starts + dt.timedelta(days=730),
        fee_fen_per_m2=180,
        created_by=actor,
        updated_by=actor,
    )
    CompoundService.create(
        unit=compound, model="professional", since=starts, created_by=actor, updated_by=actor
    )
    complaint = prop.file_complaint(ctx, compound, "2号楼楼道灯不亮", "2单元3层至5层")
    prop.handle_complaint(ctx, complaint, "已更换声控灯")
    prop.file_complaint(
        ctx, compound, "地下车库积水", "雨后积水未及时排除", on=today() - dt.timedelta(days=10)
    )
    Dispute.create(
        unit=compound,
        title="停车位收费标准争议",
        parties="业主代表；安居物业服务有限公司",
        description="业主对地面停车位收费标准有异议。",
        created_by=actor,
        updated_by=actor,
    )
    joint = JointMeeting.create(
        unit=compound,
        held_on=today() - dt.timedelta(days=3),
        topic="地下车库排水改造",
        attendees="幸福社区居民委员会；幸福家园业主委员会筹备组；安居物业服务有限公司",
        minutes="物业公司报告积水原因，居委会组织协商。",
        decisions="物业公司 15 日内疏通排水管道并加装排水泵，费用由物业公司承担。",
        created_by=actor,
        updated_by=actor,
    )
    prop.publish_decisions(ctx, joint)
    count = Complaint.select().where(Complaint.unit == compound.id).count()
    return [f"owners: fund of {len(premises)} units, 2 proposals, 1 company, {count} complaints"]
