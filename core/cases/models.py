"""The case (事项) model: one matter a resident brings to the community, from receiving to
archiving. The fields follow the community service flow of the seeds [004:97-99] and the
first-contact responsibility rule (首问负责制) [004:63-73]."""

from __future__ import annotations

import peewee as pw

from core.fields import MobileField
from core.i18n import lazy_gettext as _l
from core.models import DistrictOwnedModel, TerritoryUnit, User

# A plain choice list for now; the dictionaries of a later issue replace it.
CATEGORIES = [
    ("gov_proxy", _l("Government service proxy")),  # 政务代办
    ("certificate", _l("Certificate")),  # 证明开具
    ("dispute", _l("Dispute")),  # 矛盾纠纷
    ("repair", _l("Facility repair")),  # 设施报修
    ("sanitation", _l("Environment and sanitation")),  # 环境卫生
    ("hazard", _l("Safety hazard")),  # 安全隐患
    ("assistance", _l("Hardship assistance")),  # 困难帮扶
    ("other", _l("Other matter")),  # 其他
]

SOURCES = [
    ("window", _l("Service window")),  # 窗口
    ("grid_worker", _l("Grid worker report")),  # 网格员
    ("building_head", _l("Building head report")),  # 楼栋长
    ("phone", _l("Phone")),  # 电话
    ("online", _l("Online")),  # 网上
]

HANDLING_MODES = [
    ("direct", _l("Direct handling")),  # 直接办理
    ("proxy", _l("Proxy handling")),  # 代办
    ("transfer", _l("Transfer")),  # 转办
]

RATINGS = (1, 2, 3, 4, 5)


class Case(DistrictOwnedModel):
    """事项 Case: received by a first-contact person (首问负责人), who stays responsible until
    the case is transferred (转办); its state changes only through :data:`CASE_FLOW`."""

    title = pw.CharField(max_length=200, verbose_name=_l("Subject"))
    description = pw.TextField(default="", verbose_name=_l("Description"))
    category = pw.CharField(
        max_length=32, default="", choices=CATEGORIES, verbose_name=_l("Category")
    )
    source = pw.CharField(
        max_length=16, default="window", choices=SOURCES, verbose_name=_l("Source")
    )
    requester_name = pw.CharField(max_length=64, default="", verbose_name=_l("Requester"))
    requester_mobile = MobileField(null=True, verbose_name=_l("Requester's mobile"))
    receiver = pw.ForeignKeyField(
        User, backref="+", on_delete="RESTRICT", verbose_name=_l("Receiver (first contact)")
    )
    handler = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Handler")
    )
    handler_unit = pw.ForeignKeyField(
        TerritoryUnit,
        null=True,
        backref="+",
        on_delete="RESTRICT",
        verbose_name=_l("Handling unit"),
    )
    handling_mode = pw.CharField(
        max_length=16, default="", choices=HANDLING_MODES, verbose_name=_l("Handling mode")
    )
    result = pw.TextField(default="", verbose_name=_l("Handling result"))
    rating = pw.SmallIntegerField(null=True, verbose_name=_l("Rating (1-5)"))
    rating_comment = pw.TextField(default="", verbose_name=_l("Resident's comment"))
    state = pw.CharField(max_length=16, default="received", index=True, verbose_name=_l("State"))
    version = pw.IntegerField(default=0)
    due = pw.DateField(null=True, index=True, verbose_name=_l("Deadline"))

    class Meta:
        table_name = "core_case"
        verbose_name = _l("Cases")

    def __str__(self) -> str:
        return self.title
