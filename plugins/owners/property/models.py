"""Property-service models (物业服务): :class:`PropertyCompany` (物业服务企业),
:class:`ServiceContract` (物业服务合同), :class:`CompoundService` (物业服务模式),
:class:`Complaint` (物业服务投诉), :class:`Dispute` (物业纠纷) and :class:`JointMeeting`
(联席会议). Table names start with ``owners_``."""

from __future__ import annotations

import peewee as pw

from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.models import DistrictOwnedModel, User

SERVICE_MODELS = [
    ("professional", _l("Professional property company")),  # 专业型物业公司服务
    ("community", _l("Community paid low-profit service")),  # 社区型有偿微利服务
    ("employer", _l("Employer property service")),  # 单位型物业服务
    ("self", _l("Owners' self-governed service")),  # 自治型业主物业服务
]

COMPLAINT_STATES = [
    ("open", lazy_pgettext("complaint", "Open")),  # 待处理
    ("handled", _l("Handled")),  # 已处理
    ("rated", _l("Rated")),  # 已评价
]


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
    minutes = pw.TextField(default="", verbose_name=lazy_pgettext("meeting", "Minutes"))
    decisions = pw.TextField(default="", verbose_name=_l("Decisions"))
    publication_id = pw.IntegerField(null=True, verbose_name=_l("Public notice"))

    class Meta:
        table_name = "owners_joint_meeting"
        verbose_name = _l("Joint meetings")

    def __str__(self) -> str:
        return self.topic


MODELS = [
    PropertyCompany,
    ServiceContract,
    CompoundService,
    Complaint,
    Dispute,
    JointMeeting,
]
