"""Per-district settings (区级参数) of hazard governance, each with its documented default."""

from __future__ import annotations

from core.i18n import gettext as _
from core.settings import Setting

from .rules import PHOTO_TYPES


def check_photo_types(value: str) -> None:
    """A comma-separated list of image kinds (jpeg, png, webp), at least one."""
    kinds = [k.strip() for k in str(value).split(",") if k.strip()]
    if not kinds or any(k not in PHOTO_TYPES for k in kinds):
        raise ValueError(_("List one or more of: %(kinds)s.", kinds=", ".join(PHOTO_TYPES)))


SETTINGS = [
    Setting(
        "rectify_days_general",
        int,
        15,
        "一般隐患默认整改期限（自然日）",
        "General hazard: default rectification period (calendar days)",
        "16号令 art. 3: a general hazard can be fixed at once after it is found; platform "
        "default 15 days, used when no deadline is given.",
        minimum=1,
        maximum=365,
    ),
    Setting(
        "rectify_days_major",
        int,
        180,
        "重大隐患整改期限上限（自然日）",
        "Major hazard: longest rectification period (calendar days)",
        "No statutory period: the 治理方案 sets the time limit (时限, one of 五落实). Platform "
        "default: at most 180 days; longer needs an extension (not yet built).",
        minimum=1,
        maximum=730,
    ),
    # -- hz-inspect: photos and patrols --
    Setting(
        "photo_max_kb",
        int,
        8192,
        "照片大小上限（KB）",
        "Largest photo accepted (KB)",
        "Platform default, the same as the form engine's photo default (8 MB: a phone photo is "
        "2–6 MB). No legal source; set it to what the district's storage allows.",
        minimum=100,
        maximum=51200,
    ),
    Setting(
        "photo_types",
        str,
        "jpeg,png,webp",
        "可上传的照片格式",
        "Accepted photo formats",
        "Platform default: the formats phones produce (JPEG, PNG, WebP). The content is checked "
        "(magic bytes and Pillow), not the file name.",
        check=check_photo_types,
    ),
    Setting(
        "patrol_minutes",
        int,
        30,
        "巡查时长（分钟，报时间银行）",
        "Patrol length reported to the time bank (minutes)",
        "Platform default for a patrol that found a hazard (楼栋长/志愿者巡查); the time bank's "
        "reviewer confirms or corrects the hours.",
        minimum=5,
        maximum=480,
    ),
    # -- hz-manage ------------------------------------------------------------------------
    Setting(
        "extension_days_max",
        int,
        90,
        "一次延期最多延长天数（自然日）",
        "Extension: most days one extension may add (calendar days)",
        "No statutory figure: 16号令 leaves the time limit to the 治理方案. Platform default "
        "90 days per extension; each extension is approved by someone holding hazards:approve.",
        minimum=1,
        maximum=365,
    ),
    Setting(
        "repeat_threshold",
        int,
        3,
        "重复隐患场所：同一场所隐患数阈值",
        "Places with repeated hazards: number of hazards at the same place",
        "Platform default 3 (a place with at least 3 hazards in the period is listed on the "
        "dashboard). No statutory figure.",
        minimum=2,
        maximum=100,
    ),
    Setting(
        "repeat_period_days",
        int,
        365,
        "重复隐患场所：统计期间（自然日）",
        "Places with repeated hazards: period looked at (calendar days)",
        "Platform default one year, matching the yearly 重大隐患排查整治 campaign.",
        minimum=7,
        maximum=1095,
    ),
    Setting(
        "statistics_quarter_day",
        int,
        15,
        "季度统计报送截止日（次季度首月第几日）",
        "Quarterly statistics due on this day of the next quarter's first month",
        "16号令 art. 14 (as summarised in rules.md §3.3): quarterly statistics by the 15th of "
        "the month after the quarter.",
        minimum=1,
        maximum=28,
    ),
    Setting(
        "statistics_year_day",
        int,
        31,
        "年度统计报送截止日（次年1月第几日）",
        "Annual statistics due on this day of January of the next year",
        "16号令 art. 14 (as summarised in rules.md §3.3): the yearly statistics by 31 January.",
        minimum=1,
        maximum=31,
    ),
]
