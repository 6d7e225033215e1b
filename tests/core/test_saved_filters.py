"""Saved list filters (常用筛选): saved under a name for one person and one list, shown as
links above that list to that person only, deleted by their owner; refused names in Chinese
and nothing saved; CSRF-protected; opening one still applies the opener's data scope."""

import re

import pytest

from core import saved_filters
from core.commands import Context, Refused
from core.db import db
from core.models import User, UserSavedFilter
from core.testing import COMMUNITY_A, COMMUNITY_B, csrf_token, make_user

NOTICES = "/admin/noticeboard/notice/"
SAVE = "/admin/saved-filters/save"


def count(app):
    with app.app_context(), db.connection_context():
        return UserSavedFilter.select().count()


def save(client, name, query="search=%E5%85%AC%E5%91%8A&sort=1", endpoint="noticeboard_notice"):
    page = client.get(NOTICES + "?" + query).get_data(as_text=True)
    return client.post(
        SAVE,
        data={
            "csrf_token": csrf_token(page),
            "endpoint": endpoint,
            "name": name,
            "query": query,
        },
        follow_redirects=True,
    )


def delete(client, filter_id) -> str:
    """Delete a saved filter through the list's button; the page that follows."""
    page = client.get(NOTICES).get_data(as_text=True)
    response = client.post(
        f"/admin/saved-filters/{filter_id}/delete",
        data={"csrf_token": csrf_token(page), "endpoint": "noticeboard_notice"},
        follow_redirects=True,
    )
    return response.get_data(as_text=True)


@pytest.fixture
def two(app, demo, client_for):
    with app.app_context(), db.connection_context():
        make_user("filter_a", "community_staff", COMMUNITY_A)
        make_user("filter_b", "community_staff", COMMUNITY_B)
    return client_for("filter_a"), client_for("filter_b")


def test_save_list_replay_and_delete(app, two):
    a, b = two
    # nothing filtered: no form to save (and no saved ones yet)
    assert 'id="saved-filters"' not in a.get(NOTICES).get_data(as_text=True)
    page = a.get(NOTICES + "?search=%E5%85%AC%E5%91%8A").get_data(as_text=True)
    assert "保存此筛选" in page and 'name="query" value="search=%E5%85%AC%E5%91%8A"' in page

    response = save(a, "我的公告", "search=%E5%85%AC%E5%91%8A&page=3&sort=1")
    html = response.get_data(as_text=True)
    assert "已保存常用筛选“我的公告”。" in html
    link = re.search(r'<a class="btn btn-outline-secondary[^"]*" href="([^"]+)">我的公告</a>', html)
    assert link.group(1) == NOTICES + "?search=%E5%85%AC%E5%91%8A&amp;sort=1"  # no page number
    assert "常用筛选" in html
    # shown on every visit of that list, to its owner only
    assert ">我的公告</a>" in a.get(NOTICES).get_data(as_text=True)
    assert "我的公告" not in b.get(NOTICES).get_data(as_text=True)
    assert "我的公告" not in a.get("/admin/noticeboard/attachment/").get_data(as_text=True)

    # b may neither see nor delete a's filter
    with app.app_context(), db.connection_context():
        saved = UserSavedFilter.get(UserSavedFilter.name == "我的公告")
    assert "没有此常用筛选。" in delete(b, saved.id)
    assert count(app) == 1

    assert "删除常用筛选“我的公告”？" in a.get(NOTICES).get_data(as_text=True)
    assert "常用筛选已删除。" in delete(a, saved.id)
    assert count(app) == 0


def test_refused_names_in_chinese_and_nothing_saved(app, two):
    a, _b = two
    assert "请为筛选条件起个名称。" in save(a, "   ").get_data(as_text=True)
    assert "常用筛选的名称最多 40 个字符。" in save(a, "长" * 41).get_data(as_text=True)
    assert count(app) == 0
    assert "已保存" in save(a, "公告").get_data(as_text=True)
    again = save(a, " 公告 ", "sort=2").get_data(as_text=True)
    assert "您在此列表中已有名为“公告”的常用筛选。" in again
    assert count(app) == 1
    empty = save(a, "空的", "page=2").get_data(as_text=True)
    assert "没有可保存的内容：请先对列表进行筛选、搜索或排序。" in empty
    long = save(a, "太长", "search=" + "x" * 2100).get_data(as_text=True)
    assert "此筛选条件过长，无法保存。" in long
    assert count(app) == 1
    # a list one may not open, or none at all
    assert save(a, "用户", endpoint="core_user").status_code == 404
    assert save(a, "无", endpoint="no_such_view").status_code == 404
    assert count(app) == 1


def test_saving_needs_the_csrf_token(app, two):
    a, _b = two
    response = a.post(
        SAVE, data={"endpoint": "noticeboard_notice", "name": "无令牌", "query": "sort=1"}
    )
    assert response.status_code == 400
    assert count(app) == 0


def test_a_saved_filter_replays_the_url_under_the_openers_scope(app, demo, two):
    """The same URL shows each person only their own rows: a saved filter carries no rights."""
    from core import commands
    from core.models import TerritoryUnit
    from tests.sample_plugins.noticeboard.models import Notice

    a, b = two
    with app.app_context(), db.connection_context():
        ctx = Context.trusted()
        for code, title in ((COMMUNITY_A, "甲社区公告"), (COMMUNITY_B, "乙社区公告")):
            unit = TerritoryUnit.get(TerritoryUnit.code == code)
            commands.create(ctx, Notice, {"title": title, "unit": unit.id})
    query = "search=%E7%A4%BE%E5%8C%BA%E5%85%AC%E5%91%8A"  # 社区公告
    save(a, "社区公告", query)
    mine = a.get(NOTICES + "?" + query).get_data(as_text=True)
    assert "甲社区公告" in mine and "乙社区公告" not in mine
    theirs = b.get(NOTICES + "?" + query).get_data(as_text=True)
    assert "乙社区公告" in theirs and "甲社区公告" not in theirs
    assert ">社区公告</a>" not in theirs


def test_the_commands(app, demo):
    with app.app_context(), db.connection_context():
        user = make_user("filter_c", "community_staff", COMMUNITY_A)
        other = make_user("filter_d", "community_staff", COMMUNITY_A)
        ctx, ctx_other = Context.of(user), Context.of(other)
        row = saved_filters.save_filter(ctx, "noticeboard_notice", "甲", "?b=2&a=1&page=4")
        assert row.query == "b=2&a=1"
        assert [f.name for f in saved_filters.filters_of(ctx, "noticeboard_notice")] == ["甲"]
        assert saved_filters.filters_of(ctx_other, "noticeboard_notice") == []
        assert saved_filters.filters_of(ctx, "noticeboard_attachment") == []
        # the same name on another list, or by another person: allowed
        saved_filters.save_filter(ctx, "noticeboard_attachment", "甲", "a=1")
        saved_filters.save_filter(ctx_other, "noticeboard_notice", "甲", "a=1")
        with pytest.raises(Refused, match="已有名为“甲”"):
            saved_filters.save_filter(ctx, "noticeboard_notice", "甲", "c=3")
        with pytest.raises(Refused, match="控制字符"):
            saved_filters.save_filter(ctx, "noticeboard_notice", "乙\x07", "c=3")
        with pytest.raises(Refused, match="没有此常用筛选"):
            saved_filters.delete_filter(ctx_other, row.id)
        with pytest.raises(Refused, match="没有此常用筛选"):
            saved_filters.delete_filter(ctx, "x")
        saved_filters.delete_filter(ctx, row.id)
        assert saved_filters.filters_of(ctx, "noticeboard_notice") == []
        assert UserSavedFilter.select().count() == 2
        nobody = Context(None, None)
        with pytest.raises(Refused):
            saved_filters.save_filter(nobody, "noticeboard_notice", "丙", "a=1")
        # a person's filters go with the person
        User.delete().where(User.id == other.id).execute()
        assert UserSavedFilter.select().count() == 1
