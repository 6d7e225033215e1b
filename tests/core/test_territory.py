"""Territory tree: levels, codes, subtree as one indexed range query."""

import pytest

from core import territory
from core.models import TerritoryUnit
from core.territory import TerritoryError


@pytest.fixture
def tree(ctx):
    d = territory.create_unit("110105", "朝阳区", "district")
    s = territory.create_unit("110105001", "建外街道", "street", d)
    c1 = territory.create_unit("110105001001", "永安里社区", "community", s)
    c2 = territory.create_unit("110105001002", "光华里社区", "community", s)
    g = territory.create_unit("110105001001G1", "第一网格", "grid", c1)
    x = territory.create_unit("110105001001X1", "永安里小区", "compound", g)
    b = territory.create_unit("110105001001X1B1", "1号楼", "building", x)
    other = territory.create_unit("110106", "丰台区", "district")
    return dict(d=d, s=s, c1=c1, c2=c2, g=g, x=x, b=b, other=other)


def test_subtree_is_one_range_query(tree):
    query = territory.subtree(tree["c1"])
    sql, params = query.sql()
    assert "RECURSIVE" not in sql.upper()
    assert '"path" >= ' in sql and '"path" < ' in sql
    assert {u.code for u in query} == {
        "110105001001",
        "110105001001G1",
        "110105001001X1",
        "110105001001X1B1",
    }
    assert {u.code for u in territory.subtree(tree["d"])} == {
        u.code for u in tree.values() if u.code != "110106"
    }


def test_subtree_does_not_leak_to_siblings_with_longer_ids(ctx, tree):
    # ids 1 and 10 share a decimal prefix; zero-padded paths keep them apart
    units = [territory.create_unit(f"S{i}", f"街道{i}", "street", tree["other"]) for i in range(12)]
    first = units[0]
    assert [u.id for u in territory.subtree(first)] == [first.id]


def test_path_and_district(tree):
    b = TerritoryUnit.get_by_id(tree["b"].id)
    assert territory.ancestor_ids(b) == [tree[k].id for k in ("d", "s", "c1", "g", "x", "b")]
    assert b.district_id == tree["d"].id
    assert b.depth == 5
    assert [u.name for u in territory.ancestors(b)][:2] == ["朝阳区", "建外街道"]
    assert territory.is_within(b, tree["s"]) and not territory.is_within(b, tree["c2"])


@pytest.mark.parametrize(
    "code, name, level, parent, message",
    [
        ("", "无码", "street", "d", "编码长度须为 1 至 32 个字符"),
        ("X" * 33, "太长", "street", "d", "编码长度须为 1 至 32 个字符"),
        ("N1", "", "street", "d", "名称长度须为 1 至 100 个字符"),
        ("N2", "名", "village", "d", "未知层级：village"),
        ("N3", "名", "street", None, "该层级的辖区必须指定上级"),
        ("N4", "名", "building", "d", "楼栋不能隶属于区"),
        ("110105001", "重复", "street", "d", "编码 110105001 已被使用"),
    ],
)
def test_bad_units_are_refused_and_nothing_is_created(tree, code, name, level, parent, message):
    before = TerritoryUnit.select().count()
    with pytest.raises(TerritoryError) as err:
        territory.create_unit(code, name, level, tree[parent] if parent else None)
    assert message in str(err.value)
    assert TerritoryUnit.select().count() == before


def test_lookup_by_code(tree):
    assert territory.district_by_code("110105").name == "朝阳区"
    with pytest.raises(TerritoryError, match="未知的辖区编码：999"):
        territory.by_code("999")
    with pytest.raises(TerritoryError, match="110105001 不是区级辖区"):
        territory.district_by_code("110105001")
