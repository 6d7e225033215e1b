"""Committee models (业主委员会): :class:`ResidentsCommitteeNotice` (告知居委会, with its
opinion), :class:`PreparatoryGroup` (筹备组) and its :class:`PreparatoryMember` rows,
:class:`Committee` (业主委员会 or 物业管理委员会) and its :class:`CommitteeMember` rows.
Table names start with ``owners_``."""

from __future__ import annotations

import peewee as pw

from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.models import DistrictOwnedModel

from ..assembly.models import Meeting
from ..register.models import Owner

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
    name = pw.CharField(max_length=64, verbose_name=lazy_pgettext("person", "Name"))
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
    name = pw.CharField(max_length=64, verbose_name=lazy_pgettext("person", "Name"))
    owner = pw.ForeignKeyField(
        Owner, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Owner")
    )
    role = pw.CharField(
        max_length=16,
        default="member",
        choices=ROLES,
        verbose_name=lazy_pgettext("committee", "Role"),
    )
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


MODELS = [
    ResidentsCommitteeNotice,
    PreparatoryGroup,
    PreparatoryMember,
    Committee,
    CommitteeMember,
]
