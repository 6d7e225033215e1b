"""The admin base view: the fixes to Flask-Admin's peewee backend, proved through the UI."""

from __future__ import annotations

import csv
import io
import re
import types

import peewee as pw
import pytest

from core.hookspecs import hookimpl
from core.kernel import Manifest
from core.models import AuditLog, DistrictOwnedModel, TerritoryUnit
from tests.conftest import csrf_token, make_user
from tests.sample_plugins import noticeboard, noticeboard_extra
from tests.sample_plugins.noticeboard.models import Attachment, Notice


def unit(code):
    return TerritoryUnit.get(TerritoryUnit.code == code)


def post_form(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def test_filters_on_id_and_foreign_key(admin):
    a = Notice.create(unit=unit("990101001001"), title="甲社区通知")
    b = Notice.create(unit=unit("990101002001"), title="乙社区通知")
    listing = admin.get("/admin/noticeboard/notice/").get_data(as_text=True)
    assert "甲社区通知" in listing and "乙社区通知" in listing
    # the stock converter has no filter for AutoField / ForeignKeyField; ours does
    page = admin.get(f"/admin/noticeboard/notice/?flt0_0={a.id}").get_data(as_text=True)
    assert "甲社区通知" in page and "乙社区通知" not in page
    # filters are numbered in column_filters order: id has 7 integer filters, then unit
    page = admin.get(f"/admin/noticeboard/notice/?flt0_7={unit('990101002001').id}").get_data(
        as_text=True
    )
    assert "乙社区通知" in page and "甲社区通知" not in page
    assert b.unit_id == unit("990101002001").id


def test_inline_rows_are_saved(admin):
    response = post_form(
        admin,
        "/admin/noticeboard/notice/new/",
        {
            "title": "停水通知",
            "body": "周三停水",
            "unit": str(unit("990101001001").id),
            "attachments-0-name": "停水范围.pdf",
            "attachments-1-name": "时间表.xlsx",
        },
    )
    assert response.status_code == 200
    notice = Notice.get(Notice.title == "停水通知")
    assert sorted(a.name for a in notice.attachments) == ["停水范围.pdf", "时间表.xlsx"]
    assert notice.created_by.username == "admin"


def test_delete_with_dependents_is_refused_and_listed(admin):
    notice = Notice.create(unit=unit("990101001001"), title="有附件的通知")
    Attachment.create(notice=notice, name="a.pdf")
    token = csrf_token(admin.get("/admin/noticeboard/notice/").get_data(as_text=True))
    response = admin.post(
        "/admin/noticeboard/notice/delete/",
        data={"id": str(notice.id), "csrf_token": token},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "“有附件的通知”不能删除：仍有其他记录引用它（noticeboard_attachment 1 条）。" in html
    assert Notice.get_or_none(Notice.id == notice.id) is not None
    assert Attachment.select().count() == 1


def test_bulk_delete_refuses_those_with_dependents_and_deletes_others(admin):
    kept = Notice.create(unit=unit("990101001001"), title="保留")
    Attachment.create(notice=kept, name="x")
    gone = Notice.create(unit=unit("990101001001"), title="删除")
    token = csrf_token(admin.get("/admin/noticeboard/notice/").get_data(as_text=True))
    response = admin.post(
        "/admin/noticeboard/notice/action/",
        data={"action": "delete", "rowid": [str(kept.id), str(gone.id)], "csrf_token": token},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert Notice.get_or_none(Notice.id == gone.id) is None
    assert Notice.get_or_none(Notice.id == kept.id) is not None
    assert (
        AuditLog.select()
        .where((AuditLog.action == "deleted") & (AuditLog.record_id == str(gone.id)))
        .exists()
    )


def test_csv_export_escapes_formulas(admin):
    Notice.create(unit=unit("990101001001"), title='=HYPERLINK("http://evil","x")')
    Notice.create(unit=unit("990101001001"), title="+1")
    response = admin.get("/admin/noticeboard/notice/export/csv/")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    titles = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil","x")' in titles
    assert "'+1" in titles
    assert all(not t.startswith(("=", "+", "-", "@")) for t in titles)


def test_failure_inside_a_write_rolls_everything_back(app, admin):
    """A subscriber failing after the save undoes the record, its inline rows and the audit."""
    original = noticeboard.linli_event

    def failing(event):
        if event.name == "created" and getattr(event.record, "title", "") == "会失败":
            raise RuntimeError("subscriber refused")

    noticeboard.linli_event = hookimpl(failing)
    app.extensions["linli"].kernel.pm.unregister(name="noticeboard")
    app.extensions["linli"].kernel.pm.register(noticeboard, name="noticeboard")
    app.extensions["linli"].kernel._subset_cache.clear()
    try:
        audit_before = AuditLog.select().count()
        page = post_form(
            admin,
            "/admin/noticeboard/notice/new/",
            {"title": "会失败", "unit": str(unit("990101001001").id), "attachments-0-name": "附件"},
        ).get_data(as_text=True)
        assert "subscriber refused" in page
        assert Notice.get_or_none(Notice.title == "会失败") is None
        assert Attachment.select().count() == 0
        assert AuditLog.select().count() == audit_before
    finally:
        noticeboard.linli_event = original


def test_endpoints_of_same_named_models_do_not_clash(make_app):
    class Notice(DistrictOwnedModel):  # same class name as noticeboard's model
        title = pw.CharField()

        class Meta:
            table_name = "otherboard_notice"

    other = types.ModuleType("otherboard")
    other.MANIFEST = Manifest("otherboard", "另一个公告栏", "Other board", "1.0")

    def views(admin):
        from core.admin import ModelView

        return [ModelView(Notice, category=admin.category, plugin_id="otherboard")]

    other.linli_admin_views = hookimpl(views)
    app = make_app(plugins=[noticeboard, noticeboard_extra, other])
    rules = {r.endpoint: r.rule for r in app.url_map.iter_rules()}
    assert rules["noticeboard_notice.index_view"] == "/admin/noticeboard/notice/"
    assert rules["otherboard_notice.index_view"] == "/admin/otherboard/notice/"


def test_scope_applies_to_list_detail_edit_delete_export(app, demo, client_for):
    mine = Notice.create(unit=unit("990101001001"), title="幸福社区的通知")
    theirs = Notice.create(unit=unit("990101002001"), title="长青社区的通知")
    with app.app_context():
        make_user("xingfu", "community_staff", "990101001001")
    client = client_for("xingfu")
    listing = client.get("/admin/noticeboard/notice/").get_data(as_text=True)
    assert "幸福社区的通知" in listing and "长青社区的通知" not in listing
    assert client.get(f"/admin/noticeboard/notice/details/?id={theirs.id}").status_code == 302
    assert client.get(f"/admin/noticeboard/notice/edit/?id={theirs.id}").status_code == 302
    assert client.get(f"/admin/noticeboard/notice/details/?id={mine.id}").status_code == 200
    export = client.get("/admin/noticeboard/notice/export/csv/").get_data(as_text=True)
    assert "幸福社区的通知" in export and "长青社区的通知" not in export
    token = csrf_token(listing)
    client.post(
        "/admin/noticeboard/notice/delete/", data={"id": str(theirs.id), "csrf_token": token}
    )
    assert Notice.get_or_none(Notice.id == theirs.id) is not None
    # editing another community's record by id in the URL changes nothing
    client.post(
        f"/admin/noticeboard/notice/edit/?id={theirs.id}",
        data={"title": "改掉", "unit": str(unit("990101001001").id), "csrf_token": token},
    )
    assert Notice.get_by_id(theirs.id).title == "长青社区的通知"
    # creating a record in another community is refused
    page = post_form(
        client,
        "/admin/noticeboard/notice/new/",
        {"title": "越界", "unit": str(unit("990101002001").id)},
    )
    assert Notice.get_or_none(Notice.title == "越界") is None
    assert page.status_code == 200


def test_hidden_notices_are_narrowed_by_plugin_hook(admin):
    Notice.create(unit=unit("990101001001"), title="隐藏的", hidden=True)
    assert "隐藏的" not in admin.get("/admin/noticeboard/notice/").get_data(as_text=True)


def test_permission_hook_veto_hides_delete(app, demo, client_for):
    with app.app_context():
        make_user("nodelete", "district_admin", "990101", "subtree")
    client = client_for("nodelete")
    notice = Notice.create(unit=unit("990101001001"), title="不能删")
    token = csrf_token(client.get("/admin/noticeboard/notice/").get_data(as_text=True))
    client.post(
        "/admin/noticeboard/notice/delete/", data={"id": str(notice.id), "csrf_token": token}
    )
    assert Notice.get_or_none(Notice.id == notice.id) is not None


def test_post_without_csrf_token_is_refused(admin):
    notice = Notice.create(unit=unit("990101001001"), title="受保护")
    response = admin.post("/admin/noticeboard/notice/delete/", data={"id": str(notice.id)})
    assert response.status_code == 400
    assert Notice.get_or_none(Notice.id == notice.id) is not None


def test_a_view_that_would_show_every_community_is_refused_at_start_up(make_app):
    from core.kernel import PluginError

    class Loose(pw.Model):  # no territory unit, no scope_through
        name = pw.CharField()

        class Meta:
            table_name = "leaky_loose"

    leaky = types.ModuleType("leaky")
    leaky.MANIFEST = Manifest("leaky", "漏", "Leaky", "1.0")

    def views(admin):
        from core.admin import ModelView

        return [ModelView(Loose, plugin_id="leaky")]

    leaky.linli_admin_views = hookimpl(views)
    with pytest.raises(PluginError) as err:
        make_app(plugins=[leaky])
    assert "leaky: ModelView (Loose): the model has no territory unit" in str(err.value)


def test_a_form_refused_by_validation_says_so_in_chinese(admin):
    page = post_form(
        admin, "/admin/noticeboard/notice/new/", {"title": "", "unit": str(unit("990101").id)}
    ).get_data(as_text=True)
    assert "新建记录失败，请检查标红的字段。" in page
    assert Notice.select().where(Notice.title == "").count() == 0


@pytest.fixture
def capped(make_app):
    """The sample plugins with lists that count up to 3 rows (LIST_COUNT_CAP)."""
    return make_app(plugins=[noticeboard, noticeboard_extra], LIST_COUNT_CAP=3, PAGE_SIZE=2)


def test_a_long_list_counts_up_to_the_cap_and_still_pages(capped):
    from core import demo
    from core.testing import USER_PASSWORD
    from tests.conftest import login

    with capped.app_context():
        demo.load()
        make_user("capper", "district_admin", "990101")
        for n in range(5):
            Notice.create(unit=unit("990101001001"), title=f"封顶计数通知{n}")
    client = capped.test_client()
    assert login(client, "capper", USER_PASSWORD).status_code == 302
    page = client.get("/admin/noticeboard/notice/?search=封顶计数通知").get_data(as_text=True)
    assert "列表 (3+)" in page  # five rows: counted to the cap, not further
    assert len(set(re.findall(r"封顶计数通知\d", page))) == 2  # two a page
    last = client.get("/admin/noticeboard/notice/?search=封顶计数通知&page=1").get_data(
        as_text=True
    )
    assert len(set(re.findall(r"封顶计数通知\d", last))) == 2  # the pager reaches the next page
    filtered = client.get("/admin/noticeboard/notice/?search=封顶计数通知4").get_data(as_text=True)
    assert "列表 (1)" in filtered  # under the cap: the exact count


def test_a_list_page_asks_as_many_queries_for_twelve_rows_as_for_two(admin, caplog):
    """The unit column (a foreign key) is read for the whole page in one query."""
    import logging

    for n in range(12):
        code = "990101001001" if n % 2 else "990101002001"
        Notice.create(unit=unit(code), title=f"查询次数通知{n:02d}")

    def queries(search):
        caplog.set_level(logging.DEBUG, logger="peewee")
        caplog.clear()
        page = admin.get(f"/admin/noticeboard/notice/?search={search}").get_data(as_text=True)
        return page, sum(1 for r in caplog.records if r.name == "peewee")

    few_page, few = queries("查询次数通知0")  # 00..09: a page of them
    two_page, two = queries("查询次数通知1")  # 10, 11
    assert len(set(re.findall(r"查询次数通知1\d", two_page))) == 2
    assert "幸福社区" in two_page and "长青社区" in two_page  # the unit column shows names
    assert len(set(re.findall(r"查询次数通知0\d", few_page))) >= 5
    assert few == two, (few, two)
