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
    # -- provisional meetings, proxies, committees -------------------------------------------------
    Setting(
        "provisional_percent",
        int,
        20,
        "临时会议提议比例（%）",
        "Owners needed to request a provisional meeting (%)",
        "《物业管理条例》第十三条：经 20% 以上的业主提议，业主委员会应当组织召开业主大会临时会议。"
        "“以上”含本数（《民法典》第一千二百五十九条）。",
        minimum=1,
        maximum=100,
    ),
    Setting(
        "provisional_basis",
        str,
        "heads",
        "临时会议提议比例的计算口径",
        "Provisional meeting threshold counted by",
        "heads（按人数）：《物业管理条例》第十三条、《北京市物业管理条例》第三十五条“20%以上的业主”；"
        "area_and_heads（面积且人数）：《业主大会和业主委员会指导规则》第二十一条"
        "“专有部分占建筑物总面积20%以上且占总人数20%以上”（条文据回忆，未核实）；"
        "area_or_heads（面积或人数）：供议事规则另有约定时选用。",
        choices=("heads", "area_and_heads", "area_or_heads"),
    ),
    Setting(
        "proxy_max_kb",
        int,
        5120,
        "委托书文件大小上限（KB）",
        "Largest authorisation file (KB)",
        "平台约定：委托书扫描件或照片，默认 5 MB。",
        minimum=100,
        maximum=51200,
    ),
    Setting(
        "proxy_types",
        str,
        "image/jpeg,image/png,application/pdf",
        "委托书允许的文件类型",
        "Authorisation file types",
        "平台约定：照片（JPEG、PNG）或 PDF，按文件内容识别。",
    ),
    Setting(
        "committee_min",
        int,
        5,
        "业主委员会最少人数",
        "Owners' committee: fewest members",
        "《业主大会和业主委员会指导规则》第三十一条：业主委员会由 5 至 11 人单数组成。",
        minimum=3,
        maximum=25,
    ),
    Setting(
        "committee_max",
        int,
        11,
        "业主委员会最多人数",
        "Owners' committee: most members",
        "《业主大会和业主委员会指导规则》第三十一条：5 至 11 人单数。",
        minimum=3,
        maximum=25,
    ),
    Setting(
        "small_compound_households",
        int,
        100,
        "小型小区户数上限（可设 3 人业委会）",
        "Households at most for a 3-member committee",
        "《北京市物业管理条例》第三十九条：业主委员会由 5 人以上单数组成，"
        "物业管理区域内业主人数 100 户以下的，可由 3 人组成。设为 0 则不允许 3 人。",
        minimum=0,
        maximum=1000,
    ),
    Setting(
        "committee_term_years",
        int,
        5,
        "业主委员会任期上限（年）",
        "Owners' committee term at most (years)",
        "《北京市物业管理条例》第四十一条：任期不超过 5 年，可连选连任；"
        "《业主大会和业主委员会指导规则》同（据回忆）。",
        minimum=1,
        maximum=5,
    ),
    Setting(
        "term_alert_days",
        int,
        90,
        "任期届满提前提醒天数",
        "Alert before the term ends (days)",
        "任期届满前 3 个月启动换届（《业主大会和业主委员会指导规则》，据回忆，未核实）。",
        minimum=1,
        maximum=365,
    ),
    Setting(
        "decision_filing_days",
        int,
        30,
        "业主大会决定备案期限（天）",
        "File the published decisions within (days)",
        "《物业管理条例》第二十条：业主大会、业主委员会作出的决定，应当告知相关的居民委员会；"
        "法规未规定期限，平台默认 30 日（参照第十六条业主委员会备案期限）。",
        minimum=1,
        maximum=90,
    ),
    Setting(
        "filing_days",
        int,
        30,
        "选举后备案期限（天）",
        "File with the street office within (days)",
        "《物业管理条例》第十六条：业主委员会应当自选举产生之日起 30 日内，"
        "向物业所在地的区、县人民政府房地产行政主管部门和街道办事处、乡镇人民政府备案。",
        minimum=1,
        maximum=90,
    ),
    Setting(
        "interim_min",
        int,
        7,
        "物业管理委员会最少人数",
        "Property management committee: fewest members",
        "《北京市物业管理条例》第五十三条：物业管理委员会由 7 人以上单数组成，业主代表不少于一半，"
        "居民委员会代表担任主任。",
        minimum=3,
        maximum=25,
    ),
    Setting(
        "interim_term_years",
        int,
        3,
        "物业管理委员会任期上限（年）",
        "Property management committee term at most (years)",
        "平台默认 3 年（《北京市物业管理条例》相关规定据回忆，未核实）；"
        "临时机构，应尽快组织成立业主大会。",
        minimum=1,
        maximum=5,
    ),
    Setting(
        "prep_days",
        int,
        90,
        "筹备组完成筹备期限（天）",
        "Preparatory group completes within (days)",
        "《业主大会和业主委员会指导规则》：筹备组应当自成立之日起 90 日内完成筹备工作"
        "（据回忆，未核实）。",
        minimum=30,
        maximum=365,
    ),
    # -- maintenance fund and property service -----------------------------------------------------
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
