"""The territory selector (辖区树选择器): the JSON of children and search inside the person's
data scope, the list filter "in this unit and below", the form's unit select marked for the
tree, and a forged unit outside the scope still refused."""

import json
import re

import pytest

from core import commands, territory
from core.db import db
from core.models import TerritoryUnit
from core.testing import (
    ADMIN_PASSWORD,
    COMMUNITY_A,
    COMMUNITY_B,
    USER_PASSWORD,
    csrf_token,
    env_database_url,
    login,
    make_user,
    migrated_app,
    reset_postgres,
)
from tests.sample_plugins import noticeboard, noticeboard_extra
from tests.sample_plugins.noticeboard.models import Notice

CHILDREN = "/admin/territory/children"
UNIT = "/admin/territory/unit"
NOTICES = "/admin/noticeboard/notice/"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One app for the module: the demo, a community worker of 幸福社区 (A), notices in A, in
    a building of A and in 长青社区 (B)."""
    from core import demo
    from core.access import hash_password
    from core.models import User

    folder = tmp_path_factory.mktemp("picker")
    url = env_database_url()
    if url:
        if db.obj is not None and not db.is_closed():
            db.close()
        reset_postgres(url)
    else:
        url = f"sqlite:///{folder / 'linli.sqlite3'}"
    app = migrated_app(folder / "instance", url, [noticeboard, noticeboard_extra])
    with app.app_context(), db.connection_context():
        demo.load()
        User.update(password_hash=hash_password(ADMIN_PASSWORD), must_change_password=False).where(
            User.username == "admin"
        ).execute()
        make_user("worker_a", "community_staff", COMMUNITY_A)
        other = territory.create_unit("990102", "另一区", "district")
        territory.create_unit("990102001", "另一街道", "street", other)
        units = {u.code: u for u in TerritoryUnit.select()}
        ctx = commands.Context.trusted()
        for title, code in (
            ("A的公告", COMMUNITY_A),
            ("A楼栋的公告", COMMUNITY_A + "X01B03"),
            ("B的公告", COMMUNITY_B),
        ):
            commands.create(ctx, Notice, {"title": title, "unit": units[code].id})
        ids = {code: u.id for code, u in units.items()}
    yield app, ids
    if db.obj is not None and not db.is_closed():
        db.close()


@pytest.fixture
def client(world):
    app, _ids = world
    c = app.test_client()
    assert login(c, "worker_a", USER_PASSWORD).status_code == 302
    return c


@pytest.fixture
def admin(world):
    app, _ids = world
    c = app.test_client()
    assert login(c, "admin", ADMIN_PASSWORD).status_code == 302
    return c


def units(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["units"]


def test_roots_and_children_in_the_workers_scope(world, client):
    _app, ids = world
    roots = units(client.get(CHILDREN))
    assert [(u["name"], u["level_label"], u["has_children"]) for u in roots] == [
        ("幸福社区", "社区", True)
    ]
    assert roots[0]["path"] == "东湖街道 › 幸福社区"
    grids = units(client.get(CHILDREN, query_string={"parent": roots[0]["id"]}))
    assert [(g["name"], g["level_label"]) for g in grids] == [
        ("幸福社区第1网格", "网格"),
        ("幸福社区第2网格", "网格"),
    ]
    compound = units(client.get(CHILDREN, query_string={"parent": grids[0]["id"]}))
    assert [(c["name"], c["level_label"], c["has_children"]) for c in compound] == [
        ("幸福东苑", "小区", True)
    ]
    buildings = units(client.get(CHILDREN, query_string={"parent": compound[0]["id"]}))
    assert [(b["name"], b["level_label"], b["has_children"]) for b in buildings] == [
        (f"幸福东苑{n}号楼", "楼栋", False) for n in (1, 2, 3)
    ]
    assert (
        buildings[2]["path"] == "东湖街道 › 幸福社区 › 幸福社区第1网格 › 幸福东苑 › 幸福东苑3号楼"
    )


def test_another_communitys_units_are_refused(world, client):
    _app, ids = world
    for code in (COMMUNITY_B, COMMUNITY_B + "G01", COMMUNITY_B + "X01", "990101002", "990101"):
        response = client.get(CHILDREN, query_string={"parent": ids[code]})
        assert response.status_code == 404, code
        assert response.get_json() == {"error": "没有这条记录，或该记录不在您的数据范围内。"}
        assert client.get(UNIT, query_string={"id": ids[code]}).status_code == 404
    for bad in ("x", "-1", "99999999999999999999", ""):
        response = client.get(CHILDREN, query_string={"parent": bad})
        assert response.status_code in (200, 404)
        if response.status_code == 200:  # an empty parent: the roots
            assert [u["name"] for u in units(response)] == ["幸福社区"]


def test_search_by_name_stays_in_scope_with_paths(world, client, admin):
    found = units(client.get(CHILDREN, query_string={"q": "3号楼"}))
    assert [u["path"] for u in found] == [
        "东湖街道 › 幸福社区 › 幸福社区第1网格 › 幸福东苑 › 幸福东苑3号楼",
        "东湖街道 › 幸福社区 › 幸福社区第2网格 › 幸福西苑 › 幸福西苑3号楼",
    ]
    assert units(client.get(CHILDREN, query_string={"q": "长青"})) == []
    # the platform administrator sees every community's; at most 20, higher levels first
    everything = units(admin.get(CHILDREN, query_string={"q": "号楼"}))
    assert len(everything) == 20
    assert {u["level"] for u in everything} == {"building"}
    communities = units(admin.get(CHILDREN, query_string={"q": "社区"}))
    assert [u["level"] for u in communities[:4]] == ["community"] * 4
    # wildcards are letters here
    assert units(admin.get(CHILDREN, query_string={"q": "%"})) == []
    assert units(admin.get(CHILDREN, query_string={"q": "_"})) == []


def test_platform_admin_starts_at_the_district_worked_in(world, admin):
    _app, ids = world
    roots = units(admin.get(CHILDREN))
    assert [(u["name"], u["level_label"]) for u in roots] == [("示范区", "区")]
    # another district's units are not offered while working in 示范区
    assert units(admin.get(CHILDREN, query_string={"q": "另一"})) == []
    assert admin.get(CHILDREN, query_string={"parent": ids["990102"]}).status_code == 404
    streets = units(admin.get(CHILDREN, query_string={"parent": roots[0]["id"]}))
    assert [(s["name"], s["level_label"], s["has_children"]) for s in streets] == [
        ("东湖街道", "街道", True),
        ("西山街道", "街道", True),
    ]


def test_a_view_narrows_to_its_permission(world, client):
    # an unknown view (or one the person may not open) answers nothing
    response = client.get(CHILDREN, query_string={"view": "no_such_view"})
    assert response.status_code == 404
    roots = units(
        client.get(CHILDREN, query_string={"view": "noticeboard_notice", "action": "create"})
    )
    assert [u["name"] for u in roots] == ["幸福社区"]


def test_the_pages_need_a_staff_login(world):
    app, ids = world
    anonymous = app.test_client()
    response = anonymous.get(CHILDREN)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def filter_arg(html, operation):
    groups = json.loads(re.search(r'id="filter-groups-data">(.*?)</script>', html, re.S).group(1))
    for name, entries in groups.items():
        for entry in entries:
            if entry["operation"] == operation:
                return name, entry
    raise AssertionError(groups)


def titles(html):
    return {t for t in ("A的公告", "A楼栋的公告", "B的公告") if t in html}


def test_filter_in_this_unit_and_below(world, admin, client):
    _app, ids = world
    page = admin.get(NOTICES).get_data(as_text=True)
    name, entry = filter_arg(page, "本单位及以下")
    assert name == "所属辖区" and entry["type"] == "linli-unit"
    arg = f"flt0_{entry['index']}"
    below_a = admin.get(NOTICES, query_string={arg: ids[COMMUNITY_A]}).get_data(as_text=True)
    assert titles(below_a) == {"A的公告", "A楼栋的公告"}
    street = admin.get(NOTICES, query_string={arg: ids["990101001"]}).get_data(as_text=True)
    assert titles(street) == {"A的公告", "A楼栋的公告"}
    grid = admin.get(NOTICES, query_string={arg: ids[COMMUNITY_A + "G01"]}).get_data(as_text=True)
    assert titles(grid) == {"A楼栋的公告"}
    below_b = admin.get(NOTICES, query_string={arg: ids[COMMUNITY_B]}).get_data(as_text=True)
    assert titles(below_b) == {"B的公告"}
    district = admin.get(NOTICES, query_string={arg: ids["990101"]}).get_data(as_text=True)
    assert titles(district) == {"A的公告", "A楼栋的公告", "B的公告"}
    # the worker of A: B's unit gives nothing, the district only A's (the scope holds)
    assert (
        titles(client.get(NOTICES, query_string={arg: ids[COMMUNITY_B]}).get_data(as_text=True))
        == set()
    )
    whole = client.get(NOTICES, query_string={arg: ids["990101"]}).get_data(as_text=True)
    assert titles(whole) == set()
    mine = client.get(NOTICES, query_string={arg: ids[COMMUNITY_A]}).get_data(as_text=True)
    assert titles(mine) == {"A的公告", "A楼栋的公告"}


def test_the_form_marks_its_unit_select_for_the_tree(world, client):
    _app, ids = world
    page = client.get(NOTICES + "new/").get_data(as_text=True)
    select = re.search(r"<select[^>]*name=\"unit\"[^>]*>", page).group(0)
    assert 'data-unit-picker="create"' in select
    assert 'data-unit-view="noticeboard_notice"' in select
    assert 'data-role="linli-unit"' in select
    assert "/static/linli/unit-picker.js" in page
    config = json.loads(re.search(r'id="unit-picker-data">(.*?)</script>', page, re.S).group(1))
    assert config["children"] == CHILDREN and config["labels"]["search"] == "按名称搜索辖区单位"
    # the options offered without JavaScript: A's units only
    options = re.findall(r'<option[^>]*value="(\d+)"', page)
    assert str(ids[COMMUNITY_A + "X01B03"]) in options
    assert str(ids[COMMUNITY_B]) not in options
    # an edit form shows the chosen unit's path
    with world[0].app_context(), db.connection_context():
        notice = Notice.get(Notice.title == "A楼栋的公告")
    edit = client.get(f"{NOTICES}edit/?id={notice.id}").get_data(as_text=True)
    select = re.search(r"<select[^>]*name=\"unit\"[^>]*>", edit).group(0)
    assert (
        'data-unit-path="东湖街道 › 幸福社区 › 幸福社区第1网格 › 幸福东苑 › 幸福东苑3号楼"'
        in select
    )


def test_a_forged_unit_outside_the_scope_is_refused(world, client):
    app, ids = world
    with app.app_context(), db.connection_context():
        before = Notice.select().count()
    page = client.get(NOTICES + "new/").get_data(as_text=True)
    response = client.post(
        NOTICES + "new/",
        data={
            "csrf_token": csrf_token(page),
            "title": "伪造的公告",
            "body": "",
            "unit": ids[COMMUNITY_B + "X01B01"],
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "不是有效的选择。" in html  # beside the unit select
    assert "新建记录失败，请检查标红的字段。" in html
    with app.app_context(), db.connection_context():
        assert Notice.select().count() == before
        assert not Notice.select().where(Notice.title == "伪造的公告").exists()
    # the command refuses it too, whatever the form does
    from core.models import User

    with app.app_context(), db.connection_context():
        worker = User.get(User.username == "worker_a")
        ctx = commands.Context.of(worker, ids["990101"], "admin")
        with pytest.raises(commands.Refused) as refused:
            commands.create(ctx, Notice, {"title": "伪造的公告", "unit": ids[COMMUNITY_B]})
        assert refused.value.field == "unit"
        assert Notice.select().count() == before
