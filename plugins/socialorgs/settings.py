"""Per-district settings (区级参数) of the registry, each with its documented default."""

from __future__ import annotations

from core.settings import Setting

from .flows import FLOWS


def _int(key, default, zh, en, doc, minimum=0, maximum=100000):
    return Setting(key, int, default, zh, en, doc, minimum=minimum, maximum=maximum)


SETTINGS = [
    _int(
        "target_urban",
        10,
        "城市社区社会组织数量目标（个/社区）",
        "Target: organisations per urban community",
        "民发〔2017〕191号: at least 10 per urban community (眉山: 12).",
    ),
    _int(
        "target_rural",
        5,
        "农村社区社会组织数量目标（个/社区）",
        "Target: organisations per rural community",
        "民发〔2017〕191号: at least 5 per rural community (眉山: 7).",
    ),
    _int(
        "min_members_individual",
        50,
        "社会团体个人会员最低数",
        "Social group: minimum individual members",
        "社团条例 art. 10: 50 (扬州 社区社团: 20).",
    ),
    _int(
        "min_members_unit",
        30,
        "社会团体单位会员最低数",
        "Social group: minimum unit members",
        "社团条例 art. 10: 30 (扬州 社区社团: 10).",
    ),
    _int(
        "change_window_days",
        30,
        "变更登记申请期限（自业务主管单位同意之日起，自然日）",
        "Change registration: days after the supervisor agreed",
        "社团条例 art. 18, 民非条例 art. 15: within 30 days.",
        maximum=365,
    ),
    Setting(
        "report_supervisor_day",
        str,
        "03-31",
        "年度报告报业务主管单位截止日（月-日）",
        "Annual report: due to the supervising unit (MM-DD)",
        "社团条例 art. 28: by 31 March of the following year.",
    ),
    Setting(
        "report_registrar_day",
        str,
        "05-31",
        "年度报告报登记管理机关截止日（月-日）",
        "Annual report: due to the registrar (MM-DD)",
        "社团条例 art. 28: by 31 May of the following year.",
    ),
    _int(
        "abnormal_months",
        6,
        "活动异常名录移出期限（月）",
        "Abnormal-activity list: months before removal",
        "信用信息管理办法: removed after 6 months with nothing outstanding.",
        minimum=1,
        maximum=60,
    ),
    _int(
        "dishonest_years",
        2,
        "严重违法失信名单移出期限（年）",
        "Serious-dishonesty list: years before removal",
        "信用信息管理办法: removed after 2 years without a new trigger.",
        minimum=1,
        maximum=10,
    ),
    _int(
        "abnormal_to_dishonest_years",
        2,
        "列入活动异常名录满几年转入失信名单",
        "Years on the abnormal list before the dishonesty list",
        "信用信息管理办法: 2 years on the abnormal list.",
        minimum=1,
        maximum=10,
    ),
    _int(
        "penalty_window_years",
        3,
        "多次警告或罚款的统计期（年）",
        "Years in which two warnings or small fines count",
        "信用信息管理办法: two or more within 3 years.",
        minimum=1,
        maximum=10,
    ),
    _int(
        "letter_gap_min_days",
        20,
        "两次挂号信最短间隔（日）",
        "Registered letters: minimum days apart",
        "信用信息管理办法 (draft): two letters sent 20-60 days apart.",
        maximum=365,
    ),
    _int(
        "letter_gap_max_days",
        60,
        "两次挂号信最长间隔（日）",
        "Registered letters: maximum days apart",
        "信用信息管理办法 (draft): two letters sent 20-60 days apart.",
        maximum=365,
    ),
    _int(
        "evaluation_valid_years",
        5,
        "评估等级有效期（年）",
        "Evaluation grade: years valid",
        "民政部令第39号: 5 years.",
        minimum=1,
        maximum=10,
    ),
    _int(
        "evaluation_min_years",
        2,
        "参加评估所需登记年限及再次评估间隔（年）",
        "Evaluation: years registered, and years between evaluations",
        "民政部令第39号: registered 2 full years; promotion after 2 years.",
        maximum=10,
    ),
    _int("grade_5a_min", 900, "5A 最低分（千分制）", "5A: lowest score (of 1000)", "洛阳: ≥ 900."),
    _int(
        "grade_4a_min", 800, "4A 最低分（千分制）", "4A: lowest score (of 1000)", "洛阳: 800-899."
    ),
    _int(
        "grade_3a_min", 700, "3A 最低分（千分制）", "3A: lowest score (of 1000)", "洛阳: 700-799."
    ),
    _int(
        "grade_2a_min", 600, "2A 最低分（千分制）", "2A: lowest score (of 1000)", "洛阳: 600-699."
    ),
    _int(
        "grade_1a_min",
        500,
        "1A 最低分（千分制）",
        "1A: lowest score (of 1000)",
        "Assumed 500-599 (no source gives the 1A band); set it locally.",
    ),
    _int(
        "inactivity_months",
        12,
        "无活动提醒期限（月）",
        "Alert after months without activity",
        "社团条例 art. 29: no activity for one year.",
        minimum=1,
        maximum=60,
    ),
    _int(
        "weight_purchaser",
        40,
        "购买服务评价权重：购买方（%）",
        "Purchased services: purchaser's weight (%)",
        "Local practice (three-party evaluation); 40/30/30 by default.",
        maximum=100,
    ),
    _int(
        "weight_users",
        30,
        "购买服务评价权重：服务对象（%）",
        "Purchased services: service users' weight (%)",
        "Local practice; 40/30/30 by default.",
        maximum=100,
    ),
    _int(
        "weight_third_party",
        30,
        "购买服务评价权重：第三方（%）",
        "Purchased services: third party's weight (%)",
        "Local practice; 40/30/30 by default.",
        maximum=100,
    ),
    _int(
        "deadline_window_days",
        30,
        "工作台显示即将到期事项的天数",
        "Dashboard: days ahead for upcoming deadlines",
        "Dashboard display only.",
        minimum=1,
        maximum=365,
    ),
]
for _flow in FLOWS:
    SETTINGS += [s for s in _flow.settings() if s.key not in {x.key for x in SETTINGS}]
