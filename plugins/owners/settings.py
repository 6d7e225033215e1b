"""Per-district settings of the owners' assembly (业主大会参数), with documented defaults."""

from __future__ import annotations

from core.settings import Setting

SETTINGS = [
    Setting(
        "notice_days",
        int,
        15,
        "会议公告提前天数",
        "Notice before voting opens (days)",
        "《物业管理条例》第十四条：召开业主大会会议，应当于会议召开 15 日以前通知全体业主。"
        "期间从公告次日起算（《民法典》第二百零一条）。",
        minimum=15,
        maximum=90,
    ),
    Setting(
        "publish_days",
        int,
        3,
        "表决结果公布期限（天）",
        "Publish the results within (days)",
        "《北京市物业管理条例》第三十七条：业主大会的决定在作出之日起 3 日内公告。",
        minimum=1,
        maximum=30,
    ),
]
