"""Choice lists districts edit (字典), seeded with the codes the records already hold
and their labels; a district adds its own items, and retires them, in 字典项 (see
docs/dictionaries.md)."""

from core.migrations import seed_dictionary, unseed_dictionary

DICTIONARIES = [
    (
        "timebank.team_kind",
        ("志愿服务队伍类型", "Volunteer team kinds"),
        [
            ("team", "志愿服务队伍", "Volunteer team"),
            ("station", "志愿服务站", "Service station"),
        ],
    ),
    (
        "timebank.volunteer_source",
        ("志愿者来源", "Volunteer sources"),
        [
            ("resident", "居民", "Resident"),
            ("party_member", "党员", "Party member"),
            (
                "in_service_party_member",
                "在职党员（双报到）",
                "In-service party member (double check-in)",
            ),
            ("retiree", "退休人员", "Retiree"),
            ("youth", "团员青年、学生", "Youth League member or student"),
            ("skilled", "有一技之长的居民", "Resident with a skill"),
            ("unit", "单位职工", "Unit employee"),
        ],
    ),
    (
        "timebank.service_type",
        ("服务类别", "Service types"),
        [
            ("daily_care", "生活照料", "Daily-life care"),
            ("companionship", "陪伴与情感支持", "Companionship and emotional support"),
            ("elderly_disabled", "助老助残", "Help for the elderly and disabled"),
            ("child_care", "未成年人关爱保护", "Care and protection of minors"),
            ("culture", "文化娱乐", "Culture and recreation"),
            ("training", "培训讲座", "Training and lectures"),
            ("patrol", "平安巡防", "Public-safety patrol"),
            ("environment", "环境与文明实践", "Environment and civility"),
            ("emergency", "应急救援", "Emergency rescue"),
            ("epidemic", "疫情防控", "Epidemic prevention"),
            ("other", "其他服务", "Other service"),
        ],
    ),
    (
        "timebank.target_group",
        ("服务对象", "Served groups"),
        [
            ("elderly", "老年人", "Elderly people"),
            ("disabled", "残疾人", "People with disabilities"),
            ("minors", "未成年人", "Minors"),
            ("low_income", "低收入家庭", "Low-income families"),
            ("unemployed", "下岗失业人员", "Laid-off and unemployed people"),
            ("special_care", "优抚对象", "Special-care recipients"),
            ("left_behind", "留守家庭", "Left-behind families"),
            ("community", "社区公共", "Whole community"),
        ],
    ),
]


def up(migrator, db):
    for code, name, items in DICTIONARIES:
        seed_dictionary(db, code, name, items)


def down(migrator, db):
    for code, _name, _items in DICTIONARIES:
        unseed_dictionary(db, code)
