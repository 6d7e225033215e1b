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

    class Meta:
        table_name = "owners_ballot_log"
        verbose_name = _l("Ballots")
        indexes = ((("matter", "premises"), False),)


MODELS = [Owner, Premises, Ownership, Meeting, Matter, BallotLog]
