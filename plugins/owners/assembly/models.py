"""Owners' assembly models (业主大会): :class:`Meeting` (业主大会会议) and its :class:`Matter`
(表决事项); the evidence :class:`BallotLog` (表决票记录), append-only in the database and
hash-chained, whose latest row per matter and unit is the unit's ballot; :class:`Proxy`
(委托投票) and :class:`PaperEntry` (书面表决票录入, append-only); :class:`ProvisionalRequest`
(临时会议提议) and its :class:`ProvisionalRequester` rows. Table names start with ``owners_``."""

from __future__ import annotations

import peewee as pw

from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.models import AppendOnlyModel, DistrictOwnedModel, TerritoryUnit, User, utcnow

from ..register.models import Owner, Premises

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


BALLOT_CHANNELS = [
    ("portal", lazy_pgettext("channel", "Portal")),
    ("proxy", _l("Proxy")),  # 委托投票
    ("paper", _l("Paper ballot")),  # 书面表决票
]

REQUEST_STATES = [
    ("collecting", _l("Collecting")),
    ("accepted", _l("Accepted")),
]

PROXY_STATES = [("active", lazy_pgettext("proxy", "Active")), ("revoked", _l("Revoked"))]


class Meeting(DistrictOwnedModel):
    """业主大会会议 A meeting of the owners of a compound (``unit``), voting between two dates
    (inclusive, China time). Its ``status`` moves only through the steps of its workflow
    (:mod:`.flows`); ``version`` is the engine's compare-and-set counter."""

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
    version = pw.IntegerField(default=0)

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
    # how the ballot came in (BALLOT_CHANNELS; NULL = the owner on the portal) and the proxy:
    # both enter the hash only when set
    channel = pw.CharField(max_length=8, null=True, verbose_name=_l("Channel"))
    proxy_id = pw.IntegerField(null=True, verbose_name=_l("Proxy"))

    class Meta:
        table_name = "owners_ballot_log"
        verbose_name = _l("Ballots")
        indexes = ((("matter", "premises"), False),)


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
        ProvisionalRequest,
        backref="requesters",
        on_delete="RESTRICT",
        verbose_name=lazy_pgettext("proposal", "Request"),
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


MODELS = [
    Meeting,
    Matter,
    BallotLog,
    ProvisionalRequest,
    ProvisionalRequester,
    Proxy,
    PaperEntry,
]
