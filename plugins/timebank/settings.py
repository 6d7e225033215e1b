"""The time bank's per-district policy (时间银行政策参数), with documented defaults.

Each default names its source; ``docs/timebank.md`` lists them for administrators.
"""

from __future__ import annotations

from core.i18n import gettext as _
from core.settings import Setting

from .flows import RECORD_FLOW
from .rules import TRANSFER_POLICIES, parse_levels


def check_levels(value: str) -> None:
    try:
        parse_levels(value)
    except ValueError:
        raise ValueError(
            _("give increasing numbers of hours separated by commas, e.g. 100,300,600")
        ) from None


SETTINGS = [
    Setting(
        "credits_per_hour",
        float,
        1.0,
        "每小时服务折算时间币",
        "Time credits per hour of service",
        "1 小时服务 = 1 时间币（沪助养老时光汇；TimeBanks: one hour, one credit）。",
        minimum=0,
        maximum=10,
    ),
    Setting(
        "post_credits",
        bool,
        True,
        "审核通过后记入时间币",
        "Approved service also earns time credits",
        "否：只记志愿服务时长（可证明），不记时间币。",
    ),
    Setting(
        "rounding_minutes",
        int,
        1,
        "时间币取整（分钟，向下）",
        "Round credits down to a multiple of (minutes)",
        "1 = 按分钟记；15 = 按刻钟记。",
        minimum=1,
        maximum=60,
    ),
    Setting(
        "storage_cap_hours",
        int,
        1500,
        "时间币存储上限（小时）",
        "Storage cap of time credits (hours)",
        "南京市养老服务时间银行：存储上限 1500 小时，超出部分转入社区公益池。0 = 不设上限。",
        minimum=0,
    ),
    Setting(
        "min_redeem_age",
        int,
        60,
        "兑换时间币的最低年龄",
        "Minimum age to redeem time credits",
        "南京：60 周岁以上存储者；上海沪助养老时光汇：65 周岁（特殊困难 60 周岁）。",
        minimum=0,
        maximum=120,
    ),
    Setting(
        "expiry_months",
        int,
        0,
        "时间币有效期（月）",
        "Time credits expire after (months)",
        "0 = 永久有效。先存先用：过期的是最早记入且尚未使用的时间币。",
        minimum=0,
    ),
    Setting(
        "transfer_policy",
        str,
        "relatives",
        "时间币可转赠给谁",
        "Who may receive transferred credits",
        "none = 不可转赠；relatives = 配偶及直系亲属（杭州滨江）；anyone = 任何人（上海：亲友）。",
        choices=TRANSFER_POLICIES,
    ),
    Setting(
        "max_hours_per_day",
        int,
        12,
        "每人每日最多记录服务时长（小时）",
        "Maximum hours of service per volunteer per day",
        "超过的记录被拒绝，防止虚报。",
        minimum=1,
        maximum=24,
    ),
    Setting(
        "second_approval_days",
        int,
        30,
        "补录超过多少天需复核",
        "Records logged more than this many days after the service need a second approval",
        "《志愿服务记录与证明出具办法》：记录应当及时；迟报的记录由第二人复核。0 = 不复核。",
        minimum=0,
    ),
    Setting(
        "star_levels",
        str,
        "100,300,600,1000,1500",
        "星级志愿者时长门槛（小时）",
        "Star levels (hours)",
        "一至五星：累计 100/300/600/1000/1500 小时（2012 志愿服务记录办法）。",
        check=check_levels,
    ),
    Setting(
        "volunteer_target_percent",
        float,
        13.0,
        "注册志愿者占常住人口比例目标（%）",
        "Target: registered volunteers as a share of residents (%)",
        "城市建成区 ≥13%、农村 ≥8%（种子文件 000:612）；部分地区 20%。",
        minimum=0,
        maximum=100,
    ),
    # the time limits of the service record's steps (confirmation, review, second approval)
    *RECORD_FLOW.settings(),
]
