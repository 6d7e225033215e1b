"""Time bank models (志愿服务 / 时间银行).

People and organisation: :class:`Team` (志愿服务队伍, or a 志愿服务站 service station),
:class:`Volunteer` (实名注册的志愿者). Work: :class:`Activity` (活动/项目) with
:class:`Shift` (班次) and :class:`SignUp` (报名, with a waiting list and check-in/out),
:class:`ServiceRequest` (居民服务需求), :class:`ServiceRecord` (志愿服务记录), whose steps run
on the core workflow engine (``flows.py``) and are kept in its append-only history
(``core_workflow_history``). Money-like evidence: the double-entry ledger
(:class:`Account`, :class:`Transfer`, :class:`Movement`, all amounts in integer minutes) and
:class:`Certificate` (志愿服务记录证明). Table names start with ``timebank_``.
"""

from __future__ import annotations

import peewee as pw

from core.fields import DictionaryField, IdCardField, MobileField
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.models import (
    AppendOnlyModel,
    DistrictOwnedModel,
    TerritoryUnit,
    User,
    utcnow,
)
from forms.models import Submission

PLUGIN = "timebank"

# Service targets (服务对象) [seeds 004:269, 002:414, 002:442]
TARGET_GROUPS = [
    ("elderly", _l("Elderly people")),  # 老年人
    ("disabled", _l("People with disabilities")),  # 残疾人
    ("minors", _l("Minors")),  # 未成年人
    ("low_income", _l("Low-income families")),  # 低收入家庭
    ("unemployed", _l("Laid-off and unemployed people")),  # 下岗失业人员
    ("special_care", _l("Special-care recipients")),  # 优抚对象
    ("left_behind", _l("Left-behind families")),  # 留守家庭
    ("community", _l("Whole community")),  # 社区公共
]

# Service fields (服务类别) [seeds 002:414, 001:119-121, 000:482]
SERVICE_TYPES = [
    ("daily_care", _l("Daily-life care")),  # 生活照料
    ("companionship", _l("Companionship and emotional support")),  # 情感支持
    ("elderly_disabled", _l("Help for the elderly and disabled")),  # 助老助残
    ("child_care", _l("Care and protection of minors")),  # 未成年人关爱保护
    ("culture", _l("Culture and recreation")),  # 文化娱乐
    ("training", _l("Training and lectures")),  # 培训讲座
    ("patrol", _l("Public-safety patrol")),  # 平安巡防
    ("environment", _l("Environment and civility")),  # 环境与文明实践
    ("emergency", _l("Emergency rescue")),  # 应急救援
    ("epidemic", _l("Epidemic prevention")),  # 疫情防控
    ("other", _l("Other service")),  # 其他
]

VOLUNTEER_SOURCES = [
    ("resident", _l("Resident")),  # 居民
    ("party_member", _l("Party member")),  # 党员
    ("in_service_party_member", _l("In-service party member (double check-in)")),  # 双报到
    ("retiree", _l("Retiree")),  # 退休人员
    ("youth", _l("Youth League member or student")),  # 团员青年
    ("skilled", _l("Resident with a skill")),  # 一技之长
    ("unit", _l("Unit employee")),  # 单位职工
]

VOLUNTEER_STATUSES = [
    ("pending", _l("Awaiting review")),  # 待审核
    ("active", _l("Active")),  # 在册
    ("suspended", _l("Suspended")),  # 暂停
    ("left", _l("Left")),  # 已退出
    ("rejected", _l("Not accepted")),  # 未通过
]

TEAM_KINDS = [
    ("team", _l("Volunteer team")),  # 志愿服务队伍
    ("station", _l("Service station")),  # 志愿服务站
]

ACTIVITY_STATES = [
    ("open", _l("Open for sign-up")),  # 报名中
    ("closed", _l("Closed")),  # 已结束
    ("cancelled", _l("Cancelled")),  # 已取消
]

SIGNUP_STATES = [
    ("signed", _l("Signed up")),  # 已报名
    ("waiting", _l("On the waiting list")),  # 候补
    ("cancelled", _l("Cancelled")),  # 已取消
    ("checked_in", _l("Checked in")),  # 已签到
    ("checked_out", _l("Checked out")),  # 已签退
    ("no_show", _l("No-show")),  # 缺席
]

REQUEST_STATES = [
    ("open", lazy_pgettext("service request", "Open")),  # 待匹配
    ("matched", _l("Matched")),  # 已匹配
    ("done", _l("Done")),  # 已完成
    ("cancelled", _l("Cancelled")),  # 已取消
]

RECORD_STATES = [
    ("draft", _l("Draft")),  # 草稿
    ("pending_confirmation", _l("Awaiting confirmation")),  # 待服务对象确认
    ("pending_review", _l("Awaiting review")),  # 待审核
    ("pending_second", _l("Awaiting second approval")),  # 待复核
    ("approved", _l("Approved")),  # 已通过
    ("rejected", lazy_pgettext("review", "Rejected")),  # 已驳回
    ("reversed", _l("Reversed")),  # 已冲销
]

CONFIRM_METHODS = [
    ("served", _l("By the person served")),  # 服务对象本人
    ("proxy", _l("By a proxy")),  # 代确认（家属、楼栋长等）
    ("organiser", _l("By the organiser")),  # 活动组织者
]

RECORD_SOURCES = [
    ("volunteer", _l("Logged by the volunteer")),
    ("organiser", _l("Logged by the organiser")),
    ("checkout", _l("From check-out")),
    ("event", _l("Reported by another module")),
]

ACCOUNT_KINDS = [
    ("hours", _l("Service hours")),  # 志愿服务时长（可证明，不可消费）
    ("credits", _l("Time credits")),  # 时间币（可兑换、转赠、捐赠）
]

ACCOUNT_ROLES = [
    ("person", _l("Personal account")),  # 个人账户
    ("issue", _l("Issuing account")),  # 发行账户（记账来源）
    ("redeemed", _l("Redeemed services")),  # 兑换服务
    ("pool", _l("Community pool")),  # 社区公益池
    ("expired", _l("Expired credits")),  # 过期清零
]

TRANSFER_KINDS = [
    ("service", _l("Approved service")),  # 服务记账
    ("spend", _l("Redemption of a service")),  # 兑换服务
    ("gift", _l("Transfer to a relative")),  # 转赠亲属
    ("donate", _l("Donation to the community pool")),  # 捐赠公益池
    ("grant", _l("Grant from the community pool")),  # 公益池发放
    ("cap", _l("Above the storage cap, to the pool")),  # 超出存储上限转入公益池
    ("expiry", _l("Expiry")),  # 过期
    ("reversal", _l("Reversal")),  # 冲销
]


def _service_type(default: str) -> DictionaryField:
    """服务类别: the dictionary timebank.service_type (activities, requests, records)."""
    return DictionaryField(
        "timebank.service_type",
        SERVICE_TYPES,
        max_length=32,
        default=default,
        verbose_name=_l("Service type"),
    )


def _target_group(default: str) -> DictionaryField:
    """服务对象: the dictionary timebank.target_group."""
    return DictionaryField(
        "timebank.target_group",
        TARGET_GROUPS,
        max_length=32,
        default=default,
        verbose_name=_l("Served group"),
    )


class Team(DistrictOwnedModel):
    """志愿服务队伍 Volunteer team, or 志愿服务站 service station, of a community or street."""

    name = pw.CharField(max_length=100, verbose_name=_l("Name"))
    kind = DictionaryField(
        "timebank.team_kind", TEAM_KINDS, max_length=16, default="team", verbose_name=_l("Kind")
    )
    leader_name = pw.CharField(max_length=64, default="", verbose_name=_l("Leader"))
    leader_mobile = MobileField(null=True, verbose_name=_l("Leader's mobile"))
    address = pw.CharField(max_length=200, default="", verbose_name=_l("Address"))
    description = pw.TextField(default="", verbose_name=_l("Description"))
    active = pw.BooleanField(default=True, verbose_name=_l("Active"))

    class Meta:
        table_name = "timebank_team"
        verbose_name = _l("Teams and stations")

    def __str__(self) -> str:
        return self.name


class Volunteer(DistrictOwnedModel):
    """志愿者 Volunteer, registered under their real name (实名注册, 《志愿服务条例》第七条).

    ``unit`` is the community they registered in; ``user`` is their login for the portal.
    """

    user = pw.ForeignKeyField(
        User, null=True, unique=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Login")
    )
    name = pw.CharField(max_length=64, verbose_name=_l("Name"))
    id_number = IdCardField(verbose_name=_l("ID card number"))
    mobile = MobileField(verbose_name=_l("Mobile phone"))
    source = DictionaryField(
        "timebank.volunteer_source",
        VOLUNTEER_SOURCES,
        max_length=32,
        default="resident",
        verbose_name=_l("Source"),
    )
    skills = pw.CharField(max_length=200, default="", verbose_name=_l("Skills"))
    availability = pw.CharField(max_length=200, default="", verbose_name=_l("Availability"))
    national_number = pw.CharField(
        max_length=32, default="", verbose_name=_l("National volunteer number")
    )
    team = pw.ForeignKeyField(
        Team, null=True, backref="members", on_delete="SET NULL", verbose_name=_l("Team")
    )
    consent_at = pw.DateTimeField(null=True, verbose_name=_l("Consent to data use given at"))
    status = pw.CharField(
        max_length=16,
        default="pending",
        index=True,
        choices=VOLUNTEER_STATUSES,
        verbose_name=_l("Status"),
    )
    status_note = pw.CharField(max_length=200, default="", verbose_name=_l("Status note"))
    # answers to the district's registration extras (a low-code form definition)
    extras = pw.ForeignKeyField(
        Submission, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("More details")
    )

    class Meta:
        table_name = "timebank_volunteer"
        verbose_name = _l("Volunteers")
        indexes = ((("unit", "status"), False), (("id_number",), False))

    def __str__(self) -> str:
        return self.name


class Activity(DistrictOwnedModel):
    """志愿服务活动 Activity or project, with shifts people sign up for."""

    title = pw.CharField(max_length=200, verbose_name=_l("Title"))
    description = pw.TextField(default="", verbose_name=_l("Description"))
    service_type = _service_type("other")
    target_group = _target_group("community")
    team = pw.ForeignKeyField(
        Team, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Organising team")
    )
    organiser = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Organiser")
    )
    location = pw.CharField(max_length=200, default="", verbose_name=_l("Location"))
    state = pw.CharField(
        max_length=16, default="open", choices=ACTIVITY_STATES, verbose_name=_l("State")
    )

    class Meta:
        table_name = "timebank_activity"
        verbose_name = _l("Activities")

    def __str__(self) -> str:
        return self.title


class Shift(DistrictOwnedModel):
    """班次 A shift of an activity: when, and how many volunteers it needs."""

    activity = pw.ForeignKeyField(
        Activity, backref="shifts", on_delete="RESTRICT", verbose_name=_l("Activity")
    )
    starts_at = pw.DateTimeField(verbose_name=_l("Starts at"))
    ends_at = pw.DateTimeField(verbose_name=_l("Ends at"))
    capacity = pw.IntegerField(default=1, verbose_name=_l("Places"))

    class Meta:
        table_name = "timebank_shift"
        verbose_name = _l("Shifts")

    def __str__(self) -> str:
        return f"{self.activity.title} {self.starts_at:%Y-%m-%d %H:%M}"


class SignUp(DistrictOwnedModel):
    """报名 A volunteer's place on a shift, or on its waiting list (候补)."""

    shift = pw.ForeignKeyField(
        Shift, backref="signups", on_delete="RESTRICT", verbose_name=_l("Shift")
    )
    volunteer = pw.ForeignKeyField(
        Volunteer, backref="signups", on_delete="RESTRICT", verbose_name=_l("Volunteer")
    )
    state = pw.CharField(
        max_length=16, default="signed", index=True, choices=SIGNUP_STATES, verbose_name=_l("State")
    )
    signed_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Signed up at"))
    checked_in_at = pw.DateTimeField(null=True, verbose_name=_l("Checked in at"))
    checked_out_at = pw.DateTimeField(null=True, verbose_name=_l("Checked out at"))
    checked_by = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Checked in by")
    )

    class Meta:
        table_name = "timebank_signup"
        verbose_name = _l("Sign-ups")
        indexes = ((("shift", "volunteer"), True),)


class ServiceRequest(DistrictOwnedModel):
    """居民服务需求 A resident's request for help, matched to a volunteer."""

    requester_name = pw.CharField(max_length=64, verbose_name=_l("Requester"))
    requester_mobile = MobileField(null=True, verbose_name=_l("Requester's mobile"))
    target_group = _target_group("elderly")
    service_type = _service_type("daily_care")
    description = pw.TextField(default="", verbose_name=_l("What is needed"))
    wanted_on = pw.DateField(null=True, verbose_name=_l("Wanted on"))
    volunteer = pw.ForeignKeyField(
        Volunteer,
        null=True,
        backref="+",
        on_delete="RESTRICT",
        verbose_name=_l("Matched volunteer"),
    )
    state = pw.CharField(
        max_length=16, default="open", index=True, choices=REQUEST_STATES, verbose_name=_l("State")
    )

    class Meta:
        table_name = "timebank_request"
        verbose_name = _l("Service requests")

    def __str__(self) -> str:
        return f"{self.requester_name}: {self.description[:30]}"


class ServiceRecord(DistrictOwnedModel):
    """志愿服务记录 Service record: who served, when, what, for whom; confirmed by the person
    served (or a proxy), approved by staff, then posted to the ledger.

    Service time (服务时长) is the actual time served, excluding travel (记录与证明出具办法).
    """

    volunteer = pw.ForeignKeyField(
        Volunteer, backref="records", on_delete="RESTRICT", verbose_name=_l("Volunteer")
    )
    activity = pw.ForeignKeyField(
        Activity, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Activity")
    )
    signup = pw.ForeignKeyField(
        SignUp, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Sign-up")
    )
    request = pw.ForeignKeyField(
        ServiceRequest, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Request")
    )
    started_at = pw.DateTimeField(verbose_name=_l("Started at"))
    ended_at = pw.DateTimeField(verbose_name=_l("Ended at"))
    minutes = pw.IntegerField(verbose_name=_l("Minutes"))
    content = pw.TextField(verbose_name=_l("Service content"))
    service_type = _service_type("other")
    target_group = _target_group("community")
    served_name = pw.CharField(max_length=64, default="", verbose_name=_l("Person served"))
    source = pw.CharField(
        max_length=16, default="volunteer", choices=RECORD_SOURCES, verbose_name=_l("Logged how")
    )
    source_ref = pw.CharField(max_length=64, null=True, unique=True)  # plugin:id of an event
    status = pw.CharField(
        max_length=24, default="draft", index=True, choices=RECORD_STATES, verbose_name=_l("Status")
    )
    version = pw.IntegerField(default=0)
    confirm_token = pw.CharField(max_length=64, null=True, unique=True)
    confirm_method = pw.CharField(
        max_length=16, default="", choices=CONFIRM_METHODS, verbose_name=_l("Confirmed how")
    )
    confirmed_name = pw.CharField(max_length=64, default="", verbose_name=_l("Confirmed by"))
    confirmed_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    confirmed_at = pw.DateTimeField(null=True, verbose_name=_l("Confirmed at"))
    reviewed_by = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Approved by")
    )
    second_reviewer = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Second approval by")
    )
    decided_at = pw.DateTimeField(null=True, verbose_name=_l("Decided at"))
    reject_reason = pw.CharField(max_length=200, default="", verbose_name=_l("Reason"))

    class Meta:
        table_name = "timebank_record"
        verbose_name = _l("Service records")
        indexes = ((("volunteer", "started_at"), False), (("unit", "status"), False))

    def __str__(self) -> str:
        return f"{self.volunteer.name} {self.started_at:%Y-%m-%d} {self.content[:20]}"


class Account(DistrictOwnedModel):
    """账户 An account of the ledger, in integer minutes.

    Every volunteer has two: service hours (志愿服务时长, certifiable, never spent) and time
    credits (时间币, spendable). Each community also has system accounts: the issuing
    account (the source of what approved service posts), redeemed services, the community
    pool (公益池) and expired credits. ``balance`` is a cache of the sum of the account's
    movements, kept in the same transaction; ``linli timebank verify`` recomputes it.
    """

    volunteer = pw.ForeignKeyField(
        Volunteer, null=True, backref="accounts", on_delete="RESTRICT", verbose_name=_l("Holder")
    )
    kind = pw.CharField(max_length=8, choices=ACCOUNT_KINDS, verbose_name=_l("Ledger"))
    role = pw.CharField(
        max_length=16, default="person", choices=ACCOUNT_ROLES, verbose_name=_l("Account type")
    )
    balance = pw.BigIntegerField(default=0, verbose_name=_l("Balance (minutes)"))
    system_key = pw.CharField(
        max_length=48, null=True, unique=True, verbose_name=_l("System key")
    )  # "unit:role:kind"

    class Meta:
        table_name = "timebank_account"
        verbose_name = _l("Accounts")
        indexes = ((("volunteer", "kind"), True),)


class Transfer(AppendOnlyModel):
    """转账 A ledger transfer: a header with two or more movements that sum to zero per
    ledger. Transfers are never changed; a correction is a reversal transfer."""

    unit = pw.ForeignKeyField(
        TerritoryUnit, backref="+", on_delete="RESTRICT", verbose_name=_l("Territory unit")
    )
    kind = pw.CharField(max_length=16, choices=TRANSFER_KINDS, verbose_name=_l("Kind"))
    record = pw.ForeignKeyField(
        ServiceRecord,
        null=True,
        backref="+",
        on_delete="RESTRICT",
        verbose_name=_l("Service record"),
    )
    reverses = pw.ForeignKeyField(
        "self",
        null=True,
        unique=True,
        backref="+",
        on_delete="RESTRICT",
        verbose_name=_l("Reverses"),
    )
    memo = pw.CharField(max_length=200, default="", verbose_name=_l("Memo"))
    created_by = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Created by")
    )
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "timebank_transfer"
        verbose_name = _l("Ledger transfers")


class Movement(AppendOnlyModel):
    """分录 One line of a transfer: minutes into (+) or out of (−) one account."""

    transfer = pw.ForeignKeyField(
        Transfer, backref="movements", on_delete="RESTRICT", verbose_name=_l("Transfer")
    )
    account = pw.ForeignKeyField(
        Account, backref="movements", on_delete="RESTRICT", verbose_name=_l("Account")
    )
    amount = pw.IntegerField(verbose_name=_l("Minutes"))
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "timebank_movement"
        verbose_name = _l("Ledger movements")
        indexes = ((("account", "created_at"), False),)


class Certificate(DistrictOwnedModel):
    """志愿服务记录证明 Volunteer service record certificate (民发〔2015〕149号): the
    volunteer's identity, hours and content of service over a period, the issuing
    organisation, a unique number and the date of issue. Revoked, never deleted."""

    number = pw.CharField(max_length=32, unique=True, verbose_name=_l("Certificate number"))
    volunteer = pw.ForeignKeyField(
        Volunteer, backref="+", on_delete="RESTRICT", verbose_name=_l("Volunteer")
    )
    period_start = pw.DateField(verbose_name=_l("Period from"))
    period_end = pw.DateField(verbose_name=_l("Period to"))
    minutes = pw.IntegerField(verbose_name=_l("Service minutes"))
    content = pw.TextField(default="", verbose_name=_l("Service content"))
    issuer_name = pw.CharField(max_length=100, verbose_name=_l("Issuing organisation"))
    issuer_head = pw.CharField(
        max_length=64, default="", verbose_name=_l("Head of the organisation")
    )
    handler_name = pw.CharField(max_length=64, default="", verbose_name=_l("Handled by"))
    issuer_contact = pw.CharField(max_length=64, default="", verbose_name=_l("Contact"))
    issued_on = pw.DateField(verbose_name=_l("Issued on"))
    revoked_at = pw.DateTimeField(null=True, verbose_name=_l("Revoked at"))
    revoked_reason = pw.CharField(
        max_length=200, default="", verbose_name=_l("Reason for revocation")
    )

    class Meta:
        table_name = "timebank_certificate"
        verbose_name = _l("Certificates")

    def __str__(self) -> str:
        return self.number


MODELS = [
    Team,
    Volunteer,
    Activity,
    Shift,
    SignUp,
    ServiceRequest,
    ServiceRecord,
    Account,
    Transfer,
    Movement,
    Certificate,
]
