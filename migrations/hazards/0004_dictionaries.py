"""Choice lists districts edit (字典), seeded with the codes the records already hold
and their labels; a district adds its own items, and retires them, in 字典项 (see
docs/dictionaries.md)."""

from core.migrations import seed_dictionary, unseed_dictionary

DICTIONARIES = [
    (
        "hazards.premises_kind",
        ("场所类型", "Premises kinds"),
        [
            ("shop", "商铺", "Shop"),
            ("crowded", "人员密集场所", "Crowded place"),
            ("five_small", "“五小”场所", "Five-small venue"),
            ("boiler_room", "锅炉房", "Boiler room"),
            ("elevator", "电梯", "Elevator"),
            ("gas", "燃气设施", "Gas facility"),
            ("fireworks", "烟花爆竹零售点", "Fireworks outlet"),
            ("compound", "居民小区", "Residential compound"),
            ("infrastructure", "道路、供气、供电设施", "Infrastructure"),
            ("other", "其他", "Other"),
        ],
    ),
]


def up(migrator, db):
    for code, name, items in DICTIONARIES:
        seed_dictionary(db, code, name, items)


def down(migrator, db):
    for code, _name, _items in DICTIONARIES:
        unseed_dictionary(db, code)
