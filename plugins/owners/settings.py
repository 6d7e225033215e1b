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
    # -- maintenance fund and property service (branch ow-fund) --
    Setting(
        "fund_topup_percent",
        int,
        30,
        "维修资金续交提示线（首期交存额的百分比）",
        "Ask for a top-up below (% of the first deposit)",
        "《住宅专项维修资金管理办法》（建设部、财政部令第165号）第十七条：分户账面余额不足首期"
        "交存额 30% 的，应当及时续交（条文号据记忆，未逐字核对）。0 = 不提示。",
        minimum=0,
        maximum=100,
    ),
    Setting(
        "renewal_notice_days",
        int,
        90,
        "物业合同不续聘提前通知天数",
        "A company not renewing tells the owners (days before expiry)",
        "《民法典》第九百四十七条：物业服务期限届满前，物业服务人不同意续聘的，应当在合同期限"
        "届满前 90 日书面通知业主或者业主委员会。",
        minimum=0,
        maximum=365,
    ),
    Setting(
        "dismissal_notice_days",
        int,
        60,
        "解聘物业书面通知提前天数",
        "Owners dismissing the company give notice (days)",
        "《民法典》第九百四十六条：业主依法共同决定解聘物业服务人的，应当提前 60 日书面通知"
        "物业服务人（合同另有约定的除外）。",
        minimum=0,
        maximum=365,
    ),
    Setting(
        "contract_alert_days",
        int,
        30,
        "合同通知期限提前提醒天数",
        "Alert this many days before a notice falls due",
        "本系统默认值（无法定依据）：在不续聘/解聘通知期限前 30 日开始提醒。",
        minimum=0,
        maximum=180,
    ),
    Setting(
        "complaint_days",
        int,
        7,
        "物业投诉办理时限（天）",
        "Handle a property-service complaint within (days)",
        "未见全国统一时限；各地物业服务规范一般要求投诉在数日内处理并回访。默认 7 日，由区县按"
        "本地规定设置。",
        minimum=1,
        maximum=60,
    ),
]
