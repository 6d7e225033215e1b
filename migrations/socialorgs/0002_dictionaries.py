"""Choice lists districts edit (字典), seeded with the codes the records already hold
and their labels; a district adds its own items, and retires them, in 字典项 (see
docs/dictionaries.md)."""

from core.migrations import seed_dictionary, unseed_dictionary

DICTIONARIES = [
    (
        "socialorgs.category",
        ("社会组织服务类别", "Social organisation categories"),
        [
            ("life_service", "生活服务类", "Life services"),
            ("community_affairs", "社区事务类", "Community affairs"),
            ("culture_sports", "文体活动类", "Culture and sports"),
            ("charity", "公益慈善类", "Public welfare and charity"),
        ],
    ),
]


def up(migrator, db):
    for code, name, items in DICTIONARIES:
        seed_dictionary(db, code, name, items)


def down(migrator, db):
    for code, _name, _items in DICTIONARIES:
        unseed_dictionary(db, code)
