"""Owners' assembly models (业主大会).

Register: :class:`Owner` (业主, a person or the developer), :class:`Premises` (专有部分, an
exclusive unit in a building, with its area and the area's source) and :class:`Ownership`
(who holds a unit; several rows = co-owners). Meetings: :class:`Meeting` (业主大会会议) and its
:class:`Matter` (表决事项). Evidence: :class:`BallotLog` (表决票记录), append-only in the
database and hash-chained; the latest row per matter and unit is the unit's ballot.
Table names start with ``owners_``.
"""

from __future__ import annotations

import peewee as pw

from core.fields import PersonalField
from core.i18n import lazy_gettext as _l
from core.models import AppendOnlyModel, DistrictOwnedModel, TerritoryUnit, User, utcnow

PLUGIN = "owners"

AREA_SOURCES = [
    ("register", _l("Property register")),  # 不动产登记簿
    ("survey", _l("Survey")),  # 实测
    ("contract", _l("Sale contract")),  # 合同
]

ITEMS = [
    ("1", _l("Rules of procedure")),  # 制定和修改业主大会议事规则
    ("2", _l("Management statute")),  # 制定和修改管理规约
    (
        "3",
        _l("Electing or replacing the owners' committee"),
    ),  # 选举业主委员会或者更换业主委员会成员
    ("4", _l("Hiring or dismissing the property company")),  # 选聘和解聘物业服务企业
    ("5", _l("Using the maintenance fund")),  # 使用建筑物及其附属设施的维修资金
    ("6", _l("Raising the maintenance fund")),  # 筹集建筑物及其附属设施的维修资金
    ("7", _l("Rebuilding")),  # 改建、重建建筑物及其附属设施
    ("8", _l("Changing the use of common parts")),  # 改变共有部分的用途或者利用共有部分从事经营活动
    ("9", _l("Other major matter")),  # 有关共有和共同管理权利的其他重大事项
]

KINDS = [("ordinary", _l("Ordinary (more than half)")), ("special", _l("Special (three quarters)"))]

MEETING_STATES = [
    ("draft", _l("Draft")),
    ("noticed", _l("Noticed")),
    ("voting_open", _l("Voting open")),
    ("voting_closed", _l("Voting closed")),
    ("tallied", _l("Tallied")),
    ("published", _l("Published")),
    ("filed", _l("Filed")),
]

CHOICES = [("agree", _l("Agree")), ("disagree", _l("Disagree")), ("abstain", _l("Abstain"))]

RESULTS = [
    ("", ""),
    ("passed", _l("Passed")),
    ("rejected", _l("Rejected")),
    ("not_quorate", _l("Not quorate")),
]


class Owner(DistrictOwnedModel):
    """业主 An owner of units in a compound (``unit``), or the developer (建设单位)."""

    name = pw.CharField(max_length=64, verbose_name=_l("Name"))
    user = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Login")
    )
    is_developer = pw.BooleanField(default=False, verbose_name=_l("Developer"))

    class Meta:
        table_name = "owners_owner"
        verbose_name = _l("Owners")

    def __str__(self) -> str:
        return self.name


class Premises(DistrictOwnedModel):
    """专有部分 An exclusive unit in a building (``unit``): its number, the area that counts
    and where the area comes from (登记簿 > 实测 > 合同). Unsold units belong to the developer."""

    number = pw.CharField(max_length=32, verbose_name=_l("Unit number"))
    area = pw.DecimalField(max_digits=10, decimal_places=2, verbose_name=_l("Exclusive area (m²)"))
    area_source = pw.CharField(
        max_length=16, default="register", choices=AREA_SOURCES, verbose_name=_l("Area source")
    )

    class Meta:
        table_name = "owners_premises"
        verbose_name = _l("Units")
        indexes = ((("unit", "number"), True),)

    def __str__(self) -> str:
        return self.number


class Ownership(DistrictOwnedModel):
    """Who holds a unit; several rows for one unit are its co-owners (共有人)."""

    premises = pw.ForeignKeyField(
        Premises, backref="ownerships", on_delete="RESTRICT", verbose_name=_l("Unit")
    )
    owner = pw.ForeignKeyField(
        Owner, backref="ownerships", on_delete="RESTRICT", verbose_name=_l("Owner")
    )

    class Meta:
        table_name = "owners_ownership"
        verbose_name = _l("Ownerships")
        indexes = ((("premises", "owner"), True),)


class Meeting(DistrictOwnedModel):
    """业主大会会议 A meeting of the owners of a compound (``unit``), voting between two dates
    (inclusive, China time)."""

    title = pw.CharField(max_length=200, verbose_name=_l("Title"))
    status = pw.CharField(
        max_length=16,
        default="draft",
        choices=MEETING_STATES,
        index=True,
        verbose_name=_l("Status"),
    )
    opens_on = pw.DateField(verbose_name=_l("Voting opens on"))
    closes_on = pw.DateField(verbose_name=_l("Voting closes on"))
    noticed_on = pw.DateField(null=True, verbose_name=_l("Noticed on"))
    tallied_on = pw.DateField(null=True, verbose_name=_l("Tallied on"))
    publish_due = pw.DateField(null=True, verbose_name=_l("Publish by"))
    published_on = pw.DateField(null=True, verbose_name=_l("Published on"))
    # 备案: the decisions told to the residents' committee and filed with the street office
    # (《物业管理条例》第二十条)
    filed_on = pw.DateField(null=True, verbose_name=_l("Decisions filed on"))
    filed_with = pw.CharField(max_length=200, default="", verbose_name=_l("Filed with"))

    class Meta:
        table_name = "owners_meeting"
        verbose_name = _l("Meetings")

    def __str__(self) -> str:
        return self.title


class Matter(DistrictOwnedModel):
    """表决事项 A matter on the agenda: its 民法典 278 item decides the threshold."""

    meeting = pw.ForeignKeyField(
        Meeting, backref="matters", on_delete="RESTRICT", verbose_name=_l("Meeting")
    )
    title = pw.CharField(max_length=200, verbose_name=_l("Title"))
    item = pw.CharField(
        max_length=2, default="9", choices=ITEMS, verbose_name=_l("Civil Code item")
    )
    kind = pw.CharField(max_length=16, default="ordinary", choices=KINDS, verbose_name=_l("Kind"))
    description = pw.TextField(default="", verbose_name=_l("Description"))
    result = pw.CharField(max_length=16, default="", choices=RESULTS, verbose_name=_l("Result"))
    tally = pw.TextField(default="", verbose_name=_l("Tally"))

    class Meta:
        table_name = "owners_matter"
        verbose_name = _l("Matters")

    def __str__(self) -> str:
        return self.title


class BallotLog(AppendOnlyModel):
    """表决票记录 Every ballot ever cast, never changed: the latest row per (matter, unit) is
    the unit's ballot. Each row carries a receipt code and the hash of the previous row."""

    unit = pw.ForeignKeyField(
        TerritoryUnit, backref="+", on_delete="RESTRICT", verbose_name=_l("Territory unit")
    )
    matter = pw.ForeignKeyField(
        Matter, backref="+", on_delete="RESTRICT", verbose_name=_l("Matter")
    )
    premises = pw.ForeignKeyField(
        Premises, backref="+", on_delete="RESTRICT", verbose_name=_l("Unit")
    )
    owner = pw.ForeignKeyField(Owner, backref="+", on_delete="RESTRICT", verbose_name=_l("Owner"))
    choice = pw.CharField(max_length=8, choices=CHOICES, verbose_name=_l("Choice"))
    receipt = pw.CharField(max_length=32, unique=True, verbose_name=_l("Receipt code"))
    at = pw.DateTimeField(default=utcnow, verbose_name=_l("Time"))
    # unique: two ballots cast at once cannot both extend the chain from the same row (the
    # second is retried); NULL only on the first row of the log
    prev_hash = pw.CharField(
        max_length=64, null=True, unique=True, verbose_name=_l("Previous hash")
    )
    hash = pw.CharField(max_length=64, verbose_name=_l("Hash"))
    # ow-ballots: how the ballot came in (NULL = the owner on the portal) and the proxy
    channel = pw.CharField(max_length=8, null=True, verbose_name=_l("Channel"))
    proxy_id = pw.IntegerField(null=True, verbose_name=_l("Proxy"))

    class Meta:
        table_name = "owners_ballot_log"
        verbose_name = _l("Ballots")
        indexes = ((("matter", "premises"), False),)


MODELS = [Owner, Premises, Ownership, Meeting, Matter, BallotLog]


# -- branch ow-ballots (issue 9 points 2, 4, 5): the residents' committee's notice and opinion,
#    provisional meetings, proxies, paper ballots entered twice, owners' committees. Additive
#    only: the classes above are unchanged except BallotLog's two trailing nullable columns
#    (how the ballot came in), which only enter the hash when set. ---------------------------

BALLOT_CHANNELS = [
    ("portal", _l("Portal")),
    ("proxy", _l("Proxy")),  # 委托投票
    ("paper", _l("Paper ballot")),  # 书面表决票
]

REQUEST_STATES = [
    ("collecting", _l("Collecting")),
    ("accepted", _l("Accepted")),
]

PROXY_STATES = [("active", _l("Active")), ("revoked", _l("Revoked"))]

COMMITTEE_KINDS = [
    ("owners", _l("Owners' committee")),  # 业主委员会
    ("interim", _l("Property management committee")),  # 物业管理委员会
]

ROLES = [
    ("chair", _l("Chair")),  # 主任
    ("vice_chair", _l("Vice chair")),  # 副主任
    ("member", _l("Member")),  # 委员
]

MEMBER_SOURCES = [
    ("owner", _l("Owner")),  # 业主代表
    ("residents_committee", _l("Residents' committee")),  # 居委会
    ("street", _l("Street office")),  # 街道办事处 / 乡镇
    ("developer", _l("Developer")),  # 建设单位
    ("other", _l("Other")),
]


class ResidentsCommitteeNotice(DistrictOwnedModel):
    """告知居委会 The residents' committee was told of a meeting (《物业管理条例》第十四条) and
    gave its opinion (听取意见). ``unit`` is the compound."""

    meeting = pw.ForeignKeyField(
        Meeting, backref="+", on_delete="RESTRICT", verbose_name=_l("Meeting")
    )
    committee_name = pw.CharField(max_length=100, verbose_name=_l("Residents' committee"))
    notified_on = pw.DateField(verbose_name=_l("Notified on"))
    opinion_on = pw.DateField(null=True, verbose_name=_l("Opinion given on"))
    opinion = pw.TextField(default="", verbose_name=_l("Opinion"))

    class Meta:
        table_name = "owners_rc_notice"
        verbose_name = _l("Residents' committee notices")


class ProvisionalRequest(DistrictOwnedModel):
    """业主大会临时会议提议 Owners ask for a provisional meeting (《物业管理条例》第十三条);
    accepted once the requesting owners reach the threshold. ``unit`` is the compound."""

    title = pw.CharField(max_length=200, verbose_name=_l("Title"))
    reason = pw.TextField(default="", verbose_name=_l("Reason"))
    status = pw.CharField(
        max_length=16, default="collecting", choices=REQUEST_STATES, verbose_name=_l("Status")
    )
    accepted_on = pw.DateField(null=True, verbose_name=_l("Accepted on"))
    meeting = pw.ForeignKeyField(
        Meeting, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Meeting")
    )

    class Meta:
        table_name = "owners_provisional_request"
        verbose_name = _l("Provisional meeting requests")

    def __str__(self) -> str:
        return self.title


class ProvisionalRequester(DistrictOwnedModel):
    """One owner who signed a provisional-meeting request (提议业主)."""

    request = pw.ForeignKeyField(
        ProvisionalRequest, backref="requesters", on_delete="RESTRICT", verbose_name=_l("Request")
    )
    owner = pw.ForeignKeyField(Owner, backref="+", on_delete="RESTRICT", verbose_name=_l("Owner"))
    signed_on = pw.DateField(verbose_name=_l("Signed on"))

    class Meta:
        table_name = "owners_provisional_requester"
        verbose_name = _l("Requesting owners")
        indexes = ((("request", "owner"), True),)


class Proxy(DistrictOwnedModel):
    """委托投票 An owner authorises another person (an owner or not) to vote for them at one
    meeting, with an uploaded authorisation (委托书). ``unit`` is the compound."""

    meeting = pw.ForeignKeyField(
        Meeting, backref="+", on_delete="RESTRICT", verbose_name=_l("Meeting")
    )
    owner = pw.ForeignKeyField(
        Owner, backref="+", on_delete="RESTRICT", verbose_name=_l("Principal")
    )
    proxy_name = pw.CharField(max_length=64, verbose_name=_l("Proxy"))
    proxy_user = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Proxy's login")
    )
    authorisation = pw.TextField(verbose_name=_l("Authorisation"))  # JSON of forms.uploads
    status = pw.CharField(
        max_length=16, default="active", choices=PROXY_STATES, verbose_name=_l("Status")
    )
    revoked_on = pw.DateField(null=True, verbose_name=_l("Revoked on"))

    class Meta:
        table_name = "owners_proxy"
        verbose_name = _l("Proxies")

    def __str__(self) -> str:
        return self.proxy_name


class PaperEntry(AppendOnlyModel):
    """书面表决票录入 One keying-in of a paper ballot sheet, never changed: the first and
    second entries (two different people) are compared; a third entry by a third person
    settles a mismatch from the paper. The sheet's state follows from its entries."""

    unit = pw.ForeignKeyField(
        TerritoryUnit, backref="+", on_delete="RESTRICT", verbose_name=_l("Territory unit")
    )
    meeting = pw.ForeignKeyField(
        Meeting, backref="+", on_delete="RESTRICT", verbose_name=_l("Meeting")
    )
    sheet = pw.CharField(max_length=32, verbose_name=_l("Sheet number"))
    round = pw.IntegerField(verbose_name=_l("Entry"))  # 1, 2, or 3 (resolution)
    premises = pw.ForeignKeyField(
        Premises, backref="+", on_delete="RESTRICT", verbose_name=_l("Unit")
    )
    owner = pw.ForeignKeyField(Owner, backref="+", on_delete="RESTRICT", verbose_name=_l("Owner"))
    proxy = pw.ForeignKeyField(
        Proxy, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Proxy")
    )
    signed_on = pw.DateField(verbose_name=_l("Signed on"))
    choices = pw.TextField(verbose_name=_l("Choices"))  # JSON {matter id: choice}
    entered_by = pw.ForeignKeyField(
        User, backref="+", on_delete="RESTRICT", verbose_name=_l("Entered by")
    )
    at = pw.DateTimeField(default=utcnow, verbose_name=_l("Time"))

    class Meta:
        table_name = "owners_paper_entry"
        verbose_name = _l("Paper ballot entries")
        indexes = ((("meeting", "sheet", "round"), True),)


class PreparatoryGroup(DistrictOwnedModel):
    """业主大会筹备组 The preparatory group of a compound's first owners' assembly, led by the
    street office with the residents' committee. ``unit`` is the compound."""

    name = pw.CharField(max_length=100, verbose_name=_l("Name"))
    formed_on = pw.DateField(verbose_name=_l("Formed on"))
    posted_on = pw.DateField(null=True, verbose_name=_l("List posted on"))
    due_on = pw.DateField(null=True, verbose_name=_l("Preparation due"))
    completed_on = pw.DateField(null=True, verbose_name=_l("Completed on"))

    class Meta:
        table_name = "owners_prep_group"
        verbose_name = _l("Preparatory groups")

    def __str__(self) -> str:
        return self.name


class PreparatoryMember(DistrictOwnedModel):
    """A member of a preparatory group: an owner, or a representative of the residents'
    committee, the street office or the developer."""

    group = pw.ForeignKeyField(
        PreparatoryGroup, backref="members", on_delete="RESTRICT", verbose_name=_l("Group")
    )
    name = pw.CharField(max_length=64, verbose_name=_l("Name"))
    source = pw.CharField(
        max_length=24, default="owner", choices=MEMBER_SOURCES, verbose_name=_l("Represents")
    )
    owner = pw.ForeignKeyField(
        Owner, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Owner")
    )

    class Meta:
        table_name = "owners_prep_member"
        verbose_name = _l("Preparatory group members")


class Committee(DistrictOwnedModel):
    """业主委员会 (elected at a meeting) or 物业管理委员会 (interim, where none can be elected),
    with its term and its filing (备案) with the street office. ``unit`` is the compound."""

    kind = pw.CharField(
        max_length=16, default="owners", choices=COMMITTEE_KINDS, verbose_name=_l("Kind")
    )
    name = pw.CharField(max_length=100, verbose_name=_l("Name"))
    meeting = pw.ForeignKeyField(
        Meeting, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Election meeting")
    )
    seats = pw.IntegerField(verbose_name=_l("Seats"))
    formed_on = pw.DateField(verbose_name=_l("Elected or formed on"))
    term_ends = pw.DateField(verbose_name=_l("Term ends on"))
    filing_due = pw.DateField(null=True, verbose_name=_l("File by"))
    filed_on = pw.DateField(null=True, verbose_name=_l("Filed on"))
    ended_on = pw.DateField(null=True, verbose_name=_l("Ended on"))

    class Meta:
        table_name = "owners_committee"
        verbose_name = _l("Committees")

    def __str__(self) -> str:
        return self.name


class CommitteeMember(DistrictOwnedModel):
    """A seat holder of a committee with a role (主任/副主任/委员); a replacement ends the
    member and starts a new one pointing back to them (history kept)."""

    committee = pw.ForeignKeyField(
        Committee, backref="members", on_delete="RESTRICT", verbose_name=_l("Committee")
    )
    name = pw.CharField(max_length=64, verbose_name=_l("Name"))
    owner = pw.ForeignKeyField(
        Owner, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Owner")
    )
    role = pw.CharField(max_length=16, default="member", choices=ROLES, verbose_name=_l("Role"))
    source = pw.CharField(
        max_length=24, default="owner", choices=MEMBER_SOURCES, verbose_name=_l("Represents")
    )
    started_on = pw.DateField(verbose_name=_l("Started on"))
    ended_on = pw.DateField(null=True, verbose_name=_l("Ended on"))
    end_reason = pw.CharField(max_length=200, default="", verbose_name=_l("Reason for leaving"))
    replaces = pw.ForeignKeyField(
        "self", null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Replaces")
    )

    class Meta:
        table_name = "owners_committee_member"
        verbose_name = _l("Committee members")

    def __str__(self) -> str:
        return self.name


MODELS += [
    ResidentsCommitteeNotice,
    ProvisionalRequest,
    ProvisionalRequester,
    Proxy,
    PaperEntry,
    PreparatoryGroup,
    PreparatoryMember,
    Committee,
    CommitteeMember,
]


# == Maintenance fund and property service (branch ow-fund, issue 9 points 6-7) ===============
# Added as one section so that parallel work on meetings and ballots merges cleanly.

ENTRY_KINDS = [
    ("deposit", _l("Deposit")),  # 交存
    ("interest", _l("Interest")),  # 利息
    ("spending", _l("Spending")),  # 使用支出
]

PROPOSAL_KINDS = [
    ("use", _l("Use of the fund")),  # 使用 (民法典第二百七十八条第五项)
    ("raise", _l("Raising the fund")),  # 筹集、续筹 (第六项)
]

PROPOSAL_STATES = [
    ("draft", _l("Draft")),
    ("voting", _l("Put to the vote")),
    ("approved", _l("Approved")),
    ("rejected", _l("Rejected")),
    ("emergency", _l("Emergency use confirmed")),
]

EMERGENCY_REASONS = [
    ("lift", _l("Lift fault")),  # 电梯故障
    ("roof_leak", _l("Roof or wall leak")),  # 屋面、外墙渗漏
    ("fire", _l("Fire-safety facilities out of order")),  # 消防设施故障
    ("facade", _l("Facade at risk of falling")),  # 外墙墙面有脱落危险
    ("water", _l("Water supply pump stopped")),  # 二次供水水泵运行中断
    ("drainage", _l("Drainage blocked or burst")),  # 排水设施堵塞、爆裂
    ("other", _l("Other danger to safety")),  # 其他危及房屋使用和人身财产安全的紧急情况
]

SERVICE_MODELS = [
    ("professional", _l("Professional property company")),  # 专业型物业公司服务
    ("community", _l("Community paid low-profit service")),  # 社区型有偿微利服务
    ("employer", _l("Employer property service")),  # 单位型物业服务
    ("self", _l("Owners' self-governed service")),  # 自治型业主物业服务
]

COMPLAINT_STATES = [
    ("open", _l("Open")),  # 待处理
    ("handled", _l("Handled")),  # 已处理
    ("rated", _l("Rated")),  # 已评价
]


class FundAccount(DistrictOwnedModel):
    """住宅专项维修资金账户 The maintenance-fund account of a compound (``unit``): where the
    money is held. Its movements are :class:`FundEntry` rows, per exclusive unit (分户账)."""

    bank = pw.CharField(max_length=100, default="", verbose_name=_l("Bank"))
    account_no = pw.CharField(max_length=40, default="", verbose_name=_l("Account number"))
    custodian = pw.CharField(max_length=100, default="", verbose_name=_l("Custodian"))
    opened_on = pw.DateField(null=True, verbose_name=_l("Opened on"))

    class Meta:
        table_name = "owners_fund_account"
        verbose_name = _l("Fund accounts")

    def __str__(self) -> str:
        return f"{self.bank} {self.account_no}".strip() or str(self.id)


class FundProposal(DistrictOwnedModel):
    """使用方案 / 筹集方案 A plan to use (or raise) the maintenance fund of a compound
    (``unit``): the works, the budget in fen, the units that bear the cost (列支范围,
    :class:`FundShare`). Approved by the owners' vote (``matter``) or, on the emergency path,
    confirmed by the residents' committee or street office and then publicised."""

    title = pw.CharField(max_length=200, verbose_name=_l("Title"))
    scope = pw.TextField(default="", verbose_name=_l("Works"))
    kind = pw.CharField(
        max_length=8, default="use", choices=PROPOSAL_KINDS, verbose_name=_l("Kind")
    )
    budget_fen = pw.BigIntegerField(verbose_name=_l("Budget (fen)"))
    status = pw.CharField(
        max_length=16,
        default="draft",
        choices=PROPOSAL_STATES,
        index=True,
        verbose_name=_l("Status"),
    )
    matter = pw.ForeignKeyField(
        Matter, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Matter")
    )
    emergency_reason = pw.CharField(
        max_length=16,
        default="",
        choices=EMERGENCY_REASONS,
        verbose_name=_l("Emergency"),
    )
    confirmed_by = pw.CharField(max_length=100, default="", verbose_name=_l("Confirmed by"))
    confirmed_on = pw.DateField(null=True, verbose_name=_l("Confirmed on"))
    publication_id = pw.IntegerField(null=True, verbose_name=_l("Public notice"))

    class Meta:
        table_name = "owners_fund_proposal"
        verbose_name = _l("Fund proposals")

    def __str__(self) -> str:
        return self.title


class FundShare(DistrictOwnedModel):
    """列支范围 A unit that bears part of a proposal's cost, with its exclusive area and its
    share in fen (split by area, 民法典第二百八十三条; the shares sum to the budget)."""

    proposal = pw.ForeignKeyField(
        FundProposal, backref="shares", on_delete="CASCADE", verbose_name=_l("Proposal")
    )
    premises = pw.ForeignKeyField(
        Premises, backref="+", on_delete="RESTRICT", verbose_name=_l("Unit")
    )
    area = pw.DecimalField(max_digits=10, decimal_places=2, verbose_name=_l("Exclusive area (m²)"))
    share_fen = pw.BigIntegerField(verbose_name=_l("Share (fen)"))

    class Meta:
        table_name = "owners_fund_share"
        verbose_name = _l("Fund shares")
        indexes = ((("proposal", "premises"), True),)


class FundEntry(AppendOnlyModel):
    """分户账 A movement of the maintenance fund on one exclusive unit, in fen (deposits and
    interest positive, spending negative). Never changed: a correction is a new row that
    reverses an earlier one (``reverses``) with the opposite amount. Rows written by one
    operation share a ``batch``."""

    unit = pw.ForeignKeyField(
        TerritoryUnit, backref="+", on_delete="RESTRICT", verbose_name=_l("Territory unit")
    )
    premises = pw.ForeignKeyField(
        Premises, backref="+", on_delete="RESTRICT", verbose_name=_l("Unit")
    )
    kind = pw.CharField(max_length=8, choices=ENTRY_KINDS, verbose_name=_l("Kind"))
    amount_fen = pw.BigIntegerField(verbose_name=_l("Amount (fen)"))
    booked_on = pw.DateField(index=True, verbose_name=_l("Date"))
    proposal = pw.ForeignKeyField(
        FundProposal, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Proposal")
    )
    reverses = pw.ForeignKeyField(
        "self", null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Reverses")
    )
    batch = pw.CharField(max_length=32, index=True, verbose_name=_l("Batch"))
    memo = pw.CharField(max_length=200, default="", verbose_name=_l("Memo"))
    actor = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Booked by")
    )
    at = pw.DateTimeField(default=utcnow, verbose_name=_l("Time"))

    class Meta:
        table_name = "owners_fund_entry"
        verbose_name = _l("Fund ledger")
        indexes = ((("premises", "booked_on"), False),)


class PropertyCompany(DistrictOwnedModel):
    """物业服务企业 A property company, registered by a community or street (``unit``)."""

    name = pw.CharField(max_length=100, verbose_name=_l("Company name"))
    uscc = pw.CharField(max_length=18, verbose_name=_l("Unified social credit code"))
    qualification = pw.CharField(max_length=100, default="", verbose_name=_l("Qualification"))
    contact = pw.CharField(max_length=64, default="", verbose_name=_l("Contact person"))
    phone = pw.CharField(max_length=32, default="", verbose_name=_l("Phone"))

    class Meta:
        table_name = "owners_property_company"
        verbose_name = _l("Property companies")

    def __str__(self) -> str:
        return self.name


class ServiceContract(DistrictOwnedModel):
    """物业服务合同 The service contract of a compound (``unit``) with a company: its term,
    the fee per m² per month, and the notice dates that follow from it."""

    company = pw.ForeignKeyField(
        PropertyCompany, backref="+", on_delete="RESTRICT", verbose_name=_l("Property company")
    )
    starts_on = pw.DateField(verbose_name=_l("Starts on"))
    ends_on = pw.DateField(verbose_name=_l("Ends on"))
    fee_fen_per_m2 = pw.IntegerField(default=0, verbose_name=_l("Fee (fen per m² per month)"))
    terminated_on = pw.DateField(null=True, verbose_name=_l("Terminated on"))
    note = pw.TextField(default="", verbose_name=_l("Note"))

    class Meta:
        table_name = "owners_service_contract"
        verbose_name = _l("Service contracts")


class CompoundService(DistrictOwnedModel):
    """物业服务模式 How a compound (``unit``) is served: one of the four models."""

    model = pw.CharField(max_length=16, choices=SERVICE_MODELS, verbose_name=_l("Service model"))
    since = pw.DateField(null=True, verbose_name=_l("Since"))
    note = pw.TextField(default="", verbose_name=_l("Note"))

    class Meta:
        table_name = "owners_compound_service"
        verbose_name = _l("Service models")


class Complaint(DistrictOwnedModel):
    """物业服务投诉 A resident's complaint about the property service of a compound
    (``unit``): a deadline for handling, the handling, and the resident's rating (1-5)."""

    complainant = pw.ForeignKeyField(
        User, backref="+", on_delete="RESTRICT", verbose_name=_l("Complainant")
    )
    title = pw.CharField(max_length=200, verbose_name=_l("Subject"))
    body = pw.TextField(default="", verbose_name=_l("Description"))
    filed_on = pw.DateField(verbose_name=_l("Complaint date"))
    due_on = pw.DateField(index=True, verbose_name=_l("Handle by"))
    status = pw.CharField(
        max_length=8,
        default="open",
        choices=COMPLAINT_STATES,
        index=True,
        verbose_name=_l("Status"),
    )
    handling = pw.TextField(default="", verbose_name=_l("Handling"))
    handled_on = pw.DateField(null=True, verbose_name=_l("Handled on"))
    rating = pw.SmallIntegerField(null=True, verbose_name=_l("Rating (1-5)"))
    rating_comment = pw.TextField(default="", verbose_name=_l("Resident's comment"))

    class Meta:
        table_name = "owners_complaint"
        verbose_name = _l("Complaints")

    def __str__(self) -> str:
        return self.title


class Dispute(DistrictOwnedModel):
    """物业纠纷 A dispute between owners, the owners' committee and the property company of a
    compound (``unit``); referred to mediation as a core case (矛盾纠纷调处)."""

    title = pw.CharField(max_length=200, verbose_name=_l("Subject"))
    parties = pw.CharField(max_length=200, default="", verbose_name=_l("Parties"))
    description = pw.TextField(default="", verbose_name=_l("Description"))
    case_id = pw.IntegerField(null=True, verbose_name=_l("Mediation case"))

    class Meta:
        table_name = "owners_dispute"
        verbose_name = _l("Disputes")

    def __str__(self) -> str:
        return self.title


class JointMeeting(DistrictOwnedModel):
    """联席会议 A joint meeting of the residents' committee, the owners' committee and the
    property company about a compound (``unit``): attendees, minutes, decisions; the
    decisions are published as a public notice."""

    held_on = pw.DateField(verbose_name=_l("Held on"))
    topic = pw.CharField(max_length=200, verbose_name=_l("Topic"))
    attendees = pw.TextField(default="", verbose_name=_l("Attendees"))
    minutes = pw.TextField(default="", verbose_name=_l("Minutes"))
    decisions = pw.TextField(default="", verbose_name=_l("Decisions"))
    publication_id = pw.IntegerField(null=True, verbose_name=_l("Public notice"))

    class Meta:
        table_name = "owners_joint_meeting"
        verbose_name = _l("Joint meetings")

    def __str__(self) -> str:
        return self.topic


# 证件号码 of an owner (resident ID, passport or, for the developer, the credit code): the key
# that matches an owner across the rows of a register import. Added to Owner from this
# section (rather than in the class body) to keep the change additive for the merge.
Owner._meta.add_field(
    "id_number",
    PersonalField(max_length=32, null=True, index=True, verbose_name=_l("ID number")),
)

FUND_MODELS = [FundAccount, FundProposal, FundShare, FundEntry]
SERVICE_MODELS_LIST = [
    PropertyCompany,
    ServiceContract,
    CompoundService,
    Complaint,
    Dispute,
    JointMeeting,
]
# == end of the ow-fund section ===============================================================

MODELS += [*FUND_MODELS, *SERVICE_MODELS_LIST]
