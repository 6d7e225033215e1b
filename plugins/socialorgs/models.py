"""Community social organisations (社区社会组织): the registry and what hangs on it.

One :class:`Organisation` row is one organisation for its whole life: filed (备案, no legal
personality, a local filing number) and later registered (登记, a legal person with a unified
social credit code) under the same id. Its lifecycle (申请中 → 已备案 → 已登记 → 清算 → 注销 /
撤销) runs on the core workflow engine; so do applications, changes, annual reports,
evaluations and objections. Evidence (sanctions, credit-list events, charter versions) is
append-only. Money is Decimal yuan (two places); dates are China dates.
"""

from __future__ import annotations

import peewee as pw

from core.fields import DictionaryField, IdCardField, MobileField
from core.i18n import gettext
from core.i18n import lazy_gettext as _l
from core.models import AppendOnlyModel, BaseModel, DistrictOwnedModel, TerritoryUnit, User, utcnow

from .rules import is_system_reason

LEGAL_FORMS = [("filed", _l("Filed (备案)")), ("registered", _l("Registered (登记)"))]
ORG_TYPES = [
    ("social_group", _l("Social group (社会团体)")),
    ("social_service", _l("Social service agency (社会服务机构)")),
    ("foundation", _l("Foundation (基金会)")),
]
CATEGORIES = [
    ("life_service", _l("Life services (生活服务类)")),
    ("community_affairs", _l("Community affairs (社区事务类)")),
    ("culture_sports", _l("Culture and sports (文体活动类)")),
    ("charity", _l("Public welfare and charity (公益慈善类)")),
]
PARTY_STATUSES = [
    ("branch", _l("Own party organisation (单独建立党组织)")),
    ("joint", _l("Joint party organisation (联合建立党组织)")),
    ("liaison", _l("Party-building liaison (党建指导员)")),
    ("none", _l("No party organisation (未建立)")),
]
APPLICATION_KINDS = [("filing", _l("Filing (备案)")), ("registration", _l("Registration (登记)"))]
CHANGE_FIELDS = [
    ("name", _l("Name (名称)")),
    ("address", _l("Domicile (住所)")),
    ("legal_rep", _l("Legal representative or leader (法定代表人/负责人)")),
    ("purpose", _l("Purpose (宗旨)")),
    ("scope", _l("Scope of activities (业务范围)")),
    ("funds", _l("Activity funds (活动资金)")),
    ("supervisor", _l("Supervising or guiding unit (业务主管/指导单位)")),
    ("premises", _l("Premises (活动场所)")),
]
SANCTION_KINDS = [
    ("warning", _l("Warning (警告)")),
    ("fine", _l("Fine (罚款)")),
    ("letter_unsigned", _l("Registered letter not signed for (挂号信未签收)")),
    ("suspension", _l("Ordered to suspend activities (责令停止活动)")),
    ("rectification_overdue", _l("Rectification not completed on time (逾期未整改)")),
    ("no_party_organisation", _l("No party organisation as required (未按要求建立党组织)")),
    ("fraudulent_change", _l("Fraudulent change registration revoked (虚假变更登记被撤销)")),
    ("dishonest_debtor", _l("Listed as a dishonest judgment debtor (失信被执行人)")),
]
LIST_KINDS = [
    ("abnormal", _l("Abnormal-activity list (活动异常名录)")),
    ("dishonest", _l("Serious-dishonesty list (严重违法失信名单)")),
]
LISTING_STATES = [
    ("listed", _l("Listed (在列)")),
    ("removed", _l("Removed (已移出)")),
    ("moved", _l("Moved to the serious-dishonesty list (已转入失信名单)")),
]
EVENT_KINDS = [
    ("listed", _l("Listed (列入)")),
    ("retriggered", _l("Trigger recurred, clock restarted (再次触发，重新计时)")),
    ("moved", _l("Moved to the serious-dishonesty list (转入失信名单)")),
    ("removed", _l("Removed (移出)")),
    ("objection", _l("Objection raised (提出异议)")),
    ("objection_uphold", _l("Objection upheld (异议成立)")),
    ("objection_dismiss", _l("Objection dismissed (异议不成立)")),
]
GRADES = [("5A", "5A"), ("4A", "4A"), ("3A", "3A"), ("2A", "2A"), ("1A", "1A")]


class Organisation(DistrictOwnedModel):
    """社会组织 Organisation: ``unit`` is the street or community that files or guides it."""

    name = pw.CharField(max_length=100, unique=True, verbose_name=_l("Name (名称)"))
    former_names = pw.TextField(default="", verbose_name=_l("Former names (曾用名)"))
    legal_form = pw.CharField(
        max_length=16, default="filed", choices=LEGAL_FORMS, verbose_name=_l("Legal form")
    )
    org_type = pw.CharField(
        max_length=16, default="social_group", choices=ORG_TYPES, verbose_name=_l("Type")
    )
    category = DictionaryField(
        "socialorgs.category",
        CATEGORIES,
        max_length=24,
        default="life_service",
        verbose_name=_l("Category"),
    )
    credit_code = pw.CharField(
        max_length=18, null=True, unique=True, verbose_name=_l("Unified social credit code")
    )
    filing_number = pw.CharField(
        max_length=32, null=True, unique=True, verbose_name=_l("Filing number (备案编号)")
    )
    supervisor = pw.CharField(
        max_length=100,
        default="",
        verbose_name=_l("Supervising or guiding unit (业务主管/指导单位)"),
    )
    legal_rep = pw.CharField(
        max_length=64,
        default="",
        verbose_name=_l("Legal representative or leader (法定代表人/负责人)"),
    )
    legal_rep_id = IdCardField(null=True, verbose_name=_l("ID card of the legal representative"))
    members_individual = pw.IntegerField(default=0, verbose_name=_l("Individual members"))
    members_unit = pw.IntegerField(default=0, verbose_name=_l("Unit members"))
    funds = pw.DecimalField(
        max_digits=14, decimal_places=2, default=0, verbose_name=_l("Activity funds (yuan)")
    )
    address = pw.CharField(max_length=200, default="", verbose_name=_l("Domicile (住所)"))
    premises = pw.CharField(max_length=200, default="", verbose_name=_l("Premises (活动场所)"))
    purpose = pw.TextField(default="", verbose_name=_l("Purpose (宗旨)"))
    scope = pw.TextField(default="", verbose_name=_l("Scope of activities (业务范围)"))
    party_status = pw.CharField(
        max_length=16, default="none", choices=PARTY_STATUSES, verbose_name=_l("Party organisation")
    )
    charter_version = pw.IntegerField(default=0, verbose_name=_l("Charter version (章程版本)"))
    founded_on = pw.DateField(null=True, verbose_name=_l("Founded on"))
    contact_name = pw.CharField(max_length=64, default="", verbose_name=_l("Contact person"))
    contact_phone = MobileField(null=True, verbose_name=_l("Contact mobile"))
    filed_on = pw.DateField(null=True, verbose_name=_l("Filed on"))
    registered_on = pw.DateField(null=True, verbose_name=_l("Registered on"))
    ended_on = pw.DateField(null=True, verbose_name=_l("Ended on"))
    grade = pw.CharField(max_length=2, default="", verbose_name=_l("Evaluation grade (评估等级)"))
    grade_valid_until = pw.DateField(null=True, verbose_name=_l("Grade valid until"))
    last_activity_on = pw.DateField(null=True, verbose_name=_l("Last activity on"))
    extras = pw.TextField(default="{}", verbose_name=_l("Additional information"))
    state = pw.CharField(max_length=16, default="pending", index=True, verbose_name=_l("Status"))
    version = pw.IntegerField(default=0)
    due = pw.DateField(null=True, index=True, verbose_name=_l("Deadline"))

    class Meta:
        table_name = "socialorgs_organisation"
        verbose_name = _l("Social organisations")

    def __str__(self) -> str:
        return self.name


class AreaOfOperation(BaseModel):
    """活动地域: the territory units an organisation works in."""

    organisation = pw.ForeignKeyField(Organisation, backref="areas", on_delete="CASCADE")
    area = pw.ForeignKeyField(TerritoryUnit, backref="+", on_delete="RESTRICT")

    class Meta:
        table_name = "socialorgs_area"
        indexes = ((("organisation", "area"), True),)


class CharterVersion(AppendOnlyModel):
    """章程 Charter versions: each adopted charter is a new row, never rewritten."""

    organisation = pw.ForeignKeyField(
        Organisation, backref="charters", on_delete="RESTRICT", verbose_name=_l("Organisation")
    )
    number = pw.IntegerField(verbose_name=_l("Version"))
    adopted_on = pw.DateField(verbose_name=_l("Adopted on"))
    summary = pw.TextField(default="", verbose_name=_l("Summary"))
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "socialorgs_charter"
        verbose_name = _l("Charter versions")
        indexes = ((("organisation", "number"), True),)


class Application(DistrictOwnedModel):
    """备案 / 登记申请 Application: accepted, reviewed, returned for correction, decided."""

    organisation = pw.ForeignKeyField(
        Organisation, backref="applications", on_delete="RESTRICT", verbose_name=_l("Organisation")
    )
    kind = pw.CharField(max_length=16, choices=APPLICATION_KINDS, verbose_name=_l("Kind"))
    materials = pw.TextField(default="", verbose_name=_l("Materials submitted"))
    credit_code = pw.CharField(
        max_length=18, null=True, verbose_name=_l("Unified social credit code")
    )
    decision = pw.TextField(default="", verbose_name=_l("Decision"))
    decided_on = pw.DateField(null=True, verbose_name=_l("Decided on"))
    state = pw.CharField(max_length=16, default="submitted", index=True, verbose_name=_l("State"))
    version = pw.IntegerField(default=0)
    due = pw.DateField(null=True, index=True, verbose_name=_l("Deadline"))

    class Meta:
        table_name = "socialorgs_application"
        verbose_name = _l("Applications")

    def __str__(self) -> str:
        return f"{self.organisation.name} · {dict(APPLICATION_KINDS).get(self.kind, self.kind)}"


class ChangeRequest(DistrictOwnedModel):
    """变更登记 Change of one registered item, applied within 30 days of the supervisor's
    agreement; the old and new values are kept (field-level diff)."""

    organisation = pw.ForeignKeyField(
        Organisation, backref="changes", on_delete="RESTRICT", verbose_name=_l("Organisation")
    )
    field = pw.CharField(max_length=16, choices=CHANGE_FIELDS, verbose_name=_l("Item changed"))
    old_value = pw.TextField(default="", verbose_name=_l("Old value"))
    new_value = pw.TextField(verbose_name=_l("New value"))
    agreed_on = pw.DateField(verbose_name=_l("Supervisor agreed on"))
    effective_on = pw.DateField(null=True, verbose_name=_l("Effective on"))
    state = pw.CharField(max_length=16, default="requested", index=True, verbose_name=_l("State"))
    version = pw.IntegerField(default=0)
    due = pw.DateField(null=True, index=True, verbose_name=_l("Deadline"))

    class Meta:
        table_name = "socialorgs_change"
        verbose_name = _l("Changes")


class AnnualReport(DistrictOwnedModel):
    """年度报告 Annual report for ``year``: to the supervisor by 31 March, to the registrar by
    31 May of the following year."""

    organisation = pw.ForeignKeyField(
        Organisation, backref="reports", on_delete="RESTRICT", verbose_name=_l("Organisation")
    )
    year = pw.IntegerField(verbose_name=_l("Year"))
    income = pw.DecimalField(max_digits=14, decimal_places=2, default=0, verbose_name=_l("Income"))
    expenditure = pw.DecimalField(
        max_digits=14, decimal_places=2, default=0, verbose_name=_l("Expenditure")
    )
    activities = pw.IntegerField(default=0, verbose_name=_l("Activities held"))
    summary = pw.TextField(default="", verbose_name=_l("Work summary"))
    submitted_on = pw.DateField(null=True, verbose_name=_l("Submitted on"))
    state = pw.CharField(max_length=16, default="submitted", index=True, verbose_name=_l("State"))
    version = pw.IntegerField(default=0)
    due = pw.DateField(null=True, index=True, verbose_name=_l("Deadline"))

    class Meta:
        table_name = "socialorgs_annual_report"
        verbose_name = _l("Annual reports")
        indexes = ((("organisation", "year"), True),)

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.year}"


class Sanction(AppendOnlyModel):
    """行政检查 / 处罚记录 Warnings, fines, unsigned letters...: evidence that feeds the credit
    rules; a correction is a new row."""

    unit = pw.ForeignKeyField(
        TerritoryUnit,
        backref="+",
        on_delete="RESTRICT",
        index=True,
        verbose_name=_l("Territory unit"),
    )
    organisation = pw.ForeignKeyField(
        Organisation, backref="sanctions", on_delete="RESTRICT", verbose_name=_l("Organisation")
    )
    kind = pw.CharField(max_length=24, choices=SANCTION_KINDS, verbose_name=_l("Kind"))
    on_date = pw.DateField(verbose_name=_l("Date"))
    amount = pw.DecimalField(
        max_digits=14, decimal_places=2, default=0, verbose_name=_l("Amount (yuan)")
    )
    document = pw.CharField(max_length=100, default="", verbose_name=_l("Document number"))
    note = pw.TextField(default="", verbose_name=_l("Note"))
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "socialorgs_sanction"
        verbose_name = _l("Inspections and penalties")


def reason_label(reason: str | None) -> str:
    """A listing's or credit event's reason for display: translated only when it is one of
    the reasons the system writes (:data:`rules.SYSTEM_REASONS`); staff's free text (removal
    reasons, objections, answers) comes back unchanged, as plain ``str``."""
    if not reason:
        return ""
    return str(gettext(reason)) if is_system_reason(reason) else str(reason)


class CreditListing(DistrictOwnedModel):
    """An organisation's stay on a credit list (信用名单). ``clock_from`` restarts when a
    trigger recurs; it may leave the list on ``removable_on`` at the earliest."""

    organisation = pw.ForeignKeyField(
        Organisation, backref="listings", on_delete="RESTRICT", verbose_name=_l("Organisation")
    )
    list_kind = pw.CharField(max_length=16, choices=LIST_KINDS, verbose_name=_l("List"))
    reason = pw.CharField(max_length=200, default="", verbose_name=_l("Reason"))
    listed_on = pw.DateField(verbose_name=_l("Listed on"))
    clock_from = pw.DateField(verbose_name=_l("Counting from"))
    removable_on = pw.DateField(verbose_name=_l("Removable on"))
    state = pw.CharField(
        max_length=16,
        default="listed",
        choices=LISTING_STATES,
        index=True,
        verbose_name=_l("State"),
    )
    removed_on = pw.DateField(null=True, verbose_name=_l("Removed on"))

    class Meta:
        table_name = "socialorgs_listing"
        verbose_name = _l("Credit lists")

    def __str__(self) -> str:
        return f"{self.organisation.name} · {dict(LIST_KINDS).get(self.list_kind)}"

    @property
    def reason_label(self) -> str:
        """The reason as shown: a system reason in the user's language, free text as typed
        (plain ``str``: a template escapes it; user text never goes through gettext)."""
        return reason_label(self.reason)


class CreditEvent(AppendOnlyModel):
    """Full history of the credit lists: listed, trigger recurred, removed, objection..."""

    listing = pw.ForeignKeyField(CreditListing, backref="events", on_delete="RESTRICT")
    kind = pw.CharField(max_length=24, verbose_name=_l("Event"))
    on_date = pw.DateField(verbose_name=_l("Date"))
    reason = pw.CharField(max_length=200, default="", verbose_name=_l("Reason"))
    actor = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "socialorgs_credit_event"

    @property
    def kind_label(self) -> str:
        return str(dict(EVENT_KINDS).get(self.kind, self.kind))

    @property
    def reason_label(self) -> str:
        """The reason as shown: a system reason in the user's language, free text as typed
        (plain ``str``: a template escapes it; user text never goes through gettext)."""
        return reason_label(self.reason)

    @property
    def list_label(self) -> str:
        return str(dict(LIST_KINDS).get(self.listing.list_kind, ""))


class Objection(DistrictOwnedModel):
    """异议 An objection of the organisation against its listing."""

    listing = pw.ForeignKeyField(
        CreditListing, backref="objections", on_delete="RESTRICT", verbose_name=_l("Listing")
    )
    content = pw.TextField(verbose_name=_l("Objection"))
    answer = pw.TextField(default="", verbose_name=_l("Answer"))
    state = pw.CharField(max_length=16, default="submitted", index=True, verbose_name=_l("State"))
    version = pw.IntegerField(default=0)
    due = pw.DateField(null=True, index=True, verbose_name=_l("Deadline"))

    class Meta:
        table_name = "socialorgs_objection"
        verbose_name = _l("Objections")


class Evaluation(DistrictOwnedModel):
    """等级评估 Evaluation: score, publicity, optional review (复核), grade 5A-1A for 5 years."""

    organisation = pw.ForeignKeyField(
        Organisation, backref="evaluations", on_delete="RESTRICT", verbose_name=_l("Organisation")
    )
    score = pw.IntegerField(null=True, verbose_name=_l("Score (of 1000)"))
    grade = pw.CharField(max_length=2, default="", verbose_name=_l("Grade"))
    review_members = pw.IntegerField(null=True, verbose_name=_l("Review committee members"))
    review_votes = pw.IntegerField(null=True, verbose_name=_l("Votes for the decision"))
    graded_on = pw.DateField(null=True, verbose_name=_l("Graded on"))
    valid_until = pw.DateField(null=True, verbose_name=_l("Valid until"))
    state = pw.CharField(max_length=16, default="applied", index=True, verbose_name=_l("State"))
    version = pw.IntegerField(default=0)
    due = pw.DateField(null=True, index=True, verbose_name=_l("Deadline"))

    class Meta:
        table_name = "socialorgs_evaluation"
        verbose_name = _l("Evaluations")


class Activity(DistrictOwnedModel):
    """活动记录 One activity of an organisation (the inactivity alert reads these)."""

    organisation = pw.ForeignKeyField(
        Organisation, backref="activities", on_delete="RESTRICT", verbose_name=_l("Organisation")
    )
    held_on = pw.DateField(verbose_name=_l("Held on"))
    title = pw.CharField(max_length=200, verbose_name=_l("Activity"))
    participants = pw.IntegerField(default=0, verbose_name=_l("Participants"))
    place = pw.CharField(max_length=200, default="", verbose_name=_l("Place"))

    class Meta:
        table_name = "socialorgs_activity"
        verbose_name = _l("Activity log")


class Incubation(DistrictOwnedModel):
    """孵化 An organisation supported by an incubation base or programme."""

    organisation = pw.ForeignKeyField(
        Organisation, backref="incubations", on_delete="RESTRICT", verbose_name=_l("Organisation")
    )
    programme = pw.CharField(max_length=100, verbose_name=_l("Incubation programme"))
    base = pw.CharField(max_length=100, default="", verbose_name=_l("Incubation base"))
    support = pw.TextField(default="", verbose_name=_l("Support given"))
    subsidy = pw.DecimalField(
        max_digits=14, decimal_places=2, default=0, verbose_name=_l("Subsidy (yuan)")
    )
    starts_on = pw.DateField(verbose_name=_l("Starts on"))
    ends_on = pw.DateField(null=True, verbose_name=_l("Ends on"))
    graduated = pw.BooleanField(default=False, verbose_name=_l("Graduated"))

    class Meta:
        table_name = "socialorgs_incubation"
        verbose_name = _l("Incubation")


class PurchaseProject(DistrictOwnedModel):
    """政府购买服务项目 A service the government buys, undertaken by an organisation, evaluated
    by the purchaser, the service users and a third party."""

    title = pw.CharField(max_length=200, verbose_name=_l("Project"))
    purchaser = pw.CharField(max_length=100, verbose_name=_l("Purchaser"))
    organisation = pw.ForeignKeyField(
        Organisation, backref="projects", on_delete="RESTRICT", verbose_name=_l("Undertaker")
    )
    budget = pw.DecimalField(max_digits=14, decimal_places=2, verbose_name=_l("Budget (yuan)"))
    starts_on = pw.DateField(verbose_name=_l("Starts on"))
    ends_on = pw.DateField(verbose_name=_l("Ends on"))
    outputs = pw.TextField(default="", verbose_name=_l("Outputs"))
    purchaser_score = pw.IntegerField(null=True, verbose_name=_l("Purchaser's score"))
    users_score = pw.IntegerField(null=True, verbose_name=_l("Service users' score"))
    third_party_score = pw.IntegerField(null=True, verbose_name=_l("Third party's score"))

    class Meta:
        table_name = "socialorgs_purchase"
        verbose_name = _l("Purchased services")


MODELS = [
    Organisation,
    AreaOfOperation,
    CharterVersion,
    Application,
    ChangeRequest,
    AnnualReport,
    Sanction,
    CreditListing,
    CreditEvent,
    Objection,
    Evaluation,
    Activity,
    Incubation,
    PurchaseProject,
]
