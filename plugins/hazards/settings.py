"""Per-district settings (区级参数) of hazard governance, each with its documented default."""

from __future__ import annotations

from core.settings import Setting

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
]
